from dataclasses import asdict
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from shireito.core.concurrency import expect_from_request, tag_response
from shireito.core.pages import get_or_404
from shireito.core.pagination import Pagination
from shireito.organizations import permissions, selectors, services
from shireito.organizations.choices import MandateKind, OpenQuestionSetting, SystemCategory
from shireito.organizations.governance import available_model_keys, load_model
from shireito.organizations.mandates import (
    AuditDecision,
    SystemRef,
    active_engine,
    governance_settings,
)
from shireito.organizations.models import Organization, Sector
from shireito.organizations.relations import compare, model_relations
from shireito.organizations.rules import rule_label
from shireito.organizations.schemas import (
    AuditAnswer,
    BuilderAnswer,
    ComparisonOut,
    GovernanceModelOut,
    GovernanceModelSummary,
    GovernanceSettingsIn,
    GovernanceSettingsOut,
    OrganizationDetailOut,
    OrganizationFilters,
    OrganizationIn,
    OrganizationOut,
    OrganizationPatch,
    RoleHandoverIn,
    RoleHoldingOut,
    RouteAnswer,
    SectorOut,
    SectorPatch,
)

if TYPE_CHECKING:
    from shireito.accounts.models import User

router = Router(tags=["organizations"])
# Text fields of an organisation that may be empty: ``null`` in a patch clears them.
CLEARED_BY_NULL = ("name_en", "local_government_level", "corporate_number", "local_government_code")
# Fields every organisation has: ``null`` in a patch is refused on the field.
NOT_NULL = ("name", "kind")
governance_router = Router(tags=["governance"])


def _organization(user: "User", code: str, field: str) -> Organization:
    """The visible organisation with ``code``, or a field error naming ``field``."""
    organization = selectors.organization_get(user=user, code=code)
    if organization is None:
        raise ValidationError({field: _("No organization has the code %(code)s.") % {"code": code}})
    return organization


def _organization_or_none(user: "User", code: str | None, field: str) -> Organization | None:
    return None if code is None else _organization(user, code, field)


def _code(user: "User", organization: Organization | None) -> str | None:
    """An organisation named in an answer, if the user may see it (else null)."""
    shown = selectors.shown_to(user, organization)
    return shown.code if shown else None


def _sector(code: str | None) -> Sector | None:
    if code is None:
        return None
    sector = selectors.sector_by_code(code)
    if sector is None:
        raise ValidationError({"sector": _("No sector has the code %(code)s.") % {"code": code}})
    return sector


@router.get(
    "",
    response=list[OrganizationOut],
    operation_id="organizations_list",
    summary="List organizations",
)
@paginate(Pagination)
def organizations_list(request, filters: Query[OrganizationFilters]):
    return selectors.organization_list(
        user=request.auth,
        search=filters.search,
        kind=filters.kind or "",
        parent=filters.parent,
        sector=filters.sector,
    )


@router.post(
    "",
    response={201: OrganizationDetailOut},
    operation_id="organizations_create",
    summary="Add an organization (platform admins)",
)
def organizations_create(request, payload: OrganizationIn):
    data = payload.dict()
    organization = services.organization_create(
        actor=request.auth,
        code=data.pop("code"),
        name=data.pop("name"),
        kind=data.pop("kind"),
        **{
            **data,
            "parent": _organization_or_none(request.auth, data["parent"], "parent"),
            "sector": _sector(data["sector"]),
            "local_government_level": data["local_government_level"] or "",
        },
    )
    return Status(201, organization)


@router.get(
    "/{code}",
    response=OrganizationDetailOut,
    operation_id="organizations_get",
    summary="Get one organization by its code",
)
def organizations_get(request, code: str, response: HttpResponse):
    organization = get_or_404(selectors.organization_get(user=request.auth, code=code))
    tag_response(response, organization)
    return organization


@router.patch(
    "/{code}",
    response=OrganizationDetailOut,
    operation_id="organizations_update",
    summary="Change an organization (platform admins; organization admins: own names, identifiers)",
)
def organizations_update(request, code: str, payload: OrganizationPatch, response: HttpResponse):
    organization = get_or_404(selectors.organization_get(user=request.auth, code=code))
    data = payload.dict(exclude_unset=True)
    expect_from_request(request, organization, data.pop("version", None))
    effective = data.pop("name_effective_from", None)
    if "parent" in data:
        data["parent"] = _organization_or_none(request.auth, data["parent"], "parent")
    if "sector" in data:
        data["sector"] = _sector(data["sector"])
    for name in CLEARED_BY_NULL:
        if name in data and data[name] is None:
            data[name] = ""  # the column holds no null: null clears it, as "" does
    for name in NOT_NULL:
        if name in data and data[name] is None:
            raise ValidationError({name: _("This field cannot be empty.")})
    organization = services.organization_update(
        actor=request.auth, organization=organization, name_effective_from=effective, **data
    )
    tag_response(response, organization)
    return organization


@router.delete(
    "/{code}",
    response={204: None},
    operation_id="organizations_delete",
    summary="Remove an organization that nothing refers to (platform admins)",
)
def organizations_delete(request, code: str):
    organization = get_or_404(selectors.organization_get(user=request.auth, code=code))
    services.organization_delete(actor=request.auth, organization=organization)
    return Status(204, None)


@governance_router.get(
    "/sectors",
    response=list[SectorOut],
    operation_id="sectors_list",
    summary="Critical-infrastructure sectors",
)
def sectors_list(request):
    return selectors.sector_list(user=request.auth)


