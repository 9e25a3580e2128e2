"""The engagement's life: its fields, its status steps, its stages."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shireito.audits.choices import (
    STAGE_OWNED_BY_AUDITEE,
    STATUS_BACK,
    STATUS_NEXT,
    AuditStatus,
    ResultStatus,
    StageKind,
)
from shireito.audits.models import (
    Audit,
    AuditStage,
)
from shireito.audits.permissions import (
    may_lead,
    require_auditee,
    require_auditor,
)
from shireito.audits.services.planning import check_period
from shireito.core.services import (
    audited_update,
)

if TYPE_CHECKING:
    from shireito.accounts.models import User

# --- the engagement's life ---------------------------------------------------------------


def require_open(audit: Audit) -> None:
    if audit.is_closed:
        raise ValidationError(_("This audit is closed."))


AUDIT_EDITABLE = ("title", "lead", "period_start", "period_end", "method", "conclusion")


def audit_update(*, actor: User | None, audit: Audit, **fields) -> Audit:
    require_auditor(actor, audit)
    require_open(audit)
    unknown = set(fields) - set(AUDIT_EDITABLE)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in unknown})
    lead = fields.get("lead")
    if "period_start" in fields or "period_end" in fields:
        check_period(
            fields.get("period_start", audit.period_start),
            fields.get("period_end", audit.period_end),
            audit.fiscal_year,
        )
    changes_lead = lead is not None and lead.pk != audit.lead_id
    if (
        lead is not None
        and changes_lead
        and not may_lead(lead, kind=audit.kind, auditor=audit.auditor)
    ):
        raise ValidationError({"lead": _("The lead is an auditor of the auditing body.")})
    audit, _changes = audited_update(actor=actor, instance=audit, **fields)
    return audit


# The stage a status step completes.
STAGE_DONE_BY: dict[str, str] = {
    AuditStatus.REPORTING: StageKind.REVIEW,
    AuditStatus.CLOSED: StageKind.REPORT,
}


def audit_advance(*, actor: User | None, audit: Audit, status: str) -> Audit:
    """Move the engagement on (planned → fieldwork → reporting → closed) or back from
    reporting to fieldwork. Closing needs a conclusion and no results left unassessed."""
    require_auditor(actor, audit)
    allowed = {s for s in (STATUS_NEXT.get(audit.status), STATUS_BACK.get(audit.status)) if s}
    if status not in allowed:
        raise ValidationError(
            {
                "status": _("From %(current)s an audit moves only to %(allowed)s.")
                % {
                    "current": AuditStatus(audit.status).label,
                    "allowed": " / ".join(str(AuditStatus(s).label) for s in allowed) or "—",
                }
            }
        )
    fields: dict = {"status": status}
    if status == AuditStatus.CLOSED:
        if not audit.conclusion.strip():
            raise ValidationError({"conclusion": _("Write the conclusion before closing.")})
        left = audit.results.filter(status=ResultStatus.NOT_ASSESSED).count()
        if left:
            raise ValidationError({"status": _("%d control results are not assessed yet.") % left})
        fields["closed_on"] = timezone.localdate()
    with transaction.atomic():
        audit, _changes = audited_update(actor=actor, instance=audit, **fields)
        stage_for = STAGE_DONE_BY.get(status)
        if stage_for:
            for stage in audit.stages.filter(stage=stage_for, completed_on__isnull=True):
                audited_update(actor=actor, instance=stage, completed_on=timezone.localdate())
    return audit


def stage_update(
    *,
    actor: User | None,
    stage: AuditStage,
    due_date: dt.date | None = None,
    completed: bool | None = None,
) -> AuditStage:
    """The stage's owner marks it done (or not); the auditor sets due dates."""
    audit = stage.audit
    if audit.is_closed and stage.stage != StageKind.IMPROVEMENT:
        # Only the improvement plan goes on after the report.
        raise ValidationError(_("This audit is closed."))
    auditee_stage = stage.stage in STAGE_OWNED_BY_AUDITEE
    if completed is not None:
        (require_auditee if auditee_stage else require_auditor)(actor, audit)
    if due_date is not None:
        require_auditor(actor, audit)
    fields: dict[str, dt.date | None] = {}
    if due_date is not None:
        fields["due_date"] = due_date
    if completed is not None:
        fields["completed_on"] = timezone.localdate() if completed else None
    with transaction.atomic():
        stage, _changes = audited_update(actor=actor, instance=stage, **fields)
    return stage
