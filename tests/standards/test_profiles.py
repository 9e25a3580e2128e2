"""OSCAL profile resolution against the real NIST baselines; the resolved catalogs are checked
with compliance-trestle, not with our own idea of OSCAL."""

import json
from pathlib import Path

import pytest
from trestle.oscal.catalog import Catalog as TrestleCatalog

from shireito.standards.exporters import export_oscal
from shireito.standards.importers import CatalogImportError, import_catalog
from shireito.standards.models import Catalog, CatalogNode
from shireito.standards.profiles import resolve_profile

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "oscal"
NIST = DATA / "NIST_SP-800-53_rev5.0.1_catalog.json"


def _baseline(name):
    return DATA / f"NIST_SP-800-53_rev5_{name}-baseline_profile.json"


@pytest.fixture
def nist():
    # the profiles name the catalog by another file name, so it is given explicitly
    return import_catalog(NIST.read_bytes(), fmt="oscal", actor=None, key="sp800-53").catalog


def _selected_ids(name):
    profile = json.loads(_baseline(name).read_text())["profile"]
    return {
        control_id
        for entry in profile["imports"]
        for rule in entry.get("include-controls", [])
        for control_id in rule.get("with-ids", [])
    }


@pytest.mark.parametrize(
    "name,count", [("LOW", 149), ("MODERATE", 287), ("HIGH", 370), ("PRIVACY", 96)]
)
def test_each_baseline_resolves_to_exactly_the_controls_it_selects(nist, name, count):
    summary = resolve_profile(
        _baseline(name).read_bytes(), actor=None, key=name.lower(), catalog=nist
    )
    resolved = summary.catalog
    assert summary.controls == count
    controls = CatalogNode.objects.filter(catalog=resolved, is_group=False)
    assert set(controls.values_list("oscal_id", flat=True)) == _selected_ids(name)
    assert list(resolved.derived_from.all()) == [nist]
    # every copy points at the control it comes from, in the catalog it comes from
    assert not controls.filter(source__isnull=True).exists()
    assert not controls.exclude(source__catalog=nist).exists()
    # and sits under a family group, or under its own parent control when that is selected too
    for node in controls.select_related("parent", "source__parent"):
        assert node.parent is not None
        if node.source.parent.is_group:
            assert node.parent.oscal_id == node.source.parent.oscal_id


def test_enhancements_whose_control_is_left_out_move_up_to_the_family():
    catalog = import_catalog(NIST.read_bytes(), fmt="oscal", actor=None, key="c").catalog
    raw = json.dumps(_profile([{"with-ids": ["ac-2.1"]}])).encode()
    resolved = resolve_profile(raw, actor=None, key="p", catalog=catalog).catalog
    node = resolved.nodes.get(oscal_id="ac-2.1")
    assert node.parent.oscal_id == "ac" and node.parent.is_group
    assert node.depth == 1
    assert not resolved.nodes.filter(oscal_id="ac-2").exists()


def test_child_controls_follow_when_asked_and_exclusions_win(nist):
    raw = json.dumps(
        _profile(
            [{"with-ids": ["ac-2"], "with-child-controls": "yes"}],
            exclude=[{"with-ids": ["ac-2.3"]}],
        )
    ).encode()
    resolved = resolve_profile(raw, actor=None, key="p", catalog=nist).catalog
    ids = set(resolved.nodes.filter(is_group=False).values_list("oscal_id", flat=True))
    expected = set(
        nist.nodes.filter(oscal_id__startswith="ac-2.").values_list("oscal_id", flat=True)
    )
    assert ids == ({"ac-2"} | expected) - {"ac-2.3"}
    assert resolved.nodes.get(oscal_id="ac-2.1").parent.oscal_id == "ac-2"


def test_parameter_settings_and_added_parts_are_applied_to_the_copy_only(nist):
    raw = json.dumps(
        _profile(
            [{"with-ids": ["ac-1"]}],
            modify={
                "set-parameters": [{"param-id": "ac-1_prm_5", "values": ["annually"]}],
                "alters": [
                    {
                        "control-id": "ac-1",
                        "adds": [
                            {
                                "position": "ending",
                                "parts": [
                                    {
                                        "id": "ac-1_jp",
                                        "name": "guidance",
                                        "prose": "府省庁の規程で定める。",
                                    }
                                ],
                            }
                        ],
                    }
                ],
            },
        )
    ).encode()
    resolved = resolve_profile(raw, actor=None, key="p", catalog=nist).catalog
    copy = resolved.nodes.get(oscal_id="ac-1")
    param = next(p for p in copy.params if p["id"] == "ac-1_prm_5")
    assert param["values"] == ["annually"]
    assert copy.parts[-1]["prose"] == "府省庁の規程で定める。"
    original = nist.nodes.get(oscal_id="ac-1")
    assert "values" not in next(p for p in original.params if p["id"] == "ac-1_prm_5")
    assert all(p.get("id") != "ac-1_jp" for p in original.parts)


