"""What every write to a report shares: the lock, the timeline entry, the refusals."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from shireito.incidents import notices
from shireito.incidents.choices import HopStatus, ReportStatus
from shireito.incidents.models import IncidentReport, TimelineEntry

if TYPE_CHECKING:
    from shireito.accounts.models import User


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


def _entry(
    report: IncidentReport,
    kind: str,
    *,
    at: dt.datetime,
    actor: User | None = None,
    organization=None,
    hop=None,
    text: str = "",
    **extra,
) -> TimelineEntry:
    return TimelineEntry.objects.create(
        report=report,
        at=at,
        kind=kind,
        organization=organization or getattr(actor, "organization", None),
        author=actor if getattr(actor, "pk", None) else None,
        hop=hop,
        text=text,
        reply_to=extra.pop("reply_to", None),
        details=extra.pop("details", {}),
    )


def _ms(moment: dt.datetime) -> dt.datetime:
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _lock(report: IncidentReport) -> IncidentReport:
    return IncidentReport.objects.select_for_update().get(pk=report.pk)


def _require_open(report: IncidentReport) -> None:
    if report.status != ReportStatus.OPEN:
        raise ValidationError({"__all__": _("The report is not open on its route.")})


def _notify_route(report: IncidentReport, kind: str, *, key: str) -> None:
    """Tell every hop that has the report, or had it, of the reporter's update."""
    for hop in report.hops.exclude(status=HopStatus.WAITING):
        notices.notify(
            organization_id=hop.organization_id,
            report=report,
            kind=kind,
            key=f"{key}:{hop.pk}",
            params={},
        )


# --- regime stages ---------------------------------------------------------------------------
