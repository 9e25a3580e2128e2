"""Organisation pages and the governance pages: the active model drawn and tabled, any two
models compared, the engine's questions answered, and the platform admins' switches."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from shireito.accounts.selectors import user_list
from shireito.core.forms import add_service_errors
from shireito.core.pages import list_page
from shireito.core.selectors import may_read_history, object_history, redacted
from shireito.organizations import selectors, services
from shireito.organizations.choices import OpenQuestionSetting
from shireito.organizations.diagram import render_svg
from shireito.organizations.forms import (
    AuditQuestionForm,
    BuilderQuestionForm,
    GovernanceSettingsForm,
    OrganizationFilter,
    OrganizationForm,
    RoleHandoverForm,
    RouteQuestionForm,
    SectorForm,
)
from shireito.organizations.governance import available_model_keys, load_model
from shireito.organizations.mandates import SystemRef, active_engine, governance_settings
from shireito.organizations.relations import compare, model_relations, relation_rows
from shireito.organizations.services import OWN_ADMIN_FIELDS


@login_required
def organization_list(request):
    filters = OrganizationFilter(request.GET)
    return list_page(
        request,
        template="organizations/organization_list.html",
        items=selectors.organization_list(user=request.user, **filters.values()),
        filters=filters,
        context={"may_add": request.user.is_platform_admin},
    )


@login_required
def organization_detail(request, code: str):
    organization = selectors.organization_get(user=request.user, code=code)
    if organization is None:
        raise Http404
    engine = active_engine()
    return render(
        request,
        "organizations/organization_detail.html",
        {
            "organization": organization,
            "members": user_list(user=request.user, organization_code=organization.code)[:200],
            "children": selectors.organization_list(user=request.user).filter(parent=organization),
            "former_names": organization.former_names.all(),
            "holdings": organization.role_holdings.all(),
            "routes": selectors.routes_shown_to(request.user, engine.report_routes(organization)),
            "may_edit": selectors.may_edit_organization(request.user, organization),
            "history": redacted(
                request.user, object_history(organization, user=request.user)[:100]
            ),
            "may_read_history": may_read_history(request.user),
        },
    )


@login_required
def organization_create(request):
    if not request.user.is_platform_admin:
        raise PermissionDenied
    form = OrganizationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            organization = services.organization_create(
                actor=request.user,
                code=data.pop("code"),
                name=data.pop("name"),
                kind=data.pop("kind"),
                **data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The organization is added."))
            return redirect("organizations:detail", code=organization.code)
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "page_title": _("Add an organization"),
            "cancel_url": reverse("organizations:list"),
        },
    )


@login_required
def organization_edit(request, code: str):
    organization = selectors.organization_get(user=request.user, code=code)
    if organization is None:
        raise Http404
    if not selectors.may_edit_organization(request.user, organization):
        raise PermissionDenied
    editable = None if request.user.is_platform_admin else OWN_ADMIN_FIELDS
    form = OrganizationForm(
        request.POST if request.method == "POST" else None,
        instance=organization,
        editable_fields=editable,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        effective = data.pop("name_effective_from", None)
        try:
            services.organization_update(
                actor=request.user, organization=organization, name_effective_from=effective, **data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect("organizations:detail", code=organization.code)
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "page_title": _("Change %(name)s") % {"name": organization},
            "cancel_url": reverse("organizations:detail", args=[organization.code]),
        },
    )


# --- governance ---------------------------------------------------------------------------


def _model_context(key: str, open_question: str | None):
    model = load_model(key)
    relations = model_relations(model, open_question)
    return {
        "model": model,
        "open_question": open_question
        or (model.open_question.default if model.open_question else ""),
        "rows": relation_rows(model, relations),
        "diagram": render_svg(key, open_question),
        "open_question_choices": OpenQuestionSetting.choices,
    }


@login_required
def governance(request):
    """The active model: its diagram with the same relations as a table, who holds which role,
    the sectors, and what the deployment chose."""
    settings = governance_settings()
    context = _model_context(settings.active_model, settings.open_question)
    context.update(
        {
            "settings": settings,
            "active": True,
            "models": available_model_keys(),
            "holdings": selectors.role_holdings(user=request.user),
            "sectors": selectors.sector_list(user=request.user),
            "today": timezone.localdate(),
        }
    )
    return render(request, "organizations/governance.html", context)


@login_required
def governance_model(request, key: str):
    if key not in available_model_keys():
        raise Http404
    open_question = request.GET.get("open_question") or None
    if open_question not in (None, *OpenQuestionSetting.values):
        open_question = None
    context = _model_context(key, open_question)
    context.update(
        {"active": False, "models": available_model_keys(), "settings": governance_settings()}
    )
    return render(request, "organizations/governance.html", context)


@login_required
def governance_compare(request):
    keys = available_model_keys()
    a = request.GET.get("a") if request.GET.get("a") in keys else "current"
    b = request.GET.get("b") if request.GET.get("b") in keys else "digital-agency"
    model_a, model_b = load_model(a), load_model(b)
    result = compare(
        model_relations(model_a, every_option=True), model_relations(model_b, every_option=True)
    )
    return render(
        request,
        "organizations/governance_compare.html",
        {
            "models": keys,
            "a": model_a,
            "b": model_b,
            "a_title": model_a.title_en if get_language() == "en" else model_a.title,
            "b_title": model_b.title_en if get_language() == "en" else model_b.title,
            "only_a": relation_rows(model_a, result.only_a),
            "only_b": relation_rows(model_b, result.only_b),
            "common": relation_rows(model_a, result.common),
        },
    )


@login_required
def governance_settings_edit(request):
    if not request.user.is_platform_admin:
        raise PermissionDenied
    current = governance_settings()
    initial = {"active_model": current.active_model, "open_question": current.open_question}
    initial.update({"route_" + k.replace(":", "_"): v for k, v in current.route_choices.items()})
    form = GovernanceSettingsForm(
        request.POST if request.method == "POST" else None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.governance_configure(
                actor=request.user,
                active_model=form.cleaned_data["active_model"],
                open_question=form.cleaned_data["open_question"],
                route_choices=form.route_choices(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("The governance settings are saved; they apply from now on.")
            )
            return redirect("governance:index")
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "page_title": _("Change the model in force"),
            "intro": _(
                "The change applies at once to every question the mandate engine answers and to "
                "what every user may see. It is recorded in the history."
            ),
            "cancel_url": reverse("governance:index"),
        },
    )


@login_required
def role_handover(request):
    if not request.user.is_platform_admin:
        raise PermissionDenied
    form = RoleHandoverForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.role_handover(
                actor=request.user,
                role=form.cleaned_data["role"],
                organization=form.cleaned_data["organization"],
                on=form.cleaned_data["on"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The role is handed over."))
            return redirect("governance:index")
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "page_title": _("Hand over a role"),
            "intro": _(
                "Mandates name roles, not bodies: from the day given, the new holder has every "
                "mandate of the role, and the old holder's period ends the day before."
            ),
            "submit_label": _("Hand over"),
            "cancel_url": reverse("governance:index"),
        },
    )


@login_required
def governance_questions(request):
    """Ask the engine: may X audit a system, where does Y report, who builds category C.
    Plain GET forms; each answer names the rule that decided it."""
    organizations = selectors.organization_list(user=request.user)
    engine = active_engine()
    which = request.GET.get("ask", "")
    audit_form = AuditQuestionForm(
        request.GET if which == "audit" else None, organizations=organizations
    )
    route_form = RouteQuestionForm(
        request.GET if which == "route" else None, organizations=organizations
    )
    builder_form = BuilderQuestionForm(
        request.GET if which == "builder" else None, organizations=organizations
    )
    answer = None
    if which == "audit" and audit_form.is_valid():
        data = audit_form.cleaned_data
        system = SystemRef(data["owner"], data["category"])
        answer = {
            "audit": engine.audit_decisions(data["auditor"], system),
            "rule": engine.may_audit(data["auditor"], system).rule,
        }
    elif which == "route" and route_form.is_valid():
        routes = engine.report_routes(route_form.cleaned_data["reporter"])
        answer = {"route": selectors.routes_shown_to(request.user, routes), "rule": routes.rule}
    elif which == "builder" and builder_form.is_valid():
        data = builder_form.cleaned_data
        decision = engine.builder_for(data["category"], data["owner"])
        builders = [b for b in decision.builders if selectors.shown_to(request.user, b)]
        answer = {"builder": True, "builders": builders, "rule": decision.rule}
    return render(
        request,
        "organizations/governance_questions.html",
        {
            "audit_form": audit_form,
            "route_form": route_form,
            "builder_form": builder_form,
            "answer": answer,
            "model": engine.model,
            "open_question": engine.open_question,
        },
    )


@login_required
def sector_edit(request, code: str):
    if not request.user.is_platform_admin:
        raise PermissionDenied
    sector = selectors.sector_list(user=request.user).filter(code=code).first()
    if sector is None:
        raise Http404
    form = SectorForm(
        request.POST if request.method == "POST" else None,
        initial={"supervising_ministry": sector.supervising_ministry_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.sector_update(
                actor=request.user,
                sector=sector,
                supervising_ministry=form.cleaned_data["supervising_ministry"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect("governance:index")
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "page_title": _("Sector: %(name)s") % {"name": sector},
            "cancel_url": reverse("governance:index"),
        },
    )