def test_a_resolved_baseline_exports_as_a_catalog_trestle_accepts(nist):
    resolved = resolve_profile(
        _baseline("LOW").read_bytes(), actor=None, key="low", catalog=nist
    ).catalog
    document = export_oscal(resolved)
    parsed = TrestleCatalog.parse_obj(document["catalog"])
    controls = [
        c
        for group in parsed.groups or []
        for top in group.controls or []
        for c in [top, *(top.controls or [])]
    ]
    assert len(controls) == 149


@pytest.mark.parametrize(
    "selection,modify,path",
    [
        (
            [{"with-ids": ["ac-2", "zz-99"]}],
            {},
            "$.profile.imports[0].include-controls[0].with-ids[1]",
        ),
        (
            [{"with-ids": ["ac-1"]}],
            {"alters": [{"control-id": "ac-2"}]},
            "$.profile.modify.alters[0].control-id",
        ),
    ],
)
def test_a_bad_profile_says_where_and_writes_nothing(nist, selection, modify, path):
    before = Catalog.objects.count(), CatalogNode.objects.count()
    raw = json.dumps(_profile(selection, modify=modify)).encode()
    with pytest.raises(CatalogImportError) as caught:
        resolve_profile(raw, actor=None, key="p", catalog=nist)
    assert path in [p.path for p in caught.value.problems]
    assert (Catalog.objects.count(), CatalogNode.objects.count()) == before


def test_an_import_no_catalog_answers_is_named():
    raw = json.dumps(_profile([{"with-ids": ["ac-1"]}])).encode()
    with pytest.raises(CatalogImportError) as caught:
        resolve_profile(raw, actor=None, key="p")
    assert [p.path for p in caught.value.problems] == ["$.profile.imports[0].href"]


def test_the_back_matter_link_finds_a_catalog_by_its_file_name(tmp_path):
    held = import_catalog(
        NIST.read_bytes(), fmt="oscal", actor=None, key="c", source_name="catalog.json"
    ).catalog
    document = _profile([{"with-ids": ["ac-1"]}])
    document["profile"]["imports"][0]["href"] = "#res"
    document["profile"]["back-matter"] = {
        "resources": [{"uuid": "res", "rlinks": [{"href": "../catalogs/catalog.json"}]}]
    }
    resolved = resolve_profile(json.dumps(document).encode(), actor=None, key="p").catalog
    assert list(resolved.derived_from.all()) == [held]


def _profile(include, exclude=None, modify=None):
    entry = {"href": "catalog.json", "include-controls": include}
    if exclude:
        entry["exclude-controls"] = exclude
    profile = {
        "uuid": "6f1d3c1e-1111-4a8e-9a5e-3a3c6f7c1d01",
        "metadata": {
            "title": "テスト用プロファイル",
            "last-modified": "2026-11-26T00:00:00+00:00",
            "version": "1",
            "oscal-version": "1.1.2",
        },
        "imports": [entry],
    }
    if modify:
        profile["modify"] = modify
    return {"profile": profile}


def test_the_command_line_resolves_a_profile_against_a_named_catalog():
    from io import StringIO

    from django.core.management import call_command

    call_command("catalog", "import", str(NIST), "--key", "nist", stdout=StringIO())
    out = StringIO()
    call_command(
        "catalog",
        "import",
        str(_baseline("MODERATE")),
        "--key",
        "moderate",
        "--catalog",
        "nist",
        stdout=out,
    )
    assert "287 controls" in out.getvalue()
    assert Catalog.objects.get(key="moderate").derived_from.get().key == "nist"


def test_the_profile_exports_as_imported_and_loads_in_trestle(nist, client, viewer, api):
    from trestle.oscal.profile import Profile as TrestleProfile

    resolve_profile(_baseline("LOW").read_bytes(), actor=None, key="low", catalog=nist)
    client.force_login(viewer)
    page = client.get("/standards/low/profile.json")
    document = json.loads(page.content)
    assert document == json.loads(_baseline("LOW").read_text())
    TrestleProfile.parse_obj(document["profile"])
    assert api(viewer, "get", "/api/v1/standards/catalogs/low/profile").json() == document
    assert client.get("/standards/sp800-53/profile.json").status_code == 404


