"""What the public reads of the priority plan: the one place the publication rule lives.

Public = a **published** edition's content (areas, measures, KPIs, interim targets,
milestones with their planned and actual dates), the **accepted** measurements of its KPIs'
series, and the ratings **set in review** by the Digital Agency with their reasons. Never a
draft edition, a proposed rating, a review comment, a value entered or returned, a flag, who
entered what. Every public page, open-data file and open-data API operation reads through
these functions and nothing else, so the rule is tested here once (tests/plans/
test_public_pages.py, test_open_data.py).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from shireito.plans import trajectory
from shireito.plans.choices import EditionStatus, MeasurementStatus, RatingKind
from shireito.plans.models import (
    InterimTarget,
    Kpi,
    Measure,
    Measurement,
    Milestone,
    PlanEdition,
    Principle,
    RatingRecord,
)


def public_editions() -> QuerySet[PlanEdition]:
    """The published editions, newest first."""
    return PlanEdition.objects.filter(status=EditionStatus.PUBLISHED).order_by("-year")


def public_edition(year: int) -> PlanEdition | None:
    """A published edition by its year; ``None`` for a draft as for a year never written."""
    return public_editions().filter(year=year).first()


def public_latest() -> PlanEdition | None:
    return public_editions().first()


def public_measures(edition: PlanEdition, principle: int | None = None) -> QuerySet[Measure]:
    """The measures of a published edition (none of a draft), optionally those serving one
    basic principle."""
    measures = Measure.objects.filter(edition=edition, edition__status=EditionStatus.PUBLISHED)
    if principle is not None:
        measures = measures.filter(principles__number=principle)
    return (
        measures.select_related("area", "lead")
        .prefetch_related(
            "principles", Prefetch("kpis", queryset=Kpi.objects.order_by("position", "code"))
        )
        .order_by("position", "code")
    )


# What the edition's overview reads of a measure and of its KPIs (for their tallies): the
# long texts stay in the database.
_OVERVIEW_KPI_FIELDS = (
    "id",
    "measure_id",
    "series_id",
    "direction",
    "baseline_value",
    "baseline_date",
    "target_value",
    "target_date",
)
_OVERVIEW_MEASURE_DEFERRED = (
    "description",
    "description_en",
    "target_state",
    "target_state_en",
    "created_at",
    "updated_at",
)


def public_overview_measures(
    edition: PlanEdition, principle: int | None = None
) -> QuerySet[Measure]:
    """``public_measures`` for the edition's overview: each measure's row fields, its
    principles and the KPI fields ``progress_tallies`` needs, in the same three queries."""
    measures = Measure.objects.filter(edition=edition, edition__status=EditionStatus.PUBLISHED)
    if principle is not None:
        measures = measures.filter(principles__number=principle)
    kpis = Kpi.objects.only(*_OVERVIEW_KPI_FIELDS).order_by("position", "code")
    return (
        measures.select_related("area", "lead")
        .defer(*_OVERVIEW_MEASURE_DEFERRED)
        .prefetch_related("principles", Prefetch("kpis", queryset=kpis))
        .order_by("position", "code")
    )


def public_measure(edition: PlanEdition, code: str) -> Measure | None:
    return (
        public_measures(edition)
        .filter(code=code)
        .prefetch_related("co_responsible")
        .select_related("edition")
        .first()
    )


def public_principles() -> list[Principle]:
    return list(Principle.objects.all())


def public_kpis(measure: Measure) -> QuerySet[Kpi]:
    return Kpi.objects.filter(
        measure=measure, measure__edition__status=EditionStatus.PUBLISHED
    ).prefetch_related("interim_targets")


def public_milestones(measure: Measure) -> QuerySet[Milestone]:
    return Milestone.objects.filter(
        measure=measure, measure__edition__status=EditionStatus.PUBLISHED
    ).order_by("planned_on", "position")


def accepted_values(series_ids) -> dict[int, list[tuple[dt.date, Decimal]]]:
    """The accepted measurements of each series, oldest first: the only values published."""
    values: dict[int, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    rows = (
        Measurement.objects.filter(series_id__in=series_ids, status=MeasurementStatus.ACCEPTED)
        .order_by("series_id", "measured_on")
        .values_list("series_id", "measured_on", "value")
    )
    for series_id, day, value in rows:
        values[series_id].append((day, value))
    return values


def reviewed_ratings(measures) -> QuerySet[RatingRecord]:
    """The ratings set in review on measures of published editions, oldest first; never
    the lead's proposals."""
    return (
        RatingRecord.objects.filter(
            kind=RatingKind.REVIEWED,
            report__measure__in=measures,
            report__measure__edition__status=EditionStatus.PUBLISHED,
        )
        .select_related("report")
        .order_by("report__fiscal_year", "report__quarter", "given_at", "id")
    )


