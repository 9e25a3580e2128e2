"""Organisation pages and the governance pages: the active model drawn and tabled, any two
models compared, the engine's questions answered, and the platform admins' switches."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shireito.core.history import readable_history
from shireito.core.htmx import render_page
from shireito.core.languages import sentence_with_names
from shireito.core.pages import bound_form, form_page, get_or_404, list_page
from shireito.core.selectors import may_read_history, object_history
from shireito.organizations import permissions, selectors, services
from shireito.organizations.choices import OpenQuestionSetting
from shireito.organizations.diagram import render_svg
from shireito.organizations.forms import (
    AuditQuestionForm,
    BuilderQuestionForm,
    GovernanceCompareFilter,
    GovernanceSettingsForm,
    OrganizationFilter,
    OrganizationForm,
    QuestionForm,
    RoleHandoverForm,
    RouteQuestionForm,
    SectorForm,
)
from shireito.organizations.governance import GovernanceModel, available_model_keys, load_model
from shireito.organizations.mandates import (
    MandateEngine,
    SystemRef,
    active_engine,
    governance_settings,
)
from shireito.organizations.models import Organization
from shireito.organizations.relations import compare, model_relations, relation_rows
from shireito.organizations.rules import model_title

if TYPE_CHECKING:
    # For types only: at run time this app needs nothing of the accounts app.
    from shireito.accounts.http import AuthenticatedHttpRequest


def _require_admin(request: AuthenticatedHttpRequest) -> None:
    if not permissions.may_administer(request.user):
        raise PermissionDenied


@login_required
def organization_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    filters = OrganizationFilter(request.GET)
    return list_page(
        request,
        template="organizations/organization_list.html",
        items=selectors.organization_list(user=request.user, **filters.values()),
        filters=filters,
        context={"may_add": permissions.may_administer(request.user)},
    )


@login_required
def organization_detail(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    user = request.user
    organization = get_or_404(selectors.organization_get(user=user, code=code))
    routes = active_engine().report_routes(organization)
    return render(
        request,
        "organizations/organization_detail.html",
        {
            "organization": organization,
            "parent_page": selectors.organization_parent(user=user, organization=organization),
            "members": selectors.organization_members(user=user, organization=organization),
            "children": selectors.organization_children(user=user, organization=organization),
            "former_names": organization.former_names.all(),
            "holdings": organization.role_holdings.all(),
            "routes": selectors.routes_shown_to(user, routes),
            "may_edit": permissions.may_edit_organization(user, organization),
            "history": readable_history(user, object_history(organization, user=user)[:100]),
            "may_read_history": may_read_history(user),
        },
    )


@login_required
def organization_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_admin(request)

    def create(data: dict[str, Any]) -> Organization:
        data = dict(data)
        return services.organization_create(
            actor=request.user,
            code=data.pop("code"),
            name=data.pop("name"),
            kind=data.pop("kind"),
            **data,
        )

    return form_page(
        request,
        bound_form(OrganizationForm, request),
        action=create,
        success=_("The organization is added."),
        redirect_to=lambda organization: reverse("organizations:detail", args=[organization.code]),
        title=_("Add an organization"),
        cancel_url=reverse("organizations:list"),
        check=lambda data: services.organization_check(**data),
    )


@login_required
def organization_edit(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    organization = get_or_404(selectors.organization_get(user=request.user, code=code))
    if not permissions.may_edit_organization(request.user, organization):
        raise PermissionDenied
    form = bound_form(
        OrganizationForm,
        request,
        instance=organization,
        editable_fields=permissions.editable_organization_fields(request.user),
    )

    def update(data: dict[str, Any]) -> Organization:
        data = dict(data)
        effective = data.pop("name_effective_from", None)
        return services.organization_update(
            actor=request.user, organization=organization, name_effective_from=effective, **data
        )

    return form_page(
        request,
        form,
        action=update,
        success=_("The changes are saved."),
        redirect_to=reverse("organizations:detail", args=[organization.code]),
        title=sentence_with_names(_("Change %(name)s"), name=organization),
        check=lambda data: services.organization_check(organization=organization, **data),
        instance=organization,
    )


# --- governance ---------------------------------------------------------------------------


def _model_context(model: GovernanceModel, open_question: str | None) -> dict[str, Any]:
    relations = model_relations(model, open_question)
    return {
        "model": model,
        "open_question": open_question
        or (model.open_question.default if model.open_question else ""),
        "rows": relation_rows(model, relations),
        "diagram": render_svg(model.key, open_question),
        "open_question_choices": OpenQuestionSetting.choices,
        "models": available_model_keys(),
    }


@login_required
def governance(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The active model: its diagram with the same relations as a table, who holds which role,
    the sectors, and what the deployment chose."""
    settings = governance_settings()
    context = _model_context(load_model(settings.active_model), settings.open_question)
    context.update(
        {
            "settings": settings,
            "active": True,
            "may_administer": permissions.may_administer(request.user),
            "holdings": selectors.role_holdings(user=request.user),
            "sectors": selectors.sector_list(user=request.user),
            "today": timezone.localdate(),
        }
    )
    return render(request, "organizations/governance.html", context)


