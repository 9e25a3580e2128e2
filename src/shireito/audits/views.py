"""The engagement pages: the list of audits and self-assessments, planning one, its page with
the yearly cycle's stages and the status steps, widening its scope, the next cycle, the annual
audit plan, and the report (page, PDF and OSCAL downloads).

The work inside an audit (results, findings, corrective actions, evidence) is in
views_work.py. Every audit is read through the selectors: who is not a party gets 404.
"""

from __future__ import annotations

import datetime as dt
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shireito.accounts.selectors import user_list
from shireito.audits import permissions, selectors, services
from shireito.audits.choices import (
    STAGE_OWNED_BY_AUDITEE,
    STATUS_BACK,
    STATUS_NEXT,
    AuditKind,
    AuditStatus,
    FindingStatus,
    ResultStatus,
    StageKind,
)
from shireito.audits.forms import (
    AUDIT_KINDS,
    AuditCreateForm,
    AuditEditForm,
    AuditWidenForm,
    CycleRulesForm,
    NextCycleForm,
    StageForm,
)
from shireito.core.forms import add_service_errors
from shireito.core.htmx import paginate, render_page
from shireito.core.selectors import may_read_history, redacted
from shireito.organizations.selectors import organization_list, owner_choices
from shireito.registry.selectors import current_fiscal_year, system_list
from shireito.standards.selectors import catalog_list


def _audit(request, number: str):
    audit = selectors.audit_get(user=request.user, number=number)
    if audit is None:
        raise Http404
    return audit


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _leads(user, organization, *, self_assessment: bool = False):
    """Who may lead: the auditing body's active auditors; for a self-assessment, any active
    member. (An audit NISC entrusts to IPA is led by an IPA auditor whom IPA names on the
    audit's edit page: NISC does not see IPA's people.)"""
    role = None if self_assessment else "auditor"
    return user_list(user=user, organization_code=organization.code, role=role).filter(
        is_active=True
    )


OVERDUE_SHOWN = 20

# --- the list ------------------------------------------------------------------------------


def _list_filters(request, *, self_assessment: bool) -> dict:
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    kinds = [] if self_assessment else [value for value, _label in AUDIT_KINDS]
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = None
    return {
        "status": status if status in AuditStatus.values else "",
        "kind": kind if kind in kinds else "",
        "fiscal_year": year if year and 2000 <= year <= 2100 else None,
        "search": request.GET.get("search", "").strip()[:200],
    }


@login_required
def audit_list(request):
    """The user's audits, or (``?self=1``) their self-assessments: the two are kept apart."""
    self_assessment = request.GET.get("self") == "1"
    filters = _list_filters(request, self_assessment=self_assessment)
    audits = selectors.audit_list(
        user=request.user, self_assessment=self_assessment, **filters
    ).annotate(open_findings=Count("findings", filter=Q(findings__status=FindingStatus.OPEN)))
    years = (
        selectors.audit_list(user=request.user, self_assessment=self_assessment)
        .order_by("-fiscal_year")
        .values_list("fiscal_year", flat=True)
        .distinct()
    )
    overdue = selectors.overdue_actions(user=request.user)
    may_create = (
        permissions.may_start_self_assessment(request.user)
        if self_assessment
        else permissions.may_start_audits(request.user)
    )
    return render_page(
        request,
        "audits/audit_list.html",
        {
            "page": paginate(request, audits),
            "filters": filters,
            "self_assessment": self_assessment,
            "statuses": AuditStatus.choices,
            "kinds": [] if self_assessment else AUDIT_KINDS,
            "years": list(years),
            "may_create": may_create,
            "overdue_count": overdue.count(),
            "overdue_actions": list(overdue[:OVERDUE_SHOWN]),
        },
        partial="results",
    )


# --- planning an audit ---------------------------------------------------------------------


