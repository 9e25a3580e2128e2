"""The engagement pages: the list of audits and self-assessments, planning one, its page with
the yearly cycle's stages and the status steps, changing it, widening its scope, the next
cycle. Every audit is read through the selectors: who is not a party gets 404."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shireito.audits import permissions, selectors, services
from shireito.audits.choices import (
    STATUS_BACK,
    STATUS_NEXT,
    AuditKind,
    AuditStatus,
    FindingStatus,
    ResultStatus,
)
from shireito.audits.forms import (
    AuditCreateForm,
    AuditEditForm,
    AuditListFilter,
    AuditWidenForm,
    NextCycleForm,
    StageForm,
)
from shireito.audits.views.common import audit_or_404, error_text
from shireito.core.history import readable_history
from shireito.core.pages import bound_form, form_page, get_or_404, list_page
from shireito.core.selectors import may_read_history
from shireito.organizations.selectors import organization_list, owner_choices
from shireito.registry.selectors import current_fiscal_year, system_list
from shireito.standards.selectors import catalog_list

if TYPE_CHECKING:
    from shireito.accounts.models import User
    from shireito.audits.models import Audit


OVERDUE_SHOWN = 20


@login_required
def audit_list(request):
    """The user's audits, or (``?self=1``) their self-assessments: the two are kept apart."""
    user = request.user
    self_assessment = request.GET.get("self") == "1"
    years = (
        selectors.audit_list(user=user, self_assessment=self_assessment)
        .order_by("-fiscal_year")
        .values_list("fiscal_year", flat=True)
        .distinct()
    )
    filters = AuditListFilter(request.GET, years=list(years), self_assessment=self_assessment)
    values = filters.values()
    audits = selectors.audit_list(
        user=user,
        self_assessment=self_assessment,
        status=values["status"],
        kind=values.get("kind", ""),
        fiscal_year=values["year"] or None,
        search=values["search"],
        auditor_id=user.organization_id if values["mine"] else None,
        overdue_on=timezone.localdate() if values["overdue"] else None,
    ).annotate(open_findings=Count("findings", filter=Q(findings__status=FindingStatus.OPEN)))
    overdue = selectors.overdue_actions(user=user)
    return list_page(
        request,
        template="audits/audit_list.html",
        items=audits,
        filters=filters,
        context={
            "self_assessment": self_assessment,
            "may_create": permissions.may_start(user, self_assessment=self_assessment),
            "overdue_count": overdue.count(),
            "overdue_actions": list(overdue[:OVERDUE_SHOWN]),
        },
    )


@login_required
def audit_create(request):
    """Plan an audit (or, with ``?self=1``, a self-assessment). The service checks the mandate
    for every system and refuses naming the rule; its refusal is shown on the systems field."""
    self_assessment = request.GET.get("self") == "1"
    user = request.user
    if not permissions.may_start(user, self_assessment=self_assessment):
        raise PermissionDenied
    year = current_fiscal_year()
    form = bound_form(
        AuditCreateForm,
        request,
        self_assessment=self_assessment,
        organizations=owner_choices(user) if self_assessment else organization_list(user=user),
        systems=system_list(user=user),
        catalogs=catalog_list(user=user),
        leads=selectors.lead_choices(
            user=user, organization=user.organization, self_assessment=self_assessment
        ),
        initial={
            "fiscal_year": year,
            "period_start": dt.date(year, 4, 1),
            "period_end": dt.date(year + 1, 3, 31),
            "auditee": user.organization_id if self_assessment else None,
        },
    )

    def plan(data: dict):
        return services.audit_create(
            actor=user,
            kind=AuditKind.SELF_ASSESSMENT if self_assessment else data["kind"],
            auditee=data["auditee"],
            systems=data["systems"],
            baseline=data["baseline"],
            selection=data["selection"],
            fiscal_year=data["fiscal_year"],
            period_start=data["period_start"],
            period_end=data["period_end"],
            title=data["title"],
            lead=data["lead"],
            method=data["method"],
        )

    def check(data: dict) -> None:
        """The plan's rules on whatever fields could be read."""
        kind = AuditKind.SELF_ASSESSMENT if self_assessment else data.get("kind")
        services.audit_check(
            actor=user,
            kind=kind,
            auditee=data.get("auditee"),
            systems=data.get("systems"),
            baseline=data.get("baseline"),
            selection=data.get("selection") or (),
            fiscal_year=data.get("fiscal_year"),
            period_start=data.get("period_start"),
            period_end=data.get("period_end"),
            lead=data.get("lead"),
        )

    planned = (
        _("Self-assessment %(number)s is planned.")
        if self_assessment
        else _("Audit %(number)s is planned.")
    )
    return form_page(
        request,
        form,
        action=plan,
        success=lambda audit: planned % {"number": audit.number},
        redirect_to=lambda audit: reverse("audits:detail", args=[audit.number]),
        title=_("Plan a self-assessment") if self_assessment else _("Plan an audit"),
        submit_label=_("Plan"),
        cancel_url=reverse("audits:list") + ("?self=1" if self_assessment else ""),
        template="audits/audit_form.html",
        context={"self_assessment": self_assessment},
        check=check,
    )


