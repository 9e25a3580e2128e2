"""Catalogs over the API: read, search, compare, export as OSCAL. Scoped by the same
selectors as the pages."""

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.http import HttpResponseBase
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from shireito.core.pages import file_response, get_or_404
from shireito.core.pagination import Pagination
from shireito.core.services import is_unstorable
from shireito.core.textfiles import read_as
from shireito.organizations.selectors import organization_get
from shireito.standards import selectors, services
from shireito.standards.choices import CatalogFormat
from shireito.standards.exporters import export_oscal
from shireito.standards.importers import read_upload
from shireito.standards.mappings import coverage, mapping_export_csv, mapping_import
from shireito.standards.models import Catalog, CatalogMapping
from shireito.standards.schemas import (
    CatalogDiffOut,
    CatalogImportIn,
    CatalogImportOut,
    CatalogOut,
    CoverageOut,
    MappingImportIn,
    MappingImportOut,
    MappingOut,
    NodeFilters,
    NodeOut,
)

if TYPE_CHECKING:
    from shireito.organizations.models import Organization

router = Router(tags=["standards"])


def _catalog(request, key: str) -> Catalog:
    return get_or_404(selectors.catalog_get(user=request.auth, key=key))


def _mapping(request, key: str) -> CatalogMapping:
    return get_or_404(selectors.mapping_get(user=request.auth, key=key))


def _named(request, errors: dict[str, str], **keys: str) -> dict[str, Catalog | None]:
    """The catalogs named by key in a request's fields; a key that names none the caller may
    see is an error on its field (``errors``)."""
    found = {}
    for field, key in keys.items():
        # A key no database can hold (a NUL) names no catalog; PostgreSQL refuses to look.
        found[field] = (
            None if is_unstorable(key) else selectors.catalog_get(user=request.auth, key=key)
        )
        if found[field] is None:
            errors[field] = _("No catalog has the key %s.") % key
    return found


def _owner(request, code: str | None, errors: dict[str, str]) -> "Organization | None":
    """The organisation named by ``code``, or None (none named, or an error on ``owner``)."""
    if not code:
        return None
    owner = None if is_unstorable(code) else organization_get(user=request.auth, code=code)
    if owner is None:
        errors["owner"] = _("No organization has the code %s.") % code
    return owner


@router.get(
    "/catalogs",
    response=list[CatalogOut],
    operation_id="catalogs_list",
    summary="List catalogs",
)
@paginate(Pagination)
def catalogs_list(request, search: str = ""):
    return selectors.catalog_list(user=request.auth, search=search.strip()[:200])


@router.get(
    "/catalogs/compare",
    response=CatalogDiffOut,
    operation_id="catalogs_compare",
    summary="Compare two editions: controls added, removed and changed, by published id",
)
def catalogs_compare(request, old: str, new: str):
    errors: dict[str, str] = {}
    named = _named(request, errors, old=old, new=new)
    older, newer = named["old"], named["new"]
    if older is None or newer is None:
        raise ValidationError(errors)
    diff = selectors.compare_catalogs(older, newer)
    return {
        "old": older.key,
        "new": newer.key,
        "added": [n.label for n in diff.added],
        "removed": [n.label for n in diff.removed],
        "changed": [{"label": c.label, "fields": list(c.fields)} for c in diff.changed],
    }


@router.get(
    "/catalogs/{key}", response=CatalogOut, operation_id="catalogs_get", summary="Get a catalog"
)
def catalogs_get(request, key: str):
    return _catalog(request, key)


@router.get(
    "/catalogs/{key}/oscal",
    response=dict,
    operation_id="catalogs_export_oscal",
    summary="Export a catalog as an OSCAL 1.1 catalog document",
)
def catalogs_export_oscal(request, key: str):
    return export_oscal(_catalog(request, key))


@router.get(
    "/catalogs/{key}/profile",
    response=dict,
    operation_id="catalogs_export_profile",
    summary="The OSCAL profile a derived catalog was resolved from, as imported",
)
def catalogs_export_profile(request, key: str):
    return get_or_404(_catalog(request, key).profile or None)


