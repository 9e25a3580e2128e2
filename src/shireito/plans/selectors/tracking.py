"""Reads of the progress on a published measure, each as the reader may see it: the Digital
Agency and the responsible organisations read it in full (``permissions.reads_internal``);
every other reader reads the reviewed ratings and the accepted values only, never a proposed
rating, a review comment or a value not yet accepted."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from shireito.notifications.models import Notification
from shireito.notifications.selectors import notifications_for
from shireito.plans import calendar, flags
from shireito.plans.choices import MeasurementStatus, RatingKind, ReportStatus
from shireito.plans.models import (
    Kpi,
    Measure,
    MeasureFlag,
    Measurement,
    PlanArea,
    ProgressReport,
    RatingRecord,
)
from shireito.plans.permissions import may_read_tracking, may_review, may_see_flags


def measurements_of(user, kpi: Kpi) -> list[Measurement]:
    """A KPI's values (its series' across editions), oldest first. A reader outside the
    measure gets the accepted values only, without the Digital Agency's review note or the
    internal report they came with."""
    values = Measurement.objects.filter(series_id=kpi.series_id).select_related(
        "organization", "entered_by"
    )
    internal = may_read_tracking(user, kpi.measure)
    if not internal:
        values = values.filter(status=MeasurementStatus.ACCEPTED)
    found = list(values.order_by("measured_on"))
    if not internal:
        for value in found:
            value.review_note = ""
            value.report_id = None
    return found


def measurement_get(user, measure: Measure, pk: int) -> Measurement | None:
    """A value of one of the measure's KPIs, for a reader of its internal tracking."""
    if not may_read_tracking(user, measure):
        return None
    return (
        Measurement.objects.filter(pk=pk, series__kpis__measure=measure)
        .select_related("organization", "entered_by", "series")
        .first()
    )


def kpi_of(measurement: Measurement, measure: Measure) -> Kpi | None:
    return measure.kpis.filter(series_id=measurement.series_id).first()


def reports_of(user, measure: Measure) -> QuerySet[ProgressReport]:
    """The measure's reports, newest quarter first: all of them for its internal readers,
    the reviewed ones for everyone else."""
    reports = ProgressReport.objects.filter(measure=measure)
    if not may_read_tracking(user, measure):
        reports = reports.filter(status=ReportStatus.REVIEWED)
    return reports.order_by("-fiscal_year", "-quarter")


def report_get(user, measure: Measure, pk: int) -> ProgressReport | None:
    return reports_of(user, measure).filter(pk=pk).select_related("measure").first()


def ratings_of(user, measure: Measure) -> QuerySet[RatingRecord]:
    """The rating history, oldest first: proposed and reviewed ratings for the internal
    readers, the reviewed ones for everyone else."""
    ratings = RatingRecord.objects.filter(report__measure=measure).select_related(
        "report", "organization", "given_by"
    )
    if not may_read_tracking(user, measure):
        ratings = ratings.filter(kind=RatingKind.REVIEWED)
    return ratings.order_by("given_at", "id")


def latest_rating(measure: Measure, kind: str = RatingKind.REVIEWED) -> RatingRecord | None:
    """The latest rating of a kind (the reviewed one is the measure's published rating)."""
    return (
        RatingRecord.objects.filter(report__measure=measure, kind=kind)
        .select_related("report")
        .order_by("-given_at", "-id")
        .first()
    )


def flags_of(user, measure: Measure, *, open_only: bool = True) -> QuerySet[MeasureFlag]:
    """A measure's flags, for the readers of its internal tracking (they are worked out from
    values not yet accepted too)."""
    if not may_read_tracking(user, measure):
        return MeasureFlag.objects.none()
    found = MeasureFlag.objects.filter(measure=measure)
    if open_only:
        found = found.filter(cleared_on__isnull=True)
    return found.order_by("kind", "key")


def flag_filter_choices() -> tuple[list, list[PlanArea]]:
    """The lead organisations and areas of the current plan, for the flags' filter."""
    from shireito.organizations.models import Organization

    editions = flags.current_editions()
    leads = list(
        Organization.objects.filter(led_measures__edition__in=editions).distinct().order_by("code")
    )
    areas = list(PlanArea.objects.filter(edition__in=editions).order_by("position", "code"))
    return leads, areas


def open_flags_by_measure(measures: list[Measure]) -> dict[int, list[MeasureFlag]]:
    """The open flags of measures the caller has already found the reader may track (their
    own), by measure, in one query."""
    found: dict[int, list[MeasureFlag]] = {}
    for flag in MeasureFlag.objects.filter(measure__in=measures, cleared_on__isnull=True).order_by(
        "kind", "key"
    ):
        found.setdefault(flag.measure_id, []).append(flag)
    return found


