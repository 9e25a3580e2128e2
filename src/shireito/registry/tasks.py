"""The portfolio's background work: the summary tables' periodic check, and systems imports
too large to check and write within a request (a job with its progress on a page)."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.tasks import task
from django.utils.translation import gettext_lazy as _

from shireito.core.jobs import JobKind, Progress
from shireito.core.models import BackgroundJob
from shireito.registry.tallies import rebuild_tallies, tallies_disagree
from shireito.registry.transfer import MAX_WEB_ROWS, import_bytes

logger = logging.getLogger(__name__)

SYSTEMS_IMPORT = "registry.systems_import"
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