@governance_router.patch(
    "/sectors/{code}",
    response=SectorOut,
    operation_id="sectors_update",
    summary="Set a sector's supervising ministry (platform admins)",
)
def sectors_update(request, code: str, payload: SectorPatch):
    sector = get_or_404(selectors.sector_get(user=request.auth, code=code))
    ministry = _organization_or_none(
        request.auth, payload.supervising_ministry, "supervising_ministry"
    )
    return services.sector_update(actor=request.auth, sector=sector, supervising_ministry=ministry)


@governance_router.get(
    "/models",
    response=list[GovernanceModelSummary],
    operation_id="governance_models_list",
    summary="The governance models this installation ships",
)
def governance_models_list(request):
    active = governance_settings().active_model
    return [
        {
            **load_model(key).model_dump(include={"key", "version", "title", "title_en"}),
            "active": key == active,
        }
        for key in available_model_keys()
    ]


@governance_router.get(
    "/models/{key}",
    response=GovernanceModelOut,
    operation_id="governance_models_get",
    summary="One governance model, as declared and as relations",
)
def governance_models_get(request, key: str, open_question: OpenQuestionSetting | None = None):
    model = get_or_404(selectors.governance_model(key))
    setting = open_question or (model.open_question.default if model.open_question else None)
    return {
        "key": model.key,
        "version": model.version,
        "title": model.title,
        "title_en": model.title_en,
        "open_question": setting,
        "definition": model.model_dump(mode="json"),
        "relations": [asdict(r) for r in model_relations(model, setting)],
    }


@governance_router.get(
    "/compare",
    response=ComparisonOut,
    operation_id="governance_compare",
    summary="Every relation that differs between two models",
)
def governance_compare(request, a: str, b: str):
    keys = available_model_keys()
    for field, key in (("a", a), ("b", b)):
        if key not in keys:
            raise ValidationError({field: _("No governance model has this key.")})
    result = compare(
        model_relations(load_model(a), every_option=True),
        model_relations(load_model(b), every_option=True),
    )
    return {
        "a": a,
        "b": b,
        "only_a": [asdict(r) for r in result.only_a],
        "only_b": [asdict(r) for r in result.only_b],
        "common": len(result.common),
    }


@governance_router.get(
    "/settings",
    response=GovernanceSettingsOut,
    operation_id="governance_settings_get",
    summary="The model in force and its settings",
)
def governance_settings_get(request):
    return governance_settings()


@governance_router.put(
    "/settings",
    response=GovernanceSettingsOut,
    operation_id="governance_settings_update",
    summary="Switch the model in force, the open question or default routes (platform admins)",
)
def governance_settings_update(request, payload: GovernanceSettingsIn):
    return services.governance_configure(
        actor=request.auth,
        active_model=payload.active_model,
        open_question=payload.open_question,
        route_choices=payload.route_choices,
    )


@governance_router.get(
    "/role-holdings",
    response=list[RoleHoldingOut],
    operation_id="role_holdings_list",
    summary="Who held which role, and when",
)
def role_holdings_list(request):
    return selectors.role_holdings(user=request.auth)


@governance_router.post(
    "/role-holdings",
    response={201: RoleHoldingOut},
    operation_id="role_handover",
    summary="Hand a role over to another organization from a day on (platform admins)",
)
def role_handover(request, payload: RoleHandoverIn):
    if not permissions.may_administer(request.auth):
        raise PermissionDenied
    holding = services.role_handover(
        actor=request.auth,
        role=payload.role,
        organization=_organization(request.auth, payload.organization, "organization"),
        on=payload.on,
    )
    return Status(201, holding)


@governance_router.get(
    "/questions/may-audit",
    response=AuditAnswer,
    operation_id="governance_may_audit",
    summary="May an organization audit a system of this owner and category, under which mandate?",
)
def governance_may_audit(
    request, auditor: str, owner: str, category: SystemCategory, kind: MandateKind | None = None
):
    auditor_org = _organization(request.auth, auditor, "auditor")
    system = SystemRef(_organization(request.auth, owner, "owner"), category)
    engine = active_engine()
    first = engine.may_audit(auditor_org, system, kind)
    decisions = [
        d for d in engine.audit_decisions(auditor_org, system) if kind is None or d.kind == kind
    ]
    return {
        **_decision_out(first),
        "mandates": [_decision_out(d) for d in decisions],
    }


def _decision_out(decision: AuditDecision) -> dict:
    return {**asdict(decision), **_rule_out(decision.rule)}


def _rule_out(rule: str) -> dict[str, str]:
    """The rule as cited (a refusal's reason rendered now) and in words."""
    return {"rule": str(rule), "rule_label": rule_label(rule)}


@governance_router.get(
    "/questions/report-route",
    response=RouteAnswer,
    operation_id="governance_report_route",
    summary="The report routes of an organization, default first",
)
def governance_report_route(request, reporter: str):
    answer = active_engine().report_routes(_organization(request.auth, reporter, "reporter"))
    return {
        "reporter": answer.reporter.code,
        **_rule_out(answer.rule),
        "routes": [
            {
                "key": route.key,
                "default": route.default,
                "complete": route.complete,
                "hops": [
                    {"place": hop[0], "organization_code": _code(request.auth, hop[1])}
                    for hop in route.hops
                ],
            }
            for route in answer.routes
        ],
    }


@governance_router.get(
    "/questions/builder",
    response=BuilderAnswer,
    operation_id="governance_builder",
    summary="Who builds a system of this category for this owner?",
)
def governance_builder(request, category: SystemCategory, owner: str):
    decision = active_engine().builder_for(category, _organization(request.auth, owner, "owner"))
    return {
        "category": category,
        "builders": [code for org in decision.builders if (code := _code(request.auth, org))],
        **_rule_out(decision.rule),
    }
