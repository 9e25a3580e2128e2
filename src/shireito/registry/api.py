"""The portfolio's API: systems, their export and import, and the Digital Agency's oversight.
Handlers parse, ask a selector (a 404 for what the caller may not see) and call a service."""

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from shireito.core.concurrency import expect_from_request, tag_response
from shireito.core.pages import file_response, get_or_404
from shireito.core.pagination import Pagination, window
from shireito.organizations.selectors import organization_get
from shireito.registry import oversight, permissions, selectors, services
from shireito.registry.models import BudgetLine, InformationSystem, Recommendation
from shireito.registry.schemas import (
    AnswerIn,
    BudgetDecisionIn,
    BudgetExecutionIn,
    BudgetLineOut,
    BudgetRequestIn,
    BudgetReviewIn,
    ImportResultOut,
    MigrationFilters,
    MigrationRowOut,
    RatingIn,
    RatingOut,
    RecommendationIn,
    RecommendationOut,
    RollupRow,
    SystemFilters,
    SystemIn,
    SystemOut,
    SystemPatch,
)
from shireito.registry.transfer import export_csv, export_json, import_upload

if TYPE_CHECKING:
    from shireito.accounts.models import User
    from shireito.organizations.models import Organization

router = Router(tags=["portfolio"])

_TEXT_FIELDS = {
    "cloud_provider",
    "standard_business",
    "migration_status",
    "name_en",
    "contact_name",
    "contact_email",
}


def _org(user: "User", code: str, field: str) -> "Organization":
    organization = organization_get(user=user, code=code)
    if organization is None:
        raise ValidationError({field: _("No organization has the code %(code)s.") % {"code": code}})
    return organization


def _fields(user: "User", data: dict) -> dict:
    for field in ("owner", "builder"):
        if data.get(field) is not None:
            data[field] = _org(user, data[field], field)
    for field in _TEXT_FIELDS & set(data):
        data[field] = data[field] or ""
    return data


def _filters(filters: SystemFilters) -> dict:
    data = filters.dict()
    return {k: (v if v is not None or k == "important" else "") for k, v in data.items()}


@router.get(
    "/systems",
    response=list[SystemOut],
    operation_id="systems_list",
    summary="List information systems",
)
@paginate(Pagination)
def systems_list(request, filters: Query[SystemFilters]):
    return selectors.system_list(user=request.auth, **_filters(filters)).prefetch_related(
        "related_systems"
    )


@router.get(
    "/systems/export",
    operation_id="systems_export",
    summary=(
        "Export the filtered systems as CSV or JSON (the CSV imports back; bom=true starts it "
        "with a byte order mark for Excel)"
    ),
    response={200: None},
)
def systems_export(request, filters: Query[SystemFilters], format: str = "csv", bom: bool = False):
    if format not in {"csv", "json"}:
        raise ValidationError({"format": _("Choose csv or json.")})
    systems = selectors.system_list(user=request.auth, **_filters(filters))
    if format == "csv":
        return file_response(
            export_csv(systems, user=request.auth, bom=bom),
            filename="systems.csv",
            content_type="text/csv; charset=utf-8",
        )
    return file_response(
        export_json(systems, user=request.auth),
        filename="systems.json",
        content_type="application/json",
    )


@router.post(
    "/systems/import",
    response=ImportResultOut,
    operation_id="systems_import",
    summary="Import systems from CSV: every row or none; dry_run=true only checks",
)
def systems_import(request, file: File[UploadedFile], dry_run: bool = True):
    return import_upload(file, actor=request.auth, dry_run=dry_run)


@router.get(
    "/systems/{code}", response=SystemOut, operation_id="systems_get", summary="Get one system"
)
def systems_get(request, code: str, response: HttpResponse):
    system = _system_or_404(request.auth, code)
    tag_response(response, system)
    return system


@router.post(
    "/systems", response={201: SystemOut}, operation_id="systems_create", summary="Add a system"
)
def systems_create(request, payload: SystemIn):
    data = _fields(request.auth, payload.dict())
    related = selectors.systems_named(user=request.auth, codes=data.pop("related"), field="related")
    system = services.system_add(actor=request.auth, code=data.pop("code"), related=related, **data)
    return Status(201, system)


