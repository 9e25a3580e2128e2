"""Portfolio pages: the list with filters, sort, search and export; a system's page with its
history; forms; and the CSV import with a check before anything is written."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from shireito.core.forms import add_service_errors
from shireito.core.htmx import paginate, render_page
from shireito.core.selectors import may_read_history, object_history, redacted
from shireito.organizations.choices import SystemCategory
from shireito.organizations.selectors import owner_choices
from shireito.registry import selectors, services
from shireito.registry.choices import Hosting, LifecyclePhase, MigrationStatus, StandardBusiness
from shireito.registry.forms import ImportForm, SystemForm
from shireito.registry.transfer import (
    COLUMNS,
    MAX_WEB_ROWS,
    export_csv,
    export_json,
    import_systems,
)

FILTERS = {
    "category": SystemCategory,
    "phase": LifecyclePhase,
    "hosting": Hosting,
    "standard_business": StandardBusiness,
    "migration_status": MigrationStatus,
}


def _filters(request) -> dict:
    values = {name: request.GET.get(name, "") for name in FILTERS}
    values = {name: v if v in FILTERS[name].values else "" for name, v in values.items()}
    values["search"] = request.GET.get("search", "").strip()[:200]
    values["owner"] = request.GET.get("owner", "").strip()[:64]
    important = request.GET.get("important", "")
    values["important"] = {"yes": True, "no": False}.get(important)
    values["sort"] = (
        request.GET.get("sort", "code") if request.GET.get("sort") in selectors.SORTS else "code"
    )
    return values


@login_required
def system_list(request):
    filters = _filters(request)
    systems = selectors.system_list(user=request.user, **filters)
    query = request.GET.copy()
    query.pop("page", None)
    return render_page(
        request,
        "registry/system_list.html",
        {
            "page": paginate(request, systems),
            "filters": filters,
            "choices": {name: enum.choices for name, enum in FILTERS.items()},
            "sorts": [
                ("code", _("System id")),
                ("name", _("Name")),
                ("owner", _("Owner")),
                ("category", _("Category")),
                ("phase", _("Lifecycle phase")),
                ("updated", _("Recently changed")),
            ],
            "query": query.urlencode(),
        },
        partial="results",
    )


@login_required
def system_export(request, fmt: str):
    systems = selectors.system_list(user=request.user, **_filters(request))
    if fmt == "csv":
        response = StreamingHttpResponse(
            export_csv(systems, user=request.user), content_type="text/csv; charset=utf-8"
        )
    else:
        response = StreamingHttpResponse(
            export_json(systems, user=request.user), content_type="application/json"
        )
    response["Content-Disposition"] = f'attachment; filename="systems.{fmt}"'
    return response


@login_required
def system_detail(request, code: str):
    system = selectors.system_get(user=request.user, code=code)
    if system is None:
        raise Http404
    return render(
        request,
        "registry/system_detail.html",
        {
            "system": system,
            "related": selectors.related_shown(request.user, system),
            "may_edit": selectors.may_edit_system(
                request.user, owner=system.owner, builder=system.builder
            ),
            "history": redacted(request.user, object_history(system, user=request.user)[:100]),
            "may_read_history": may_read_history(request.user),
            **_oversight_context(request, system),
        },
    )


def _oversight_context(request, system) -> dict:
    from django.utils import timezone
    from django.utils.translation import get_language

    from shireito.core.scoping import ALL, visible_organization_ids
    from shireito.registry import oversight
    from shireito.registry.models import BudgetLine

    ids = visible_organization_ids(request.user, BudgetLine)
    overseen = oversight.is_overseen(system) and (ids is ALL or system.owner_id in ids)
    ratings = list(selectors.ratings_of(user=request.user, system=system)[:20]) if overseen else []
    language = get_language() or "ja"
    lines = [
        (line, selectors.fiscal_year_label(line.fiscal_year, language))
        for line in selectors.budget_lines(user=request.user, system=system).order_by(
            "-fiscal_year"
        )
    ]
    return {
        "overseen": overseen,
        "ratings": ratings,
        "rating_stale": overseen
        and (not ratings or ratings[0].rated_on < oversight.stale_before()),
        "acts_for_da": oversight.acts_for_digital_agency(request.user),
        "budget_lines": lines,
        "recommendations": system.recommendations.filter(
            pk__in=selectors.recommendations_visible(request.user)
        ),
        "today": timezone.localdate(),
    }


def _related(request, text: str):
    """Systems named by id in ``text``; an unknown or invisible id is a field error."""
    codes = [code.strip() for code in text.split(",") if code.strip()]
    found = {s.code: s for s in selectors.system_list(user=request.user).filter(code__in=codes)}
    missing = [code for code in codes if code not in found]
    if missing:
        raise ValidationError({"related": _("Unknown system ids: %s") % ", ".join(missing)})
    return list(found.values())


@login_required
def system_create(request):
    if not selectors.may_edit_system(request.user, owner=request.user.organization):
        raise PermissionDenied
    form = SystemForm(
        request.POST if request.method == "POST" else None,
        owners=owner_choices(request.user),
        initial={"owner": request.user.organization_id},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        related_codes = data.pop("related", "")
        try:
            with transaction.atomic():
                system = services.system_create(actor=request.user, code=data.pop("code"), **data)
                services.system_set_related(
                    actor=request.user, system=system, related=_related(request, related_codes)
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The system is added."))
            return redirect("registry:detail", code=system.code)
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "page_title": _("Add an information system"),
            "cancel_url": reverse("registry:list"),
        },
    )


@login_required
def system_edit(request, code: str):
    system = selectors.system_get(user=request.user, code=code)
    if system is None:
        raise Http404
    if not selectors.may_edit_system(request.user, owner=system.owner, builder=system.builder):
        raise PermissionDenied
    form = SystemForm(
        request.POST if request.method == "POST" else None,
        instance=system,
        owners=owner_choices(request.user) | type(system.owner).objects.filter(pk=system.owner_id),
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reclassification_reason", "")
        related_codes = data.pop("related", "")
        if data.get("builder") is None:
            data["builder"] = services.default_builder(
                category=data["category"], owner=data["owner"]
            )
        try:
            with transaction.atomic():
                services.system_update(actor=request.user, system=system, reason=reason, **data)
                services.system_set_related(
                    actor=request.user,
                    system=system,
                    related=selectors.related_kept(
                        request.user, system, _related(request, related_codes)
                    ),
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error("owner", str(exc))
        else:
            messages.success(request, _("The changes are saved."))
            return redirect("registry:detail", code=system.code)
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "page_title": _("Change %(name)s") % {"name": system},
            "cancel_url": reverse("registry:detail", args=[system.code]),
        },
    )


@login_required
def system_import(request):
    """Check a CSV file (nothing is written), then import it (all rows or none)."""
    if not selectors.may_edit_system(request.user, owner=request.user.organization):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            text = io.TextIOWrapper(
                form.cleaned_data["file"].file, encoding="utf-8-sig", newline=""
            )
            dry_run = request.POST.get("action") != "import"
            result = import_systems(
                text, actor=request.user, dry_run=dry_run, max_rows=MAX_WEB_ROWS
            )
        except UnicodeDecodeError:
            form.add_error("file", _("The file is not UTF-8 text."))
        else:
            if result.written:
                messages.success(
                    request,
                    _("Imported: %(created)d added, %(updated)d changed.")
                    % {"created": result.created, "updated": result.updated},
                )
                return redirect("registry:list")
    return render(
        request, "registry/system_import.html", {"form": form, "result": result, "columns": COLUMNS}
    )
