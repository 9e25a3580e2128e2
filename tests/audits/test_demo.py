"""The demo's audits: the whole cycle in every status, written through the services, seen by
the demo users who are parties to them, and loaded twice without a duplicate."""

import pytest
from django.db.models import F
from django.utils import timezone

from shireito.accounts.models import User
from shireito.audits import evidence as evidence_service
from shireito.audits import selectors
from shireito.audits.models import (
    Audit,
    ControlResult,
    CorrectiveAction,
    Evidence,
    EvidenceRevision,
    Finding,
    Milestone,
)
from shireito.core.models import AuditEvent
from shireito.demo.dataset import load_demo_data
from tests.kit.demo import loaded_once

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo loaded once for the module, rolled back at its end (``tests.kit.demo``);
    each test starts from it as loaded, its own writes rolled back after it."""
    with loaded_once(
        django_db_blocker, tmp_path_factory.mktemp("media"), plan=False, cocreation=False
    ):
        yield


@pytest.fixture
def demo(demo_loaded, demo_mode):
    return {u.username: u for u in User.objects.all()}


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Audit,
            ControlResult,
            Finding,
            CorrectiveAction,
            Milestone,
            Evidence,
            EvidenceRevision,
        )
    }


def test_the_demo_has_an_audit_in_every_status_and_loads_twice_without_duplicates(demo):
    # given the demo loaded once
    statuses = set(Audit.objects.values_list("status", flat=True))
    assert statuses == {"planned", "fieldwork", "reporting", "closed"}
    before = counts()
    audit_events = AuditEvent.objects.filter(object_type__startswith="audits.").count()
    # when it is loaded again
    load_demo_data(plan=False, cocreation=False)
    # then nothing is added
    assert counts() == before
    assert AuditEvent.objects.filter(object_type__startswith="audits.").count() == audit_events
    assert before["Audit"] == 7 and before["Evidence"] == 3


def test_the_closed_audit_has_findings_plans_and_a_verified_and_an_overdue_action(demo):
    closed = Audit.objects.get(status="closed")
    assert closed.auditor.code == "nisc" and closed.auditee.code == "mhlw"
    assert closed.closed_on and closed.conclusion
    assert not closed.results.filter(status="not_assessed").exists()
    findings = list(closed.findings.order_by("number"))
    assert {f.severity for f in findings} == {"high", "medium", "low"}
    assert {f.grade for f in findings} == {"major", "minor", "observation"}
    actions = CorrectiveAction.objects.filter(finding__audit=closed)
    assert all(action.milestones.exists() for action in actions)
    verified = actions.get(status="closed")
    assert verified.verified_on and verified.verified_by.username == "nisc-auditor"
    assert verified.finding.status == "closed"
    today = timezone.localdate()
    overdue = list(selectors.overdue_actions(user=demo["mhlw-officer"], today=today))
    assert [a.finding.audit for a in overdue] == [closed]
    assert overdue[0].milestones.filter(done_on__isnull=False).exists()
    # some claims differ from the auditors' results
    assert closed.results.exclude(claimed=F("status")).count() >= 3


def test_next_cycle_shows_last_years_result(demo):
    closed = Audit.objects.get(status="closed")
    following = closed.next_cycles.get()
    assert following.status == "planned" and following.fiscal_year == closed.fiscal_year + 1
    last = dict(closed.results.values_list("control__label", "status"))
    now = dict(following.results.values_list("control__label", "previous_status"))
    assert now == last
    assert "not_satisfied" in now.values()


def test_entrusted_service_assurance_and_self_assessments(demo):
    entrusted = Audit.objects.get(kind="entrusted_security_audit")
    assert (entrusted.auditor.code, entrusted.entrusting.code, entrusted.auditee.code) == (
        "ipa",
        "nisc",
        "pmda",
    )
    assurance = Audit.objects.get(kind="service_assurance")
    assert assurance.auditor.code == "digital-agency"
    assert assurance.scope_items.get().system.builder.code == "digital-agency"
    assert assurance.baseline.key == "demo-da-development-policy"
    assert assurance.status == "reporting" and assurance.findings.filter(status="open").exists()
    own = Audit.objects.filter(kind="self_assessment")
    assert {a.auditee.code for a in own} == {"meti", "tokyo"}
    assert all(a.auditor_id == a.auditee_id for a in own)
    # results are mostly filled where the work is under way, with claims beside them
    for audit in Audit.objects.filter(status__in=["fieldwork", "reporting"]):
        summary = selectors.result_summary(audit)
        assert summary.assessed >= summary.count // 3, audit.number
        assert audit.results.exclude(claimed="not_assessed").exists(), audit.number


def test_evidence_files_are_stored_and_readable(demo):
    revisions = list(EvidenceRevision.objects.select_related("evidence"))
    assert {r.content_type.split(";")[0] for r in revisions} == {"text/plain", "application/pdf"}
    for revision in revisions:
        with evidence_service.open_blob(revision) as stored:
            data = stored.read()
        assert len(data) == revision.size
    pdf = next(r for r in revisions if r.filename.endswith(".pdf"))
    with evidence_service.open_blob(pdf) as stored:
        data = stored.read()
    assert data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF")
    assert pdf.evidence.finding is not None


@pytest.mark.parametrize(
    ("username", "visible"),
    [
        ("nisc-auditor", {"closed", "planned", "fieldwork"}),
        ("ipa-auditor", {"fieldwork"}),
        ("pmda-officer", {"fieldwork"}),
        ("mhlw-officer", {"closed", "planned", "reporting"}),
        ("da-officer", {"fieldwork", "reporting"}),
        ("uk-ncsc-liaison", set()),
    ],
)
def test_demo_users_see_the_audits_they_are_parties_to(demo, username, visible):
    audits = selectors.audit_list(user=demo[username])
    assert {a.status for a in audits} == visible


def test_self_assessments_are_seen_by_their_own_organisation(demo):
    own = selectors.audit_list(user=demo["meti-officer"], self_assessment=True)
    assert [a.auditee.code for a in own] == ["meti"]
    assert not selectors.audit_list(user=demo["nisc-auditor"], self_assessment=True).exists()