# --- one audit -----------------------------------------------------------------------------


def _stage_rows(user: User, audit: Audit, today: dt.date) -> list[dict]:
    may_set_due = permissions.acts_as_auditor(user, audit)
    return [
        {
            "stage": stage,
            "overdue": stage.is_overdue(today),
            "may_complete": permissions.may_complete_stage(user, stage),
            "may_set_due": may_set_due,
        }
        for stage in selectors.stages_of(audit)
    ]


def summary_rows(summary) -> dict:
    """The summary as a table: per system the counts in ResultStatus order, the total and how
    many are assessed (for the bar beside each row)."""
    not_assessed = ResultStatus.values.index(ResultStatus.NOT_ASSESSED)
    return {
        "rows": [
            {
                "system": code,
                "counts": counts,
                "total": total,
                "assessed": total - counts[not_assessed],
            }
            for code, counts, total in summary.rows()
        ],
        "totals": summary.totals(),
        "count": summary.count,
        "assessed": summary.assessed,
    }


@login_required
def audit_detail(request, number: str):
    user = request.user
    audit = audit_or_404(user, number)
    today = timezone.localdate()
    auditor_side = permissions.acts_as_auditor(user, audit)
    actions = list(selectors.actions_of(user=user, audit=audit))
    next_cycles = list(selectors.audit_list(user=user, self_assessment=None).filter(previous=audit))
    return render(
        request,
        "audits/audit_detail.html",
        {
            "audit": audit,
            "history": readable_history(
                user, selectors.audit_history(user=user, audit=audit)[:100]
            ),
            "may_read_history": may_read_history(user),
            "scope": selectors.scope_of(audit),
            "stages": _stage_rows(user, audit, today),
            "statuses": ResultStatus.choices,
            "results": summary_rows(selectors.result_summary(audit)),
            "claims": summary_rows(selectors.result_summary(audit, column="claimed")),
            "findings": list(selectors.findings_of(user=user, audit=audit)),
            "actions": [(action, action.is_overdue(today)) for action in actions],
            "acts_as_auditor": auditor_side,
            "acts_as_auditee": permissions.acts_as_auditee(user, audit),
            "status_next": STATUS_NEXT.get(audit.status) if auditor_side else None,
            "status_back": STATUS_BACK.get(audit.status) if auditor_side else None,
            "may_edit": permissions.may_edit_audit(user, audit),
            "may_widen": permissions.may_widen(user, audit),
            "may_next_cycle": permissions.may_start_next_cycle(user, audit) and not next_cycles,
            "next_cycles": next_cycles,
            "has_actions": bool(actions),
            "may_download_bundle": permissions.may_download_bundle(user, audit),
            "next_cycle_form": NextCycleForm(initial={"fiscal_year": audit.fiscal_year + 1}),
            "today": today,
        },
    )