def _with(document, **profile_fields):
    document["profile"].update(profile_fields)
    return json.dumps(document).encode()


@pytest.mark.parametrize(
    "fields,path",
    [
        ({"imports": {"href": "x"}}, "$.profile.imports"),
        ({"imports": ["x"]}, "$.profile.imports"),
        ({"imports": [{"href": ["x"]}]}, "$.profile.imports[0].href"),
        (
            {"imports": [{"href": "x", "include-controls": ["ac-1"]}]},
            "$.profile.imports[0].include-controls",
        ),
        (
            {"imports": [{"href": "x", "include-controls": [{"with-ids": "ac-1"}]}]},
            "$.profile.imports[0].include-controls[0].with-ids",
        ),
        (
            {"imports": [{"href": "x", "include-controls": [{"matching": [{"pattern": "a*"}]}]}]},
            "$.profile.imports[0].include-controls[0].matching",
        ),
        ({"modify": []}, "$.profile.modify"),
        ({"modify": {"alters": {"control-id": "ac-1"}}}, "$.profile.modify.alters"),
        ({"modify": {"set-parameters": ["x"]}}, "$.profile.modify.set-parameters"),
        (
            {"modify": {"set-parameters": [{"param-id": "ac-1_prm_1", "values": [1]}]}},
            "$.profile.modify.set-parameters[0].values",
        ),
        (
            {"modify": {"alters": [{"control-id": "ac-1", "removes": [{"by-name": "x"}]}]}},
            "$.profile.modify.alters[0].removes",
        ),
        (
            {"modify": {"alters": [{"control-id": "ac-1", "adds": [{"position": "after"}]}]}},
            "$.profile.modify.alters[0].adds[0].position",
        ),
        ({"metadata": []}, "$.profile.metadata"),
        ({"metadata": {"title": "x" * 301, "oscal-version": "1.1.2"}}, "$.profile.metadata.title"),
        ({"uuid": "zz"}, "$.profile.uuid"),
        ({"back-matter": []}, "$.profile.back-matter"),
        ({"imports": [{"href": "x", "include-controls": [{"with-ids": []}]}]}, "$.profile.imports"),
        (
            {"modify": {"set-parameters": [{"param-id": "nope", "values": ["x"]}]}},
            "$.profile.modify.set-parameters[0].param-id",
        ),
        ({"metadata": {"title": "\ud800", "oscal-version": "1.1.2"}}, "$.profile.metadata.title"),
    ],
)
def test_a_profile_of_the_wrong_shape_is_answered_by_path(nist, fields, path):
    before = Catalog.objects.count(), CatalogNode.objects.count()
    raw = _with(_profile([{"with-ids": ["ac-1"]}]), **fields)
    with pytest.raises(CatalogImportError) as caught:
        resolve_profile(raw, actor=None, key="p", catalog=nist)
    assert path in [p.path for p in caught.value.problems]
    assert (Catalog.objects.count(), CatalogNode.objects.count()) == before


def test_every_alteration_of_a_control_is_applied(nist):
    adds = [
        {"control-id": "ac-1", "adds": [{"parts": [{"name": "guidance", "prose": text}]}]}
        for text in ("一つ目", "二つ目")
    ]
    raw = json.dumps(_profile([{"with-ids": ["ac-1"]}], modify={"alters": adds})).encode()
    copy = resolve_profile(raw, actor=None, key="p", catalog=nist).catalog.nodes.get(
        oscal_id="ac-1"
    )
    assert copy.guidance.endswith("一つ目\n\n二つ目")


def test_a_profile_upload_keeps_the_edition_and_file_name_given(nist):
    from shireito.standards.services import catalog_upload

    upload = catalog_upload(
        actor=None,
        raw=_baseline("LOW").read_bytes(),
        fmt="oscal",
        key="low",
        edition="R7",
        source_name="low.json",
        against=nist,
    )
    assert upload.catalog.edition == "R7" and upload.catalog.source_name == "low.json"


def test_a_catalog_that_mentions_profile_in_its_metadata_stays_a_catalog():
    from shireito.standards.services import catalog_upload

    document = json.loads(NIST.read_text())
    document["catalog"]["metadata"].setdefault("props", []).insert(
        0, {"name": "profile", "value": "none"}
    )
    upload = catalog_upload(actor=None, raw=json.dumps(document).encode(), fmt="oscal", key="nist")
    assert not upload.is_profile and upload.nodes == 1209
