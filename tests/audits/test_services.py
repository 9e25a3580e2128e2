"""The audit services: mandates per audit kind and 論点 setting, the cycle, results, findings,
corrective actions and evidence, with the audit trail and scoping."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from shireito.audits import evidence as evidence_service
from shireito.audits import selectors, services
from shireito.audits.models import Audit, ControlResult, EvidenceRevision
from shireito.core.models import AuditEvent
from shireito.organizations.models import GovernanceSettings
from tests.factories import pdf_bytes

PERIOD = {
    "fiscal_year": 2026,
    "period_start": dt.date(2026, 6, 1),
    "period_end": dt.date(2026, 12, 1),
}


def test_security_audit_creates_scope_stages_and_one_result_per_control(audit, people):
    assert audit.number == "A2026-0001"
    assert audit.mandate_key == "government-security-audit"
    assert "audits" in audit.mandate_rule
    assert audit.results.count() == 5  # five measures; groups are not assessed
    assert [s.stage for s in audit.stages.all()] == [
        "scope",
        "self_assessment",
        "review",
        "report",
        "improvement",
    ]
    owners = {s.stage: s.owner.code for s in audit.stages.all()}
    assert owners["self_assessment"] == "mhlw" and owners["review"] == "nisc"
    assert (
        AuditEvent.objects.filter(object_type="audits.audit", object_id=str(audit.pk)).count() >= 2
    )


def test_audit_no_mandate_allows_is_refused_with_the_rule(government, systems, baseline, people):
    with pytest.raises(ValidationError) as caught:
        services.audit_create(
            actor=people["mic-auditor"],
            kind="security_audit",
            auditee=government["mhlw"],
            systems=[systems["mhlw-app"]],
            baseline=baseline,
            **PERIOD,
        )
    message = " ".join(caught.value.message_dict["systems"])
    assert "mhlw-app" in message and "監査できる監査権限はありません" in message
    assert not Audit.objects.exists()


def test_entrusted_audit_planned_by_the_centre_is_carried_out_by_ipa(
    government, systems, baseline, people
):
    audit = services.audit_create(
        actor=people["nisc-auditor"],
        kind="entrusted_security_audit",
        auditee=government["pmda"],
        systems=[systems["pmda-app"]],
        baseline=baseline,
        **PERIOD,
    )
    assert audit.auditor.code == "ipa" and audit.entrusting.code == "nisc"
    # IPA plans one itself: the entrusting body is named all the same.
    second = services.audit_create(
        actor=people["ipa-auditor"],
        kind="entrusted_security_audit",
        auditee=government["pmda"],
        systems=[systems["pmda-app"]],
        baseline=baseline,
        **PERIOD,
    )
    assert second.auditor.code == "ipa" and second.entrusting.code == "nisc"
    # All three parties see it; the auditee's ministry-level peers do not.
    for name in ("nisc-auditor", "ipa-auditor", "pmda-editor"):
        assert selectors.audit_get(user=people[name], number=audit.number)
    assert selectors.audit_get(user=people["mhlw-editor"], number=audit.number) is None


def test_ipa_may_not_audit_a_ministry(government, systems, baseline, people):
    with pytest.raises(ValidationError):
        services.audit_create(
            actor=people["ipa-auditor"],
            kind="security_audit",
            auditee=government["mhlw"],
            systems=[systems["mhlw-app"]],
            baseline=baseline,
            **PERIOD,
        )


def test_service_assurance_covers_what_the_digital_agency_builds(
    government, systems, baseline, people
):
    audit = services.audit_create(
        actor=people["da-auditor"],
        kind="service_assurance",
        auditee=government["mhlw"],
        systems=[systems["joint"]],
        baseline=baseline,
        **PERIOD,
    )
    assert audit.mandate_key == "service-assurance"
    with pytest.raises(ValidationError):  # a ministry's own system is not the agency's to verify
        services.audit_create(
            actor=people["da-auditor"],
            kind="service_assurance",
            auditee=government["mhlw"],
            systems=[systems["mhlw-app"]],
            baseline=baseline,
            **PERIOD,
        )


@pytest.mark.parametrize(
    ("setting", "own", "ministries"),
    [("none", False, False), ("own_systems", True, False), ("own_and_ministries", True, True)],
)
def test_non_security_audits_follow_the_open_question(
    government, systems, baseline, people, setting, own, ministries
):
    GovernanceSettings.objects.update_or_create(id=1, defaults={"open_question": setting})

    def attempt(system, auditee):
        try:
            services.audit_create(
                actor=people["da-auditor"],
                kind="non_security_audit",
                auditee=government[auditee],
                systems=[systems[system]],
                baseline=baseline,
                **PERIOD,
            )
        except ValidationError:
            return False
        return True

    assert attempt("da-portal", "da") is own
    assert attempt("mhlw-app", "mhlw") is ministries


def test_widening_is_checked_like_creating(audit, systems, people):
    with pytest.raises(ValidationError):
        services.audit_widen(
            actor=people["nisc-auditor"], audit=audit, systems=[systems["pmda-app"]]
        )
    with pytest.raises(PermissionDenied):
        services.audit_widen(actor=people["mhlw-editor"], audit=audit, systems=[systems["joint"]])


def test_results_claim_then_review_all_or_nothing(audit, people):
    count = services.results_record(
        actor=people["mhlw-editor"],
        audit=audit,
        entries=[
            {
                "system": "mhlw-app",
                "control": "1.1",
                "claimed": "satisfied",
                "claim_note": "方針あり",
            },
            {"system": "mhlw-app", "control": "2.3", "claimed": "partially"},
        ],
    )
    assert count == 2
    with pytest.raises(services.ProblemsError) as caught:
        services.results_record(
            actor=people["nisc-auditor"],
            audit=audit,
            entries=[
                {"system": "mhlw-app", "control": "1.1", "status": "satisfied"},
                {"system": "mhlw-app", "control": "9.9", "status": "satisfied"},
                {"system": "mhlw-app", "control": "2.1", "status": "good"},
                {"system": "mhlw-app", "control": "2.2", "claimed": "satisfied"},
            ],
        )
    paths = [p.path for p in caught.value.problems]
    assert paths == ["$[1].control", "$[2].status", "$[3].claimed"]
    assert not ControlResult.objects.filter(audit=audit).exclude(status="not_assessed").exists()
    services.results_record(
        actor=people["nisc-auditor"],
        audit=audit,
        entries=[{"system": "mhlw-app", "control": "1.1", "status": "satisfied", "note": "確認"}],
    )
    event = AuditEvent.objects.filter(object_type="audits.audit").order_by("-sequence").first()
    assert event.changes["mhlw-app/1.1.status"] == ["not_assessed", "satisfied"]
    summary = selectors.result_summary(audit)
    assert summary.total["satisfied"] == 1 and summary.count == 5


def test_a_viewer_cannot_record(audit, people):
    with pytest.raises(services.ProblemsError):
        services.results_record(
            actor=people["mhlw-viewer"],
            audit=audit,
            entries=[{"system": "mhlw-app", "control": "1.1", "claimed": "satisfied"}],
        )


def test_closing_needs_conclusion_and_every_result(audit, people):
    auditor = people["nisc-auditor"]
    services.audit_advance(actor=auditor, audit=audit, status="reporting")
    with pytest.raises(ValidationError):
        services.audit_advance(actor=auditor, audit=audit, status="closed")
    services.audit_update(actor=auditor, audit=audit, conclusion="概ね適合")
    with pytest.raises(ValidationError) as caught:
        services.audit_advance(actor=auditor, audit=audit, status="closed")
    assert "5" in caught.value.message_dict["status"][0]  # the five results left
    services.results_record(
        actor=auditor,
        audit=audit,
        entries=[{"id": r.pk, "status": "satisfied"} for r in audit.results.all()],
    )
    services.audit_advance(actor=auditor, audit=audit, status="closed")
    audit.refresh_from_db()
    assert audit.status == "closed" and audit.closed_on
    with pytest.raises(ValidationError):
        services.results_record(actor=auditor, audit=audit, entries=[])


def test_next_cycle_keeps_scope_resets_status_and_shows_last_result(audit, people):
    auditor = people["nisc-auditor"]
    services.results_record(
        actor=auditor,
        audit=audit,
        entries=[{"system": "mhlw-app", "control": "2.2", "status": "not_satisfied"}],
    )
    with pytest.raises(ValidationError):  # only final results carry over
        services.audit_next_cycle(actor=auditor, previous=audit)
    services.results_record(
        actor=auditor,
        audit=audit,
        entries=[
            {"id": r.pk, "status": "satisfied"} for r in audit.results.exclude(control__label="2.2")
        ],
    )
    services.audit_advance(actor=auditor, audit=audit, status="reporting")
    services.audit_update(actor=auditor, audit=audit, conclusion="改善を要する")
    services.audit_advance(actor=auditor, audit=audit, status="closed")
    following = services.audit_next_cycle(actor=auditor, previous=audit)
    with pytest.raises(ValidationError):
        services.audit_next_cycle(actor=auditor, previous=audit)
    assert following.fiscal_year == 2027 and following.previous == audit
    assert following.period_start == dt.date(2027, 6, 1)
    result = following.results.get(control__label="2.2")
    assert result.status == "not_assessed" and result.previous_status == "not_satisfied"
    assert following.results.count() == audit.results.count()


def test_finding_action_verification_and_overdue(audit, people, government):
    auditor, auditee = people["nisc-auditor"], people["mhlw-editor"]
    control = audit.results.get(control__label="2.3").control
    finding = services.finding_create(
        actor=auditor,
        audit=audit,
        controls=[control],
        systems=[audit.scope_items.get().system],
        title="パッチ適用の遅れ",
        severity="high",
        grade="major",
        risk="既知の脆弱性が残る",
    )
    assert finding.number == 1
    with pytest.raises(PermissionDenied):
        services.finding_create(
            actor=auditee, audit=audit, title="x", severity="low", grade="minor", risk="x"
        )
    action = services.action_create(
        actor=auditee,
        finding=finding,
        title="パッチ管理手順の整備",
        due_date=dt.date(2020, 1, 1),
        milestones=[{"title": "手順書", "due_date": dt.date(2019, 12, 1)}],
    )
    assert action.owner == government["mhlw"]
    assert list(selectors.overdue_actions(user=auditee)) == [action]
    with pytest.raises(ValidationError):
        services.action_update(actor=auditee, action=action, status="closed")
    with pytest.raises(ValidationError):  # not yet reported done
        services.action_verify(actor=auditor, action=action, accepted=True)
    services.action_update(actor=auditee, action=action, status="awaiting_verification")
    with pytest.raises(PermissionDenied):
        services.action_verify(actor=auditee, action=action, accepted=True)
    services.action_verify(actor=auditor, action=action, accepted=False, note="証跡不足")
    action.refresh_from_db()
    assert action.status == "in_progress"
    services.action_update(actor=auditee, action=action, status="awaiting_verification")
    services.action_verify(actor=auditor, action=action, accepted=True)
    action.refresh_from_db()
    finding.refresh_from_db()
    assert action.status == "closed" and action.verified_by == auditor
    assert finding.status == "closed"


def test_follow_up_raises_a_recommendation_only_where_the_mandate_allows(audit, people, government):
    finding = services.finding_create(
        actor=people["nisc-auditor"],
        audit=audit,
        title="t",
        severity="medium",
        grade="minor",
        risk="r",
        recommendation="直すこと",
    )
    due = dt.date.today() + dt.timedelta(days=30)
    with pytest.raises(PermissionDenied):  # the national centre is not the Digital Agency
        services.finding_raise_recommendation(
            actor=people["nisc-auditor"], finding=finding, due_date=due
        )


def test_evidence_content_addressed_typed_revised_and_deleted(
    audit, people, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    result = audit.results.first()
    auditee = people["mhlw-editor"]
    pdf = pdf_bytes("evidence")
    with django_capture_on_commit_callbacks(execute=True):  # files land when rows commit
        item = evidence_service.evidence_add(
            actor=auditee,
            audit=audit,
            upload=SimpleUploadedFile("policy.pdf", pdf),
            result=result,
        )
    revision = item.revisions.get()
    assert evidence_service.blob_path(revision.sha256).read_bytes() == pdf
    with pytest.raises(ValidationError):
        evidence_service.evidence_add(
            actor=auditee, audit=audit, upload=SimpleUploadedFile("x.pdf", b"MZ..."), result=result
        )
    with pytest.raises(ValidationError):
        evidence_service.evidence_add(
            actor=auditee, audit=audit, upload=SimpleUploadedFile("x.exe", b"MZ"), result=result
        )
    settings.SHIREITO_EVIDENCE_MAX_BYTES = 10
    with pytest.raises(ValidationError):
        evidence_service.evidence_revise(
            actor=auditee, evidence=item, upload=SimpleUploadedFile("big.txt", b"a" * 11)
        )
    settings.SHIREITO_EVIDENCE_MAX_BYTES = 1000
    second = evidence_service.evidence_revise(
        actor=auditee,
        evidence=item,
        upload=SimpleUploadedFile("policy-v2.txt", "方針".encode()),
        effective_date=dt.date(2026, 1, 1),
        expiry_date=dt.date(2026, 3, 31),
    )
    assert second.number == 2 and second.is_expired(dt.date(2026, 4, 1))
    assert (
        selectors.evidence_revision_get(
            user=people["mhlw-viewer"], audit=audit, evidence_id=item.pk
        )
        == second
    )
    assert (
        selectors.evidence_revision_get(
            user=people["meti-editor"], audit=audit, evidence_id=item.pk
        )
        is None
    )
    evidence_service.evidence_delete(actor=auditee, evidence=item)
    assert not EvidenceRevision.objects.exists()
    assert (
        AuditEvent.objects.filter(object_type="audits.evidencerevision", action="delete").count()
        == 2
    )


def test_audit_plan_due_covered_and_gaps(audit, government, people):
    entries = {
        e.organization.code: e
        for e in selectors.audit_plan(user=people["nisc-auditor"], fiscal_year=2026)
    }
    assert entries["mhlw"].due and entries["mhlw"].covered and not entries["mhlw"].gap
    assert entries["meti"].gap
    assert entries["pmda"].interval_years == 3 and entries["pmda"].gap
    later = {
        e.organization.code: e
        for e in selectors.audit_plan(user=people["nisc-auditor"], fiscal_year=2027)
    }
    assert later["mhlw"].due and later["mhlw"].last_year == 2026
    after = {
        e.organization.code: e
        for e in selectors.audit_plan(user=people["nisc-auditor"], fiscal_year=2028)
    }
    assert after["pmda"].due  # never audited


def test_self_assessment_is_kept_apart(government, systems, baseline, people):
    own = services.audit_create(
        actor=people["mhlw-editor"],
        kind="self_assessment",
        auditee=government["mhlw"],
        systems=[systems["mhlw-app"]],
        baseline=baseline,
        **PERIOD,
    )
    assert own.number.startswith("S2026-") and own.auditor == government["mhlw"]
    assert own not in selectors.audit_list(user=people["mhlw-editor"])
    assert own in selectors.audit_list(user=people["mhlw-editor"], self_assessment=True)
    assert selectors.audit_get(user=people["nisc-auditor"], number=own.number) is None
    with pytest.raises(PermissionDenied):
        services.audit_create(
            actor=people["meti-editor"],
            kind="self_assessment",
            auditee=government["mhlw"],
            systems=[systems["mhlw-app"]],
            baseline=baseline,
            **PERIOD,
        )


def _close(audit, auditor):
    services.results_record(
        actor=auditor,
        audit=audit,
        entries=[{"id": r.pk, "status": "satisfied"} for r in audit.results.all()],
    )
    services.audit_advance(actor=auditor, audit=audit, status="reporting")
    services.audit_update(actor=auditor, audit=audit, conclusion="適合")
    return services.audit_advance(actor=auditor, audit=audit, status="closed")


def test_the_plan_names_only_ones_own_audits_and_counts_security_audits(
    audit, government, systems, baseline, people
):
    assurance = services.audit_create(
        actor=people["da-auditor"],
        kind="service_assurance",
        auditee=government["mhlw"],
        systems=[systems["joint"]],
        baseline=baseline,
        **PERIOD,
    )
    as_agency = {
        e.organization.code: e
        for e in selectors.audit_plan(user=people["da-auditor"], fiscal_year=2026)
    }
    # NISC's audit covers MHLW; the agency sees that it is covered, not which audit it is.
    assert as_agency["mhlw"].covered and as_agency["mhlw"].audits == []
    assert as_agency["mhlw"].other_audits == 1
    assert assurance not in as_agency["mhlw"].audits  # not a security audit: no cover
    as_centre = {
        e.organization.code: e
        for e in selectors.audit_plan(user=people["nisc-auditor"], fiscal_year=2026)
    }
    assert [a.number for a in as_centre["mhlw"].audits] == [audit.number]
    assert as_centre["mic"].gap and as_centre["mic"].systems == 0  # no systems, still due


def test_a_planned_audit_that_never_ran_is_not_a_last_audit(audit, people):
    plan = {
        e.organization.code: e
        for e in selectors.audit_plan(user=people["nisc-auditor"], fiscal_year=2027)
    }
    assert plan["mhlw"].last_year == 2026  # in fieldwork: it went ahead
    Audit.objects.filter(pk=audit.pk).update(status="planned")
    plan = {
        e.organization.code: e
        for e in selectors.audit_plan(user=people["nisc-auditor"], fiscal_year=2027)
    }
    assert plan["mhlw"].last_year is None


def test_a_self_assessment_led_by_an_editor_can_be_concluded(government, systems, baseline, people):
    own = services.audit_create(
        actor=people["mhlw-editor"],
        kind="self_assessment",
        auditee=government["mhlw"],
        systems=[systems["mhlw-app"]],
        baseline=baseline,
        lead=people["mhlw-editor"],
        **PERIOD,
    )
    services.audit_update(
        actor=people["mhlw-editor"], audit=own, lead=people["mhlw-editor"], conclusion="概ね良好"
    )
    own.refresh_from_db()
    assert own.conclusion == "概ね良好"


def test_the_next_cycle_drops_a_lead_who_is_no_longer_an_auditor(audit, people):
    auditor = people["nisc-auditor"]
    _close(audit, auditor)
    lead = people["nisc-auditor"]
    lead.roles = ["viewer"]
    lead.save()
    following = services.audit_next_cycle(actor=None, previous=audit)
    assert following.lead is None


def test_a_closed_audit_keeps_its_stages_but_the_improvement_plan(audit, people):
    auditor = people["nisc-auditor"]
    _close(audit, auditor)
    review = audit.stages.get(stage="review")
    assert review.completed_on is not None
    assert AuditEvent.objects.filter(
        object_type="audits.auditstage", object_id=str(review.pk)
    ).exists()
    with pytest.raises(ValidationError):
        services.stage_update(actor=auditor, stage=review, due_date=dt.date(2030, 1, 1))
    improvement = audit.stages.get(stage="improvement")
    services.stage_update(actor=people["mhlw-editor"], stage=improvement, completed=True)


def test_closed_actions_take_no_milestones_and_a_new_action_reopens_the_finding(audit, people):
    auditor, auditee = people["nisc-auditor"], people["mhlw-editor"]
    finding = services.finding_create(
        actor=auditor, audit=audit, title="t", severity="low", grade="minor", risk="r"
    )
    action = services.action_create(
        actor=auditee, finding=finding, title="a", due_date=dt.date(2030, 1, 1)
    )
    with pytest.raises(ValidationError):  # the owner may not move its own due date
        services.action_update(actor=auditee, action=action, due_date=dt.date(2031, 1, 1))
    services.action_update(actor=auditor, action=action, due_date=dt.date(2030, 6, 1))
    services.action_update(actor=auditee, action=action, status="awaiting_verification")
    services.action_verify(actor=auditor, action=action, accepted=True)
    finding.refresh_from_db()
    assert finding.status == "closed"
    with pytest.raises(ValidationError):
        services.milestone_add(
            actor=auditee, action=action, title="m", due_date=dt.date(2030, 1, 1)
        )
    services.action_create(actor=auditee, finding=finding, title="b", due_date=dt.date(2030, 1, 1))
    finding.refresh_from_db()
    assert finding.status == "open"


def test_a_result_changed_meanwhile_is_not_overwritten(audit, people):
    auditor = people["nisc-auditor"]
    services.results_record(
        actor=auditor,
        audit=audit,
        entries=[{"system": "mhlw-app", "control": "1.1", "status": "not_satisfied"}],
    )
    with pytest.raises(services.ProblemsError) as caught:
        services.results_record(
            actor=auditor,
            audit=audit,
            entries=[
                {
                    "system": "mhlw-app",
                    "control": "1.1",
                    "status": "satisfied",
                    "expected": {"status": "not_assessed"},
                }
            ],
        )
    assert [p.path for p in caught.value.problems] == ["$[0].status"]
    assert audit.results.get(control__label="1.1").status == "not_satisfied"


def test_numbers_are_never_drawn_twice(audit, government, systems, baseline, people):
    second = services.audit_create(
        actor=people["nisc-auditor"],
        kind="security_audit",
        auditee=government["meti"],
        systems=[systems["meti-app"]],
        baseline=baseline,
        **PERIOD,
    )
    Audit.objects.filter(pk=audit.pk).delete()
    third = services.audit_create(
        actor=people["nisc-auditor"],
        kind="security_audit",
        auditee=government["meti"],
        systems=[systems["meti-app"]],
        baseline=baseline,
        **PERIOD,
    )
    assert (second.number, third.number) == ("A2026-0002", "A2026-0003")
    assert third.title.startswith("令和8年度")


def test_every_party_reads_the_audits_history(audit, people, government):
    auditor = people["nisc-auditor"]
    services.audit_update(actor=auditor, audit=audit, method="書面")
    events = list(selectors.audit_history(user=auditor, audit=audit))
    assert any(e.changes.get("method") for e in events)
    assert not selectors.audit_history(user=people["meti-editor"], audit=audit).exists()
