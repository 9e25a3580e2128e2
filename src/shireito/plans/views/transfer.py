"""A whole edition as a download (XLSX workbook or ZIP of CSVs) and its import page: check the
file (the whole import, rolled back), then import it; every problem shown in a table by its
place in the file. Only the Digital Agency's authors see the import page."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from shireito.core.forms import add_service_errors
from shireito.core.pages import file_response, get_or_404
from shireito.core.problems import Problem, ProblemsError
from shireito.core.uploads import FileRefused, limit_of, read_capped
from shireito.plans import selectors, transfer
from shireito.plans.forms_transfer import EditionImportForm, NewEditionImportForm
from shireito.plans.permissions import may_import_edition, may_import_new_edition
from shireito.plans.transfer.tables import TABLES

logger = logging.getLogger(__name__)


@login_required
def edition_export(request, edition: int, fmt: str):
    """The edition as the reader may see it, in the format the address names."""
    found = get_or_404(selectors.edition_get(request.user, edition))
    write = transfer.export_xlsx if fmt == "xlsx" else transfer.export_zip
    return file_response(
        write(request.user, found),
        filename=transfer.filename(found, fmt),
        content_type=transfer.FORMATS[fmt],
    )


def _edition_page(year: int) -> str:
    """The edition's page once the authoring pages are there, else this import page."""
    try:
        return reverse("plans:edition", args=[year])
    except NoReverseMatch:
        return reverse("plans:edition_import", args=[year])


@login_required
def edition_import(request, edition: int | None = None):
    """Import into a draft (``edition``) or as a new draft edition (no ``edition``)."""
    if edition is not None:
        found = get_or_404(selectors.edition_get(request.user, edition))
        if not may_import_edition(request.user, found):
            raise PermissionDenied
        form: EditionImportForm = EditionImportForm(request.POST or None, request.FILES or None)
    else:
        found = None
        if not may_import_new_edition(request.user):
            raise PermissionDenied
        form = NewEditionImportForm(request.POST or None, request.FILES or None)
    problems: list[Problem] = []
    checked = ""
    checking = request.POST.get("action") == "check"
    if request.method == "POST" and form.is_valid():
        year = edition if edition is not None else form.cleaned_data["year"]
        summary = _run(request, form, year, problems, checking=checking)
        if summary is not None and checking:
            checked = _("Importing it writes %(counts)s.") % {"counts": _counts(summary.counts)}
        elif summary is not None:
            messages.success(
                request,
                _("The file is imported: %(counts)s.") % {"counts": _counts(summary.counts)},
            )
            return redirect(_edition_page(year))
    return render(
        request,
        "plans/edition_import.html",
        {
            "edition": found,
            "form": form,
            "problems": problems[:1000],
            "more_problems": max(0, len(problems) - 1000),
            "checked": checked,
            "tables": TABLES,
            "downloads": found is not None,
        },
    )


def _counts(counts: dict[str, int]) -> str:
    titles = {table.key: str(table.title) for table in TABLES}
    return pgettext("list separator", ", ").join(
        f"{titles.get(key, key)} {count}" for key, count in counts.items()
    )


def _run(request, form, year: int, problems: list[Problem], *, checking: bool):
    try:
        raw = read_capped(form.cleaned_data["file"], limit=limit_of("SHIREITO_IMPORT_MAX_BYTES"))
    except FileRefused as exc:
        form.add_error("file", str(exc))
        return None
    try:
        return transfer.edition_import(
            actor=request.user,
            year=year,
            raw=raw,
            dry_run=checking,
            title=(form.cleaned_data.get("title") or "").strip(),
        )
    except ProblemsError as exc:
        problems.extend(exc.problems)
    except ValidationError as exc:
        add_service_errors(form, exc)
    except PermissionDenied as exc:
        form.add_error(None, str(exc) or _("You may not import this edition."))
    except Exception:
        # A file the reader did not foresee is the user's problem to see, not a 500.
        logger.exception("Import of the %s edition failed", year)
        form.add_error("file", _("The file could not be read; nothing was written."))
    return None
