"""The engagement over the API: list, plan, one audit, its changes and its next cycle."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Status
from ninja.pagination import paginate

from shireito.audits import permissions, selectors, services
from shireito.audits.api.common import (
    audit_or_404,
    audit_out,
    catalog_named,
    lead_named,
    organization_named,
    router,
    systems_named,
    with_scope,
)
from shireito.audits.choices import AuditKind
from shireito.audits.schemas import (
    AuditDetailOut,
    AuditFilters,
    AuditIn,
    AuditOut,
    AuditPatch,
    NextCycleIn,
    PlanOut,
    ScopeIn,
    StatusIn,
)
from shireito.core.concurrency import expect_from_request, tag_response
from shireito.core.pagination import Pagination
from shireito.organizations.selectors import organization_get
from shireito.registry.selectors import current_fiscal_year
from shireito.standards.selectors import catalog_get

# --- audits --------------------------------------------------------------------------------


@router.get(
    "",
    response=list[AuditOut],
    operation_id="audits_list",
    summary="List the audits I am a party to (or, with self_assessment=true, self-assessments)",
)
@paginate(Pagination)
def audits_list(request, filters: Query[AuditFilters]):
    return with_scope(
        selectors.audit_list(
            user=request.auth,
            self_assessment=filters.self_assessment,
            status=filters.status or "",
            kind=filters.kind or "",
            fiscal_year=filters.fiscal_year,
            search=filters.search.strip()[:200],
        )
    )


@router.post(
    "",
    response={201: AuditDetailOut},
    operation_id="audits_create",
    summary=(
        "Plan an audit or a self-assessment; refused, naming the rule, unless a mandate lets "
        "the auditor audit every system"
    ),
)
def audits_create(request, payload: AuditIn):
    user = request.auth
    # Whether the user may plan at all comes first: naming what they cannot see must not
    # answer "unknown" to someone who would be refused anyway.
    self_assessment = payload.kind == AuditKind.SELF_ASSESSMENT
    if not permissions.may_start(user, self_assessment=self_assessment):
        raise PermissionDenied(
            _("An organization assesses only itself.")
            if self_assessment
            else _("Only auditors plan audits.")
        )
    errors = {}
    auditee = organization_get(user=user, code=payload.auditee)
    if auditee is None:
        errors["auditee"] = _("No organization has the code %s.") % payload.auditee
    baseline = catalog_get(user=user, key=payload.baseline)
    if baseline is None:
        errors["baseline"] = _("No catalog has the key %s.") % payload.baseline
    if auditee is None or errors:
        raise ValidationError(errors)
    audit = services.audit_create(
        actor=user,
        kind=payload.kind,
        auditee=auditee,
        systems=systems_named(user, payload.systems),
        baseline=baseline,
        selection=payload.selection,
        fiscal_year=payload.fiscal_year,
        period_start=payload.period_start,
        period_end=payload.period_end,
        title=payload.title,
        auditor=organization_named(user, payload.auditor, "auditor"),
        lead=lead_named(user, payload.lead),
        method=payload.method,
    )
    return Status(201, audit_out(request, audit.number))


@router.get(
    "/plan",
    response=PlanOut,
    operation_id="audits_plan",
    summary="The annual audit plan: organisations due an audit, those covered, and the gaps",
)
def audits_plan(request, fiscal_year: int | None = Query(None, ge=2000, le=2100)):
    year = fiscal_year or current_fiscal_year()
    entries = selectors.audit_plan(user=request.auth, fiscal_year=year)
    items = [
        {
            "organization": entry.organization.code,
            "name": entry.organization.name,
            "kind": entry.organization.kind,
            "interval_years": entry.interval_years,
            "last_year": entry.last_year,
            "due": entry.due,
            "covered": entry.covered,
            "gap": entry.gap,
            "audits": [audit.number for audit in entry.audits],
            "systems": entry.systems,
            "systems_covered": entry.systems_covered,
        }
        for entry in entries
    ]
    return {"fiscal_year": year, "items": items, "count": len(items)}


@router.get(
    "/{number}",
    response=AuditDetailOut,
    operation_id="audits_get",
    summary="One audit, with its scope and stages",
)
def audits_get(request, number: str, response: HttpResponse):
    audit = audit_out(request, number)
    tag_response(response, audit)
    return audit


@router.patch(
    "/{number}",
    response=AuditDetailOut,
    operation_id="audits_update",
    summary="Change an audit's title, method, conclusion, period or lead (the auditors)",
)
def audits_update(request, number: str, payload: AuditPatch, response: HttpResponse):
    audit = audit_or_404(request, number)
    fields = payload.dict(exclude_unset=True)
    expect_from_request(request, audit, fields.pop("version", None))
    if "lead" in fields:
        fields["lead"] = lead_named(request.auth, fields["lead"])
    for name in ("title", "method", "conclusion", "period_start", "period_end"):
        if name in fields and fields[name] is None:
            raise ValidationError({name: _("This field cannot be empty.")})
    start = fields.get("period_start", audit.period_start)
    if fields.get("period_end", audit.period_end) < start:
        raise ValidationError({"period_end": _("The period ends before it starts.")})
    services.audit_update(actor=request.auth, audit=audit, **fields)
    audit = audit_out(request, number)
    tag_response(response, audit)
    return audit


@router.post(
    "/{number}/status",
    response=AuditDetailOut,
    operation_id="audits_advance",
    summary="Move an audit on (planned → fieldwork → reporting → closed) or back to fieldwork",
)
def audits_advance(request, number: str, payload: StatusIn):
    services.audit_advance(
        actor=request.auth, audit=audit_or_404(request, number), status=payload.status
    )
    return audit_out(request, number)


@router.post(
    "/{number}/scope",
    response=AuditDetailOut,
    operation_id="audits_widen",
    summary="Add systems to an audit's scope, under the same mandate check as planning it",
)
def audits_widen(request, number: str, payload: ScopeIn):
    user = request.auth
    audit = audit_or_404(request, number)
    baseline = catalog_named(user, payload.baseline) if payload.baseline else None
    services.audit_widen(
        actor=user, audit=audit, systems=systems_named(user, payload.systems), baseline=baseline
    )
    return audit_out(request, number)


@router.post(
    "/{number}/next-cycle",
    response={201: AuditDetailOut},
    operation_id="audits_next_cycle",
    summary="Start next year's cycle from this audit: same scope, results reset, last kept",
)
def audits_next_cycle(request, number: str, payload: NextCycleIn):
    following = services.audit_next_cycle(
        actor=request.auth, previous=audit_or_404(request, number), fiscal_year=payload.fiscal_year
    )
    return Status(201, audit_out(request, following.number))