@router.get(
    "/catalogs/{key}/nodes",
    response=list[NodeOut],
    operation_id="catalog_nodes_list",
    summary="List a catalog's groups and controls: one level (parent) or a search",
)
@paginate(Pagination)
def catalog_nodes_list(request, key: str, filters: Query[NodeFilters]):
    catalog = _catalog(request, key)
    nodes = selectors.nodes_of(catalog)
    if filters.search:
        nodes = selectors.search_nodes(catalog, filters.search.strip()[:200])
    if filters.parent is not None:
        parent = selectors.node_by_id(catalog, filters.parent) if filters.parent else None
        if filters.parent and parent is None:
            raise ValidationError({"parent": _("No node has the id %s.") % filters.parent})
        nodes = nodes.filter(parent=parent)
    return nodes.select_related("parent", "source__catalog")


@router.get(
    "/catalogs/{key}/nodes/{oscal_id}",
    response=NodeOut,
    operation_id="catalog_nodes_get",
    summary="Get one group or control",
)
def catalog_nodes_get(request, key: str, oscal_id: str):
    return get_or_404(selectors.node_by_id(_catalog(request, key), oscal_id))


@router.post(
    "/catalogs",
    response={201: CatalogImportOut},
    operation_id="catalogs_import",
    summary=(
        "Import an OSCAL catalog or profile, or the Common Standards JSON; problems come back "
        "with their JSON path in the file and nothing is written"
    ),
)
def catalogs_import(request, file: File[UploadedFile], data: Form[CatalogImportIn]):
    errors: dict[str, str] = {}
    owner = _owner(request, data.owner, errors)
    if errors:
        raise ValidationError(errors)
    against = _named(request, errors, against=data.against)["against"] if data.against else None
    if errors:
        raise ValidationError(errors)
    raw = read_upload(file)
    upload = services.catalog_upload(
        actor=request.auth,
        raw=raw,
        fmt=data.format,
        key=data.key,
        title=data.title,
        edition=data.edition,
        owner=owner,
        source_name=file.name or "",
        against=against,
    )
    return Status(
        201,
        {
            "catalog": upload.catalog,
            "nodes": upload.nodes,
            "controls": upload.controls,
            "merged_duplicates": upload.merged_duplicates,
            "profile": upload.is_profile,
            **read_as(raw if data.format == CatalogFormat.CSV else None),
        },
    )


@router.get(
    "/mappings", response=list[MappingOut], operation_id="mappings_list", summary="List mappings"
)
@paginate(Pagination)
def mappings_list(request):
    return selectors.mapping_list(user=request.auth)


@router.post(
    "/mappings",
    response={201: MappingImportOut},
    operation_id="mappings_import",
    summary="Import a mapping from CSV (source_id, target_id, relationship, note); all or nothing",
)
def mappings_import(request, file: File[UploadedFile], data: Form[MappingImportIn]):
    errors: dict[str, str] = {}
    named = _named(request, errors, source=data.source, target=data.target)
    source, target = named["source"], named["target"]
    owner = _owner(request, data.owner, errors)
    if source is None or target is None or errors:
        raise ValidationError(errors)
    raw = read_upload(file)
    mapping = mapping_import(
        actor=request.auth,
        raw=raw,
        key=data.key,
        title=data.title,
        source=source,
        target=target,
        owner=owner,
    )
    for name, value in read_as(raw).items():  # MappingImportOut reads them off the mapping
        setattr(mapping, name, value)
    return Status(201, mapping)


@router.get(
    "/mappings/{key}", response=MappingOut, operation_id="mappings_get", summary="Get a mapping"
)
def mappings_get(request, key: str):
    return _mapping(request, key)


@router.get(
    "/mappings/{key}/coverage",
    response=list[CoverageOut],
    operation_id="mappings_coverage",
    summary="Each target control: covered, partial or none, with the source controls mapped",
)
@paginate(Pagination)
def mappings_coverage(request, key: str):
    return [
        {
            "target": row.target.oscal_id,
            "label": row.target.label,
            "state": row.state,
            "sources": [s.label for s in row.sources],
        }
        for row in coverage(_mapping(request, key))
    ]


@router.get(
    "/mappings/{key}/csv",
    operation_id="mappings_export_csv",
    summary="Export a mapping as CSV (imports back; bom=true adds a byte order mark for Excel)",
    response={200: None},
)
def mappings_export_csv(request, key: str, bom: bool = False) -> HttpResponseBase:
    mapping = _mapping(request, key)
    return file_response(
        mapping_export_csv(mapping, bom=bom),
        filename=f"{mapping.key}.csv",
        content_type="text/csv; charset=utf-8",
    )
