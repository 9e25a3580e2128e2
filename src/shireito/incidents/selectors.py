"""Reads of incident reports, always through the one scoping layer (core.scoping)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from shireito.core.scoping import visible_to
from shireito.incidents.choices import HopStatus, ReportStatus
from shireito.incidents.models import (
    Attachment,
    IncidentReport,
    Notice,
    RegimeStage,
    ReportingRegime,
    RouteHop,
    TimelineEntry,
)
from shireito.incidents.regimes import StageClock, report_clocks
from shireito.organizations.mandates import active_engine

if TYPE_CHECKING:
    from shireito.accounts.models import User

NATIONAL_CENTRE_ROLE = "national_cyber_centre"

# The longest preset deadline is 60 days after awareness; a stage still unfiled a year after
# the report was closed is no longer the dashboard's business.
CLOSED_WATCH = dt.timedelta(days=365)


def reports_visible_to(user: User) -> QuerySet[IncidentReport]:
    return visible_to(user, IncidentReport.objects.select_related("reporter"))


def report_list(
    user: User,
    *,
    status: str = "",
    category: str = "",
    search: str = "",
    waiting_for_me: bool = False,
) -> QuerySet[IncidentReport]:
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
    return reports.order_by("-created_at", "-id")


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


def overdue_clocks(
    reports: QuerySet[IncidentReport], *, now: dt.datetime | None = None
) -> list[tuple[IncidentReport, StageClock]]:
    """Every overdue stage of the submitted reports in ``reports`` (already scoped by the
    caller): closed ones too, as a regulator's final report often falls due after the national
    centre has closed the report, but only those closed within ``CLOSED_WATCH`` (the dashboard
    reads this on every load, and closed reports only accumulate)."""
    now = now or timezone.now()
    found = []
    open_reports = _with_route(
        reports.filter(
            Q(status=ReportStatus.OPEN)
            | Q(status=ReportStatus.CLOSED, closed_at__gte=now - CLOSED_WATCH)
        )
    )
    for report in open_reports:
        for clock in report_clocks(report, now):
            if clock.is_overdue:
                found.append((report, clock))
    # Overdue clocks have a due time.
    found.sort(key=lambda pair: pair[1].due_at or timezone.now())
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