@router.patch(
    "/systems/{code}", response=SystemOut, operation_id="systems_update", summary="Change a system"
)
def systems_update(request, code: str, payload: SystemPatch, response: HttpResponse):
    system = _system_or_404(request.auth, code)
    data = _fields(request.auth, payload.dict(exclude_unset=True))
    expect_from_request(request, system, data.pop("version", None))
    codes = data.pop("related", None)
    related = (
        None
        if codes is None
        else selectors.systems_named(user=request.auth, codes=codes, field="related")
    )
    reason = data.pop("reason", "")
    system = services.system_change(
        actor=request.auth, system=system, reason=reason, related=related, **data
    )
    tag_response(response, system)
    return system


# --- oversight -----------------------------------------------------------------------------


def _system_or_404(user: "User", code: str) -> InformationSystem:
    return get_or_404(selectors.system_get(user=user, code=code))


def _line_or_404(user: "User", code: str, year: int) -> BudgetLine:
    system = _system_or_404(user, code)
    return get_or_404(selectors.budget_line_get(user=user, system=system, year=year))


@router.get(
    "/systems/{code}/budget",
    response=list[BudgetLineOut],
    operation_id="budget_list",
    summary="A system's budget lines",
)
def budget_list(request, code: str):
    return selectors.budget_lines(
        user=request.auth, system=_system_or_404(request.auth, code)
    ).order_by("-fiscal_year")


@router.post(
    "/systems/{code}/budget",
    response={201: BudgetLineOut},
    operation_id="budget_request",
    summary="Request a budget for a fiscal year (the owner)",
)
def budget_request(request, code: str, payload: BudgetRequestIn):
    line = oversight.budget_request(
        actor=request.auth,
        system=_system_or_404(request.auth, code),
        fiscal_year=payload.fiscal_year,
        development=payload.development,
        operation=payload.operation,
    )
    return Status(201, line)


@router.post(
    "/systems/{code}/budget/{year}/review",
    response=BudgetLineOut,
    operation_id="budget_review",
    summary="Mark a request reviewed (the Digital Agency)",
)
def budget_review(request, code: str, year: int, payload: BudgetReviewIn):
    return oversight.budget_review(
        actor=request.auth, line=_line_or_404(request.auth, code, year), note=payload.note
    )


@router.post(
    "/systems/{code}/budget/{year}/decision",
    response=BudgetLineOut,
    operation_id="budget_decide",
    summary="Approve or reduce a request (the Digital Agency)",
)
def budget_decide(request, code: str, year: int, payload: BudgetDecisionIn):
    return oversight.budget_decide(
        actor=request.auth,
        line=_line_or_404(request.auth, code, year),
        development=payload.development_approved,
        operation=payload.operation_approved,
        note=payload.note,
    )


@router.post(
    "/systems/{code}/budget/{year}/execution",
    response=BudgetLineOut,
    operation_id="budget_execution",
    summary="Record what was spent (the owner)",
)
def budget_execution(request, code: str, year: int, payload: BudgetExecutionIn):
    return oversight.budget_record_execution(
        actor=request.auth,
        line=_line_or_404(request.auth, code, year),
        development=payload.development_executed,
        operation=payload.operation_executed,
    )


@router.get(
    "/budget/rollup",
    response=list[RollupRow],
    operation_id="budget_rollup",
    summary="Budget sums per ministry or category and fiscal year, with year-on-year change",
)
def budget_rollup(
    request, group_by: str = "ministry", from_year: int | None = None, to_year: int | None = None
):
    if group_by not in {"ministry", "category"}:
        raise ValidationError({"group_by": _("Choose ministry or category.")})
    current = selectors.current_fiscal_year()
    first, last = from_year or current - 4, to_year or current + 1
    if not 2000 <= first <= last <= 2100 or last - first > 20:
        raise ValidationError({"from_year": _("Choose a span of at most 20 fiscal years.")})
    return selectors.budget_rollup(
        user=request.auth, group_by=group_by, years=list(range(first, last + 1))
    )


@router.get(
    "/systems/{code}/ratings",
    response=list[RatingOut],
    operation_id="ratings_list",
    summary="A system's risk ratings, newest first",
)
def ratings_list(request, code: str):
    return selectors.ratings_of(user=request.auth, system=_system_or_404(request.auth, code))


@router.post(
    "/systems/{code}/ratings",
    response={201: RatingOut},
    operation_id="ratings_add",
    summary="Rate a national system's risk (the Digital Agency)",
)
def ratings_add(request, code: str, payload: RatingIn):
    rating = oversight.rating_add(
        actor=request.auth,
        system=_system_or_404(request.auth, code),
        risk=payload.risk,
        reason=payload.reason,
    )
    return Status(201, rating)


