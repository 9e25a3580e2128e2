"""The reporter files a regime's stages on its report; overdue stages raise notices."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shireito.core.services import record_audit_event
from shireito.incidents import deadlines, notices
from shireito.incidents.choices import (
    REQUIRABLE_FIELDS,
    ClockState,
    EntryKind,
    HopStatus,
    ReportStatus,
)
from shireito.incidents.models import IncidentReport, RegimeStage, StageFiling
from shireito.incidents.permissions import may_report_for
from shireito.incidents.regimes import report_clocks
from shireito.incidents.selectors import overdue_clocks
from shireito.incidents.services.base import _entry, _lock, _require
from shireito.notifications.services import mark_read

if TYPE_CHECKING:
    from shireito.accounts.models import User


def missing_for_stage(report: IncidentReport, stage: RegimeStage) -> list[str]:
    """The stage's required fields the report does not hold yet."""
    missing = []
    for name in stage.required_fields:
        if name == "systems":
            present = report.systems.exists()
        elif name == "indicators":
            present = report.indicators.exists()
        elif name in REQUIRABLE_FIELDS:
            value = getattr(report, name, None)
            present = value not in (None, "")
        else:
            present = True
        if not present:
            missing.append(name)
    return missing


def _file(
    report: IncidentReport, stage: RegimeStage, *, actor: User | None, at: dt.datetime
) -> StageFiling:
    filing = StageFiling.objects.create(
        report=report, stage=stage, filed_at=at, filed_by=actor if actor else None
    )
    record_audit_event(
        actor=actor,
        action="update",
        instance=report,
        changes={"filed": [None, f"{stage.regime.key}:{stage.key}"]},
    )
    _entry(
        report,
        EntryKind.STAGE_FILED,
        at=at,
        actor=actor,
        organization=report.reporter,
        details={
            "regime": stage.regime.key,
            "stage": stage.key,
            "label": stage.label,
            "label_en": stage.label_en,
        },
    )
    return filing


def stage_file(*, actor: User, report: IncidentReport, stage: RegimeStage, now=None) -> StageFiling:
    """The reporter files one stage of a regime on the report, once it holds what the stage
    requires (each missing field is named)."""
    now = now or timezone.now()
    _require(
        may_report_for(actor, report.reporter),
        _("Only the reporting organization files regime stages."),
    )
    with transaction.atomic():
        report = _lock(report)
        if report.status == ReportStatus.DRAFT:
            raise ValidationError({"__all__": _("Submit the report first.")})
        if not report.regimes.filter(pk=stage.regime_id).exists():
            raise ValidationError({"stage": _("This regime does not apply to the report.")})
        clock = next((c for c in report_clocks(report, now) if c.stage.pk == stage.pk), None)
        if clock is None or clock.state == ClockState.NOT_APPLICABLE:
            raise ValidationError({"stage": _("This stage does not apply to the report.")})
        if not clock.is_open:
            raise ValidationError({"stage": _("This stage has already been filed.")})
        missing = missing_for_stage(report, stage)
        if missing:
            raise ValidationError(
                {name: _("Required by %(stage)s.") % {"stage": stage.label} for name in missing}
            )
        filing = _file(report, stage, actor=actor, at=now)
        deadlines.refresh(report.pk)  # this stage is done, and the next one's clock starts
        return filing


def overdue_notify(*, now: dt.datetime | None = None) -> int:
    """Raise a notice (and e-mail) for every overdue stage of every open report, once per
    stage: to the reporter's handlers and to the route's hops that have the report."""
    now = now or timezone.now()
    raised = 0
    with transaction.atomic():
        for report, clock in overdue_clocks(IncidentReport.objects.all(), now=now):
            params = {
                "stage": f"{clock.regime.name}: {clock.stage.label}",
                "stage_en": f"{clock.regime.name_en}: {clock.stage.label_en}",
                "due": timezone.localtime(clock.due_at).strftime("%Y-%m-%d %H:%M"),
            }
            key = f"overdue:{report.pk}:{clock.stage.pk}"
            raised += notices.notify(
                organization_id=report.reporter_id,
                report=report,
                kind="overdue",
                key=key,
                params=params,
            )
            for hop in report.hops.exclude(status=HopStatus.WAITING):
                raised += notices.notify(
                    organization_id=hop.organization_id,
                    report=report,
                    kind="overdue",
                    key=f"{key}:{hop.pk}",
                    params=params,
                )
    return raised


def notice_mark_read(*, user: User, notice_ids: Iterable[int] | None) -> int:
    """Mark the user's own notifications of incident reports read (those of ``notice_ids``, or
    all)."""
    return mark_read(user=user, ids=notice_ids, namespace=notices.NAMESPACE)
