"""Audits in the national-scale data set: last year's closed audit and this year's cycle for
a share of the systems, only where a mandate allows, with counts (and tallies) that add up,
and nothing half-written when the load is interrupted. Most tests hold the audits to a small
version of the synthetic baseline (80 controls) to stay quick, and leave out the plan and the
50,000 incident reports, which no test here looks at."""

import pytest
from django.core.management import call_command
from django.db.models import Count

from shireito.audits import scale as audit_scale
from shireito.audits import services
from shireito.audits.models import (
    AreaTally,
    Audit,
    AuditStage,
    ComplianceTally,
    ControlResult,
    ScopeItem,
)
from shireito.demo.scale import generate
from shireito.registry.models import InformationSystem

pytestmark = pytest.mark.django_db

CONTROLS = 80  # the small baseline: 20 areas × 4 sections × 1 requirement


@pytest.fixture(autouse=True)
def small_baseline(monkeypatch):
    monkeypatch.setattr(audit_scale, "REQUIREMENTS_PER_SECTION", 1)
    monkeypatch.setattr(audit_scale, "CATALOG_KEY", "scale-baseline-small")
    monkeypatch.setattr(audit_scale, "SHARE", 0.8)


def scale_audits():
    return Audit.objects.filter(number__startswith="SCALE-")


def test_scale_audits_cover_most_systems_and_the_counts_add_up(government):
    # when
    result = generate(systems=300, seed=5, plan=False, incidents=False)
    # then
    audits = scale_audits()
    results = ControlResult.objects.filter(audit__in=audits)
    covered = ScopeItem.objects.filter(audit__in=audits).values("system").distinct().count()
    assert result.audits == audits.count() > 0
    assert result.control_results == results.count() == 2 * covered * CONTROLS
    assert covered == 240  # exactly the share
    # the tallies count every result once, per system and per area
    for model in (ComplianceTally, AreaTally):
        counted = sum(
            sum(row)
            for row in model.objects.filter(audit__in=audits).values_list(
                "satisfied", "partially", "not_satisfied", "not_applicable", "not_assessed"
            )
        )
        assert counted == result.control_results
    # and equal a fresh count, claims and all
    call_command("audit", "tallies", "--check")
    assert ScopeItem.objects.filter(audit__in=audits).count() == 2 * covered
    assert AuditStage.objects.filter(audit__in=audits).count() == 5 * audits.count()
    # one closed audit and one current audit started from it, per auditee and kind
    closed = audits.filter(status="closed")
    assert closed.count() * 2 == audits.count()
    current = audits.exclude(status="closed")
    assert set(current.values_list("previous", flat=True)) == set(
        closed.values_list("pk", flat=True)
    )
    assert not results.filter(audit__status="closed", status="not_assessed").exists()
    assert results.filter(audit__status="planned").exclude(status="not_assessed").count() == 0
    # every current result carries last year's conclusion beside it
    last = {
        (a, s, c): status
        for a, s, c, status in results.filter(audit__status="closed").values_list(
            "audit", "system", "control", "status"
        )
    }
    for previous, system, control, previous_status in results.exclude(
        audit__status="closed"
    ).values_list("audit__previous", "system", "control", "previous_status")[:2000]:
        assert previous_status == last[(previous, system, control)]
    # the numbers never take one the services hand out
    assert not audits.exclude(number__regex=r"^SCALE-[AS]\d{4}-\d{6}$").exists()


def test_scale_audits_are_only_those_the_mandate_engine_allows(government):
    generate(systems=300, seed=6, plan=False, incidents=False)
    audits = scale_audits().select_related("auditor", "entrusting", "auditee")
    kinds = dict(audits.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    assert kinds.get("security_audit") and kinds.get("entrusted_security_audit")
    assert kinds.get("self_assessment")
    for audit in audits.filter(status="closed"):
        systems = list(
            InformationSystem.objects.filter(audit_scope_items__audit=audit).select_related(
                "owner", "builder"
            )
        )
        assert all(s.owner_id == audit.auditee_id for s in systems)
        if audit.kind == "self_assessment":
            assert audit.auditor_id == audit.auditee_id and not audit.mandate_key
            continue
        # the same check the services make, now for every system of the audit
        found = services.check_mandate(kind=audit.kind, auditor=government["nisc"], systems=systems)
        assert found.auditor == audit.auditor
        assert found.entrusting == audit.entrusting
        assert found.mandate_key == audit.mandate_key
    entrusted = audits.filter(kind="entrusted_security_audit").first()
    assert (entrusted.auditor.code, entrusted.entrusting.code) == ("ipa", "nisc")


def test_loading_again_replaces_the_scale_audits(government):
    first = generate(systems=200, seed=8, plan=False, incidents=False)
    again = generate(systems=200, seed=8, plan=False, incidents=False)
    assert (first.audits, first.control_results) == (again.audits, again.control_results)
    assert scale_audits().count() == again.audits
    assert ControlResult.objects.count() == again.control_results


def test_no_audits_when_asked(government):
    result = generate(systems=100, seed=1, audits=False, plan=False, incidents=False)
    assert result.audits == 0 and not scale_audits().exists()


def test_an_interrupted_load_leaves_no_partial_audits(government, monkeypatch):
    # given a complete scale data set, and a load that stops in its third batch
    before = generate(systems=200, seed=9, plan=False, incidents=False)
    tallies = ComplianceTally.objects.count()
    monkeypatch.setattr(audit_scale, "BATCH_RESULTS", 500)
    real_insert = audit_scale.load_results
    calls = []

    def interrupted(rows):
        calls.append(len(rows))
        if len(calls) == 3:
            raise KeyboardInterrupt
        real_insert(rows)

    monkeypatch.setattr(audit_scale, "load_results", interrupted)
    # when
    with pytest.raises(KeyboardInterrupt):
        generate(systems=200, seed=10, plan=False, incidents=False)
    # then what was there before is there still, and nothing of the broken load
    assert len(calls) == 3
    assert scale_audits().count() == before.audits
    assert ControlResult.objects.count() == before.control_results
    assert ComplianceTally.objects.count() == tallies
    assert all(a.scope_items.count() * CONTROLS == a.results.count() for a in scale_audits()[:200])
    # and with nothing before, nothing at all
    audit_scale.clear_scale_audits()
    calls.clear()
    with pytest.raises(KeyboardInterrupt):
        audit_scale.generate_audits(seed=10)
    assert not scale_audits().exists() and not ControlResult.objects.exists()


def test_an_audit_people_planned_of_a_scale_system_stops_a_reload(government, baseline):
    import datetime as dt

    generate(systems=100, seed=2, plan=False, incidents=False)
    system = InformationSystem.objects.filter(
        code__startswith="scale-", category="ministry_system"
    ).first()
    planned = services.audit_create(
        actor=None,
        kind="security_audit",
        auditee=system.owner,
        auditor=government["nisc"],
        systems=[system],
        baseline=baseline,
        fiscal_year=2026,
        period_start=dt.date(2026, 6, 1),
        period_end=dt.date(2026, 12, 1),
    )
    with pytest.raises(ValueError, match=planned.number):
        generate(systems=100, seed=2, plan=False, incidents=False)
    assert Audit.objects.filter(pk=planned.pk).exists()


def test_the_full_baseline_has_1040_controls_in_20_areas(monkeypatch):
    monkeypatch.undo()  # the real baseline, not the small one
    catalog = audit_scale.scale_baseline(None)
    controls = catalog.nodes.filter(is_group=False)
    assert controls.count() == 1040
    assert catalog.nodes.filter(parent__isnull=True).count() == 20
    assert not controls.filter(parent__isnull=True).exists()
