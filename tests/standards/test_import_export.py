"""Catalog imports of the real files, OSCAL round trips checked with compliance-trestle."""

import json
from pathlib import Path

import pytest
from django.utils import translation
from trestle.oscal.catalog import Catalog as TrestleCatalog

from shireito.core.models import AuditEvent
from shireito.standards.exporters import export_oscal
from shireito.standards.importers import CatalogImportError, import_catalog
from shireito.standards.models import Catalog, CatalogNode

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
COMMON = DATA / "standards" / "touitsukijun_r7.json"
NIST = DATA / "oscal" / "NIST_SP-800-53_rev5.0.1_catalog.json"


def _import(path, fmt, key):
    return import_catalog(path.read_bytes(), fmt=fmt, actor=None, key=key)


def _tree(catalog):
    """Everything that must survive a round trip, node by node in reading order."""
    nodes = list(catalog.nodes.select_related("parent").order_by("position"))
    return [
        (
            n.label,
            n.kind,
            n.is_group,
            n.title,
            n.statement,
            n.guidance,
            n.parent.label if n.parent else None,
            json.dumps(n.params, sort_keys=True),
            json.dumps(n.parts, sort_keys=True),
        )
        for n in nodes
    ]


def test_the_common_standards_file_imports_whole_with_its_nesting():
    summary = _import(COMMON, "common-standards-json", "cs")
    assert summary.entries_by_type == {"遵守事項": 611, "基本対策事項": 1172}
    nodes = CatalogNode.objects.filter(catalog=summary.catalog)
    assert nodes.filter(kind="part").count() == 7
    # the file repeats 20 entries word for word; each id is one node
    assert summary.merged_duplicates == 20
    assert nodes.exclude(kind__in=["part", "section", "subsection"]).count() == 1783 - 20
    by_label = {n.label: n for n in nodes.select_related("parent")}
    assert by_label["2.1.1(1)(a)"].parent.label == "2.1.1(1)"
    assert by_label["2.1.1(1)-1 a)"].parent.label == "2.1.1(1)-1"
    assert by_label["2.1.1(1)-1"].parent.label == "2.1.1(1)"
    assert by_label["2.1.1(1)"].parent.label == "2.1.1"
    assert by_label["2.1.1(1)(a)"].kind == "requirement"
    assert by_label["2.1.1(1)-1"].kind == "basic_measure"
    assert by_label["2.1.1(1)-1 a)"].kind == "sub_item"
    assert by_label["2.1.1(1)"].title.startswith("最高情報セキュリティ責任者")
    assert by_label["2.1.1(1)(a)"].guidance


def test_the_nist_catalog_keeps_every_group_control_part_and_parameter():
    source = json.loads(NIST.read_text())["catalog"]
    summary = _import(NIST, "oscal", "nist")
    nodes = CatalogNode.objects.filter(catalog=summary.catalog)
    assert nodes.filter(kind="group").count() == 20
    assert nodes.filter(kind="control").count() == 322
    assert nodes.filter(kind="enhancement").count() == 867

    def walk(objs):
        for obj in objs:
            yield obj
            yield from walk(obj.get("controls", []))

    everything = [*source["groups"], *(c for g in source["groups"] for c in walk(g["controls"]))]
    assert sum(len(o.get("params", [])) for o in everything) == sum(len(n.params) for n in nodes)
    assert sum(len(o.get("parts", [])) for o in everything) == sum(len(n.parts) for n in nodes)
    assert sum(len(o.get("props", [])) for o in everything) == sum(len(n.props) for n in nodes)
    assert nodes.get(oscal_id="ac-2.1").label == "AC-2(1)"


@pytest.mark.parametrize(("path", "fmt"), [(NIST, "oscal"), (COMMON, "common-standards-json")])
def test_export_loads_in_trestle_and_imports_back_to_the_same_tree(path, fmt):
    first = _import(path, fmt, "first").catalog
    document = export_oscal(first)
    TrestleCatalog.model_validate(document["catalog"])
    second = import_catalog(
        json.dumps(document).encode(), fmt="oscal", actor=None, key="second"
    ).catalog
    assert _tree(first) == _tree(second)


def test_published_ids_travel_as_labels_beside_valid_tokens():
    catalog = _import(COMMON, "common-standards-json", "cs").catalog
    document = export_oscal(catalog)
    measure = document["catalog"]["groups"][0]["groups"][0]["groups"][0]["controls"][0]
    assert measure["id"] == "cs-2.1.1_1"
    assert {"name": "label", "value": "2.1.1(1)"} in measure["props"]


MINIMAL = {
    "catalog": {
        "uuid": "8f0f5b1e-0000-4000-8000-000000000001",
        "metadata": {
            "title": "t",
            "last-modified": "2026-01-01T00:00:00Z",
            "version": "1",
            "oscal-version": "1.1.2",
        },
        "controls": [{"id": "c-1", "title": "one"}],
    }
}


