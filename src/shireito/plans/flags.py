"""The flags on the current plan's measures: a KPI whose trajectory misses its target, a
milestone past due, a quarterly report not filed by its date. ``refresh`` raises what holds
(one open flag per measure and key), clears what no longer does, and tells the lead
organisation of each new one once.

Run daily by the workers (``plans.tasks.flags_refresh``) and for one measure right after a
write that can change its flags; ``today`` is always given, so the rules are tested with fixed
clocks. The whole plan (500 measures, 1,500 KPIs, 30,000 values) is read in a handful of
queries and computed in memory.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from shireito.plans import calendar, notices, trajectory
from shireito.plans.choices import (
    EditionStatus,
    FlagKind,
    MeasurementStatus,
    MeasureStatus,
    ReportStatus,
)
from shireito.plans.models import (
    Kpi,
    Measure,
    MeasureFlag,
    Measurement,
    Milestone,
    PlanEdition,
    ProgressReport,
)

# A measure done or discontinued is no longer tracked: its flags clear.
TRACKED = (MeasureStatus.NOT_STARTED, MeasureStatus.IN_PROGRESS)
FILED = (ReportStatus.SUBMITTED, ReportStatus.REVIEWED)


_deferred: ContextVar[bool] = ContextVar("shireito_plans_flags_deferred", default=False)


@contextmanager
def deferred() -> Iterator[None]:
    """Writes inside leave the flags alone, for the caller to ``refresh`` the whole plan once
    after. For bulk loads (the demo): a flag that would hold only halfway through, such as a
    later quarter's report not loaded yet, is then neither raised nor told."""
    token = _deferred.set(True)
    try:
        yield
    finally:
        _deferred.reset(token)


def is_deferred() -> bool:
    return _deferred.get()


@dataclass(frozen=True)
class Result:
    raised: int
    cleared: int
    notified: int


def current_editions() -> list[PlanEdition]:
    """The editions progress is tracked on: the latest published one (a later edition
    supersedes the earlier, whose measures it carries on)."""
    latest = (
        PlanEdition.objects.filter(status=EditionStatus.PUBLISHED, decided_on__isnull=False)
        .order_by("-year")
        .first()
    )
    return [latest] if latest is not None else []


def kpi_key(code: str) -> str:
    return f"kpi:{code}"


def milestone_key(milestone_id: int) -> str:
    return f"milestone:{milestone_id}"


def report_key(fiscal_year: int, quarter: int) -> str:
    return f"report:{fiscal_year}-Q{quarter}"


