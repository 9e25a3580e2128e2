"""Portfolio pages: the list with filters, sort, search and export; a system's page with its
history; forms; and the CSV import with a check before anything is written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from shireito.core.history import readable_history
from shireito.core.jobs import job_start
from shireito.core.languages import sentence_with_names
from shireito.core.pages import bound_form, file_response, form_page, get_or_404, list_page, submit
from shireito.core.selectors import may_read_history, object_history
from shireito.core.services import Rules
from shireito.core.textfiles import wants_bom
from shireito.organizations.selectors import owner_choices
from shireito.registry import permissions, selectors, services
from shireito.registry.forms import ImportForm, MigrationFilter, SystemFilter, SystemForm
from shireito.registry.models import InformationSystem
from shireito.registry.tasks import SYSTEMS_EXPORT, SYSTEMS_IMPORT, export_params
from shireito.registry.transfer import (
    COLUMNS,
    MAX_BYTES,
    export_csv,
    export_json,
    export_migration_csv,
    import_upload,
)

CSV = "text/csv; charset=utf-8"


@login_required
def system_list(request):
    filters = SystemFilter(request.GET)
    return list_page(
        request,
        template="registry/system_list.html",
        items=selectors.system_list(user=request.user, **filters.values()),
        filters=filters,
        context={
            "may_add": permissions.may_add_system(request.user),
            "may_see_migration": permissions.may_see_migration(request.user),
        },
    )


@login_required
def migration_list(request):
    """Local governments' move to standard-conformant systems: the migration fields only, for
    local governments and the coordinators the governance model names."""
    if not permissions.may_see_migration(request.user):
        raise PermissionDenied
    filters = MigrationFilter(request.GET)
    return list_page(
        request,
        template="registry/migration_list.html",
        items=selectors.migration_list(user=request.user, **filters.values()),
        filters=filters,
        rows=selectors.migration_shown,
    )


@login_required
def migration_export(request):
    if not permissions.may_see_migration(request.user):
        raise PermissionDenied
    rows = selectors.migration_list(user=request.user, **MigrationFilter(request.GET).values())
    return file_response(
        export_migration_csv(rows.iterator(chunk_size=2000), bom=wants_bom(request)),
        filename="migration.csv",
        content_type=CSV,
    )


@login_required
def system_export(request, fmt: str):
    systems = selectors.system_list(user=request.user, **SystemFilter(request.GET).values())
    if fmt == "csv":
        # A long list is written by a worker: the user asks for it (a POST, never a link
        # followed) and follows its progress on the job's page.
        rows = systems.count()
        if rows > settings.SHIREITO_BACKGROUND_EXPORT_ROWS:
            if request.method != "POST":
                return render(request, "registry/export_job.html", {"rows": rows})
            job = job_start(
                user=request.user,
                kind=SYSTEMS_EXPORT,
                params=export_params(request.GET, bom=wants_bom(request)),
            )
            return redirect("core:job", job.pk)
        content = export_csv(systems, user=request.user, bom=wants_bom(request))
        return file_response(content, filename="systems.csv", content_type=CSV)
    return file_response(
        export_json(systems, user=request.user),
        filename="systems.json",
        content_type="application/json",
    )


@login_required
def system_detail(request, code: str):
    system = get_or_404(selectors.system_get(user=request.user, code=code))
    return render(
        request,
        "registry/system_detail.html",
        {
            "system": system,
            "related": selectors.related_shown(request.user, system),
            "may_edit": permissions.may_change_system(request.user, system),
            "history": readable_history(
                request.user, object_history(system, user=request.user)[:100]
            ),
            "may_read_history": may_read_history(request.user),
            **_oversight_context(request, system),
        },
    )


def _oversight_context(request, system: InformationSystem) -> dict[str, Any]:
    """The ratings, budget lines and recommendations on a system's page."""
    overseen = permissions.may_see_oversight(request.user, system)
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
        and (not ratings or ratings[0].rated_on < selectors.stale_before()),
        "acts_for_da": permissions.acts_for_digital_agency(request.user),
        "budget_lines": lines,
        "recommendations": selectors.recommendations_of(user=request.user, system=system),
        "today": timezone.localdate(),
    }


