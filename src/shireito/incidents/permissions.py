"""Who may do what with an incident report: asked by the services (which refuse), the views and
the API (which offer only what the user may do) and, through the views' context, templates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.utils import timezone

from shireito.core.permissions import rule
from shireito.incidents.choices import HopStatus, ReportStatus
from shireito.incidents.models import IncidentReport, RouteHop
from shireito.incidents.regimes import StageClock
from shireito.incidents.selectors import national_centres
from shireito.organizations.mandates import RouteAnswer, active_engine
from shireito.organizations.permissions import may_use_national_areas

if TYPE_CHECKING:
    from shireito.accounts.models import User
    from shireito.organizations.models import Organization

REPORTER_ROLES = ("editor", "incident_handler", "org_admin")
HANDLER_ROLES = ("incident_handler", "org_admin")


def _has_any_role(user: User | None, roles: Iterable[str]) -> bool:
    if user is None or not (user.is_authenticated and user.is_active):
        return False
    return any(user.has_role(role) for role in roles)


def may_report_for(user: User | None, organization: Organization | None) -> bool:
    """Members of the reporting organisation who edit or handle incidents."""
    return (
        organization is not None
        and getattr(user, "organization_id", None) == organization.pk
        and _has_any_role(user, REPORTER_ROLES)
    )


def usable_route(route: RouteAnswer, reporter_id: int) -> bool:
    """A route a report can be submitted along: every place on it held by someone, and none
    by the reporter itself (what ``services.report_submit`` refuses otherwise)."""
    return route.complete and all(hop[1].pk != reporter_id for hop in route.hops)


def has_report_route(organization: Organization, *, on: dt.date | None = None) -> bool:
    """Whether the governance model in force gives ``organization`` a usable report route."""
    answer = active_engine(on=on).report_routes(organization)
    return any(usable_route(route, organization.pk) for route in answer.routes)


def may_start_report(
    user: User | None, organization: Organization | None, *, on: dt.date | None = None
) -> bool:
    """Start a report (the form, a STIX bundle, the API) for ``organization``: who may report
    for it, and only where the governance model in force gives it a route it can be submitted
    along, so no draft is started that could never be sent. The form's link, the STIX import,
    the API and ``services.report_create`` all ask this one rule.

    Not under ``core.permissions.rule``: its preamble lets platform admins and the command
    line through, which would let an admin draft for a body without a route; reporting is the
    organisation's own act (``may_report_for``), and the route is asked of everyone."""
    return (
        organization is not None
        and may_report_for(user, organization)
        and has_report_route(organization, on=on)
    )


def may_handle(user: User | None, hop: RouteHop) -> bool:
    """Incident handlers (or the admin) of the organisation holding the hop."""
    return getattr(user, "organization_id", None) == hop.organization_id and _has_any_role(
        user, HANDLER_ROLES
    )


def may_change_regimes(user: User | None) -> bool:
    """Platform admins adjust the reporting regimes (deadlines, in force, organisations)."""
    return bool(getattr(user, "is_platform_admin", False))


def may_edit(user: User | None, report: IncidentReport) -> bool:
    """The reporter changes its report until it is closed."""
    return report.status != ReportStatus.CLOSED and may_report_for(user, report.reporter)


def may_answer(user: User | None, report: IncidentReport) -> bool:
    """The reporter answers the route's questions while the report is open."""
    return report.status == ReportStatus.OPEN and may_report_for(user, report.reporter)


def may_file(user: User | None, report: IncidentReport, clock: StageClock) -> bool:
    """The reporter files a stage whose clock is open, once the report is submitted."""
    return (
        report.status != ReportStatus.DRAFT
        and clock.is_open
        and may_report_for(user, report.reporter)
    )


def may_submit(user: User | None, report: IncidentReport) -> bool:
    """The reporter sends its draft along the route."""
    return report.status == ReportStatus.DRAFT and may_report_for(user, report.reporter)


def may_delete_attachments(user: User | None, report: IncidentReport) -> bool:
    """Only from a draft, and only by the reporting organisation: once submitted, files are
    kept for good."""
    return report.status == ReportStatus.DRAFT and may_report_for(user, report.reporter)


def _handles_now(user: User | None, report: IncidentReport) -> bool:
    """The user handles a hop that has the report now (received or acknowledged it)."""
    if report.status != ReportStatus.OPEN:
        return False
    return any(
        hop.status in (HopStatus.RECEIVED, HopStatus.ACKNOWLEDGED) and may_handle(user, hop)
        for hop in report.hops.all()
    )


def may_attach(user: User | None, report: IncidentReport) -> bool:
    """The reporter, or the handlers of the hop that has the report now, until it is closed."""
    if report.status == ReportStatus.CLOSED:
        return False
    return may_report_for(user, report.reporter) or _handles_now(user, report)


def may_publish(
    user: User | None, report: IncidentReport, *, now: dt.datetime | None = None
) -> bool:
    """Incident handlers of the national centre, once the report has reached it."""
    now = now or timezone.now()
    organization_id = getattr(user, "organization_id", None)
    if organization_id is None or not _has_any_role(user, HANDLER_ROLES):
        return False
    if report.status == ReportStatus.DRAFT:
        return False
    if not any(c.pk == organization_id for c in national_centres(on=timezone.localdate(now))):
        return False
    return report.parties.filter(organization_id=organization_id).exists()


@rule
def may_see_reports(actor: User) -> bool:
    """The incident reports area: domestic bodies report and handle reports on their route."""
    return may_use_national_areas(actor)