def area_and_below(area: PlanArea) -> list[int]:
    """An area's id and those of every area within it (one query)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent in PlanArea.objects.filter(edition_id=area.edition_id).values_list(
        "pk", "parent_id"
    ):
        children.setdefault(parent, []).append(pk)
    found, pending = [], [area.pk]
    while pending:
        current = pending.pop()
        found.append(current)
        pending.extend(children.get(current, []))
    return found


def open_flags(
    user, *, kind: str = "", lead: int | None = None, area: PlanArea | None = None
) -> QuerySet[MeasureFlag]:
    """Every open flag of the current plan, for the Digital Agency."""
    if not may_see_flags(user):
        return MeasureFlag.objects.none()
    editions = [edition.pk for edition in flags.current_editions()]
    found = MeasureFlag.objects.filter(cleared_on__isnull=True, measure__edition_id__in=editions)
    if kind:
        found = found.filter(kind=kind)
    if lead:
        found = found.filter(measure__lead_id=lead)
    if area is not None:
        found = found.filter(measure__area_id__in=area_and_below(area))
    return found.select_related(
        "measure", "measure__lead", "measure__area", "measure__edition"
    ).order_by("-raised_on", "measure__code", "key")


@dataclass
class ReviewQueue:
    reports: list[ProgressReport]
    measurements: list[tuple[Measurement, Kpi]]


def review_queue(user) -> ReviewQueue:
    """What waits for the Digital Agency on the current plan: submitted reports and entered
    values (each with the current edition's KPI it belongs to)."""
    if not may_review(user):
        return ReviewQueue([], [])
    editions = [edition.pk for edition in flags.current_editions()]
    reports = list(
        ProgressReport.objects.filter(
            status=ReportStatus.SUBMITTED, measure__edition_id__in=editions
        )
        .select_related("measure", "measure__lead", "measure__edition")
        .order_by("submitted_at", "pk")
    )
    kpis = {
        kpi.series_id: kpi
        for kpi in Kpi.objects.filter(measure__edition_id__in=editions).select_related(
            "measure", "measure__edition"
        )
    }
    waiting = Measurement.objects.filter(
        status=MeasurementStatus.ENTERED, series_id__in=list(kpis)
    ).select_related("organization", "entered_by")
    measurements = [(m, kpis[m.series_id]) for m in waiting.order_by("created_at", "pk")]
    return ReviewQueue(reports, measurements)


def my_measures(user) -> QuerySet[Measure]:
    """The current plan's measures the user's organisation leads or shares, with their open
    flags counted."""
    organization = getattr(user, "organization_id", None)
    if not organization:
        return Measure.objects.none()
    editions = [edition.pk for edition in flags.current_editions()]
    return (
        Measure.objects.filter(edition_id__in=editions)
        .filter(Q(lead_id=organization) | Q(co_responsible__id=organization))
        .distinct()
        .select_related("edition", "lead", "area")
        .annotate(
            open_flags=Count("flags", filter=Q(flags__cleared_on__isnull=True), distinct=True)
        )
        .order_by("position", "code")
    )


@dataclass
class DueReport:
    fiscal_year: int
    quarter: int
    due: dt.date
    overdue: bool
    report: ProgressReport | None


def reports_due(measures: list[Measure], today: dt.date) -> dict[int, list[DueReport]]:
    """Per measure, the quarters whose report is overdue or due next and not filed, with the
    draft if one is started (two queries for any number of measures)."""
    reports: dict[tuple[int, int, int], ProgressReport] = {
        (r.measure_id, r.fiscal_year, r.quarter): r
        for r in ProgressReport.objects.filter(measure__in=measures)
    }
    due: dict[int, list[DueReport]] = {}
    this_quarter = calendar.previous_quarter(*calendar.quarter_of(today))
    for measure in measures:
        rows = [
            DueReport(year, quarter, when, True, reports.get((measure.pk, year, quarter)))
            for year, quarter, when in flags.due_quarters(measure.edition, measure.deadline, today)
        ]
        # The quarter just ended (or the one before, while its report is not yet late).
        year, quarter = this_quarter
        when = calendar.report_due(year, quarter, measure.edition.report_due_days)
        decided = measure.edition.decided_on
        if when >= today and decided and (year, quarter) >= calendar.quarter_of(decided):
            rows.append(
                DueReport(year, quarter, when, False, reports.get((measure.pk, year, quarter)))
            )
        due[measure.pk] = [
            row for row in rows if row.report is None or row.report.status == ReportStatus.DRAFT
        ]
    return due


def notices_for(user, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's notifications about measures (``notifications.selectors``)."""
    return notifications_for(user, unread_only=unread_only, namespace="plans")


def unread_notice_count(user) -> int:
    if not (user and user.is_authenticated):
        return 0
    return notices_for(user, unread_only=True).count()
