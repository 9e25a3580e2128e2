"""The priority plan at national scale, for ``shireito demo scale``: one published edition of
500 measures in ten areas, 1,500 KPIs with five years of quarterly values (30,000), three
milestones and the last four quarters' reviewed reports per measure, each measure delivered by
20 to 100 of the scale systems (some of them national, whose budget lines pay for it), so a
measure page's chain is read over many systems, lines and audits.

Written with bulk inserts, not through ``plans.services``: an audit event per row would take
far too long at this size. Runs inside the caller's transaction (``shireito.demo.scale``):
interrupted, it leaves nothing. The edition is the year ``EDITION_YEAR``, far from any real
one, and is replaced on every run; a real edition of that year is never touched (the run
stops and says so).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from shireito.core.bulk import copy_rows
from shireito.organizations.choices import OrganizationKind
from shireito.organizations.models import Organization, RoleHolding
from shireito.plans.calendar import previous_quarter, quarter_end, quarter_of, report_due
from shireito.plans.choices import (
    CONFIDENCE_ORDER,
    Direction,
    EditionStatus,
    MeasurementStatus,
    MeasureStatus,
    RatingKind,
    ReportStatus,
)
from shireito.plans.models import (
    Kpi,
    KpiSeries,
    Measure,
    MeasureBudget,
    Measurement,
    MeasureSystem,
    Milestone,
    PlanArea,
    PlanEdition,
    Principle,
    ProgressReport,
    RatingRecord,
)
from shireito.registry.models import BudgetLine, InformationSystem
from shireito.registry.selectors import overseen_categories

EDITION_YEAR = 2090
TITLE = "大規模データ用の重点計画（合成）"
SYSTEM_PREFIX = "scale-"
AREAS = 10
MEASURES = 500
KPIS_PER_MEASURE = 3
QUARTERS = 20  # five years
MILESTONES_PER_MEASURE = 3
REPORTED_QUARTERS = 4
# Systems per measure, and how many of them national (their budget lines pay for it).
SYSTEMS_PER_MEASURE = (20, 100)
NATIONAL_PER_MEASURE = (3, 12)
BATCH = 2_000
# Rows per COPY or executemany of the values.
LOAD_BATCH = 10_000

Progress = Callable[[str, int, int], None]


@dataclass
class PlanScaleResult:
    measures: int = 0
    kpis: int = 0
    measurements: int = 0
    system_links: int = 0
    budget_links: int = 0
    reports: int = 0


def clear_scale_plan() -> int:
    """Remove the scale edition and all it holds, leaves first (each a plain DELETE). A real
    edition of ``EDITION_YEAR`` stops the run."""
    edition = PlanEdition.objects.filter(year=EDITION_YEAR).first()
    if edition is None:
        return 0
    if edition.title != TITLE:
        raise ValueError(
            f"An edition of {EDITION_YEAR} not made by `demo scale` exists; delete it first or "
            "keep the scale data."
        )
    measures = Measure.objects.filter(edition=edition)
    series = KpiSeries.objects.filter(kpis__measure__edition=edition)
    series_ids = list(series.values_list("pk", flat=True))
    with transaction.atomic():
        for model in (MeasureSystem, MeasureBudget, Milestone):
            model.objects.filter(measure__in=measures).delete()
        RatingRecord.objects.filter(report__measure__in=measures).delete()
        ProgressReport.objects.filter(measure__in=measures).delete()
        for start in range(0, len(series_ids), 500):
            Measurement.objects.filter(series_id__in=series_ids[start : start + 500]).delete()
        Kpi.objects.filter(measure__in=measures).delete()
        for start in range(0, len(series_ids), 500):
            KpiSeries.objects.filter(pk__in=series_ids[start : start + 500]).delete()
        measures.delete()  # before the areas, which they hold
        edition.delete()
    return 1


def generate_plan(
    *, seed: int = 1, measures: int | None = None, progress: Progress | None = None
) -> PlanScaleResult:
    """Write the scale edition over the scale systems already there (after clearing an
    earlier one). One seed always gives the same plan. All in one transaction."""
    rng = random.Random(f"plans-{seed}")  # noqa: S311 - reproducible test data, not secrets
    measures = MEASURES if measures is None else measures
    today = timezone.localdate()

    def report(stage: str, done: int, total: int) -> None:
        if progress:
            progress(stage, done, total)

    result = PlanScaleResult()
    with transaction.atomic():
        clear_scale_plan()
        systems = list(
            InformationSystem.objects.filter(code__startswith=SYSTEM_PREFIX)
            .order_by("code")
            .values_list("pk", "category")
        )
        overseen = overseen_categories()
        national = [pk for pk, category in systems if category in overseen]
        others = [pk for pk, category in systems if category not in overseen]
        lines: dict[int, list[int]] = {}
        for line_id, system_id in BudgetLine.objects.filter(system_id__in=national).values_list(
            "pk", "system_id"
        ):
            lines.setdefault(system_id, []).append(line_id)
        leads = list(Organization.objects.filter(kind=OrganizationKind.MINISTRY).order_by("code"))
        if not leads:
            raise ValueError("The scale plan needs ministries: load the scale portfolio first.")
        author = _digital_agency() or leads[0]
        edition = PlanEdition.objects.create(
            year=EDITION_YEAR,
            title=TITLE,
            title_en="Priority plan at scale (synthetic)",
            status=EditionStatus.PUBLISHED,
            author=author,
            decided_on=today - dt.timedelta(days=400),
            published_at=timezone.now(),
        )
        areas = PlanArea.objects.bulk_create(
            PlanArea(
                edition=edition,
                code=f"A{n:02d}",
                name=f"分野{n:02d}（合成）",
                name_en=f"Area {n:02d} (synthetic)",
                position=n,
            )
            for n in range(1, AREAS + 1)
        )
        last = previous_quarter(*quarter_of(today))
        quarters = [last]
        while len(quarters) < QUARTERS:
            quarters.insert(0, previous_quarter(*quarters[0]))
        baseline_date = quarter_end(*previous_quarter(*quarters[0]))
        made = _measures(rng, edition, areas, leads, measures, today)
        result.measures = len(made)
        report("plan measures", len(made), len(made))
        kpis = _kpis(rng, made, baseline_date)
        result.kpis = len(kpis)
        report("plan KPIs", len(kpis), len(kpis))
        result.measurements = _measurements(rng, kpis, quarters, report)
        _milestones(made, today)
        result.system_links, result.budget_links = _links(
            rng, made, national, others, lines, report
        )
        due = [q for q in quarters if report_due(*q, edition.report_due_days) < today]
        result.reports = _reports(rng, made, due[-REPORTED_QUARTERS:], author)
        report("plan reports", result.reports, result.reports)
    return result


def _digital_agency() -> Organization | None:
    holding = (
        RoleHolding.objects.select_related("organization")
        .filter(role="digital_agency", valid_to__isnull=True)
        .first()
    )
    return holding.organization if holding else None


def _measures(rng, edition, areas, leads, count: int, today: dt.date) -> list[Measure]:
    made = Measure.objects.bulk_create(
        (
            Measure(
                edition=edition,
                area=areas[n % len(areas)],
                code=f"S-{n + 1:04d}",
                name=f"施策{n + 1:04d}（合成）",
                name_en=f"Measure {n + 1:04d} (synthetic)",
                description="大規模データの検証のための合成の施策。",
                lead=leads[n % len(leads)],
                target_state="合成データの目標とする状態。",
                deadline=dt.date(today.year + rng.randint(1, 5), 3, 31),
                status=MeasureStatus.IN_PROGRESS,
                position=n + 1,
            )
            for n in range(count)
        ),
        batch_size=BATCH,
    )
    principles = list(Principle.objects.values_list("pk", flat=True))
    Served = Measure.principles.through
    Served.objects.bulk_create(
        (
            Served(measure_id=m.pk, principle_id=p)
            for m in made
            for p in rng.sample(principles, min(2, len(principles)))
        ),
        batch_size=BATCH,
    )
    Parties = Measure.co_responsible.through
    Parties.objects.bulk_create(
        (
            Parties(measure_id=m.pk, organization_id=leads[(n + 7) % len(leads)].pk)
            for n, m in enumerate(made)
            if n % 3 == 0 and leads[(n + 7) % len(leads)].pk != m.lead_id
        ),
        batch_size=BATCH,
    )
    return made


def _kpis(rng, measures: list[Measure], baseline_date: dt.date) -> list[Kpi]:
    series = KpiSeries.objects.bulk_create(
        [KpiSeries() for _ in range(len(measures) * KPIS_PER_MEASURE)], batch_size=BATCH
    )
    rows = []
    for n, measure in enumerate(measures):
        assert measure.deadline is not None  # every scale measure has one
        for k in range(KPIS_PER_MEASURE):
            up = rng.random() < 0.7
            baseline = Decimal(rng.randint(10, 500))
            change = Decimal(rng.randint(20, 300))
            rows.append(
                Kpi(
                    measure=measure,
                    series=series[n * KPIS_PER_MEASURE + k],
                    code=f"{measure.code}-K{k + 1}",
                    name=f"指標{measure.code[2:]}-{k + 1}（合成）",
                    name_en=f"Indicator {measure.code[2:]}-{k + 1} (synthetic)",
                    unit="件",
                    unit_en="items",
                    direction=Direction.UP if up else Direction.DOWN,
                    baseline_value=baseline + (0 if up else change),
                    baseline_date=baseline_date,
                    target_value=baseline + (change if up else 0),
                    target_date=measure.deadline,
                    source="合成データ",
                    position=k + 1,
                )
            )
    return Kpi.objects.bulk_create(rows, batch_size=BATCH)


def _measurements(rng, kpis: list[Kpi], quarters, report: Progress) -> int:
    """Quarterly values along a line to the target at a pace drawn per KPI (a fifth of them
    too slow: off track); the latest a tenth entered, not yet accepted."""
    total = len(kpis) * len(quarters)
    leads = dict(
        Measure.objects.filter(pk__in={k.measure_id for k in kpis}).values_list("pk", "lead")
    )
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    days = [
        (quarter_end(*quarter), ops.adapt_datefield_value(quarter_end(*quarter)))
        for quarter in quarters
    ]
    accepted, entered = MeasurementStatus.ACCEPTED.value, MeasurementStatus.ENTERED.value
    rows: list[tuple] = []
    for kpi in kpis:
        pace = rng.uniform(0.2, 0.6) if rng.random() < 0.2 else rng.uniform(0.95, 1.3)
        span = float(kpi.target_value - kpi.baseline_value)
        start = float(kpi.baseline_value)
        length = max((kpi.target_date - kpi.baseline_date).days, 1)
        for q, (day, stored_day) in enumerate(days):
            share = min((day - kpi.baseline_date).days / length, 1.0)
            value = start + span * share * pace * rng.uniform(0.97, 1.03)
            latest = q == len(days) - 1
            status = entered if latest and rng.random() < 0.1 else accepted
            rows.append(
                (
                    kpi.series_id,
                    stored_day,
                    ops.adapt_decimalfield_value(Decimal(str(round(max(value, 0.0), 1))), 20, 4),
                    "合成データ",
                    status,
                    leads[kpi.measure_id],
                    "",
                    now,
                    now,
                )
            )
    fields = (
        "series",
        "measured_on",
        "value",
        "source",
        "status",
        "organization",
        "review_note",
        "created_at",
        "updated_at",
    )
    for start in range(0, len(rows), LOAD_BATCH):
        copy_rows(Measurement, fields, rows[start : start + LOAD_BATCH])
        report("plan measurements", min(start + LOAD_BATCH, total), total)
    return len(rows)


def _milestones(measures: list[Measure], today: dt.date) -> None:
    rows = []
    for n, measure in enumerate(measures):
        for m in range(MILESTONES_PER_MEASURE):
            planned = today + dt.timedelta(days=(m - 1) * 200 + n % 60)
            fiscal_year, quarter = quarter_of(planned)
            done = planned < today and (m == 0 or n % 4 != 0)
            rows.append(
                Milestone(
                    measure=measure,
                    name=f"工程{m + 1}（合成）",
                    name_en=f"Step {m + 1} (synthetic)",
                    fiscal_year=fiscal_year,
                    quarter=quarter,
                    planned_on=planned,
                    done_on=planned - dt.timedelta(days=3) if done else None,
                    position=m,
                )
            )
    Milestone.objects.bulk_create(rows, batch_size=BATCH)


def _links(rng, measures, national, others, lines, report: Progress) -> tuple[int, int]:
    """Each measure to 20–100 systems, some national; the national ones' budget lines pay for
    it, in part where several measures share a system."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    systems: list[tuple] = []
    budgets: list[tuple] = []
    for measure in measures:
        wanted = rng.randint(*SYSTEMS_PER_MEASURE)
        chosen_national = rng.sample(
            national, min(rng.randint(*NATIONAL_PER_MEASURE), len(national))
        )
        chosen_other = rng.sample(others, min(wanted - len(chosen_national), len(others)))
        systems.extend((measure.pk, pk, now, now) for pk in chosen_national + chosen_other)
        for pk in chosen_national:
            share = rng.choice((100, 50, 30, 20))
            budgets.extend((measure.pk, line, share, now, now) for line in lines.get(pk, []))
    copy_rows(MeasureSystem, ("measure", "system", "created_at", "updated_at"), systems)
    report("plan system links", len(systems), len(systems))
    copy_rows(
        MeasureBudget, ("measure", "budget_line", "share", "created_at", "updated_at"), budgets
    )
    report("plan budget links", len(budgets), len(budgets))
    return len(systems), len(budgets)