@login_required
def audit_create(request):
    """Plan an audit (or, with ``?self=1``, a self-assessment). The service checks the mandate
    for every system and refuses naming the rule; its refusal is shown on the systems field."""
    self_assessment = request.GET.get("self") == "1"
    allowed = (
        permissions.may_start_self_assessment(request.user)
        if self_assessment
        else permissions.may_start_audits(request.user)
    )
    if not allowed:
        raise PermissionDenied
    user = request.user
    year = current_fiscal_year()
    form = AuditCreateForm(
        request.POST if request.method == "POST" else None,
        self_assessment=self_assessment,
        organizations=owner_choices(user) if self_assessment else organization_list(user=user),
        systems=system_list(user=user),
        catalogs=catalog_list(user=user),
        leads=_leads(user, user.organization, self_assessment=self_assessment),
        initial={
            "fiscal_year": year,
            "period_start": dt.date(year, 4, 1),
            "period_end": dt.date(year + 1, 3, 31),
            "auditee": user.organization_id if self_assessment else None,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            audit = services.audit_create(
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
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            text = (
                _("Self-assessment %(number)s is planned.")
                if self_assessment
                else _("Audit %(number)s is planned.")
            )
            messages.success(request, text % {"number": audit.number})
            return redirect("audits:detail", number=audit.number)
    cancel = reverse("audits:list") + ("?self=1" if self_assessment else "")
    return render(
        request,
        "audits/audit_form.html",
        {
            "form": form,
            "self_assessment": self_assessment,
            "page_title": _("Plan a self-assessment") if self_assessment else _("Plan an audit"),
            "submit_label": _("Plan"),
            "cancel_url": cancel,
        },
    )


# --- one audit -----------------------------------------------------------------------------


def _stage_rows(user, audit, today) -> list[dict]:
    auditor_side = permissions.acts_as_auditor(user, audit)
    auditee_side = permissions.acts_as_auditee(user, audit)
    rows = []
    for stage in selectors.stages_of(audit):
        owned_by_auditee = stage.stage in STAGE_OWNED_BY_AUDITEE
        rows.append(
            {
                "stage": stage,
                "overdue": stage.is_overdue(today),
                # The same rule as services.stage_update: the stage's owner marks it done.
                "may_complete": auditee_side if owned_by_auditee else auditor_side,
                "may_set_due": auditor_side,
            }
        )
    return rows


def _summary_rows(summary) -> dict:
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


def _may_start_next_cycle(user, audit) -> bool:
    """The next cycle is started by the auditors (or, for an entrusted audit, by the body that
    entrusts it), once this cycle is closed."""
    if not audit.is_closed:
        return False
    if permissions.acts_as_auditor(user, audit):
        return True
    return bool(
        audit.entrusting_id
        and user.organization_id == audit.entrusting_id
        and permissions.may_start_audits(user)
    )


@login_required
def audit_detail(request, number: str):
    audit = _audit(request, number)
    user = request.user
    today = timezone.localdate()
    auditor_side = permissions.acts_as_auditor(user, audit)
    findings = list(selectors.findings_of(user=user, audit=audit))
    actions = list(selectors.actions_of(user=user, audit=audit))
    next_cycles = list(selectors.audit_list(user=user, self_assessment=None).filter(previous=audit))
    return render(
        request,
        "audits/audit_detail.html",
        {
            "audit": audit,
            "history": redacted(
                request.user, selectors.audit_history(user=request.user, audit=audit)[:100]
            ),
            "may_read_history": may_read_history(request.user),
            "scope": selectors.scope_of(audit),
            "stages": _stage_rows(user, audit, today),
            "statuses": ResultStatus.choices,
            "results": _summary_rows(selectors.result_summary(audit)),
            "claims": _summary_rows(selectors.result_summary(audit, column="claimed")),
            "findings": findings,
            "actions": [(action, action.is_overdue(today)) for action in actions],
            "acts_as_auditor": auditor_side,
            "acts_as_auditee": permissions.acts_as_auditee(user, audit),
            "status_next": STATUS_NEXT.get(audit.status) if auditor_side else None,
            "status_back": STATUS_BACK.get(audit.status) if auditor_side else None,
            "may_edit": auditor_side and not audit.is_closed,
            "may_widen": auditor_side
            and audit.status in (AuditStatus.PLANNED, AuditStatus.FIELDWORK),
            "may_next_cycle": _may_start_next_cycle(user, audit) and not next_cycles,
            "next_cycles": next_cycles,
            "has_actions": bool(actions),
            "next_cycle_form": NextCycleForm(initial={"fiscal_year": audit.fiscal_year + 1}),
            "today": today,
        },
    )


@login_required
def audit_edit(request, number: str):
    audit = _audit(request, number)
    if not permissions.acts_as_auditor(request.user, audit) or audit.is_closed:
        raise PermissionDenied
    leads = _leads(request.user, audit.auditor, self_assessment=audit.is_self_assessment)
    if audit.lead_id:
        # The current lead stays choosable even after losing the role, so saving other
        # fields never drops them unnoticed.
        leads = (
            type(audit.lead)
            .objects.filter(Q(pk__in=leads.values("pk")) | Q(pk=audit.lead_id))
            .order_by("username")
        )
    form = AuditEditForm(
        request.POST if request.method == "POST" else None, audit=audit, leads=leads
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.audit_update(actor=request.user, audit=audit, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect("audits:detail", number=audit.number)
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "page_title": _("Change %(number)s") % {"number": audit.number},
            "cancel_url": reverse("audits:detail", args=[audit.number]),
        },
    )


@login_required
@require_POST
def audit_advance(request, number: str):
    """Move the audit to the status posted (the next one, or back from reporting)."""
    audit = _audit(request, number)
    status = request.POST.get("status", "")
    try:
        services.audit_advance(actor=request.user, audit=audit, status=status)
    except ValidationError as error:
        messages.error(request, _error_text(error))
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
    audit = _audit(request, number)
    if stage not in StageKind.values:
        raise Http404
    item = audit.stages.filter(stage=stage).select_related("audit").first()
    if item is None:
        raise Http404
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
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request, _("The stage “%(stage)s” is updated.") % {"stage": item.get_stage_display()}
        )
    return redirect("audits:detail", number=audit.number)


@login_required
def audit_widen(request, number: str):
    """Add systems of the auditee to the scope, under the same mandate check as planning."""
    audit = _audit(request, number)
    if not permissions.acts_as_auditor(request.user, audit):
        raise PermissionDenied
    in_scope = audit.scope_items.values("system_id")
    form = AuditWidenForm(
        request.POST if request.method == "POST" else None,
        systems=system_list(user=request.user, owner=audit.auditee.code).exclude(pk__in=in_scope),
        catalogs=catalog_list(user=request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.audit_widen(
                actor=request.user,
                audit=audit,
                systems=form.cleaned_data["systems"],
                baseline=form.cleaned_data["baseline"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The scope is widened."))
            return redirect("audits:detail", number=audit.number)
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "page_title": _("Widen the scope of %(number)s") % {"number": audit.number},
            "intro": _("Systems added get one not-assessed result for each control."),
            "submit_label": _("Add to the scope"),
            "cancel_url": reverse("audits:detail", args=[audit.number]),
        },
    )


@login_required
@require_POST
def audit_next_cycle(request, number: str):
    """Start next year's cycle from this one (same scope, last results kept beside each
    control). Offered once this cycle is closed, so what is carried over is final."""
    audit = _audit(request, number)
    if not _may_start_next_cycle(request.user, audit):
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
        messages.error(request, _error_text(error))
        return redirect("audits:detail", number=audit.number)
    messages.success(
        request, _("The next cycle, %(number)s, is planned.") % {"number": following.number}
    )
    return redirect("audits:detail", number=following.number)


# --- the annual audit plan -----------------------------------------------------------------


@login_required
def audit_plan(request):
    """Who is due an audit in a fiscal year under the cycle rules, who is covered, the gaps;
    platform admins set the rules below."""
    user = request.user
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = current_fiscal_year()
    if not 2000 <= year <= 2100:
        year = current_fiscal_year()
    rules_form = None
    if user.is_platform_admin:
        rules = selectors.cycle_rules(user)
        rules_form = CycleRulesForm(request.POST if request.method == "POST" else None, rules=rules)
        if request.method == "POST" and rules_form.is_valid():
            changed = 0
            for kind, interval in rules_form.intervals().items():
                if rules.get(kind) != interval:
                    services.cycle_rule_set(
                        actor=user, organization_kind=kind, interval_years=interval
                    )
                    changed += 1
            messages.success(
                request,
                _("The audit cycle is saved (%(count)d kinds changed).") % {"count": changed},
            )
            return redirect(f"{reverse('audits:plan')}?year={year}")
    elif request.method == "POST":
        raise PermissionDenied
    entries = selectors.audit_plan(user=user, fiscal_year=year)
    return render(
        request,
        "audits/audit_plan.html",
        {
            "year": year,
            "years": range(year - 2, year + 3),
            "entries": entries,
            "due": sum(1 for e in entries if e.due),
            "covered": sum(1 for e in entries if e.due and e.covered),
            "gaps": sum(1 for e in entries if e.gap),
            "rules_form": rules_form,
        },
    )


# --- the report ----------------------------------------------------------------------------


@login_required
def audit_report(request, number: str):
    audit = _audit(request, number)
    user = request.user
    today = timezone.localdate()
    findings = list(selectors.findings_of(user=user, audit=audit))
    return render(
        request,
        "audits/audit_report.html",
        {
            "audit": audit,
            "scope": selectors.scope_of(audit),
            "statuses": ResultStatus.choices,
            "results": _summary_rows(selectors.result_summary(audit)),
            "findings": findings,
            "has_actions": any(f.actions.all() for f in findings),
            "today": today,
        },
    )


def _download(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _json(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


@login_required
def audit_report_pdf(request, number: str):
    audit = _audit(request, number)
    from shireito.audits.report import render_report_pdf  # WeasyPrint is heavy: load on use

    pdf = render_report_pdf(audit, language=get_language() or "ja")
    return _download(pdf, content_type="application/pdf", filename=f"{audit.number}.pdf")


@login_required
def audit_oscal_ar(request, number: str):
    audit = _audit(request, number)
    from shireito.audits.exporters import export_assessment_results

    return _download(
        _json(export_assessment_results(audit)),
        content_type="application/json",
        filename=f"{audit.number}-assessment-results.json",
    )


@login_required
def audit_oscal_poam(request, number: str):
    audit = _audit(request, number)
    from shireito.audits import exporters

    try:
        data = exporters.export_poam(audit)
    except getattr(exporters, "EmptyPlanError", ValueError):
        messages.warning(
            request,
            _("There is no POA&M to download yet: no finding has a corrective action."),
        )
        return redirect("audits:detail", number=audit.number)
    return _download(
        _json(data), content_type="application/json", filename=f"{audit.number}-poam.json"
    )
