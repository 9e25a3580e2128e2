"""Mappings between catalogs: CSV import all or nothing with row problems, export that imports
back, and coverage of the target read through the mapping; page and API."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shireito.standards.importers import CatalogImportError, import_catalog
from shireito.standards.mappings import coverage, mapping_export_csv, mapping_import
from shireito.standards.models import CatalogMapping, MappingEntry
from shireito.standards.spreadsheet import template_csv
from tests.factories import make_user

pytestmark = pytest.mark.django_db

TARGET = (
    "id,parent,kind,title,statement,guidance\n"
    "A,,group,Group,,\n"
    "A-1,A,control,One,s,\n"
    "A-2,A,control,Two,s,\n"
    "A-3,A,control,Three,s,\n"
)
GOOD = (
    "source_id,target_id,relationship,note\n"
    "1.1.1(1)(a),A-1,equal,同じ趣旨\n"
    "1.1.1(1)-1,A-2,intersects,\n"
    "1.1.1(1)-1,A-3,no-relationship,\n"
)


@pytest.fixture
def pair():
    source = import_catalog(template_csv().encode(), fmt="csv", actor=None, key="src").catalog
    target = import_catalog(TARGET.encode(), fmt="csv", actor=None, key="tgt").catalog
    return source, target


def test_a_mapping_imports_reads_as_coverage_and_exports_back(pair):
    source, target = pair
    mapping = mapping_import(
        actor=None, raw=GOOD.encode(), key="m", title="", source=source, target=target
    )
    assert mapping.entries.count() == 3
    states = {row.target.label: row.state for row in coverage(mapping)}
    assert states == {"A-1": "covered", "A-2": "partial", "A-3": "none"}
    again = mapping_import(
        actor=None,
        raw=mapping_export_csv(mapping).encode(),
        key="m2",
        title="",
        source=source,
        target=target,
    )
    pairs = lambda m: sorted(  # noqa: E731
        (e.source.label, e.target.label, e.relationship, e.note) for e in m.entries.all()
    )
    assert pairs(again) == pairs(mapping)


@pytest.mark.parametrize(
    "row,where",
    [
        ("9.9,A-1,equal,", "row 2, source_id"),
        ("1.1.1(1)(a),Z-9,equal,", "row 2, target_id"),
        ("1.1.1(1)(a),A-1,same,", "row 2, relationship"),
        ("1.1,A-1,equal,", "row 2, source_id"),  # a heading is not a control
    ],
)
def test_bad_rows_are_named_and_nothing_is_written(pair, row, where):
    source, target = pair
    raw = f"source_id,target_id,relationship,note\n{row}\n".encode()
    with pytest.raises(CatalogImportError) as caught:
        mapping_import(actor=None, raw=raw, key="m", title="", source=source, target=target)
    assert where in [p.path for p in caught.value.problems]
    assert not CatalogMapping.objects.exists() and not MappingEntry.objects.exists()


def test_a_pair_mapped_twice_is_refused(pair):
    source, target = pair
    raw = GOOD + "1.1.1(1)(a),A-1,subset,\n"
    with pytest.raises(CatalogImportError) as caught:
        mapping_import(
            actor=None, raw=raw.encode(), key="m", title="", source=source, target=target
        )
    assert [p.path for p in caught.value.problems] == ["row 5"]


def test_pages_and_api(client, api, organization, viewer, pair):
    editor = make_user(organization=organization, roles=["editor"], username="editor")
    client.force_login(editor)
    response = client.post(
        "/standards/mappings/import/",
        {
            "file": SimpleUploadedFile("m.csv", GOOD.encode(), "text/csv"),
            "key": "src-tgt",
            "source": "src",
            "target": "tgt",
        },
    )
    assert response.status_code == 302
    assert CatalogMapping.objects.get(key="src-tgt").owner == organization
    client.force_login(viewer)
    html = client.get("/standards/mappings/src-tgt/").content.decode()
    assert 'href="/standards/tgt/controls/A-1/"' in html
    assert "/standards/mappings/src-tgt/" in client.get("/standards/tgt/").content.decode()
    assert client.get("/standards/mappings/import/").status_code == 403
    listing = api(viewer, "get", "/api/v1/standards/mappings").json()
    assert listing["items"][0]["entries"] == 3
    cover = api(viewer, "get", "/api/v1/standards/mappings/src-tgt/coverage").json()
    assert {r["label"]: r["state"] for r in cover["items"]}["A-1"] == "covered"
    csv_text = api(viewer, "get", "/api/v1/standards/mappings/src-tgt/csv").content.decode(
        "utf-8-sig"
    )
    assert csv_text.startswith("source_id,target_id,relationship,note")
    bad = SimpleUploadedFile("m.csv", b"source_id,target_id,relationship\n9,A-1,equal\n", "t/c")
    from shireito.accounts.services import api_token_create

    _token, secret = api_token_create(actor=None, user=editor, name="t")
    answer = client.post(
        "/api/v1/standards/mappings",
        {"file": bad, "key": "x", "source": "src", "target": "tgt"},
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["path"] == "row 2, source_id"


def test_the_command_line_imports_a_mapping(pair, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    path = tmp_path / "m.csv"
    path.write_text(GOOD, encoding="utf-8")
    out = StringIO()
    call_command(
        "catalog",
        "map",
        str(path),
        "--source",
        "src",
        "--target",
        "tgt",
        "--key",
        "m",
        stdout=out,
    )
    assert "3 entries" in out.getvalue()


@pytest.mark.parametrize(
    "raw",
    [b'source_id,target_id,relationship\n"' + b"x" * 200_000 + b'",A-1,equal\n', b"\xff\xfe"],
)
def test_unreadable_mapping_files_are_refused(pair, raw):
    source, target = pair
    with pytest.raises(CatalogImportError) as caught:
        mapping_import(actor=None, raw=raw, key="m", title="", source=source, target=target)
    assert [p.path for p in caught.value.problems] == ["$"]


def test_an_editor_may_not_import_a_mapping_for_another_organization(
    client, organization, other_organization, pair
):
    editor = make_user(organization=organization, roles=["editor"], username="editor")
    client.force_login(editor)
    response = client.post(
        "/standards/mappings/import/",
        {
            "file": SimpleUploadedFile("m.csv", GOOD.encode(), "text/csv"),
            "key": "m",
            "source": "src",
            "target": "tgt",
            "owner": other_organization.pk,
        },
    )
    assert 'href="#id_owner"' in response.content.decode()
    assert not CatalogMapping.objects.exists()


def test_an_oversized_upload_is_refused_before_it_is_read(client, organization, pair, monkeypatch):
    from shireito.standards import importers

    monkeypatch.setattr(importers, "MAX_BYTES", 10)
    editor = make_user(organization=organization, roles=["editor"], username="editor")
    client.force_login(editor)
    html = client.post(
        "/standards/mappings/import/",
        {
            "file": SimpleUploadedFile("m.csv", GOOD.encode(), "text/csv"),
            "key": "m",
            "source": "src",
            "target": "tgt",
        },
    ).content.decode()
    assert "<code>$</code>" in html
    assert not CatalogMapping.objects.exists()