@login_required
def governance_model(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    model = get_or_404(selectors.governance_model(key))
    open_question = request.GET.get("open_question") or None
    if open_question not in (None, *OpenQuestionSetting.values):
        open_question = None
    context = _model_context(model, open_question)
    context.update(
        {
            "active": False,
            "settings": governance_settings(),
            "may_administer": permissions.may_administer(request.user),
        }
    )
    return render(request, "organizations/governance.html", context)


@login_required
def governance_compare(request: AuthenticatedHttpRequest) -> HttpResponse:
    filters = GovernanceCompareFilter.settled(request.GET)
    keys = filters.values()
    model_a, model_b = load_model(keys["a"]), load_model(keys["b"])
    result = compare(
        model_relations(model_a, every_option=True), model_relations(model_b, every_option=True)
    )
    return render_page(
        request,
        "organizations/governance_compare.html",
        {
            "filter_form": filters,
            "a": model_a,
            "b": model_b,
            "a_title": model_title(model_a),
            "b_title": model_title(model_b),
            "only_a": relation_rows(model_a, result.only_a),
            "only_b": relation_rows(model_b, result.only_b),
            "common": relation_rows(model_a, result.common),
        },
        partial="results",
    )


@login_required
def governance_settings_edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_admin(request)
    current = governance_settings()
    initial = {"active_model": current.active_model, "open_question": current.open_question}
    initial.update({"route_" + k.replace(":", "_"): v for k, v in current.route_choices.items()})
    form = bound_form(GovernanceSettingsForm, request, initial=initial)
    return form_page(
        request,
        form,
        action=lambda data: services.governance_configure(
            actor=request.user,
            active_model=data["active_model"],
            open_question=data["open_question"],
            route_choices=form.route_choices(),
        ),
        success=_("The governance settings are saved; they apply from now on."),
        redirect_to=reverse("governance:index"),
        title=_("Change the model in force"),
        intro=_(
            "The change applies at once to every question the mandate engine answers and to "
            "what every user may see. It is recorded in the history."
        ),
    )


@login_required
def role_handover(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_admin(request)
    return form_page(
        request,
        bound_form(RoleHandoverForm, request),
        action=lambda data: services.role_handover(
            actor=request.user, role=data["role"], organization=data["organization"], on=data["on"]
        ),
        success=_("The role is handed over."),
        redirect_to=reverse("governance:index"),
        title=_("Hand over a role"),
        intro=_(
            "Mandates name roles, not bodies: from the day given, the new holder has every "
            "mandate of the role, and the old holder's period ends the day before."
        ),
        submit_label=_("Hand over"),
    )


@login_required
def sector_edit(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    _require_admin(request)
    sector = get_or_404(selectors.sector_get(user=request.user, code=code))
    form = bound_form(
        SectorForm, request, initial={"supervising_ministry": sector.supervising_ministry_id}
    )
    return form_page(
        request,
        form,
        action=lambda data: services.sector_update(
            actor=request.user,
            sector=sector,
            supervising_ministry=data["supervising_ministry"],
        ),
        success=_("The changes are saved."),
        redirect_to=reverse("governance:index"),
        title=_("Sector: %(name)s") % {"name": sector},
    )


# --- the engine's questions ---------------------------------------------------------------


def _question_form[F: QuestionForm](
    form_class: type[F], request: HttpRequest, organizations: QuerySet[Organization]
) -> F:
    """The question's form, bound to the query only when it is the question asked."""
    data = request.GET if request.GET.get("ask", "") == form_class.prefix_id else None
    return form_class(data, organizations=organizations)


@login_required
def governance_questions(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Ask the engine: may X audit a system, where does Y report, who builds category C.
    Plain GET forms; each answer names the rule that decided it."""
    organizations = selectors.organization_list(user=request.user)
    engine = active_engine()
    audit_form = _question_form(AuditQuestionForm, request, organizations)
    route_form = _question_form(RouteQuestionForm, request, organizations)
    builder_form = _question_form(BuilderQuestionForm, request, organizations)
    if audit_form.is_bound and audit_form.is_valid():
        answer = _audit_answer(engine, audit_form.cleaned_data)
    elif route_form.is_bound and route_form.is_valid():
        routes = engine.report_routes(route_form.cleaned_data["reporter"])
        answer = {"route": selectors.routes_shown_to(request.user, routes), "rule": routes.rule}
    elif builder_form.is_bound and builder_form.is_valid():
        answer = _builder_answer(request, engine, builder_form.cleaned_data)
    else:
        answer = None
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


def _audit_answer(engine: MandateEngine, data: dict[str, Any]) -> dict[str, Any]:
    system = SystemRef(data["owner"], data["category"])
    return {
        "audit": engine.audit_decisions(data["auditor"], system),
        "rule": engine.may_audit(data["auditor"], system).rule,
    }


def _builder_answer(
    request: AuthenticatedHttpRequest, engine: MandateEngine, data: dict[str, Any]
) -> dict[str, Any]:
    """The builders the user may see: an answer must not name a body their scope hides."""
    decision = engine.builder_for(data["category"], data["owner"])
    builders = [b for b in decision.builders if selectors.shown_to(request.user, b)]
    return {"builder": True, "builders": builders, "rule": decision.rule}
