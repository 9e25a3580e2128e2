"""Fuzzing the STIX bundle intake with mutations of a foreign bundle and of our own export:
each bundle becomes a draft or is refused with its problem list, never an exception escaping
and never a partial write."""

import json

import pytest
from hypothesis import given

from shireito.core.models import AuditEvent
from shireito.core.problems import ProblemsError
from shireito.incidents import stix
from shireito.incidents.models import IncidentReport
from shireito.incidents.stix_intake import import_bundle
from shireito.sharing.tlp import TLP1_IDS
from tests.fuzzing import COUNTS, fuzz_settings, mutations, row_counts
from tests.incidents.stix_helpers import draft_with_everything
from tests.registry.conftest import systems  # noqa: F401 - one system per category

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.long,
    pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning"),
]
MODELS = (IncidentReport, AuditEvent)
BUNDLE = {
    "type": "bundle",
    "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d",
    "objects": [
        {
            "type": "incident",
            "spec_version": "2.1",
            "id": "incident--7b7c8d3c-3e0b-4f0a-9d8a-2b6d2f2f1a01",
            "created": "2026-11-01T00:00:00.000Z",
            "modified": "2026-11-01T00:00:00.000Z",
            "name": "Phishing wave",
            "description": "Seen at several ministries.",
            "object_marking_refs": [TLP1_IDS["amber"]],
        },
        {
            "type": "indicator",
            "spec_version": "2.1",
            "id": "indicator--7b7c8d3c-3e0b-4f0a-9d8a-2b6d2f2f1a02",
            "created": "2026-11-01T00:00:00.000Z",
            "modified": "2026-11-01T00:00:00.000Z",
            "pattern": "[domain-name:value = 'evil.example'] OR [ipv4-addr:value = '198.51.100.7']",
            "pattern_type": "stix",
            "valid_from": "2026-11-01T00:00:00Z",
        },
    ],
}


def _try(actor, raw: bytes) -> None:
    before = row_counts(*MODELS)
    try:
        import_bundle(actor=actor, data=raw, location="file")
    except ProblemsError as exc:
        assert exc.problems and all(p.message for p in exc.problems)
        assert row_counts(*MODELS) == before


def _fuzz(name: str, actor, bundle: dict) -> None:
    raw = json.dumps(bundle).encode()
    _try(actor, raw)  # the bundle itself imports: the harness is sound

    @fuzz_settings
    @given(mutations(raw, bundle))
    def run(data):
        COUNTS[name] += 1
        _try(actor, data)

    run()


def test_fuzz_stix_bundle(handlers):
    # given a reporter and a foreign bundle that imports
    # when mutated bundles are imported; then each is a draft or refused whole (_try)
    _fuzz("STIX bundle (foreign)", handlers["pmda-editor"], BUNDLE)


def test_fuzz_stix_bundle_of_our_export(handlers, systems):  # noqa: F811
    # given our own export of a report with every field and every kind of indicator
    bundle = stix.report_bundle(draft_with_everything(handlers, systems), sanitised=False)

    # when mutated copies are imported; then each is a draft or refused whole (_try)
    _fuzz("STIX bundle (our export)", handlers["pmda-editor"], bundle)
