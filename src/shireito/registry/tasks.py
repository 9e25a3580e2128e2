"""The portfolio's background work: the summary tables' periodic check, systems imports too
large to check and write within a request, and systems exports too large to write within one
(jobs with their progress on a page)."""

from __future__ import annotations

import logging
import tempfile

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import QueryDict
from django.tasks import task
from django.utils.translation import gettext_lazy as _

from shireito.core.jobs import JobKind, Progress, save_job_file
from shireito.core.models import BackgroundJob
from shireito.registry import selectors
from shireito.registry.forms import SystemFilter
from shireito.registry.tallies import rebuild_tallies, tallies_disagree
from shireito.registry.transfer import MAX_WEB_ROWS, export_csv, import_bytes

logger = logging.getLogger(__name__)

SYSTEMS_IMPORT = "registry.systems_import"
SYSTEMS_EXPORT = "registry.systems_export"
CSV = "text/csv; charset=utf-8"
SHOWN_PROBLEMS = 500


@task()
def summary_refresh() -> list[str]:
    """Rebuild the summary tables when they differ from a direct count (a bulk load or a
    repair left them behind); the tables that differed."""
    wrong = tallies_disagree()
    if wrong:
        logger.warning("summary tables differ from a direct count: %s; rebuilt", wrong)
        rebuild_tallies()
    return wrong


def run_systems_import(job: BackgroundJob, progress: Progress) -> dict:
    """Check (and unless it is a dry run, write) an uploaded systems file as the job's user:
    every row or none, as on the page. The result as the job's page shows it."""
    raw = bytes(job.payload)
    total = max(raw.count(b"\n") - 1, 1)  # the rows, as far as lines tell before parsing
    progress(0, total)
    try:
        result = import_bytes(
            raw,
            actor=job.user,
            dry_run=bool(job.params.get("dry_run")),
            max_rows=MAX_WEB_ROWS,
            progress=lambda rows: progress(min(rows, total), None),
        )
    except ValidationError as exc:
        problems = [{"row": None, "column": None, "message": m} for m in exc.messages]
        return {"ok": False, "rows": None, "problems": problems}
    progress(total, None)
    return {
        "ok": result.ok,
        "written": result.written,
        "rows": result.rows,
        "created": result.created,
        "updated": result.updated,
        "encoding_notice": str(result.encoding_notice),
        "problem_count": len(result.problems),
        "problems": [
            {"row": p.row, "column": p.column, "message": str(p.message)}
            for p in result.problems[:SHOWN_PROBLEMS]
        ],
    }


def systems_import_kind() -> JobKind:
    return JobKind(
        key=SYSTEMS_IMPORT,
        label=_("Import of information systems"),
        run=run_systems_import,
        result_template="registry/partials/_import_result.html",
        return_url_name="registry:import",
        return_label=_("Import another file"),
    )


def export_params(query: QueryDict, *, bom: bool) -> dict:
    """What a systems export job keeps of its request: the list's query (its filters) and
    whether the file is for Excel. Never the rows nor the scope: the worker asks again."""
    return {"query": query.urlencode(), "bom": bom}


def run_systems_export(job: BackgroundJob, progress: Progress) -> dict:
    """Write the systems list's CSV as the job's user sees it now (the scope is asked again
    here, from the user, never taken from the job), rows streamed to a temporary file and
    then kept in the file store."""
    user = job.user
    if not user.is_active:
        raise PermissionDenied("The job's user is no longer active.")
    filters = SystemFilter(QueryDict(job.params.get("query", "")))
    systems = selectors.system_list(user=user, **filters.values())
    total = systems.count()
    progress(0, total)
    with tempfile.TemporaryFile() as out:
        for chunk in export_csv(
            systems,
            user=user,
            bom=bool(job.params.get("bom")),
            rows_done=lambda rows: progress(min(rows, total), None),
        ):
            out.write(chunk.encode("utf-8"))
        out.seek(0)
        kept = save_job_file(job, out, filename="systems.csv", content_type=CSV)
    return {**kept, "rows": total}


def systems_export_kind() -> JobKind:
    return JobKind(
        key=SYSTEMS_EXPORT,
        label=_("Export of information systems"),
        run=run_systems_export,
        result_template="registry/partials/_export_result.html",
        return_url_name="registry:list",
        return_label=_("Back to the information systems"),
    )
