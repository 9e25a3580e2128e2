import io

from django.core.exceptions import ValidationError
from django.http import Http404, StreamingHttpResponse
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from shireito.organizations.selectors import organization_get
from shireito.registry import selectors, services
from shireito.registry.schemas import (
    ImportResultOut,
    SystemFilters,
    SystemIn,
    SystemOut,
    SystemPatch,
)
from shireito.registry.transfer import export_csv, export_json, import_systems

router = Router(tags=["portfolio"])

_TEXT_FIELDS = {
    "cloud_provider",
    "standard_business",
    "migration_status",
    "name_en",
    "contact_name",
    "contact_email",
}


def _org(user, code, field):
    if code is None:
        return None
    organization = organization_get(user=user, code=code)
    if organization is None:
        raise ValidationError({field: _("No organization has the code %(code)s.") % {"code": code}})
    return organization


def _fields(user, data: dict) -> dict:
    for field in ("owner", "builder"):
        if field in data:
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
@paginate(LimitOffsetPagination)
def systems_list(request, filters: Query[SystemFilters]):
    return selectors.system_list(user=request.auth, **_filters(filters))


@router.get(
    "/systems/export",
    operation_id="systems_export",
    summary="Export the filtered systems as CSV or JSON (the CSV imports back)",
    response={200: None},
)
def systems_export(request, filters: Query[SystemFilters], format: str = "csv"):
    if format not in {"csv", "json"}:
        raise ValidationError({"format": _("Choose csv or json.")})
    systems = selectors.system_list(user=request.auth, **_filters(filters))
    if format == "csv":
        return StreamingHttpResponse(export_csv(systems), content_type="text/csv; charset=utf-8")
    return StreamingHttpResponse(export_json(systems), content_type="application/json")


@router.post(
    "/systems/import",
    response=ImportResultOut,
    operation_id="systems_import",
    summary="Import systems from CSV: every row or none; dry_run=true only checks",
)
def systems_import(request, file: File[UploadedFile], dry_run: bool = True):
    try:
        text = io.TextIOWrapper(file.file, encoding="utf-8-sig", newline="")
        return import_systems(text, actor=request.auth, dry_run=dry_run)
    except UnicodeDecodeError as exc:
        raise ValidationError({"file": _("The file is not UTF-8 text.")}) from exc


@router.get(
    "/systems/{code}", response=SystemOut, operation_id="systems_get", summary="Get one system"
)
def systems_get(request, code: str):
    system = selectors.system_get(user=request.auth, code=code)
    if system is None:
        raise Http404
    return system


@router.post(
    "/systems", response={201: SystemOut}, operation_id="systems_create", summary="Add a system"
)
def systems_create(request, payload: SystemIn):
    data = _fields(request.auth, payload.dict())
    return Status(201, services.system_create(actor=request.auth, code=data.pop("code"), **data))


@router.patch(
    "/systems/{code}", response=SystemOut, operation_id="systems_update", summary="Change a system"
)
def systems_update(request, code: str, payload: SystemPatch):
    system = selectors.system_get(user=request.auth, code=code)
    if system is None:
        raise Http404
    return services.system_update(
        actor=request.auth, system=system, **_fields(request.auth, payload.dict(exclude_unset=True))
    )