def latest_reviewed(measures) -> dict[int, RatingRecord]:
    """Per measure id, its latest reviewed rating (of the latest quarter reviewed). The
    ratings are ordered as ids first and only the latest of each measure is loaded: a
    published edition of 500 measures has thousands of them."""
    latest: dict[int, int] = {}
    for record_id, measure_id in reviewed_ratings(measures).values_list("id", "report__measure"):
        latest[measure_id] = record_id
    records = RatingRecord.objects.filter(id__in=latest.values()).select_related("report")
    return {record.report.measure_id: record for record in records}


@dataclass(frozen=True)
class KpiProgress:
    """Where a KPI stands by its accepted values: the latest, the share of the way from
    baseline to target, and whether its trajectory reaches the target."""

    latest: tuple[dt.date, Decimal] | None
    share: int | None  # percent of the way from baseline to target, 0–100 and beyond
    off_track: bool

    @property
    def state(self) -> str:
        if self.latest is None:
            return "no_data"
        return "off_track" if self.off_track else "on_track"


def kpi_progress(kpi: Kpi, values: list[tuple[dt.date, Decimal]]) -> KpiProgress:
    if not values:
        return KpiProgress(None, None, False)
    latest = values[-1]
    span = kpi.target_value - kpi.baseline_value
    share = round(100 * (latest[1] - kpi.baseline_value) / span) if span else None
    off = trajectory.is_off_track(
        baseline=(kpi.baseline_date, kpi.baseline_value),
        measurements=values,
        target_value=kpi.target_value,
        target_date=kpi.target_date,
        direction=kpi.direction,
    )
    return KpiProgress(latest, share, off)


@dataclass
class ProgressTally:
    """A measure's KPIs counted by where they stand."""

    total: int = 0
    on_track: int = 0
    off_track: int = 0
    no_data: int = 0


def progress_tallies(measures: list[Measure]) -> dict[int, ProgressTally]:
    """Per measure id, its KPIs on track, off track and without accepted values (the
    measures' ``kpis`` prefetched)."""
    kpis = [kpi for measure in measures for kpi in measure.kpis.all()]
    values = accepted_values({kpi.series_id for kpi in kpis})
    tallies: dict[int, ProgressTally] = {m.pk: ProgressTally() for m in measures}
    for kpi in kpis:
        tally = tallies[kpi.measure_id]
        tally.total += 1
        state = kpi_progress(kpi, values.get(kpi.series_id, [])).state
        setattr(tally, state, getattr(tally, state) + 1)
    return tallies


# --- open data: the rows, from querysets only of what is published -----------------------


def open_measures(edition: PlanEdition) -> QuerySet[Measure]:
    return Measure.objects.filter(
        edition=edition, edition__status=EditionStatus.PUBLISHED
    ).order_by("position", "code")


def open_kpis(edition: PlanEdition) -> QuerySet[Kpi]:
    return Kpi.objects.filter(
        measure__edition=edition, measure__edition__status=EditionStatus.PUBLISHED
    ).order_by("measure__position", "measure__code", "position", "code")


def open_interim_targets(edition: PlanEdition) -> QuerySet[InterimTarget]:
    return InterimTarget.objects.filter(
        kpi__measure__edition=edition, kpi__measure__edition__status=EditionStatus.PUBLISHED
    ).order_by(
        "kpi__measure__position", "kpi__measure__code", "kpi__position", "kpi__code", "due_on"
    )


def open_measurements(edition: PlanEdition) -> QuerySet[Measurement]:
    """Accepted values of the edition's KPIs' series: one row per KPI and value (a series
    continues across editions, so earlier years' values are part of the line)."""
    return Measurement.objects.filter(
        status=MeasurementStatus.ACCEPTED,
        series__kpis__measure__edition=edition,
        series__kpis__measure__edition__status=EditionStatus.PUBLISHED,
    ).order_by(
        "series__kpis__measure__position",
        "series__kpis__measure__code",
        "series__kpis__position",
        "series__kpis__code",
        "measured_on",
    )


def open_milestones(edition: PlanEdition) -> QuerySet[Milestone]:
    return Milestone.objects.filter(
        measure__edition=edition, measure__edition__status=EditionStatus.PUBLISHED
    ).order_by("measure__position", "measure__code", "planned_on", "position", "id")


def open_ratings(edition: PlanEdition) -> QuerySet[RatingRecord]:
    return RatingRecord.objects.filter(
        kind=RatingKind.REVIEWED,
        report__measure__edition=edition,
        report__measure__edition__status=EditionStatus.PUBLISHED,
    ).order_by(
        "report__measure__position",
        "report__measure__code",
        "report__fiscal_year",
        "report__quarter",
        "given_at",
        "id",
    )
