"""Reads of incident reports, always through the one scoping layer (core.scoping)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.lookups import Exact, IsNull
from django.utils import timezone

from shireito.core.scoping import visible_to
from shireito.incidents.choices import HopStatus, ReportStage, ReportStatus, StageCondition
from shireito.incidents.models import (
    Attachment,
    IncidentReport,
    Notice,
    RegimeStage,
    ReportingRegime,
    RouteHop,
    StageFiling,
    TimelineEntry,
)
from shireito.incidents.regimes import StageClock, report_clocks, stage_clocks
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
        found = {
            report.pk
            for report, clock in overdue_clocks(reports, now=now)
            if overdue == ANY_REGIME or clock.regime.key == overdue
        }
        reports = reports.filter(pk__in=found)
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


def _clocks_in_bulk(
    reports: list[IncidentReport], now: dt.datetime
) -> list[tuple[IncidentReport, StageClock]]:
    """Every clock of each submitted report in ``reports``, from three plain queries (its
    regimes, their stages, its filings) rather than a prefetch per report: at national scale
    the dashboard computes hundreds of reports' clocks on every load."""
    ids = [report.pk for report in reports]
    through = IncidentReport.regimes.through
    regimes_of: dict[int, list[int]] = {}
    filings_of: dict[int, dict[int, dt.datetime]] = {}
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        for report_id, regime_id in through.objects.filter(incidentreport_id__in=chunk).values_list(
            "incidentreport_id", "reportingregime_id"
        ):
            regimes_of.setdefault(report_id, []).append(regime_id)
        for report_id, stage_id, filed_at in StageFiling.objects.filter(
            report_id__in=chunk
        ).values_list("report_id", "stage_id", "filed_at"):
            filings_of.setdefault(report_id, {})[stage_id] = filed_at
    stages_of: dict[int, list[RegimeStage]] = {}
    for stage in RegimeStage.objects.select_related("regime").order_by("regime__key", "position"):
        stages_of.setdefault(stage.regime_id, []).append(stage)
    found = []
    for report in reports:
        filings = filings_of.get(report.pk, {})
        for regime_id in sorted(regimes_of.get(report.pk, [])):
            for clock in stage_clocks(report, stages_of.get(regime_id, []), filings, now):
                found.append((report, clock))
    return found


def _has_unfiled_stage() -> Exists:
    """Whether a report has a stage of its regimes that applies to it and is not filed: the
    only reports that can have an overdue clock (most closed ones have filed everything, so
    their clocks need not be computed at all)."""
    applies = (
        Q(condition=StageCondition.ALWAYS)
        | (Q(condition=StageCondition.MALICIOUS) & Exact(OuterRef("malicious"), True))
        | (Q(condition=StageCondition.NOT_MALICIOUS) & Exact(OuterRef("malicious"), False))
        | (Q(condition=StageCondition.RANSOM_PAID) & IsNull(OuterRef("ransom_paid_at"), False))
    )
    filed = StageFiling.objects.filter(report_id=OuterRef(OuterRef("pk")), stage_id=OuterRef("pk"))
    return Exists(
        RegimeStage.objects.filter(regime__reports=OuterRef("pk"))
        .filter(applies)
        .filter(~Exists(filed))
    )


def overdue_clocks(
    reports: QuerySet[IncidentReport], *, now: dt.datetime | None = None
) -> list[tuple[IncidentReport, StageClock]]:
    """Every overdue stage of the submitted reports in ``reports`` (already scoped by the
    caller): closed ones too, as a regulator's final report often falls due after the national
    centre has closed the report, but only those closed within ``CLOSED_WATCH`` (the dashboard
    reads this on every load, and closed reports only accumulate). The clocks are computed
    only for reports with an applicable stage not yet filed."""
    now = now or timezone.now()
    candidates = list(
        reports.filter(
            Q(status=ReportStatus.OPEN)
            | Q(status=ReportStatus.CLOSED, closed_at__gte=now - CLOSED_WATCH)
        )
        .filter(_has_unfiled_stage())
        .select_related("reporter")
    )
    found = [pair for pair in _clocks_in_bulk(candidates, now) if pair[1].is_overdue]
    # Overdue clocks have a due time.
    found.sort(key=lambda pair: (pair[1].due_at or now, pair[0].pk))
    return found


def overdue_for(user: User, *, now: dt.datetime | None = None):
    """The dashboard's overdue stages: those of reports the user may see."""
    return overdue_clocks(reports_visible_to(user), now=now)


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


def notices_for(user: User, *, unread_only: bool = False) -> QuerySet[Notice]:
    notices = Notice.objects.filter(user=user).select_related("report")
    if unread_only:
        notices = notices.filter(read_at=None)
    return notices


def unread_notice_count(user: User) -> int:
    if not (user and user.is_authenticated):
        return 0
    return Notice.objects.filter(user=user, read_at=None).count()
