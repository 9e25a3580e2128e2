"""Catalog pages: the list, a catalog browsed level by level with search, one node with its
source chain and its derived copies, the comparison of two editions, and the OSCAL download."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from shireito.core.htmx import paginate, render_page
from shireito.core.problems import Problem
from shireito.organizations.selectors import owner_choices
from shireito.standards import selectors, services
from shireito.standards.choices import CatalogFormat
from shireito.standards.exporters import export_oscal
from shireito.standards.forms import CatalogUploadForm, MappingUploadForm
from shireito.standards.importers import CatalogImportError, read_upload
from shireito.standards.mappings import COLUMNS as MAPPING_COLUMNS
from shireito.standards.mappings import coverage, mapping_export_csv, mapping_import
from shireito.standards.spreadsheet import COLUMNS, export_csv, template_csv, template_xlsx

STATES = ("covered", "partial", "none")


def _catalog(request, key):
    catalog = selectors.catalog_get(user=request.user, key=key)
    if catalog is None:
        raise Http404
    return catalog


@login_required
def catalog_list(request):
    search = request.GET.get("search", "").strip()[:200]
    return render_page(
        request,
        "standards/catalog_list.html",
        {
            "page": paginate(request, selectors.catalog_list(user=request.user, search=search)),
            "search": search,
            "may_import": services.may_manage_catalogs(request.user),
        },
        partial="results",
    )


@login_required
def catalog_detail(request, key: str):
    catalog = _catalog(request, key)
    search = request.GET.get("search", "").strip()[:200]
    context = {"catalog": catalog, "search": search}
    if search:
        context["page"] = paginate(request, selectors.search_nodes(catalog, search))
    else:
        context["page"] = paginate(request, selectors.children_of(catalog, None), per_page=200)
    context["derived_from"] = catalog.derived_from.filter(
        pk__in=selectors.catalog_visible(request.user).values("pk")
    )
    context["mappings"] = selectors.mappings_of(catalog, user=request.user)
    context["derivatives"] = catalog.derivatives.filter(
        pk__in=selectors.catalog_visible(request.user).values("pk")
    )
    return render_page(request, "standards/catalog_detail.html", context, partial="results")


@login_required
def node_detail(request, key: str, oscal_id: str):
    catalog = _catalog(request, key)
    node = selectors.node_by_id(catalog, oscal_id)
    if node is None:
        raise Http404
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
            "across_audits": _across_audits(request.user, node),
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


def _across_audits(user, node):
    """The control's results in the user's audits (the audits app reads them; standards only
    shows them), or None for a group."""
    if node.is_group:
        return None
    from shireito.audits.selectors import control_across_audits

    return control_across_audits(user=user, control=node)


@login_required
def catalog_compare(request):
    catalogs = list(selectors.catalog_list(user=request.user))
    by_key = {c.key: c for c in catalogs}
    old_key, new_key = request.GET.get("old", ""), request.GET.get("new", "")
    old, new = by_key.get(old_key), by_key.get(new_key)
    errors = {}
    if "old" in request.GET or "new" in request.GET:
        if old is None:
            errors["old"] = True
        if new is None:
            errors["new"] = True
    diff = selectors.compare_catalogs(old, new) if old and new else None
    return render(
        request,
        "standards/catalog_compare.html",
        {
            "catalogs": catalogs,
            "old": old,
            "new": new,
            "old_key": old_key,
            "new_key": new_key,
            "errors": errors,
            "diff": diff,
        },
    )


@login_required
def catalog_export(request, key: str):
    catalog = _catalog(request, key)
    response = HttpResponse(
        json.dumps(export_oscal(catalog), ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{catalog.key}.oscal.json"'
    return response


def _problems_into(form, exc: CatalogImportError) -> list[Problem]:
    """Problems with a form field go beside the field; the rest (places in the file) are
    returned for the problem table."""
    rest = []
    for problem in exc.problems:
        if problem.path in form.fields:
            form.add_error(problem.path, problem.message)
        else:
            rest.append(problem)
    return rest


@login_required
def catalog_import(request):
    """Upload a catalog or profile; a bad file is answered with its problems by JSON path and
    nothing is written."""
    if not services.may_manage_catalogs(request.user):
        raise PermissionDenied
    form = CatalogUploadForm(
        request.POST or None,
        request.FILES or None,
        owners=owner_choices(request.user),
        catalogs=selectors.catalog_visible(request.user),
        initial={"owner": request.user.organization_id, "format": CatalogFormat.OSCAL},
    )
    problems = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        try:
            result = services.catalog_upload(
                actor=request.user,
                raw=read_upload(upload),
                fmt=data["format"],
                key=data["key"],
                title=data["title"],
                edition=data["edition"],
                owner=data["owner"],
                source_name=upload.name,
                against=data["against"],
            )
        except CatalogImportError as exc:
            problems = _problems_into(form, exc)
        else:
            messages.success(
                request,
                _("The catalog is imported: %(nodes)d groups and controls.")
                % {"nodes": result.nodes},
            )
            return redirect("standards:detail", key=result.catalog.key)
    return render(
        request,
        "standards/catalog_import.html",
        {"form": form, "problems": problems[:500], "columns": COLUMNS},
    )


@login_required
def catalog_export_csv(request, key: str):
    catalog = _catalog(request, key)
    response = HttpResponse(export_csv(catalog), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{catalog.key}.csv"'
    return response


@login_required
def spreadsheet_template(request, fmt: str):
    if fmt == "xlsx":
        response = HttpResponse(
            template_xlsx(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="catalog-template.{fmt}"'
    return response


@login_required
def mapping_list(request):
    return render(
        request,
        "standards/mapping_list.html",
        {
            "page": paginate(request, selectors.mapping_list(user=request.user)),
            "may_import": services.may_manage_catalogs(request.user),
        },
    )


@login_required
def mapping_detail(request, key: str):
    mapping = selectors.mapping_get(user=request.user, key=key)
    if mapping is None:
        raise Http404
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
    mapping = selectors.mapping_get(user=request.user, key=key)
    if mapping is None:
        raise Http404
    response = HttpResponse(mapping_export_csv(mapping), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{mapping.key}.csv"'
    return response


@login_required
def mapping_import_page(request):
    if not services.may_manage_catalogs(request.user):
        raise PermissionDenied
    form = MappingUploadForm(
        request.POST or None,
        request.FILES or None,
        owners=owner_choices(request.user),
        catalogs=selectors.catalog_visible(request.user),
        initial={"owner": request.user.organization_id},
    )
    problems = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            mapping = mapping_import(
                actor=request.user,
                raw=read_upload(data["file"]),
                key=data["key"],
                title=data["title"],
                source=data["source"],
                target=data["target"],
                owner=data["owner"],
            )
        except CatalogImportError as exc:
            problems = _problems_into(form, exc)
        else:
            messages.success(request, _("The mapping is imported."))
            return redirect("standards:mapping", key=mapping.key)
    return render(
        request,
        "standards/mapping_import.html",
        {"form": form, "problems": problems[:500], "columns": MAPPING_COLUMNS},
    )


@login_required
def profile_export(request, key: str):
    """The profile a derived catalog was resolved from, as imported (its imports still name
    the catalogs it selects from)."""
    catalog = _catalog(request, key)
    if not catalog.profile:
        raise Http404
    response = HttpResponse(
        json.dumps(catalog.profile, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{catalog.key}.profile.json"'
    return response
