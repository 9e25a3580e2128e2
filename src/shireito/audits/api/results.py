"""An audit's control results over the API: read, recorded in bulk, imported, summed up."""

from django.http import HttpResponse
from ninja import File, Form, Query
from ninja.files import UploadedFile

from shireito.audits import importers, selectors, services
from shireito.audits.api.common import (
    RESULT_COLUMNS,
    RESULT_FIELDS,
    audit_or_404,
    router,
)
from shireito.audits.choices import ResultStatus
from shireito.audits.schemas import (
    AuditSummaryOut,
    ChangedOut,
    ResultFilters,
    ResultOut,
    ResultPatch,
    ResultsImportIn,
    ResultsImportOut,
    ResultsIn,
    ResultsPage,
)
from shireito.core.concurrency import expect_from_request, tag_response
from shireito.core.pages import get_or_404, id_or_404
from shireito.core.pagination import window
from shireito.core.problems import Problem
from shireito.core.textfiles import read_as

# --- results -------------------------------------------------------------------------------


@router.get(
    "/{number}/results",
    response=ResultsPage,
    operation_id="audit_results_list",
    summary="An audit's control results in catalog order (up to 5,000 a page)",
)
def audit_results_list(request, number: str, filters: Query[ResultFilters]):
    audit = audit_or_404(request, number)
    results = selectors.results_of(
        user=request.auth,
        audit=audit,
        system=filters.system,
        status=filters.status or "",
        claimed=filters.claimed or "",
        search=filters.search.strip()[:200],
    )
    rows = window(
        results.values(*RESULT_FIELDS, **RESULT_COLUMNS), offset=filters.offset, limit=filters.limit
    )
    items = [
        {
            "id": row["id"],
            "system": row["system_code"],
            "control": row["control_label"],
            "control_id": row["control_oscal_id"],
            "title": row["control_title"],
            "status": row["status"],
            "note": row["note"],
            "claimed": row["claimed"],
            "claim_note": row["claim_note"],
            "previous_status": row["previous_status"],
            "updated_at": row["updated_at"],
            "version": row["version"],
        }
        for row in rows
    ]
    count = len(items)
    if filters.offset or count == filters.limit:
        count = results.count()
    return {"items": items, "count": count}


def _in_body(problem: Problem) -> Problem:
    """The service numbers entries from ``$``; over the API they sit under ``results``."""
    if problem.path.startswith("$["):
        return Problem("$.results" + problem.path[1:], problem.message)
    return problem


@router.patch(
    "/{number}/results",
    response=ChangedOut,
    operation_id="audit_results_record",
    summary=(
        "Record many results at once (by id, or by system and control): all or nothing, "
        "problems named by JSON path"
    ),
)
def audit_results_record(request, number: str, payload: ResultsIn):
    audit = audit_or_404(request, number)
    entries = [entry.dict(exclude_unset=True) for entry in payload.results]
    try:
        changed = services.results_record(actor=request.auth, audit=audit, entries=entries)
    except services.ProblemsError as exc:
        raise services.ProblemsError(
            [_in_body(p) for p in exc.problems], location=exc.location, status=exc.status
        ) from exc
    return {"changed": changed}


def _result_out(result) -> dict:
    """One result as the list answers it."""
    return {
        "id": result.pk,
        "system": result.system.code,
        "control": result.control.label,
        "control_id": result.control.oscal_id,
        "title": result.control.title,
        "status": result.status,
        "note": result.note,
        "claimed": result.claimed,
        "claim_note": result.claim_note,
        "previous_status": result.previous_status,
        "updated_at": result.updated_at,
        "version": result.version,
    }


@router.post(
    "/{number}/results/import",
    response=ResultsImportOut,
    operation_id="audit_results_import",
    summary=(
        "Import results from CSV or XLSX (system, control, status, note, claimed, claim_note) "
        "or OSCAL assessment results; all or nothing"
    ),
)
def audit_results_import(
    request, number: str, file: File[UploadedFile], data: Form[ResultsImportIn]
):
    audit = audit_or_404(request, number)
    raw = importers.read_results_upload(file)
    changed = importers.results_import(actor=request.auth, audit=audit, raw=raw, fmt=data.format)
    return {"changed": changed, **read_as(raw if data.format == "csv" else None)}


@router.patch(
    "/{number}/results/{result}",
    response=ResultOut,
    operation_id="audit_result_record",
    summary=(
        "Record one result (by its id in the list): the bulk save's checks, problems named by "
        "JSON path, the version (body or If-Match) guarding against lost updates"
    ),
)
def audit_result_record(
    request, number: str, result: int, payload: ResultPatch, response: HttpResponse
):
    found = get_or_404(
        selectors.result_get(user=request.auth, number=number, result_id=id_or_404(result))
    )
    values = payload.dict(exclude_unset=True)
    expect_from_request(request, found, values.pop("version", None))
    stored = services.result_record(
        actor=request.auth, audit=found.audit, result=found, values=values
    )
    tag_response(response, stored)
    return _result_out(stored)


def _summary(summary) -> dict:
    return {
        "by_system": [
            {
                "system": code,
                "counts": {status: counts[status] for status in ResultStatus.values},
                "total": sum(counts.values()),
            }
            for code, counts in sorted(summary.by_system.items())
        ],
        "totals": {status: summary.total[status] for status in ResultStatus.values},
        "count": summary.count,
        "assessed": summary.assessed,
    }


@router.get(
    "/{number}/summary",
    response=AuditSummaryOut,
    operation_id="audit_results_summary",
    summary="Results counted per system and status: the auditors' and the self-assessment",
)
def audit_results_summary(request, number: str):
    audit = audit_or_404(request, number)
    return {
        "results": _summary(selectors.result_summary(audit, column="status")),
        "claims": _summary(selectors.result_summary(audit, column="claimed")),
    }
