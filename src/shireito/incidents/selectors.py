"""Reads of incident reports, always through the one scoping layer (core.scoping)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, Min, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from shireito.core.scoping import ALL, narrowing_of, visible_organization_ids, visible_to
from shireito.incidents.choices import ClockState, HopStatus, ReportStage, ReportStatus
from shireito.incidents.models import (
    Attachment,
    IncidentReport,
    OpenStageDeadline,
    RegimeStage,
    ReportingRegime,
    RouteHop,
    TimelineEntry,
)
from shireito.incidents.regimes import StageClock, report_clocks
from shireito.notifications.models import Notification
from shireito.notifications.selectors import notifications_for
from shireito.organizations.mandates import active_engine

if TYPE_CHECKING:
    from shireito.accounts.models import User

NATIONAL_CENTRE_ROLE = "national_cyber_centre"

# The longest preset deadline is 60 days after awareness; a stage still unfiled a year after
# the report was closed is no longer the dashboard's business.
CLOSED_WATCH = dt.timedelta(days=365)


def reports_visible_to(user: User) -> QuerySet[IncidentReport]:
    return visible_to(user, IncidentReport.objects.select_related("reporter"))


# The ``stage`` filter's value for every submitted report (open or closed).
SUBMITTED = "submitted"
# The ``overdue`` filter's value for an overdue stage of any regime (else a regime's key).
ANY_REGIME = "1"


def report_list(
    user: User,
    *,
    status: str = "",
    category: str = "",
    search: str = "",
    waiting_for_me: bool = False,
    stage: str = "",
    place: str = "",
    sector: str = "",
    fiscal_year: int | None = None,
    month: int | None = None,
    route: str = "",
    acknowledged_hop: int | None = None,
    overdue: str = "",
    now: dt.datetime | None = None,
) -> QuerySet[IncidentReport]:
    """The reports the user may see, filtered: each filter is what a figure of the control
    tower counts, so a figure's link lists exactly its reports. ``stage`` and ``place`` are
    where the report stands (``incidents.tallies.stage_of``); ``fiscal_year`` and ``month``
    (YYYYMM) those of awareness in Japan time; ``acknowledged_hop`` the reports whose hop at
    that position has acknowledged them; ``overdue`` those with an overdue stage (of one
    regime, or of any with ``ANY_REGIME``)."""
    reports = reports_visible_to(user)
    if status:
        reports = reports.filter(status=status)
    if category:
        reports = reports.filter(category=category)
    if search:
        reports = reports.filter(
            Q(number__icontains=search)
            | Q(title__icontains=search)
            | Q(reporter__name__icontains=search)
            | Q(reporter__name_en__icontains=search)
        )
    if waiting_for_me:
        reports = reports.filter(
            pk__in=RouteHop.objects.filter(
                organization_id=user.organization_id,
                status__in=(HopStatus.RECEIVED, HopStatus.ACKNOWLEDGED),
                report__status=ReportStatus.OPEN,
            ).values("report_id")
        )
    reports = _where(reports, stage=stage, place=place)
    if sector:
        reports = reports.filter(reporter__sector__code=sector)
    if fiscal_year is not None:
        start, _end = _month_bounds(fiscal_year * 100 + 4)
        _start, end = _month_bounds((fiscal_year + 1) * 100 + 3)
        reports = reports.filter(aware_at__gte=start, aware_at__lt=end)
    if month is not None:
        start, end = _month_bounds(month)
        reports = reports.filter(aware_at__gte=start, aware_at__lt=end)
    if route:
        reports = reports.filter(route_key=route)
    if acknowledged_hop is not None:
        # A semi-join: as a correlated EXISTS beside the scoping's own, PostgreSQL chose a
        # nested loop over every hop (10 s at 50,000 reports).
        reports = reports.filter(
            pk__in=RouteHop.objects.filter(
                position=acknowledged_hop,
                received_at__isnull=False,
                acknowledged_at__isnull=False,
            ).values("report_id")
        )
    if overdue:
        rows = OpenStageDeadline.objects.filter(party__isnull=True)
        reports = reports.filter(
            pk__in=_overdue_rows(rows, now or timezone.now(), overdue).values("report_id")
        )
    return reports.order_by("-created_at", "-id")


def _where(reports: QuerySet[IncidentReport], *, stage: str, place: str):
    """Reports at ``stage`` (a ``ReportStage`` or ``SUBMITTED``), at the hop of ``place``."""
    if stage == SUBMITTED:
        return reports.filter(status__in=(ReportStatus.OPEN, ReportStatus.CLOSED))
    if stage == ReportStage.DRAFT:
        return reports.filter(status=ReportStatus.DRAFT)
    if stage == ReportStage.CLOSED:
        return reports.filter(status=ReportStatus.CLOSED)
    if stage in (ReportStage.RECEIVED, ReportStage.ACKNOWLEDGED) or place:
        statuses = [stage] if stage else [HopStatus.RECEIVED, HopStatus.ACKNOWLEDGED]
        # The hop that has an open report is the first received or acknowledged one; there
        # is only ever one (a hop forwards before the next receives).
        hops = RouteHop.objects.filter(report_id=OuterRef("pk"), status__in=statuses)
        if place:
            hops = hops.filter(place=place)
        return reports.filter(status=ReportStatus.OPEN).filter(Exists(hops))
    return reports


def _month_bounds(month: int) -> tuple[dt.datetime, dt.datetime]:
    """A month (YYYYMM) in Japan time, as the tallies count it: start, and the next start."""
    zone = timezone.get_default_timezone()
    year, number = divmod(month, 100)
    after = (year + 1, 1) if number == 12 else (year, number + 1)
    return (
        dt.datetime(year, number, 1, tzinfo=zone),
        dt.datetime(after[0], after[1], 1, tzinfo=zone),
    )


def _with_route(reports: QuerySet[IncidentReport]) -> QuerySet[IncidentReport]:
    stages = RegimeStage.objects.select_related("regime").order_by("position")
    return reports.prefetch_related(
        Prefetch("hops", queryset=RouteHop.objects.select_related("organization")),
        Prefetch(
            "regimes",
            queryset=ReportingRegime.objects.prefetch_related(Prefetch("stages", queryset=stages)),
        ),
        "filings",
        "systems",
        "indicators",
        "attachments",
    )


def report_get(user: User, number: str) -> IncidentReport | None:
    """One report the user may see, with its route and regimes; None otherwise (the same
    answer whether it does not exist or is not theirs)."""
    return _with_route(reports_visible_to(user)).filter(number=number).first()


def question_get(report: IncidentReport, entry_id: int) -> TimelineEntry | None:
    """One entry of the report's timeline (the caller already may see the report)."""
    return timeline_of(report).filter(pk=entry_id).first()


