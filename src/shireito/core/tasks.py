"""Core's tasks: running a user's job, and the housekeeping of jobs and periodic runs.

``CORE_PERIODIC_JOBS`` is the hook for core's own periodic jobs (registered by
``core.apps``): add a (name, task, period) entry, e.g. the audit trail's checkpoint.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial

from django.conf import settings
from django.tasks import task
from django.utils import timezone, translation

from shireito.core.choices import JobStatus
from shireito.core.jobs import JOB_KINDS, delete_job_files, job_progress
from shireito.core.models import BackgroundJob, PeriodicRun

logger = logging.getLogger(__name__)


@task()
def run_job(job_id: str) -> str:
    """Run a queued job once: its status says running, then done with its result, or
    stopped. A job already taken (a task run twice) is left alone."""
    now = timezone.now()
    taken = BackgroundJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, updated_at=now
    )
    if not taken:
        return "skipped"
    job = BackgroundJob.objects.get(pk=job_id)
    kind = JOB_KINDS.get(job.kind)
    status, result = JobStatus.FAILED, {"error": True}
    try:
        if kind is None:
            raise LookupError(f"No job kind {job.kind!r}.")
        with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
            result = kind.run(job, partial(job_progress, job.pk))
        status = JobStatus.DONE
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
    BackgroundJob.objects.filter(pk=job.pk).update(
        status=status,
        result=result,
        payload=b"",
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )
    return str(status)


@task()
def jobs_housekeeping() -> int:
    """Mark jobs whose worker died mid-way as stopped (their work was rolled back with it) and
    forget old finished jobs and periodic runs. The number of rows changed."""
    now = timezone.now()
    stale = now - dt.timedelta(minutes=settings.SHIREITO_JOB_STALE_MINUTES)
    changed = BackgroundJob.objects.filter(
        status__in=[JobStatus.QUEUED, JobStatus.RUNNING], updated_at__lt=stale
    ).update(
        status=JobStatus.FAILED,
        result={"error": True, "interrupted": True},
        payload=b"",
        finished_at=now,
        updated_at=now,
    )
    kept = now - dt.timedelta(days=settings.SHIREITO_JOB_KEEP_DAYS)
    old = BackgroundJob.objects.filter(finished_at__lt=kept)
    delete_job_files(old)  # an export's file goes with its job
    changed += old.delete()[0]
    changed += PeriodicRun.objects.filter(slot__lt=kept).delete()[0]
    return changed


@task()
def audit_checkpoint() -> int:
    """Anchor the audit trail's chain head outside the database (``core.audit_anchor``), so that
    a trail rewritten or cut short by someone with database access fails ``auditlog verify``.
    The id of the last row anchored."""
    from shireito.core.audit_anchor import write_checkpoint

    return write_checkpoint().last_id or 0


# Core's periodic jobs: (name, task, period).
CORE_PERIODIC_JOBS: list[tuple[str, object, dt.timedelta]] = [
    ("core.jobs_housekeeping", jobs_housekeeping, dt.timedelta(hours=1)),
    (
        "core.audit_checkpoint",
        audit_checkpoint,
        dt.timedelta(minutes=settings.SHIREITO_AUDIT_CHECKPOINT_MINUTES),
    ),
]