@router.get(
    "/oversight/due",
    response=list[SystemOut],
    operation_id="ratings_due",
    summary="National systems due for a rating",
)
@paginate(Pagination)
def ratings_due(request):
    return selectors.ratings_due(
        selectors.system_list(user=request.auth), user=request.auth
    ).prefetch_related("related_systems")


@router.get(
    "/migration",
    response=list[MigrationRowOut],
    operation_id="migration_list",
    summary="Local-government systems' move to standard-conformant systems (migration fields only)",
)
@paginate(Pagination)
def migration_list(request, filters: Query[MigrationFilters]):
    if not permissions.may_see_migration(request.auth):
        raise PermissionDenied
    data = filters.dict()
    data["standard_business"] = data["standard_business"] or ""
    data["migration_status"] = data["migration_status"] or ""
    return selectors.migration_list(user=request.auth, **data)


def _recommendation_or_404(user: "User", number: str) -> Recommendation:
    return get_or_404(selectors.recommendation_get(user=user, number=number))


@router.get(
    "/recommendations",
    response=list[RecommendationOut],
    operation_id="recommendations_list",
    summary="Recommendations I may see",
)
@paginate(Pagination)
def recommendations_list(request, status: str = ""):
    return selectors.recommendation_list(user=request.auth, status=status).prefetch_related(
        "systems"
    )


@router.post(
    "/recommendations",
    response={201: RecommendationOut},
    operation_id="recommendations_issue",
    summary="Issue a recommendation to a ministry (the Digital Agency)",
)
def recommendations_issue(request, payload: RecommendationIn):
    ministry = _org(request.auth, payload.ministry, "ministry")
    recommendation = oversight.recommendation_issue(
        actor=request.auth,
        ministry=ministry,
        systems=selectors.systems_named(user=request.auth, codes=payload.systems, field="systems"),
        reason=payload.reason,
        due_date=payload.due_date,
    )
    return Status(201, recommendation)


@router.get(
    "/recommendations/{number}",
    response=RecommendationOut,
    operation_id="recommendations_get",
    summary="One recommendation",
)
def recommendations_get(request, number: str):
    return _recommendation_or_404(request.auth, number)


@router.post(
    "/recommendations/{number}/answer",
    response=RecommendationOut,
    operation_id="recommendations_answer",
    summary="Answer a recommendation (the ministry)",
)
def recommendations_answer(request, number: str, payload: AnswerIn):
    return oversight.recommendation_answer(
        actor=request.auth,
        recommendation=_recommendation_or_404(request.auth, number),
        answer=payload.answer,
    )


@router.post(
    "/recommendations/{number}/close",
    response=RecommendationOut,
    operation_id="recommendations_close",
    summary="Close an answered recommendation (the Digital Agency)",
)
def recommendations_close(request, number: str):
    return oversight.recommendation_conclude(
        actor=request.auth,
        recommendation=_recommendation_or_404(request.auth, number),
        escalate=False,
    )


@router.post(
    "/recommendations/{number}/escalate",
    response=RecommendationOut,
    operation_id="recommendations_escalate",
    summary="Escalate a recommendation (the Digital Agency)",
)
def recommendations_escalate(request, number: str):
    return oversight.recommendation_conclude(
        actor=request.auth,
        recommendation=_recommendation_or_404(request.auth, number),
        escalate=True,
    )


@router.get(
    "/open-data/systems",
    auth=None,
    response=dict,
    operation_id="open_data_systems",
    summary="Published fields of the national systems (no sign-in)",
)
def open_data_systems(
    request, limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0)
):
    systems = selectors.open_data_systems()
    page = window(systems, offset=offset, limit=limit)
    return {"items": [selectors.open_data_row(s) for s in page], "count": systems.count()}


@router.get(
    "/open-data/budget",
    auth=None,
    response=list[dict],
    operation_id="open_data_budget",
    summary="Approved and executed budget per owner or category and fiscal year (no sign-in)",
)
def open_data_budget(request, group_by: str = "ministry"):
    if group_by not in {"ministry", "category"}:
        raise ValidationError({"group_by": _("Choose ministry or category.")})
    current = selectors.current_fiscal_year()
    return selectors.open_data_budget(list(range(current - 4, current + 1)), group_by)