def _off_track(measure_ids: list[int], today: dt.date) -> dict[tuple[int, str], tuple]:
    kpis = list(
        Kpi.objects.filter(measure_id__in=measure_ids).values(
            "measure_id",
            "series_id",
            "code",
            "name",
            "name_en",
            "direction",
            "baseline_value",
            "baseline_date",
            "target_value",
            "target_date",
        )
    )
    points: dict[int, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    values = Measurement.objects.filter(
        series__kpis__measure_id__in=measure_ids, measured_on__lte=today
    ).exclude(status=MeasurementStatus.RETURNED)
    for series_id, day, value in values.values_list("series_id", "measured_on", "value").distinct():
        points[series_id].append((day, value))
    found: dict[tuple[int, str], tuple] = {}
    for kpi in kpis:
        # The line starts at this edition's baseline (the rule leaves out earlier values).
        off = trajectory.is_off_track(
            baseline=(kpi["baseline_date"], kpi["baseline_value"]),
            measurements=points.get(kpi["series_id"], []),
            target_value=kpi["target_value"],
            target_date=kpi["target_date"],
            direction=kpi["direction"],
        )
        if off:
            found[(kpi["measure_id"], kpi_key(kpi["code"]))] = (
                FlagKind.OFF_TRACK,
                {
                    "kpi": kpi["code"],
                    "kpi_name": kpi["name"],
                    "kpi_name_en": kpi["name_en"],
                    "target": format(kpi["target_value"].normalize(), "f"),
                    "target_date": kpi["target_date"].isoformat(),
                },
            )
    return found


def _milestones(measure_ids: list[int], today: dt.date) -> dict[tuple[int, str], tuple]:
    late = Milestone.objects.filter(
        measure_id__in=measure_ids, done_on__isnull=True, planned_on__lt=today
    ).values("pk", "measure_id", "name", "name_en", "planned_on")
    return {
        (m["measure_id"], milestone_key(m["pk"])): (
            FlagKind.MILESTONE_OVERDUE,
            {
                "milestone": m["pk"],
                "milestone_name": m["name"],
                "milestone_name_en": m["name_en"],
                "planned_on": m["planned_on"].isoformat(),
            },
        )
        for m in late
    }


def due_quarters(edition: PlanEdition, deadline: dt.date | None, today: dt.date) -> list:
    """The quarters a measure of ``edition`` must have reported on by ``today``: from the
    quarter of the edition's decision to the measure's deadline, those whose report is due
    before today (a report is overdue the day after its due date)."""
    if edition.decided_on is None or edition.decided_on > today:
        return []
    last = min(today, deadline) if deadline else today
    if last < edition.decided_on:
        last = edition.decided_on
    return [
        (year, quarter, due)
        for year, quarter in calendar.quarters_between(edition.decided_on, last)
        if (due := calendar.report_due(year, quarter, edition.report_due_days)) < today
    ]


def _reports(measures: list[Any], editions: dict[int, PlanEdition], today: dt.date) -> dict:
    filed = set(
        ProgressReport.objects.filter(
            measure_id__in=[m["pk"] for m in measures], status__in=FILED
        ).values_list("measure_id", "fiscal_year", "quarter")
    )
    found: dict[tuple[int, str], tuple] = {}
    for measure in measures:
        edition = editions[measure["edition_id"]]
        for year, quarter, due in due_quarters(edition, measure["deadline"], today):
            if (measure["pk"], year, quarter) not in filed:
                found[(measure["pk"], report_key(year, quarter))] = (
                    FlagKind.REPORT_OVERDUE,
                    {"fiscal_year": year, "quarter": quarter, "due": due.isoformat()},
                )
    return found


def holding(today: dt.date, measures: Iterable[int] | None = None) -> dict:
    """What should be flagged today: ``{(measure id, key): (kind, params)}`` for the current
    editions' tracked measures (only ``measures`` when given)."""
    editions = {edition.pk: edition for edition in current_editions()}
    chosen = Measure.objects.filter(edition_id__in=list(editions), status__in=TRACKED)
    if measures is not None:
        chosen = chosen.filter(pk__in=list(measures))
    rows = list(chosen.values("pk", "edition_id", "deadline"))
    ids = [row["pk"] for row in rows]
    if not ids:
        return {}
    return {
        **_off_track(ids, today),
        **_milestones(ids, today),
        **_reports(rows, editions, today),
    }


def refresh(today: dt.date, *, measures: Iterable[int] | None = None) -> Result:
    """Raise the flags that hold today, clear those that no longer do, and tell each new
    one to the lead organisation's editors (once per flag key). ``measures`` limits the work
    to those measures (after a write); without it, the whole current plan."""
    scope = None if measures is None else list(measures)
    wanted = holding(today, scope)
    with transaction.atomic():
        open_flags = MeasureFlag.objects.filter(cleared_on__isnull=True)
        if scope is not None:
            open_flags = open_flags.filter(measure_id__in=scope)
        existing = {(f.measure_id, f.key): f.pk for f in open_flags.only("pk", "measure_id", "key")}
        stale = [pk for spot, pk in existing.items() if spot not in wanted]
        if stale:
            MeasureFlag.objects.filter(pk__in=stale).update(cleared_on=today)
        new = [
            MeasureFlag(measure_id=m, key=key, kind=kind, params=params, raised_on=today)
            for (m, key), (kind, params) in wanted.items()
            if (m, key) not in existing
        ]
        raised = _insert(new)
        leads = dict(
            Measure.objects.filter(pk__in={f.measure_id for f in raised}).values_list(
                "pk", "lead_id"
            )
        )
        told = notices.notify_all(
            [
                notices.Pending(
                    measure_id=flag.measure_id,
                    organization_id=leads[flag.measure_id],
                    kind=flag.kind,
                    key=f"flag:{flag.measure_id}:{flag.key}",
                    params=flag.params,
                )
                for flag in raised
            ]
        )
    return Result(raised=len(raised), cleared=len(stale), notified=told)


def _insert(flags: list[MeasureFlag]) -> list[MeasureFlag]:
    """Insert the new flags in one statement; if a concurrent run raised some meanwhile,
    one by one, skipping those."""
    if not flags:
        return []
    try:
        with transaction.atomic():
            return MeasureFlag.objects.bulk_create(flags)
    except IntegrityError:
        raised = []
        for flag in flags:
            flag.pk = None
            try:
                with transaction.atomic():
                    flag.save(force_insert=True)
                raised.append(flag)
            except IntegrityError:
                continue
        return raised
