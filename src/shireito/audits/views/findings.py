"""Findings: recording and changing one (the auditors), its page with evidence and
corrective actions, and its follow-up as a Digital Agency recommendation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from shireito.audits import permissions, selectors, services
from shireito.audits.forms_work import FindingForm, FollowUpForm
from shireito.audits.views.common import audit_or_404, finding_or_404
from shireito.audits.views.evidence import evidence_form, evidence_rows
from shireito.core.pages import bound_form, conflict_context, submit, with_version

if TYPE_CHECKING:
    from collections.abc import Callable

    from shireito.accounts.models import User
    from shireito.audits.models import Audit


FINDING_FIELDS = services.FINDING_FIELDS


def _control_resolver(user: User, audit: Audit) -> Callable[[list[str]], tuple]:
    """Resolve control ids (as published, or OSCAL ids) against the audit's baselines; ids
    typed on one line with spaces ("1.1 1.2") count when every part is a control."""

    def resolve(ids: list[str]) -> tuple[list, list[str]]:
        nodes, unknown = selectors.baseline_controls(user=user, audit=audit, ids=ids)
        spaced = [i for i in unknown if len(i.split()) > 1]
        if spaced:
            parts = [p for i in spaced for p in i.split()]
            more, _missing = selectors.baseline_controls(user=user, audit=audit, ids=parts)
            more_known = {n.label for n in more} | {n.oscal_id for n in more}
            for item in spaced:
                if all(p in more_known for p in item.split()):
                    unknown.remove(item)
                    nodes += [n for n in more if {n.label, n.oscal_id} & set(item.split())]
        return list({n.pk: n for n in nodes}.values()), unknown

    return resolve


def _finding_form(request, audit, **kwargs) -> FindingForm:
    return bound_form(
        FindingForm,
        request,
        systems=selectors.scope_systems(audit),
        resolve_controls=_control_resolver(request.user, audit),
        **kwargs,
    )


def _fields(data: dict) -> dict:
    """The finding service's arguments from the form's data."""
    return {
        "controls": data["controls"],
        "systems": list(data["systems"]),
        **{name: data[name] for name in FINDING_FIELDS},
    }


@login_required
def finding_create(request, number: str):
    user = request.user
    audit = audit_or_404(user, number)
    if not permissions.acts_as_auditor(user, audit):
        raise PermissionDenied
    form = _finding_form(request, audit)
    done, finding = submit(
        form, lambda data: services.finding_create(actor=user, audit=audit, **_fields(data))
    )
    if done:
        messages.success(request, _("Finding %(label)s is recorded.") % {"label": finding.label})
        return redirect("audits:finding", number=audit.number, finding=finding.number)
    return render(
        request, "audits/finding_form.html", {"audit": audit, "form": form, "finding": None}
    )


@login_required
def finding_edit(request, number: str, finding: int):
    user = request.user
    audit = audit_or_404(user, number)
    item = finding_or_404(user, audit, finding)
    if not permissions.acts_as_auditor(user, audit):
        raise PermissionDenied
    initial = {name: getattr(item, name) for name in FINDING_FIELDS}
    initial["controls"] = "\n".join(c.label for c in item.controls.all())
    initial["systems"] = list(item.systems.all())
    form = with_version(_finding_form(request, audit, initial=initial), item)
    done, result = submit(
        form,
        lambda data: services.finding_update(actor=user, finding=item, **_fields(data)),
        instance=item,
    )
    if done:
        messages.success(request, _("Finding %(label)s is saved.") % {"label": item.label})
        return redirect("audits:finding", number=audit.number, finding=item.number)
    return render(
        request,
        "audits/finding_form.html",
        {"audit": audit, "form": form, "finding": item, **conflict_context(request, result)},
    )


def _finding_page(request, audit, finding, *, follow_up_form=None):
    user = request.user
    today = timezone.localdate()
    may_attach = permissions.may_add_evidence(user, audit)
    may_follow_up = permissions.may_follow_up(user, already_followed=bool(finding.follow_up_id))
    if may_follow_up and follow_up_form is None:
        follow_up_form = FollowUpForm(prefix="follow-up")
    evidence_form_ = None
    if may_attach:
        evidence_form_ = evidence_form(
            request, audit, bound=False, initial={"finding": finding.number}
        )
    items = selectors.evidence_of(user=user, audit=audit).filter(finding=finding)
    return render(
        request,
        "audits/finding_detail.html",
        {
            "audit": audit,
            "finding": finding,
            "controls": finding.controls.select_related("catalog").order_by(
                "catalog_id", "position"
            ),
            "systems": finding.systems.order_by("code"),
            "actions": [(a, a.is_overdue(today)) for a in finding.actions.all()],
            "evidence": evidence_rows(items.prefetch_related("revisions__uploaded_by"), today),
            "today": today,
            "may_edit": permissions.may_edit_audit(user, audit),
            "may_plan": permissions.acts_for_a_party(user, audit),
            "may_follow_up": may_follow_up,
            "follow_up_form": follow_up_form,
            "evidence_form": evidence_form_,
        },
    )


@login_required
def finding_detail(request, number: str, finding: int):
    audit = audit_or_404(request.user, number)
    return _finding_page(request, audit, finding_or_404(request.user, audit, finding))


@login_required
def finding_follow_up(request, number: str, finding: int):
    """Raise a Digital Agency recommendation from a finding. Whether it may is the
    recommendation service's to say; its refusal is shown with the form."""
    audit = audit_or_404(request.user, number)
    item = finding_or_404(request.user, audit, finding)
    if request.method != "POST":
        return redirect("audits:finding", number=audit.number, finding=item.number)
    form = FollowUpForm(request.POST, prefix="follow-up")
    try:
        done, item = submit(
            form,
            lambda data: services.finding_raise_recommendation(
                actor=request.user, finding=item, reason=data["reason"], due_date=data["due_date"]
            ),
        )
    except PermissionDenied as exc:
        done = False
        form.add_error(None, str(exc) or _("You may not follow this finding up."))
    if done and item.follow_up is not None:
        messages.success(
            request,
            _("Recommendation %(number)s is raised.") % {"number": item.follow_up.number},
        )
        return redirect("audits:finding", number=audit.number, finding=item.number)
    # Shown even to someone the form was not offered to, so a refusal is never a bare 403.
    item = finding_or_404(request.user, audit, finding)
    return _finding_page(request, audit, item, follow_up_form=form)
