"""The route's writes: each hop receives the report, acknowledges it, asks the reporter or
assesses, and forwards it; the last hop closes it. The reporter answers questions."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shireito.core.services import audited_update, is_unstorable, record_audit_event
from shireito.incidents import notices, tallies
from shireito.incidents.choices import EntryKind, HopStatus, ReportStatus
from shireito.incidents.models import IncidentReport, ReportParty, RouteHop, TimelineEntry
from shireito.incidents.permissions import may_handle, may_report_for
from shireito.incidents.services.base import (
    _entry,
    _lock,
    _notify_route,
    _require,
    _require_open,
)

if TYPE_CHECKING:
    from shireito.accounts.models import User


def _reach(report: IncidentReport, hop: RouteHop, *, at: dt.datetime, actor: User | None) -> None:
    """The report arrives at a hop: it becomes a party and its handlers are told."""
    hop.status = HopStatus.RECEIVED
    hop.received_at = at
    hop.save(update_fields=["status", "received_at", "updated_at"])
    _party, new = ReportParty.objects.get_or_create(
        report=report, organization=hop.organization, defaults={"since": at}
    )
    record_audit_event(
        actor=actor,
        action="update",
        instance=hop,
        changes={
            "status": [HopStatus.WAITING, HopStatus.RECEIVED],
            **({"party": [None, hop.organization.code]} if new else {}),
        },
    )
    _entry(report, EntryKind.RECEIVED, at=at, organization=hop.organization, hop=hop)
    notices.notify(
        organization_id=hop.organization_id,
        report=report,
        kind="received",
        key=f"received:{report.pk}:{hop.pk}",
        params={},
    )


def _hop_only() -> str:
    return _("Only incident handlers of the organization that has the report now may do this.")


def _current_hop(report: IncidentReport, actor: User) -> RouteHop:
    """The hop the actor's organisation holds and that has the report now."""
    organization_id = actor.organization_id
    _require(organization_id is not None, _hop_only())
    hop = (
        report.hops.filter(
            organization_id=organization_id,
            status__in=(HopStatus.RECEIVED, HopStatus.ACKNOWLEDGED),
        )
        .order_by("position")
        .first()
    )
    if (
        hop is None
        and report.hops.filter(
            organization_id=organization_id, status__in=(HopStatus.FORWARDED, HopStatus.CLOSED)
        ).exists()
    ):
        # A second click, or a page read before the report moved on.
        raise ValidationError({"__all__": _("Your organization has already passed the report on.")})
    if hop is None or not may_handle(actor, hop):
        raise PermissionDenied(_hop_only())
    return hop


def hop_acknowledge(*, actor: User, report: IncidentReport, now=None) -> RouteHop:
    now = now or timezone.now()
    with transaction.atomic(), tallies.tallied(report.pk):
        report = _lock(report)
        _require_open(report)
        hop = _current_hop(report, actor)
        if hop.status != HopStatus.RECEIVED:
            raise ValidationError({"__all__": _("Your organization has already acknowledged it.")})
        hop, _changes = audited_update(
            actor=actor, instance=hop, status=HopStatus.ACKNOWLEDGED, acknowledged_at=now
        )
        _entry(report, EntryKind.ACKNOWLEDGED, at=now, actor=actor, hop=hop)
    return hop


def hop_comment(*, actor: User, report: IncidentReport, kind: str, text: str, now=None):
    """A question to the reporter, or an assessment, from the hop that has the report."""
    now = now or timezone.now()
    if kind not in (EntryKind.QUESTION, EntryKind.ASSESSMENT):
        raise ValidationError({"kind": _("Choose a question or an assessment.")})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the text.")})
    if is_unstorable(text):
        raise ValidationError(
            {"text": _("The text holds a character that cannot be stored (NUL).")}
        )
    with transaction.atomic():
        report = _lock(report)
        _require_open(report)
        hop = _current_hop(report, actor)
        entry = _entry(report, kind, at=now, actor=actor, hop=hop, text=text)
        record_audit_event(
            actor=actor, action="update", instance=report, changes={kind: [None, text]}
        )
        notices.notify(
            organization_id=report.reporter_id,
            report=report,
            kind=str(kind),
            key=f"{kind}:{entry.pk}",
            params={"organization_id": hop.organization_id},
        )
    return entry


