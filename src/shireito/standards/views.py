"""Catalog pages: the list, a catalog browsed level by level with search, one node with its
source chain and its derived copies, the comparison of two editions, and the OSCAL download."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from shireito.core.htmx import paginate, render_page
from shireito.core.jobs import job_start
from shireito.core.pages import bound_form, file_response, get_or_404, list_page, submit
from shireito.core.problems import Problem
from shireito.core.services import rehearse
from shireito.core.textfiles import encoding_notice, wants_bom
from shireito.organizations.selectors import owner_choices
from shireito.standards import selectors, services
from shireito.standards.choices import CatalogFormat
from shireito.standards.exporters import export_oscal
from shireito.standards.forms import (
    CatalogFilter,
    CatalogUploadForm,
    CompareFilter,
    MappingUploadForm,
    NodeFilter,
)
from shireito.standards.importers import CatalogImportError, read_upload
from shireito.standards.mappings import COLUMNS as MAPPING_COLUMNS
from shireito.standards.mappings import coverage, mapping_export_csv, mapping_import
from shireito.standards.models import Catalog, CatalogMapping
from shireito.standards.permissions import may_manage_catalogs
from shireito.standards.sections import control_sections
from shireito.standards.spreadsheet import COLUMNS, export_csv, template_csv, template_xlsx
from shireito.standards.tasks import CATALOG_IMPORT

STATES = ("covered", "partial", "none")
JSON = "application/json; charset=utf-8"
CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _catalog(request, key: str) -> Catalog:
    return get_or_404(selectors.catalog_get(user=request.user, key=key))


@login_required
def catalog_list(request):
    filters = CatalogFilter(request.GET)
    return list_page(
        request,
        template="standards/catalog_list.html",
        items=selectors.catalog_list(user=request.user, search=filters.values()["search"]),
        filters=filters,
        context={"may_import": may_manage_catalogs(request.user)},
    )


@login_required
def catalog_detail(request, key: str):
    """A catalog's top level, or every node matching the search (a page stays small however
    large the catalog is)."""
    catalog = _catalog(request, key)
    filters = NodeFilter(request.GET)
    search = filters.values()["search"]
    return list_page(
        request,
        template="standards/catalog_detail.html",
        items=(
            selectors.search_nodes(catalog, search)
            if search
            else selectors.children_of(catalog, None)
        ),
        filters=filters,
        per_page=50 if search else 200,
        context={
            "catalog": catalog,
            "derived_from": selectors.derived_from(catalog, user=request.user),
            "derivatives": selectors.derivatives(catalog, user=request.user),
            "mappings": selectors.mappings_of(catalog, user=request.user),
        },
    )


@login_required
def node_detail(request, key: str, oscal_id: str):
    catalog = _catalog(request, key)
    node = get_or_404(selectors.node_by_id(catalog, oscal_id))
    return render(
        request,
        "standards/node_detail.html",
        {
            "catalog": catalog,
            "node": node,
            "ancestors": selectors.ancestors(node),
            "children": paginate(request, selectors.children_of(catalog, node), per_page=200),
            "source_chain": selectors.source_chain(node, user=request.user),
            "derived": selectors.derived_copies(node, user=request.user),
            "sections": control_sections(request, user=request.user, node=node),
            "params": [
                {
                    "id": p.get("id", ""),
                    "label": p.get("label", ""),
                    "values": ", ".join(map(str, p.get("values") or [])),
                    "choices": ", ".join(map(str, (p.get("select") or {}).get("choice") or [])),
                }
                for p in node.params
            ],
        },
    )


@login_required
def catalog_compare(request):
    catalogs = list(selectors.catalog_list(user=request.user))
    filters = CompareFilter(request.GET, catalogs=catalogs)
    values = filters.values()
    by_key = {c.key: c for c in catalogs}
    old, new = by_key.get(values["old"]), by_key.get(values["new"])
    return render_page(
        request,
        "standards/catalog_compare.html",
        {
            "filter_form": filters,
            "old": old,
            "new": new,
            "diff": selectors.compare_catalogs(old, new) if old and new else None,
        },
        partial="results",
    )


@login_required
def catalog_export(request, key: str):
    catalog = _catalog(request, key)
    return file_response(
        json.dumps(export_oscal(catalog), ensure_ascii=False, indent=2),
        filename=f"{catalog.key}.oscal.json",
        content_type=JSON,
    )


@login_required
def profile_export(request, key: str):
    """The profile a derived catalog was resolved from, as imported (its imports still name
    the catalogs it selects from)."""
    catalog = _catalog(request, key)
    profile = get_or_404(catalog.profile or None)  # a catalog imported as one has none
    return file_response(
        json.dumps(profile, ensure_ascii=False, indent=2),
        filename=f"{catalog.key}.profile.json",
        content_type=JSON,
    )


@login_required
def catalog_export_csv(request, key: str):
    catalog = _catalog(request, key)
    return file_response(
        export_csv(catalog, bom=wants_bom(request)), filename=f"{catalog.key}.csv", content_type=CSV
    )


@login_required
def spreadsheet_template(request, fmt: str):
    if fmt == "xlsx":
        return file_response(template_xlsx(), filename="catalog-template.xlsx", content_type=XLSX)
    return file_response(
        template_csv(bom=wants_bom(request)), filename="catalog-template.csv", content_type=CSV
    )


def _problems_into(form: forms.Form, exc: CatalogImportError) -> list[Problem]:
    """Problems with a form field go beside the field; the rest (places in the file) are
    returned for the problem table."""
    rest = []
    for problem in exc.problems:
        if problem.path in form.fields:
            form.add_error(problem.path, problem.message)
        else:
            rest.append(problem)
    return rest


def _upload_page(
    request: HttpRequest,
    form: forms.Form,
    *,
    action: Callable[[dict], Any],
    success: Callable[[Any], str],
    checked: Callable[[Any], str],
    redirect_to: Callable[[Any], HttpResponseBase],
    template: str,
    columns: list[str] | tuple[str, ...],
    read_as: list[str],
) -> HttpResponseBase:
    """An upload form whose file is read whole first: a file with problems is answered with
    the problems (beside the form's fields, or by place in the file) and nothing is written.
    "Check the file" runs the whole import and rolls it back (``checked`` describes what it
    would do, while the rehearsal's writes are still visible); "Import" writes. A CSV file
    says in ``read_as`` how it was read."""
    problems: list[Problem] = []
    checking = request.POST.get("action") == "check"

    def rehearsed(data: dict) -> str:
        return rehearse(lambda: checked(action(data)))

    try:
        done, result = submit(form, rehearsed if checking else action)
    except CatalogImportError as exc:
        done, problems = False, _problems_into(form, exc)
    if done and not checking:
        messages.success(request, " ".join([success(result), *read_as]))
        return redirect_to(result)
    return render(
        request,
        template,
        {
            "form": form,
            "problems": problems[:500],
            "columns": columns,
            "checked": result if done else "",
            "read_as": " ".join(read_as),
        },
    )


def _upload_form(request, form_class: type[forms.Form], **initial) -> Any:
    if not may_manage_catalogs(request.user):
        raise PermissionDenied
    return bound_form(
        form_class,
        request,
        files=True,
        owners=owner_choices(request.user),
        catalogs=selectors.catalog_visible(request.user),
        initial={"owner": request.user.organization_id, **initial},
    )


@login_required
def catalog_import(request):
    """Upload a catalog or profile; a bad file is answered with its problems by JSON path and
    nothing is written."""
    form = _upload_form(request, CatalogUploadForm, format=CatalogFormat.OSCAL)
    read_as: list[str] = []
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        # A large file is imported by a worker: the user follows it on the job's page.
        if data["file"].size > settings.SHIREITO_BACKGROUND_CATALOG_BYTES:
            try:
                raw = read_upload(data["file"])
            except CatalogImportError:
                pass  # too large: answered below with the problem, as any bad file
            else:
                job = job_start(
                    user=request.user,
                    kind=CATALOG_IMPORT,
                    params={
                        "check": request.POST.get("action") == "check",
                        "format": data["format"],
                        "key": data["key"],
                        "title": data["title"],
                        "edition": data["edition"],
                        "owner": data["owner"].pk if data["owner"] else None,
                        "against": data["against"].pk if data.get("against") else None,
                        "source_name": data["file"].name,
                    },
                    payload=raw,
                )
                return redirect("core:job", job.pk)

    def upload(data: dict) -> services.CatalogUpload:
        raw = read_upload(data["file"])
        if data["format"] == CatalogFormat.CSV:
            read_as[:] = [encoding_notice(raw)]
        return services.catalog_upload(
            actor=request.user,
            raw=raw,
            fmt=data["format"],
            key=data["key"],
            title=data["title"],
            edition=data["edition"],
            owner=data["owner"],
            source_name=data["file"].name,
            against=data["against"],
        )

    return _upload_page(
        request,
        form,
        action=upload,
        success=lambda result: (
            _("The catalog is imported: %(nodes)d groups and controls.") % {"nodes": result.nodes}
        ),
        checked=lambda result: (
            _("Importing it adds %(nodes)d groups and controls.") % {"nodes": result.nodes}
        ),
        redirect_to=lambda result: redirect("standards:detail", key=result.catalog.key),
        template="standards/catalog_import.html",
        columns=COLUMNS,
        read_as=read_as,
    )


@login_required
def mapping_list(request):
    return list_page(
        request,
        template="standards/mapping_list.html",
        items=selectors.mapping_list(user=request.user),
        partial=None,
        context={"may_import": may_manage_catalogs(request.user)},
    )


def _mapping(request, key: str) -> CatalogMapping:
    return get_or_404(selectors.mapping_get(user=request.user, key=key))


@login_required
def mapping_detail(request, key: str):
    mapping = _mapping(request, key)
    rows = coverage(mapping)
    counts = {state: sum(1 for r in rows if r.state == state) for state in STATES}
    return render(
        request,
        "standards/mapping_detail.html",
        {
            "mapping": mapping,
            "counts": counts,
            "total": len(rows),
            "rows": paginate(request, rows, per_page=200),
        },
    )


@login_required
def mapping_export(request, key: str):
    mapping = _mapping(request, key)
    return file_response(
        mapping_export_csv(mapping, bom=wants_bom(request)),
        filename=f"{mapping.key}.csv",
        content_type=CSV,
    )


@login_required
def mapping_import_page(request):
    form = _upload_form(request, MappingUploadForm)
    read_as: list[str] = []

    def upload(data: dict):
        raw = read_upload(data["file"])
        read_as[:] = [encoding_notice(raw)]
        return mapping_import(
            actor=request.user,
            raw=raw,
            key=data["key"],
            title=data["title"],
            source=data["source"],
            target=data["target"],
            owner=data["owner"],
        )

    return _upload_page(
        request,
        form,
        action=upload,
        success=lambda mapping: _("The mapping is imported."),
        checked=lambda mapping: (
            _("Importing it adds %(rows)d pairs of controls.") % {"rows": mapping.entries.count()}
        ),
        redirect_to=lambda mapping: redirect("standards:mapping", key=mapping.key),
        template="standards/mapping_import.html",
        columns=MAPPING_COLUMNS,
        read_as=read_as,
    )