@login_required
def system_create(request):
    if not permissions.may_add_system(request.user):
        raise PermissionDenied
    form = bound_form(
        SystemForm,
        request,
        owners=owner_choices(request.user),
        initial={"owner": request.user.organization_id},
    )

    def add(data: dict) -> InformationSystem:
        data = dict(data)
        related = selectors.systems_named(
            user=request.user, codes=data.pop("related"), field="related"
        )
        return services.system_add(
            actor=request.user, code=data.pop("code"), related=related, **data
        )

    return form_page(
        request,
        form,
        action=add,
        success=_("The system is added."),
        redirect_to=_detail_url,
        title=_("Add an information system"),
        cancel_url=reverse("registry:list"),
        check=_check(request),
    )


@login_required
def system_edit(request, code: str):
    system = get_or_404(selectors.system_get(user=request.user, code=code))
    if not permissions.may_change_system(request.user, system):
        raise PermissionDenied
    form = bound_form(
        SystemForm,
        request,
        instance=system,
        owners=owner_choices(request.user),
        user=request.user,
    )
    return form_page(
        request,
        form,
        action=_change(request, system),
        success=_("The changes are saved."),
        redirect_to=_detail_url,
        title=sentence_with_names(_("Change %(name)s"), name=system),
        cancel_url=reverse("registry:detail", args=[system.code]),
        check=_check(request, system),
        instance=system,
    )


def _check(request, system: InformationSystem | None = None) -> Callable[[dict], None]:
    """The add and edit forms' validation without writing: the related ids and every rule of
    the service, on whatever fields the form could read."""

    def check(data: dict) -> None:
        data = dict(data)
        rules = Rules()
        codes = data.pop("related", [])
        rules.check(selectors.systems_named, user=request.user, codes=codes, field="related")
        reason = data.pop("reclassification_reason", "")
        if system is None:
            rules.check(services.system_check, code=data.pop("code", None), **data)
            rules.raise_all()
            return
        if data.get("builder") is None and data.get("category") and data.get("owner"):
            data["builder"] = services.default_builder(
                category=data["category"], owner=data["owner"]
            )
        rules.check(services.system_check, system=system, reason=reason, **data)
        rules.raise_all()

    return check


def _change(request, system: InformationSystem) -> Callable[[dict], InformationSystem]:
    """The edit form's service call; a move the user may not make is an error on the owner."""

    def change(data: dict) -> InformationSystem:
        data = dict(data)
        reason = data.pop("reclassification_reason", "")
        related = selectors.systems_named(
            user=request.user, codes=data.pop("related"), field="related"
        )
        if data.get("builder") is None:
            data["builder"] = services.default_builder(
                category=data["category"], owner=data["owner"]
            )
        try:
            return services.system_change(
                actor=request.user, system=system, reason=reason, related=related, **data
            )
        except PermissionDenied as exc:
            raise ValidationError({"owner": str(exc)}) from exc

    return change


def _detail_url(system: InformationSystem) -> str:
    return reverse("registry:detail", args=[system.code])


@login_required
def system_import(request):
    """Check a CSV file (nothing is written), then import it (all rows or none)."""
    if not permissions.may_add_system(request.user):
        raise PermissionDenied
    form = bound_form(ImportForm, request, files=True)
    dry_run = request.POST.get("action") != "import"
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        # A large file is checked (and written) by a worker: the user follows its progress.
        if settings.SHIREITO_BACKGROUND_IMPORT_BYTES < upload.size <= MAX_BYTES:
            job = job_start(
                user=request.user,
                kind=SYSTEMS_IMPORT,
                params={"dry_run": dry_run},
                payload=upload.read(),
            )
            return redirect("core:job", job.pk)

    _done, result = submit(
        form,
        lambda data: import_upload(data["file"], actor=request.user, dry_run=dry_run),
    )
    if result is not None and result.written:
        imported = _("Imported: %(created)d added, %(updated)d changed.") % {
            "created": result.created,
            "updated": result.updated,
        }
        messages.success(request, f"{imported} {result.encoding_notice}")
        return redirect("registry:list")
    return render(
        request, "registry/system_import.html", {"form": form, "result": result, "columns": COLUMNS}
    )