@pytest.mark.parametrize(
    ("raw", "path"),
    [
        (b"{not json", "$"),
        (json.dumps({"nothing": 1}).encode(), "$"),
        (
            json.dumps(
                {
                    "catalog": {
                        **MINIMAL["catalog"],
                        "metadata": {**MINIMAL["catalog"]["metadata"], "oscal-version": "2.0.0"},
                    }
                }
            ).encode(),
            "$.catalog.metadata.oscal-version",
        ),
        # shapes OSCAL does not give, each at its path (the paths are written out only then)
        (
            json.dumps(
                {
                    "catalog": {
                        **MINIMAL["catalog"],
                        "controls": [{"id": "c-1", "title": "one", "props": {"name": "x"}}],
                    }
                }
            ).encode(),
            "$.catalog.controls[0].props",
        ),
        (
            json.dumps(
                {
                    "catalog": {
                        **MINIMAL["catalog"],
                        "groups": [{"id": "g", "title": "g", "parts": [{"prose": 5}]}],
                    }
                }
            ).encode(),
            "$.catalog.groups[0].parts[0].prose",
        ),
        # metadata that is no object (found by the importer fuzzing): a problem, not a 500
        (
            json.dumps({"catalog": {**MINIMAL["catalog"], "metadata": 1}}).encode(),
            "$.catalog.metadata.title",
        ),
        (
            json.dumps(
                {
                    "catalog": {
                        **MINIMAL["catalog"],
                        "controls": [{"id": "c-1", "title": "a"}, {"id": "c-1", "title": "b"}],
                    }
                }
            ).encode(),
            "$.catalog.controls[1].id",
        ),
        (
            json.dumps(
                {"catalog": {**MINIMAL["catalog"], "controls": [{"id": "2.1(a)", "title": "a"}]}}
            ).encode(),
            "$.catalog.controls[0].id",
        ),
    ],
)
def test_bad_files_say_where_and_write_nothing(raw, path):
    before = (Catalog.objects.count(), AuditEvent.objects.count())
    with pytest.raises(CatalogImportError) as error:
        import_catalog(raw, fmt="oscal", actor=None, key="bad")
    assert path in {p.path for p in error.value.problems}, error.value.problems
    assert (Catalog.objects.count(), AuditEvent.objects.count()) == before


def test_an_oversized_file_is_refused(monkeypatch):
    from shireito.standards import importers

    monkeypatch.setattr(importers, "MAX_BYTES", 10)
    with pytest.raises(CatalogImportError, match="MB"):
        import_catalog(json.dumps(MINIMAL).encode(), fmt="oscal", actor=None, key="big")


def test_the_command_line_imports_exports_and_lists(tmp_path):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("catalog", "import", str(NIST), "--key", "nist", stdout=out)
    assert "1209 nodes" in out.getvalue()
    target = tmp_path / "nist.json"
    call_command("catalog", "export", "nist", "-o", str(target))
    assert json.loads(target.read_text())["catalog"]["metadata"]["title"].startswith("NIST")
    listing = StringIO()
    call_command("catalog", "list", stdout=listing)
    assert "nist" in listing.getvalue()
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    with pytest.raises(SystemExit):
        call_command(
            "catalog", "import", str(bad), "--key", "x", stdout=StringIO(), stderr=StringIO()
        )


def _problems(raw: bytes, language: str) -> list[str]:
    with translation.override(language), pytest.raises(CatalogImportError) as error:
        import_catalog(raw, fmt="oscal", actor=None, key="bad")
    return [p.message for p in error.value.problems]


def test_a_file_that_is_not_json_is_told_in_the_readers_language():
    # given a file that is not JSON, and one that is not UTF-8
    empty, shift_jis = b"", '{"catalog": "統一基準"}'.encode("cp932")

    # then each reader is told in their language, with the line, never in Python's words
    assert _problems(empty, "ja") == [
        "ファイルはJSONとして読めません（1行目、1文字目）：値がありません。"
    ]
    assert _problems(empty, "en") == [
        "The file is not valid JSON at line 1, column 1: a value is missing."
    ]
    assert "1行目" in _problems(shift_jis, "ja")[0] and "UTF-8" in _problems(shift_jis, "ja")[0]
    assert _problems(shift_jis, "en")[0].startswith("The file is not UTF-8 text: line 1")
    for message in _problems(empty, "en") + _problems(shift_jis, "en"):
        assert "Expecting" not in message and "codec" not in message


def test_a_missing_oscal_version_is_asked_for_not_shown_as_a_question_mark():
    # given a catalog that does not say its OSCAL version, and one of a version we do not read
    metadata = {k: v for k, v in MINIMAL["catalog"]["metadata"].items() if k != "oscal-version"}
    missing = json.dumps({"catalog": {**MINIMAL["catalog"], "metadata": metadata}}).encode()
    future = json.dumps(
        {"catalog": {**MINIMAL["catalog"], "metadata": {**metadata, "oscal-version": "2.0.0"}}}
    ).encode()

    # then the first is asked for and the second named, in both languages
    assert "文書のOSCALバージョン（1.0.x または 1.1.x）を指定してください。" in _problems(
        missing, "ja"
    )
    assert "Give the OSCAL version of the document (1.0.x or 1.1.x)." in _problems(missing, "en")
    assert "OSCALバージョン 2.0.0 には対応していません（1.0.x と 1.1.x に対応）。" in _problems(
        future, "ja"
    )
    assert not any("?" in message for message in _problems(missing, "ja"))
