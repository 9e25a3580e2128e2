"""Corrective actions and their milestones: planned by the parties, done by the auditee,
verified by the auditors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shireito.audits.choices import (
    ActionStatus,
    FindingStatus,
)
from shireito.audits.models import (
    CorrectiveAction,
    Finding,
    Milestone,
)
from shireito.audits.permissions import (
    acts_as_auditor,
    acts_for_a_party,
    require_auditee,
    require_auditor,
)
from shireito.core.services import (
    audited_create,
    audited_update,
)

if TYPE_CHECKING:
    from shireito.accounts.models import User

ACTION_FIELDS = ("title", "description", "owner_contact", "due_date")


def action_create(
    *, actor: User | None, finding: Finding, milestones: Sequence[dict] = (), **fields
):
    """A corrective action answering a finding: planned by the audited organisation (or by
    the auditors with it); owned by the auditee."""
    audit = finding.audit
    if not acts_for_a_party(actor, audit):
        raise PermissionDenied(_("Only the audit's parties plan corrective actions."))
    unknown = set(fields) - set(ACTION_FIELDS)
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in unknown})
    if not fields.get("due_date"):
        raise ValidationError({"due_date": _("Set a due date.")})
    fields = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}
    if not fields.get("title"):
        raise ValidationError({"title": _("Name the corrective action.")})
    with transaction.atomic():
        action = audited_create(
            actor=actor,
            instance=CorrectiveAction(finding=finding, owner=audit.auditee, **fields),
        )
        if finding.status == FindingStatus.CLOSED:
            # A new action reopens the finding until the auditors verify it too.
            audited_update(actor=actor, instance=finding, status=FindingStatus.OPEN)
        for index, milestone in enumerate(milestones):
            try:
                milestone_add(actor=actor, action=action, **milestone)
            except ValidationError as error:
                raise ValidationError({f"milestones[{index}]": error.messages}) from error
    return action


def action_update(*, actor: User | None, action: CorrectiveAction, **fields) -> CorrectiveAction:
    """The owner reports progress; closing is the auditors' verification, never a status the
    owner sets. A due date moves only with the auditors (otherwise an overdue action could
    stop being overdue by its owner's say)."""
    audit = action.finding.audit
    auditor_side = acts_as_auditor(actor, audit)
    moves_due = "due_date" in fields and fields["due_date"] != action.due_date
    if not (auditor_side and set(fields) == {"due_date"}):
        require_auditee(actor, audit)
        if moves_due and not auditor_side:
            raise ValidationError({"due_date": _("Only the auditors move a due date.")})
    allowed = {*ACTION_FIELDS, "status"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in unknown})
    if action.status == ActionStatus.CLOSED:
        raise ValidationError(_("This corrective action is closed."))
    fields = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}
    if "title" in fields and not fields["title"]:
        raise ValidationError({"title": _("Name the corrective action.")})
    status = fields.get("status")
    if status is not None:
        if status == ActionStatus.CLOSED:
            raise ValidationError(
                {"status": _("Closing a corrective action needs the auditor's verification.")}
            )
        if status not in ActionStatus.values:
            raise ValidationError({"status": _("Unknown status.")})
        fields["completed_on"] = (
            timezone.localdate() if status == ActionStatus.AWAITING_VERIFICATION else None
        )
    with transaction.atomic():
        action, _changes = audited_update(actor=actor, instance=action, **fields)
    return action


def action_verify(
    *, actor: User | None, action: CorrectiveAction, accepted: bool, note: str = ""
) -> CorrectiveAction:
    """The auditors verify a done action: accepted closes it (and the finding, once all its
    actions are closed); refused sends it back in progress, with the reason."""
    audit = action.finding.audit
    require_auditor(actor, audit)
    if action.status != ActionStatus.AWAITING_VERIFICATION:
        raise ValidationError({"status": _("Only an action reported done can be verified.")})
    if not accepted and not note.strip():
        raise ValidationError({"verification_note": _("Say what is still missing.")})
    with transaction.atomic():
        if accepted:
            action, _changes = audited_update(
                actor=actor,
                instance=action,
                status=ActionStatus.CLOSED,
                verified_by=actor,
                verified_on=timezone.localdate(),
                verification_note=note.strip(),
            )
            finding = action.finding
            if not finding.actions.exclude(status=ActionStatus.CLOSED).exists():
                audited_update(actor=actor, instance=finding, status=FindingStatus.CLOSED)
        else:
            action, _changes = audited_update(
                actor=actor,
                instance=action,
                status=ActionStatus.IN_PROGRESS,
                completed_on=None,
                verification_note=note.strip(),
            )
    return action


def milestone_add(
    *, actor: User | None, action: CorrectiveAction, title: str, due_date
) -> Milestone:
    audit = action.finding.audit
    if action.status == ActionStatus.CLOSED:
        raise ValidationError(_("This corrective action is closed."))
    if not acts_for_a_party(actor, audit):
        raise PermissionDenied(_("Only the audit's parties plan corrective actions."))
    if not str(title or "").strip():
        raise ValidationError({"title": _("Name the milestone.")})
    if not due_date:
        raise ValidationError({"due_date": _("Set a due date.")})
    return audited_create(
        actor=actor, instance=Milestone(action=action, title=str(title).strip(), due_date=due_date)
    )


def milestone_done(*, actor: User | None, milestone: Milestone, done: bool = True) -> Milestone:
    require_auditee(actor, milestone.action.finding.audit)
    if milestone.action.status == ActionStatus.CLOSED:
        raise ValidationError(_("This corrective action is closed."))
    milestone, _changes = audited_update(
        actor=actor, instance=milestone, done_on=timezone.localdate() if done else None
    )
    return milestone