def report_reply(
    *, actor: User, report: IncidentReport, question: TimelineEntry, text: str, now=None
) -> TimelineEntry:
    """The reporter answers a hop's question (an update linked to it)."""
    now = now or timezone.now()
    _require(
        may_report_for(actor, report.reporter),
        _("Only the reporting organization may answer."),
    )
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the answer.")})
    if is_unstorable(text):
        raise ValidationError(
            {"text": _("The text holds a character that cannot be stored (NUL).")}
        )
    if question.report_id != report.pk or question.kind != EntryKind.QUESTION:
        raise ValidationError({"reply_to": _("That is not a question on this report.")})
    with transaction.atomic():
        report = _lock(report)
        _require_open(report)
        entry = _entry(
            report,
            EntryKind.UPDATE,
            at=now,
            actor=actor,
            organization=report.reporter,
            text=text,
            reply_to=question,
        )
        record_audit_event(
            actor=actor, action="update", instance=report, changes={"answer": [None, text]}
        )
        _notify_route(report, "update", key=f"update:{entry.pk}")
    return entry


def hop_forward(*, actor: User, report: IncidentReport, note: str = "", now=None) -> RouteHop:
    """Send the report on to the next hop (after acknowledging it)."""
    now = now or timezone.now()
    with transaction.atomic(), tallies.tallied(report.pk):
        report = _lock(report)
        _require_open(report)
        hop = _current_hop(report, actor)
        if hop.status != HopStatus.ACKNOWLEDGED:
            raise ValidationError({"__all__": _("Acknowledge the report before forwarding it.")})
        following = report.hops.filter(position=hop.position + 1).first()
        if following is None:
            raise ValidationError(
                {"__all__": _("Your organization is the last on the route: close the report.")}
            )
        note = (note or "").strip()
        if is_unstorable(note):
            raise ValidationError(
                {"note": _("The text holds a character that cannot be stored (NUL).")}
            )
        hop, _changes = audited_update(
            actor=actor, instance=hop, status=HopStatus.FORWARDED, forwarded_at=now
        )
        if note:
            record_audit_event(
                actor=actor, action="update", instance=hop, changes={"note": [None, note]}
            )
        _entry(
            report,
            EntryKind.FORWARDED,
            at=now,
            actor=actor,
            hop=hop,
            text=note,
            details={"to_id": following.organization_id},
        )
        _reach(report, following, at=now, actor=actor)
    return following


def report_close(*, actor: User, report: IncidentReport, summary: str, now=None) -> IncidentReport:
    """The national centre (the route's last hop) closes the report."""
    now = now or timezone.now()
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"summary": _("Say how the incident was resolved.")})
    with transaction.atomic(), tallies.tallied(report.pk):
        report = _lock(report)
        _require_open(report)
        hop = _current_hop(report, actor)
        if hop.position != report.hops.count():
            raise PermissionDenied(_("Only the last organization on the route closes a report."))
        if hop.status != HopStatus.ACKNOWLEDGED:
            raise ValidationError({"__all__": _("Acknowledge the report before closing it.")})
        audited_update(actor=actor, instance=hop, status=HopStatus.CLOSED)
        report, _changes = audited_update(
            actor=actor,
            instance=report,
            status=ReportStatus.CLOSED,
            closed_at=now,
            closing_summary=summary,
        )
        _entry(report, EntryKind.CLOSED, at=now, actor=actor, hop=hop, text=summary)
        notices.notify(
            organization_id=report.reporter_id,
            report=report,
            kind="closed",
            key=f"closed:{report.pk}",
            params={},
        )
    return report
