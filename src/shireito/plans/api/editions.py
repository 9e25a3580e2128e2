"""Editions over the API: list, read, start (empty or as a copy), change and throw away a
draft, publish it (every problem at once), and a whole edition out and in as a file."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from shireito.core.concurrency import expect_from_request, tag_response
from shireito.core.pages import file_response
from shireito.core.pagination import Pagination
from shireito.core.problems import Problem, ProblemsError
from shireito.core.uploads import FileRefused, limit_of, read_capped
from shireito.plans import selectors, services, transfer
from shireito.plans.api.common import router
from shireito.plans.api.lookups import edition_or_404
from shireito.plans.schemas import (
    EditionImportOut,
    EditionIn,
    EditionOut,
    EditionPatch,
    EditionPublishIn,
)


@router.get(
    "/editions",
    response=list[EditionOut],
    operation_id="plan_editions_list",
    summary="List the plan's editions I may read (every published one, and drafts I take part in)",
)
@paginate(Pagination)
def plan_editions_list(request, status: str = Query("", description="draft or published")):
    editions = selectors.editions_for(request.auth).select_related("author", "based_on")
    return editions.filter(status=status) if status else editions


@router.post(
    "/editions",
    response={201: EditionOut},
    operation_id="plan_editions_create",
    summary="Start a draft edition, empty or as a copy of an earlier one (the Digital Agency)",
)
def plan_editions_create(request, payload: EditionIn):
    data = payload.dict()
    copy_from = data.pop("copy_from")
    if copy_from is None:
        edition = services.edition_create(actor=request.auth, **data)
    else:
        source = selectors.edition_get(request.auth, copy_from)
        if source is None:
            raise ValidationError({"copy_from": _("No edition of %s to copy.") % copy_from})
        edition = services.edition_copy(actor=request.auth, source=source, **data)
    return Status(201, selectors.edition_get(request.auth, edition.year))


@router.get(
    "/editions/{edition}",
    response=EditionOut,
    operation_id="plan_editions_get",
    summary="One edition by its year",
)
def plan_editions_get(request, edition: int, response: HttpResponse):
    found = edition_or_404(request, edition)
    tag_response(response, found)
    return found


@router.patch(
    "/editions/{edition}",
    response=EditionOut,
    operation_id="plan_editions_update",
    summary="Change a draft edition's title, decision date or report deadline",
)
def plan_editions_update(request, edition: int, payload: EditionPatch, response: HttpResponse):
    found = edition_or_404(request, edition)
    fields = payload.dict(exclude_unset=True)
    expect_from_request(request, found, fields.pop("version", None))
    for name in ("title", "report_due_days"):
        if name in fields and fields[name] is None:
            raise ValidationError({name: _("This field cannot be empty.")})
    if fields.get("title_en", "") is None:
        fields["title_en"] = ""
    services.content_update(actor=request.auth, instance=found, **fields)
    found = edition_or_404(request, edition)
    tag_response(response, found)
    return found


@router.delete(
    "/editions/{edition}",
    response={204: None},
    operation_id="plan_editions_delete",
    summary="Throw away a draft edition and its content",
)
def plan_editions_delete(request, edition: int):
    services.edition_delete(actor=request.auth, edition=edition_or_404(request, edition))
    return Status(204, None)


@router.post(
    "/editions/{edition}/publish",
    response=EditionOut,
    operation_id="plan_editions_publish",
    summary=(
        "Publish a draft as decided by the Cabinet; refused (422) with every problem, each at "
        "its place (measures.<code>.deadline …), while a measure lacks its target or deadline"
    ),
)
def plan_editions_publish(request, edition: int, payload: EditionPublishIn, response: HttpResponse):
    found = edition_or_404(request, edition)
    services.edition_publish(actor=request.auth, edition=found, decided_on=payload.decided_on)
    found = edition_or_404(request, edition)
    tag_response(response, found)
    return found


@router.get(
    "/editions/{edition}/export",
    response={200: None},
    operation_id="plan_editions_export",
    summary=(
        "The whole edition as an XLSX workbook (a sheet per table and a legend) or a ZIP of one "
        "CSV per table (format=csv-zip); either imports back"
    ),
)
def plan_editions_export(request, edition: int, format: str = "xlsx"):
    if format not in transfer.FORMATS:
        raise ValidationError({"format": _("Choose xlsx or csv-zip.")})
    found = edition_or_404(request, edition)
    write = transfer.export_xlsx if format == "xlsx" else transfer.export_zip
    return file_response(
        write(request.auth, found),
        filename=transfer.filename(found, format),
        content_type=transfer.FORMATS[format],
    )


@router.post(
    "/editions/{edition}/import",
    response=EditionImportOut,
    operation_id="plan_editions_import",
    summary=(
        "Import a whole edition (XLSX or ZIP of CSVs) into its draft, replacing the content, or "
        "as a new draft when the year has no edition; all or nothing, every problem by sheet, "
        "row and column; dry_run=true only checks (the Digital Agency)"
    ),
)
def plan_editions_import(
    request,
    edition: int,
    file: File[UploadedFile],
    dry_run: bool = True,
    title: Form[str] = "",
):
    if not 2000 <= edition <= 2100:
        raise Http404  # no edition can have that year
    if selectors.edition_get(request.auth, edition) is None and transfer.year_taken(edition):
        edition_or_404(request, edition)  # a draft the caller may not see is not there
    try:
        raw = read_capped(file, limit=limit_of("SHIREITO_IMPORT_MAX_BYTES"))
    except FileRefused as exc:
        raise ProblemsError([Problem("$", str(exc))], location="file") from exc
    summary = transfer.edition_import(
        actor=request.auth, year=edition, raw=raw, dry_run=dry_run, title=title.strip()
    )
    return {
        "year": summary.year,
        "new_edition": summary.new_edition,
        "written": summary.written,
        "counts": summary.counts,
    }
