"""Corrective actions: planning one for a finding, and its page where the audited
organisation reports progress and ticks milestones and the auditors verify it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from shireito.audits import permissions, selectors, services
from shireito.audits.choices import ActionStatus
from shireito.audits.forms_work import ActionForm, MilestoneForm, ProgressForm, VerifyForm
from shireito.audits.views.common import audit_or_404, finding_or_404
from shireito.core.pages import (
    bound_form,
    conflict_context,
    get_or_404,
    id_or_404,
    submit,
    with_version,
)

if TYPE_CHECKING:
    from shireito.accounts.models import User
    from shireito.audits.models import Audit, CorrectiveAction


@login_required
def action_create(request, number: str, finding: int):
    user = request.user
    audit = audit_or_404(user, number)
    item = finding_or_404(user, audit, finding)
    if not permissions.acts_for_a_party(user, audit):
        raise PermissionDenied
    form = bound_form(ActionForm, request)
    done, action = submit(
        form,
        lambda data: services.action_create(
            actor=user,
            finding=item,
            milestones=data["milestones"],
            title=data["title"],
            description=data["description"],
            owner_contact=data["owner_contact"],
            due_date=data["due_date"],
        ),
    )
    if done:
        messages.success(request, _("The corrective action is planned."))
        return redirect("audits:action", number=audit.number, action=action.pk)
    return render(
        request, "audits/action_form.html", {"audit": audit, "finding": item, "form": form}
    )


class _Forms:
    """The action page's three forms, bound only to the one that was posted."""

    def __init__(self, request, item, do: str):
        posted = request.POST  # bound only to the form ``do`` names (empty on a GET)
        self.progress = ProgressForm(
            posted if do == "progress" else None,
            prefix="progress",
            initial={
                "status": item.status,
                "title": item.title,
                "description": item.description,
                "owner_contact": item.owner_contact,
                "due_date": item.due_date,
            },
        )
        with_version(self.progress, item)
        self.conflict = None
        self.milestone = MilestoneForm(posted if do == "milestone" else None, prefix="milestone")
        self.verify = VerifyForm(posted if do == "verify" else None, prefix="verify")

    def refused(self) -> bool:
        return any(f.is_bound and f.errors for f in (self.progress, self.milestone, self.verify))


def _post(request, audit, item, do: str, forms: _Forms, errors: list[str]) -> str | None:
    """Carry out the posted request; the success message, or None (the reasons on the forms
    or in ``errors``)."""
    user = request.user
    if do == "progress":
        done, result = submit(
            forms.progress,
            lambda d: services.action_update(actor=user, action=item, **d),
            instance=item,
        )
        forms.conflict = result
        return _("The progress is saved.") if done else None
    if do == "milestone":
        done, _r = submit(
            forms.milestone, lambda d: services.milestone_add(actor=user, action=item, **d)
        )
        return _("The milestone is added.") if done else None
    if do == "milestone_done":
        wanted = request.POST.get("milestone")
        milestone = get_or_404(
            next((m for m in item.milestones.all() if str(m.pk) == wanted), None)
        )
        ticked = request.POST.get("done", "1") != "0"
        try:
            services.milestone_done(actor=user, milestone=milestone, done=ticked)
        except ValidationError as exc:
            errors.extend(exc.messages)
            return None
        return (
            _("The milestone is marked done.") if ticked else _("The milestone is marked not done.")
        )
    if do == "verify":
        done, _r = submit(
            forms.verify,
            lambda d: services.action_verify(
                actor=user, action=item, accepted=d["accepted"], note=d["note"]
            ),
            aliases={"verification_note": "note"},
        )
        return _("The verification is recorded.") if done else None
    errors.append(_("Unknown request."))
    return None


@login_required
def action_detail(request, number: str, action: int):
    """One corrective action; its forms are told apart by ``do``: progress (the audited
    organisation), milestone and milestone_done, verify (the auditors)."""
    user = request.user
    audit = audit_or_404(user, number)
    item = get_or_404(selectors.action_get(user=user, audit=audit, action_id=id_or_404(action)))
    do = request.POST.get("do", "") if request.method == "POST" else ""
    forms = _Forms(request, item, do)
    errors: list[str] = []
    if do:
        message = _post(request, audit, item, do, forms, errors)
        if message:
            messages.success(request, message)
            return redirect("audits:action", number=audit.number, action=item.pk)
    if errors or forms.refused():
        # What a refused write may have touched in memory is read again.
        item = selectors.actions_of(user=user, audit=audit).get(pk=item.pk)
    context = {
        **_context(user, audit, item, forms, errors),
        **conflict_context(request, forms.conflict),
    }
    return render(request, "audits/action_detail.html", context)


def _context(
    user: User, audit: Audit, item: CorrectiveAction, forms: _Forms, errors: list[str]
) -> dict:
    today = timezone.localdate()
    closed = item.status == ActionStatus.CLOSED
    may_report = permissions.may_report_progress(user, item)
    return {
        "audit": audit,
        "action": item,
        "finding": item.finding,
        "overdue": item.is_overdue(today),
        "milestones": [(m, m.is_overdue(today) and not closed) for m in item.milestones.all()],
        "progress_form": forms.progress if may_report else None,
        "milestone_form": forms.milestone if permissions.may_add_milestone(user, item) else None,
        "may_tick": may_report,
        "verify_form": forms.verify if permissions.may_verify(user, item) else None,
        "errors": errors,
    }
