"""Fuzzing the catalog importers (OSCAL catalog and profile, the Common Standards' JSON, the
CSV and XLSX authoring sheets) with mutations of real samples and of our own exports: each
input is imported or refused with the importer's problem list, never an exception escaping
and never a partial write."""

import itertools
import json

import pytest
from hypothesis import given

from shireito.core.models import AuditEvent
from shireito.standards.models import Catalog, CatalogNode
from shireito.standards.services import catalog_upload
from shireito.standards.spreadsheet import export_csv, template_csv, template_xlsx
from shireito.standards.tree import CatalogImportError
from tests.fuzzing import COUNTS, DATA, fuzz_settings, mutations, row_counts

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.long,
    pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning"),
]
MODELS = (Catalog, CatalogNode, AuditEvent)
keys = (f"fuzz-{number}" for number in itertools.count())

BASIC = (DATA / "oscal" / "basic-catalog.json").read_bytes()
PROFILE = {
    "profile": {
        "uuid": "0c3b6f0e-8d1a-4c52-9a55-3b8f2f5e1a10",
        "metadata": {
            "title": "Fuzz profile",
            "last-modified": "2026-12-01T00:00:00Z",
            "version": "1",
            "oscal-version": "1.1.2",
        },
        "imports": [{"href": "#basic", "include-controls": [{"with-ids": ["s1.1.1", "s1.1.2"]}]}],
    }
}


def _common_standards() -> list:
    """The Common Standards' first part, its first section only: real text, small enough to
    import many times."""
    parts = json.loads((DATA / "standards" / "touitsukijun_r7.json").read_bytes())
    first = dict(parts[0])
    first["sections"] = first["sections"][:1]
    return [first]


def _try(raw: bytes, fmt: str, *, against=None) -> None:
    """Import ``raw``: a refusal must be the importer's problem list and leave every row as
    it was."""
    before = row_counts(*MODELS)
    try:
        catalog_upload(actor=None, raw=raw, fmt=fmt, key=next(keys), against=against)
    except CatalogImportError as exc:
        assert exc.problems and all(p.message for p in exc.problems)
        assert row_counts(*MODELS) == before


@pytest.fixture
def basic(db):
    return catalog_upload(actor=None, raw=BASIC, fmt="oscal", key="basic").catalog


def _fuzz(name: str, sample: bytes, fmt: str, document=None, **kwargs):
    _try(sample, fmt, **kwargs)  # the sample itself imports: the harness is sound

    @fuzz_settings
    @given(mutations(sample, document))
    def run(raw):
        COUNTS[name] += 1
        _try(raw, fmt, **kwargs)

    run()


def test_fuzz_oscal_catalog(db):
    _fuzz("OSCAL catalog", BASIC, "oscal", json.loads(BASIC))


def test_fuzz_oscal_profile(basic):
    raw = json.dumps(PROFILE).encode()
    _fuzz("OSCAL profile", raw, "oscal", PROFILE, against=basic)


def test_fuzz_common_standards_json(db):
    document = _common_standards()
    raw = json.dumps(document, ensure_ascii=False).encode()
    _fuzz("Common Standards JSON", raw, "common-standards-json", document)


def test_fuzz_catalog_csv_sheet_and_our_export(basic):
    _fuzz("catalog CSV (template)", template_csv(bom=True).encode(), "csv")
    _fuzz("catalog CSV (our export)", export_csv(basic).encode(), "csv")


def test_fuzz_catalog_xlsx_sheet(db):
    _fuzz("catalog XLSX (template)", template_xlsx(), "xlsx")