def _reports(rng, measures, quarters, reviewer_org) -> int:
    """The last quarters' reports, proposed and reviewed (a few revised in review)."""
    now = timezone.now()
    reports: list[ProgressReport] = []
    for measure in measures:
        level = rng.choice((0, 0, 1, 1, 1, 2, 2, 3, 4))
        for fiscal_year, quarter in quarters:
            confidence = CONFIDENCE_ORDER[min(4, level + (1 if rng.random() < 0.1 else 0))]
            reports.append(
                ProgressReport(
                    measure=measure,
                    fiscal_year=fiscal_year,
                    quarter=quarter,
                    status=ReportStatus.REVIEWED,
                    narrative="合成データの進捗報告。",
                    proposed_confidence=CONFIDENCE_ORDER[level],
                    proposed_reason="合成データの理由。",
                    submitted_at=now,
                    confidence=confidence,
                    review_reason="合成データの確認結果。",
                    reviewed_at=now,
                )
            )
    ProgressReport.objects.bulk_create(reports, batch_size=BATCH)
    ratings = []
    for report in reports:
        ratings.append(
            RatingRecord(
                report=report,
                kind=RatingKind.PROPOSED,
                confidence=report.proposed_confidence,
                reason=report.proposed_reason,
                organization_id=report.measure.lead_id,
                given_at=now,
            )
        )
        ratings.append(
            RatingRecord(
                report=report,
                kind=RatingKind.REVIEWED,
                confidence=report.confidence,
                reason=report.review_reason,
                organization=reviewer_org,
                given_at=now,
            )
        )
    RatingRecord.objects.bulk_create(ratings, batch_size=BATCH)
    return len(reports)
