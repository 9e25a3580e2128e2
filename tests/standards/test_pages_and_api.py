"""Catalog pages and API: browse level by level, search Japanese text, a control's source
chain, the comparison of two editions, and the OSCAL download."""

import csv
import io
import json
from pathlib import Path

import pytest

from shireito.standards.importers import import_catalog
from shireito.standards.profiles import resolve_profile

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
COMMON = DATA / "standards" / "touitsukijun_r7.json"
NIST = DATA / "oscal" / "NIST_SP-800-53_rev5.0.1_catalog.json"
LOW = DATA / "oscal" / "NIST_SP-800-53_rev5_LOW-baseline_profile.json"


@pytest.fixture
def catalogs():
    nist = import_catalog(NIST.read_bytes(), fmt="oscal", actor=None, key="nist").catalog
    low = resolve_profile(LOW.read_bytes(), actor=None, key="low", catalog=nist).catalog
    common = import_catalog(
        COMMON.read_bytes(), fmt="common-standards-json", actor=None, key="cs"
    ).catalog
    return {"nist": nist, "low": low, "cs": common}


def test_the_list_and_a_catalog_browse_one_level_at_a_time(client, viewer, catalogs):
    client.force_login(viewer)
    listing = client.get("/standards/").content.decode()
    assert "/standards/low/" in listing and "1209" in listing
    page = client.get("/standards/cs/").content.decode()
    # the seven parts, not the 1,853 nodes
    assert page.count('href="/standards/cs/controls/') == 7
    part = catalogs["cs"].nodes.get(label="2")
    below = client.get(f"/standards/cs/controls/{part.oscal_id}/").content.decode()
    assert part.children.count() == below.count('href="/standards/cs/controls/')
    assert "/standards/cs/" in below  # breadcrumb back to the catalog


def test_search_finds_japanese_text_and_published_ids(client, viewer, catalogs):
    client.force_login(viewer)
    html = client.get("/standards/cs/", {"search": "最高情報セキュリティ責任者"}).content.decode()
    assert "2.1.1(1)" in html
    by_id = client.get("/standards/cs/", {"search": "2.1.1(1)-1 a)"}).content.decode()
    assert "2.1.1(1)-1 a)" in by_id
    partial = client.get(
        "/standards/cs/", {"search": "2.1.1"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in partial and "2.1.1(1)" in partial


def test_a_derived_control_shows_its_source_and_the_source_its_copies(client, viewer, catalogs):
    client.force_login(viewer)
    derived = client.get("/standards/low/controls/ac-2/").content.decode()
    assert 'href="/standards/nist/controls/ac-2/"' in derived
    source = client.get("/standards/nist/controls/ac-2/").content.decode()
    assert 'href="/standards/low/controls/ac-2/"' in source
    assert "ac-2_prm_1" in source  # parameters listed
    # NIST's English text is marked as English inside the Japanese page (WCAG 3.1.2)
    assert '<p class="prose" lang="en">' in source
    common = client.get("/standards/cs/").content.decode()
    assert 'lang="ja">' in common


def test_the_comparison_page_lists_what_was_added_removed_and_changed(client, viewer, catalogs):
    later = json.loads(NIST.read_text())
    controls = later["catalog"]["groups"][0]["controls"]
    controls[0]["title"] = "Policy and Procedures, revised"
    removed = controls.pop(1)["id"]
    import_catalog(json.dumps(later).encode(), fmt="oscal", actor=None, key="nist-next")
    client.force_login(viewer)
    html = client.get("/standards/compare/", {"old": "nist", "new": "nist-next"}).content.decode()
    assert '<del lang="en">Policy and Procedures</del>' in html
    assert '<ins lang="en">Policy and Procedures, revised</ins>' in html
    assert f'href="/standards/nist/controls/{removed}/"' in html
    error = client.get("/standards/compare/", {"old": "nist", "new": "nope"}).content.decode()
    assert 'aria-invalid="true"' in error


def test_the_oscal_download_is_the_export(client, viewer, catalogs):
    client.force_login(viewer)
    response = client.get("/standards/low/oscal.json")
    assert response["Content-Disposition"].endswith('low.oscal.json"')
    assert json.loads(response.content)["catalog"]["metadata"]["title"]
    sheet = client.get("/standards/low/catalog.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(sheet)))
    assert rows[0] == ["id", "parent", "kind", "title", "statement", "guidance"]
    assert len(rows) == catalogs["low"].nodes.count() + 1


def test_unknown_catalogs_and_controls_are_not_found(client, viewer, catalogs):
    client.force_login(viewer)
    assert client.get("/standards/none/").status_code == 404
    assert client.get("/standards/nist/controls/zz-1/").status_code == 404


def test_the_api_lists_browses_searches_compares_and_exports(api, viewer, catalogs):
    listing = api(viewer, "get", "/api/v1/standards/catalogs").json()
    low = next(c for c in listing["items"] if c["key"] == "low")
    assert low["derived_from"] == ["nist"] and low["nodes"] > 149
    top = api(viewer, "get", "/api/v1/standards/catalogs/nist/nodes", parent="").json()
    assert top["count"] == 20
    node = api(viewer, "get", "/api/v1/standards/catalogs/low/nodes/ac-2").json()
    assert node["source"] == {"catalog": "nist", "oscal_id": "ac-2", "label": "AC-2"}
    found = api(
        viewer, "get", "/api/v1/standards/catalogs/cs/nodes", search="最高情報セキュリティ責任者"
    )
    assert any(n["label"] == "2.1.1(1)" for n in found.json()["items"])
    diff = api(viewer, "get", "/api/v1/standards/catalogs/compare", old="nist", new="low").json()
    assert len(diff["removed"]) == 1209 - catalogs["low"].nodes.count()
    bad = api(viewer, "get", "/api/v1/standards/catalogs/compare", old="nist", new="nope")
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["new"]
    unknown_parent = api(viewer, "get", "/api/v1/standards/catalogs/nist/nodes", parent="zz")
    assert unknown_parent.status_code == 422
    oscal = api(viewer, "get", "/api/v1/standards/catalogs/low/oscal").json()
    assert oscal["catalog"]["uuid"]
    assert api(viewer, "get", "/api/v1/standards/catalogs/none").status_code == 404