@login_required
def audit_edit(request, number: str):
    user = request.user
    audit = audit_or_404(user, number)
    if not permissions.may_edit_audit(user, audit):
        raise PermissionDenied
    leads = selectors.lead_choices(
        user=user,
        organization=audit.auditor,
        self_assessment=audit.is_self_assessment,
        keep=audit.lead_id,
    )
    form = bound_form(AuditEditForm, request, audit=audit, leads=leads)
    return form_page(
        request,
        form,
        action=lambda data: services.audit_update(actor=user, audit=audit, **data),
        success=_("The changes are saved."),
        redirect_to=reverse("audits:detail", args=[audit.number]),
        title=_("Change %(number)s") % {"number": audit.number},
        instance=audit,
    )


@login_required
@require_POST
def audit_advance(request, number: str):
    """Move the audit to the status posted (the next one, or back from reporting)."""
    audit = audit_or_404(request.user, number)
    status = request.POST.get("status", "")
    try:
        services.audit_advance(actor=request.user, audit=audit, status=status)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request,
            _("%(number)s is now in %(status)s.")
            % {"number": audit.number, "status": AuditStatus(status).label},
        )
    return redirect("audits:detail", number=audit.number)


@login_required
@require_POST
def stage_update(request, number: str, stage: str):
    """Mark a stage done or open again (its owner), or set its due date (the auditors)."""
    audit = audit_or_404(request.user, number)
    item = get_or_404(selectors.stage_get(audit=audit, stage=stage))
    form = StageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the due date as a date, e.g. 2026-09-30."))
        return redirect("audits:detail", number=audit.number)
    completed, due_date = form.cleaned_data["completed"], form.cleaned_data["due_date"]
    if completed is None and due_date is None:
        messages.error(request, _("Nothing to change."))
        return redirect("audits:detail", number=audit.number)
    try:
        services.stage_update(
            actor=request.user, stage=item, completed=completed, due_date=due_date
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request, _("The stage “%(stage)s” is updated.") % {"stage": item.get_stage_display()}
        )
    return redirect("audits:detail", number=audit.number)


@login_required
def audit_widen(request, number: str):
    """Add systems of the auditee to the scope, under the same mandate check as planning."""
    user = request.user
    audit = audit_or_404(user, number)
    if not permissions.acts_as_auditor(user, audit):
        raise PermissionDenied
    in_scope = audit.scope_items.values("system_id")
    form = bound_form(
        AuditWidenForm,
        request,
        systems=system_list(user=user, owner=audit.auditee.code).exclude(pk__in=in_scope),
        catalogs=catalog_list(user=user),
    )
    return form_page(
        request,
        form,
        action=lambda data: services.audit_widen(
            actor=user, audit=audit, systems=data["systems"], baseline=data["baseline"]
        ),
        success=_("The scope is widened."),
        redirect_to=reverse("audits:detail", args=[audit.number]),
        title=_("Widen the scope of %(number)s") % {"number": audit.number},
        intro=_("Systems added get one not-assessed result for each control."),
        submit_label=_("Add to the scope"),
    )


@login_required
@require_POST
def audit_next_cycle(request, number: str):
    """Start next year's cycle from this one (same scope, last results kept beside each
    control). Offered once this cycle is closed, so what is carried over is final."""
    audit = audit_or_404(request.user, number)
    if not permissions.may_start_next_cycle(request.user, audit):
        if not audit.is_closed:
            messages.error(request, _("The next cycle starts once this audit is closed."))
            return redirect("audits:detail", number=audit.number)
        raise PermissionDenied
    form = NextCycleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the fiscal year as a number, e.g. 2027."))
        return redirect("audits:detail", number=audit.number)
    try:
        following = services.audit_next_cycle(
            actor=request.user, previous=audit, fiscal_year=form.cleaned_data["fiscal_year"]
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("audits:detail", number=audit.number)
    messages.success(
        request, _("The next cycle, %(number)s, is planned.") % {"number": following.number}
    )
    return redirect("audits:detail", number=following.number)