def stage_of(report: IncidentReport, stage_id: int) -> RegimeStage | None:
    """One stage of a regime that applies to the report."""
    return next(
        (s for regime in report.regimes.all() for s in regime.stages.all() if s.pk == stage_id),
        None,
    )


def regime_get(key: str) -> ReportingRegime | None:
    return regimes().filter(key=key).first()


def attachment_get(user: User, report: IncidentReport, attachment_id: int) -> Attachment | None:
    """One attachment of a report the user may see (scoped like every read)."""
    return visible_to(user, Attachment.objects.filter(report=report, pk=attachment_id)).first()


def national_centres(*, on: dt.date | None = None) -> list:
    """The organisations holding the national centre's role on ``on`` (today by default)."""
    return active_engine(on=on or timezone.localdate()).holders(NATIONAL_CENTRE_ROLE)


def timeline_of(report: IncidentReport) -> QuerySet[TimelineEntry]:
    return report.timeline.select_related("organization", "author", "hop", "reply_to")


def clocks_of(report: IncidentReport, now: dt.datetime | None = None) -> list[StageClock]:
    return report_clocks(report, now or timezone.now())


def _overdue_rows(
    rows: QuerySet[OpenStageDeadline], now: dt.datetime, regime: str = ""
) -> QuerySet[OpenStageDeadline]:
    """The stored open stages past their due time, of submitted reports that are open or were
    closed within ``CLOSED_WATCH`` (a regulator's final report often falls due after the
    national centre has closed the report; closed reports only accumulate)."""
    rows = rows.filter(due_at__lt=now).filter(
        Q(report__status=ReportStatus.OPEN)
        | Q(report__status=ReportStatus.CLOSED, report__closed_at__gte=now - CLOSED_WATCH)
    )
    if regime and regime != ANY_REGIME:
        rows = rows.filter(regime__key=regime)
    return rows


def _deadlines_visible_to(user: User) -> QuerySet[OpenStageDeadline]:
    """The deadline rows of the reports the user may see: its organisation's own rows (those
    of the reports it is party to), or the "every report" rows for platform admins, as the
    tallies are read. Should a rule let a user see several organisations' reports, the
    "every report" rows of the reports it may list; and so in a drill-down (a narrowing),
    which keeps the reports that concern the body drilled down to."""
    every_report = OpenStageDeadline.objects.filter(party__isnull=True)
    narrowing = narrowing_of(user)
    if narrowing is not None and user.organization_id not in narrowing:
        return every_report.filter(report__in=reports_visible_to(user).values("pk"))
    ids = visible_organization_ids(user, IncidentReport)
    if ids is ALL or not isinstance(ids, set):
        return every_report
    if not ids:
        return OpenStageDeadline.objects.none()
    if len(ids) == 1:
        return OpenStageDeadline.objects.filter(party_id=next(iter(ids)))
    return every_report.filter(report__in=reports_visible_to(user).values("pk"))


