"""The compliance tallies equal a direct count of the results after any sequence of writes
through the services: claims, results, a file import, a widened scope, the next audit
started from a previous one."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shireito.audits import services
from shireito.audits.choices import ResultStatus
from shireito.audits.importers import results_import
from shireito.audits.models import AreaTally, ComplianceTally, ControlArea, ControlResult
from shireito.audits.tallies import COUNT_FIELDS, rebuild_compliance_tallies

CONTROLS = ["1.1", "1.2", "2.1", "2.2", "2.3"]
SYSTEMS = ["mhlw-app", "joint"]
statuses = st.sampled_from(ResultStatus.values)
entry = st.tuples(st.sampled_from(SYSTEMS), st.sampled_from(CONTROLS), statuses)
step = st.one_of(
    st.tuples(st.just("claim"), st.lists(entry, min_size=1, max_size=4)),
    st.tuples(st.just("result"), st.lists(entry, min_size=1, max_size=4)),
    st.tuples(st.just("import"), st.lists(entry, min_size=1, max_size=4)),
    st.tuples(st.just("widen"), st.just([])),
    st.tuples(st.just("next"), st.just([])),
)


def direct_counts() -> dict:
    """What the tallies should hold, counted straight from the results."""
    counted: dict = {}
    for column in ("status", "claimed"):
        rows = (
            ControlResult.objects.values("audit_id", "system_id", column)
            .annotate(n=Count("pk"), at=Max("updated_at"))
            .order_by()
        )
        for row in rows:
            key = (row["audit_id"], row["system_id"])
            name = row[column] if column == "status" else f"claimed_{row[column]}"
            counted.setdefault(key, dict.fromkeys(COUNT_FIELDS, 0))[name] += row["n"]
    return counted


def direct_area_counts() -> dict:
    areas = dict(ControlArea.objects.values_list("control_id", "area_id"))
    counted: dict = {}
    for audit_id, control_id, status, claimed in ControlResult.objects.values_list(
        "audit_id", "control_id", "status", "claimed"
    ):
        counts = counted.setdefault((audit_id, areas[control_id]), dict.fromkeys(COUNT_FIELDS, 0))
        counts[status] += 1
        counts[f"claimed_{claimed}"] += 1
    return counted


def tallied(model, key: str) -> dict:
    return {
        (row["audit_id"], row[key]): {name: row[name] for name in COUNT_FIELDS}
        for row in model.objects.values("audit_id", key, *COUNT_FIELDS)
    }


def _csv(entries, column: str) -> bytes:
    lines = [f"system,control,{column}"]
    lines += [f"{system},{control},{status}" for system, control, status in entries]
    return ("\n".join(lines) + "\n").encode()


def _run(step_kind, entries, state, people, systems, baseline, government):
    audit = state["audit"]
    auditor, auditee = people["nisc-auditor"], people["mhlw-editor"]
    in_scope = set(audit.scope_items.values_list("system__code", flat=True))
    # One entry per result (the services refuse a result named twice in one save).
    entries = list({(s, c): (s, c, v) for s, c, v in entries if s in in_scope}.values())
    if step_kind == "claim" and entries:
        services.results_record(
            actor=auditee,
            audit=audit,
            entries=[{"system": s, "control": c, "claimed": v} for s, c, v in entries],
        )
    elif step_kind == "result" and entries:
        services.results_record(
            actor=auditor,
            audit=audit,
            entries=[{"system": s, "control": c, "status": v} for s, c, v in entries],
        )
    elif step_kind == "import" and entries:
        results_import(actor=auditor, audit=audit, raw=_csv(entries, "status"), fmt="csv")
    elif step_kind == "widen" and "joint" not in in_scope:
        with contextlib.suppress(ValidationError):  # no mandate for it: nothing written
            services.audit_widen(actor=auditor, audit=audit, systems=[systems["joint"]])
    elif step_kind == "next":
        state["audit"] = services.audit_advance(
            actor=auditor,
            audit=services.audit_create(
                actor=auditor,
                kind="security_audit",
                auditee=government["mhlw"],
                systems=[systems[code] for code in sorted(in_scope)],
                baseline=baseline,
                fiscal_year=audit.fiscal_year + 1,
                period_start=dt.date(audit.fiscal_year + 1, 6, 1),
                period_end=dt.date(audit.fiscal_year + 1, 12, 20),
                previous=audit,
            ),
            status="fieldwork",
        )


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(step, min_size=1, max_size=6))
def test_tallies_equal_a_direct_count_after_any_writes(
    steps, audit, people, systems, baseline, government
):
    # Given an audit in fieldwork, when any sequence of service writes happens
    with transaction.atomic():
        state = {"audit": audit}
        for step_kind, entries in steps:
            _run(step_kind, entries, state, people, systems, baseline, government)
        # Then the tallies hold exactly what a GROUP BY over the results says
        assert tallied(ComplianceTally, "system_id") == direct_counts()
        assert tallied(AreaTally, "area_id") == direct_area_counts()
        # And a rebuild from scratch changes nothing
        before = tallied(ComplianceTally, "system_id"), tallied(AreaTally, "area_id")
        rebuild_compliance_tallies()
        assert (tallied(ComplianceTally, "system_id"), tallied(AreaTally, "area_id")) == before
        transaction.set_rollback(True)


def test_areas_are_the_top_level_parts_of_the_catalog(audit):
    # Given an audit of the two-part baseline, then its controls fall in the two parts
    areas = {
        node.label: area.label
        for node, area in (
            (c.control, c.area) for c in ControlArea.objects.select_related("control", "area")
        )
        if not node.is_group
    }
    assert areas == {"1.1": "1", "1.2": "1", "2.1": "2", "2.2": "2", "2.3": "2"}


def test_tallies_copy_the_audits_parties_and_year(audit):
    tally = ComplianceTally.objects.get(audit=audit)
    assert (tally.auditee_id, tally.auditor_id, tally.fiscal_year, tally.kind) == (
        audit.auditee_id,
        audit.auditor_id,
        2026,
        "security_audit",
    )
    assert tally.not_assessed == tally.claimed_not_assessed == 5


def test_the_command_checks_and_counts_the_tallies_again(audit, people):
    from django.core.management import CommandError, call_command

    call_command("audit", "tallies", "--check")
    # given a tally changed behind the services' back
    ComplianceTally.objects.filter(audit=audit).update(satisfied=99)
    with pytest.raises(CommandError):
        call_command("audit", "tallies", "--check")
    # when counted again, then it equals a fresh count
    call_command("audit", "tallies")
    assert ComplianceTally.objects.get(audit=audit).satisfied == 0
    call_command("audit", "tallies", "--check")