def _as_clocks(
    rows: QuerySet[OpenStageDeadline], limit: int | None = None
) -> list[tuple[IncidentReport, StageClock]]:
    """Stored overdue stages as (report, clock), earliest due first (then as the report's
    clocks run: by regime, by position); the first ``limit`` only if given."""
    ordered = rows.select_related("report__reporter", "stage__regime").order_by(
        "due_at", "report_id", "regime_id", "stage__position"
    )
    found = []
    for row in ordered[:limit] if limit is not None else ordered:
        due = row.due_at
        assert due is not None  # an overdue stage has a due time
        clock = StageClock(row.stage, ClockState.OVERDUE, due - row.stage.offset, due)
        found.append((row.report, clock))
    return found


def overdue_clocks(
    reports: QuerySet[IncidentReport], *, now: dt.datetime | None = None
) -> list[tuple[IncidentReport, StageClock]]:
    """Every overdue stage of the submitted reports in ``reports`` (already scoped by the
    caller), read from the stored deadlines (``incidents.deadlines``)."""
    now = now or timezone.now()
    rows = OpenStageDeadline.objects.filter(party__isnull=True, report__in=reports.values("pk"))
    return _as_clocks(_overdue_rows(rows, now))


def overdue_for(user: User, *, now: dt.datetime | None = None):
    """The dashboard's overdue stages: those of reports the user may see."""
    return _as_clocks(_overdue_rows(_deadlines_visible_to(user), now or timezone.now()))


@dataclass
class OverdueCounts:
    stages: int
    reports: int
    # (regime, reports with an overdue stage of it, earliest due), earliest due first
    by_regime: list[tuple[ReportingRegime, int, dt.datetime]]
    first: list[tuple[IncidentReport, StageClock]]


def overdue_counts(user: User, *, now: dt.datetime | None = None, rows: int = 20):
    """How many stages of the reports the user may see are overdue, on how many reports, by
    regime, and the ``rows`` due earliest: aggregates over the stored deadlines, so the tower
    does not load every overdue stage."""
    overdue = _overdue_rows(_deadlines_visible_to(user), now or timezone.now())
    totals = overdue.aggregate(stages=Count("pk"), reports=Count("report_id", distinct=True))
    if not totals["stages"]:
        return OverdueCounts(0, 0, [], [])
    per_regime = list(
        overdue.values("regime_id")
        .annotate(reports=Count("report_id", distinct=True), due=Min("due_at"))
        .order_by("due", "regime_id")
    )
    names = ReportingRegime.objects.in_bulk([row["regime_id"] for row in per_regime])
    return OverdueCounts(
        stages=totals["stages"],
        reports=totals["reports"],
        by_regime=[(names[r["regime_id"]], r["reports"], r["due"]) for r in per_regime],
        first=_as_clocks(overdue, rows),
    )


def waiting_on(user: User) -> QuerySet[RouteHop]:
    """Hops the user's organisation holds where the report waits for it to act."""
    return (
        RouteHop.objects.filter(
            organization_id=user.organization_id,
            status__in=(HopStatus.RECEIVED, HopStatus.ACKNOWLEDGED),
            report__status=ReportStatus.OPEN,
        )
        .select_related("report", "report__reporter")
        .order_by("received_at")
    )


def route_places() -> dict[str, list[str]]:
    """Each route key of the governance model in force and its places in order (the same
    key names the same places for every reporter that has it)."""
    places: dict[str, list[str]] = {}
    for entry in active_engine().model.report_routes:
        for route in entry.routes:
            places.setdefault(route.key, list(route.hops))
    return places


def regimes() -> QuerySet[ReportingRegime]:
    """Reporting regimes are public reference data: every signed-in user may read them."""
    return ReportingRegime.objects.prefetch_related(
        Prefetch("stages", queryset=RegimeStage.objects.order_by("position")), "organizations"
    )


def notices_for(user: User, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's notifications of incident reports (``notifications.selectors``)."""
    return notifications_for(user, unread_only=unread_only, namespace="incidents")


def unread_notice_count(user: User) -> int:
    if not (user and user.is_authenticated):
        return 0
    return notices_for(user, unread_only=True).count()
