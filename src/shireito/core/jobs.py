"""Long imports and exports run by a worker, with their progress shown on a page.

An app registers a kind of job (``register_job_kind``): its label, the function that does
the work and the template that shows its result. A view starts one with ``job_start`` (the
uploaded file kept in the job's row until it ends) and sends the user to the job's page
(``core:job``), which shows the progress while a worker runs it (``core.tasks.run_job``).
The work itself keeps its own all-or-nothing transaction: the job's progress is written
outside it, so the page can show it while the work is not committed. Only the user who
started a job sees it (``job_for``).

A job that makes a file (a large export) writes it to a temporary file on the worker's disk
as it goes, then keeps it in the file store (``save_job_file``: Django's storage API, under
``jobs/<job id>/``) and names it in its result; the job's page offers it to the job's user
only (``core:job_file``), and the housekeeping removes it with the job.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from django.core.files import File
from django.core.files.storage import storages
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language

from shireito.core.choices import JobStatus
from shireito.core.models import BackgroundJob

# Reports progress: how many units are done and, when known, of how many.
Progress = Callable[[int, int | None], None]


@dataclass(frozen=True)
class JobKind:
    """What a kind of job is called, does, and how its result reads."""

    key: str
    label: Any  # a lazy translation
    run: Callable[[BackgroundJob, Progress], dict]
    result_template: str
    # Where the user goes on from the job's page (a URL name without arguments).
    return_url_name: str = ""
    return_label: Any = ""


JOB_KINDS: dict[str, JobKind] = {}


def register_job_kind(kind: JobKind) -> None:
    JOB_KINDS[kind.key] = kind


def job_start(
    *, user, kind: str, params: dict | None = None, payload: bytes = b""
) -> BackgroundJob:
    """Record a job for ``user`` and put it on the queue; its work runs in the language of
    the request that started it."""
    from shireito.core.tasks import run_job  # the task module imports this one

    if kind not in JOB_KINDS:
        raise ValueError(f"No job kind {kind!r}.")
    job = BackgroundJob.objects.create(
        user=user,
        kind=kind,
        params={**(params or {}), "language": get_language()},
        payload=payload,
    )
    run_job.enqueue(str(job.pk))
    job.refresh_from_db()
    return job


def job_progress(job_id: Any, done: int, total: int | None = None) -> None:
    """Write a job's progress at once (not inside the work's transaction)."""
    values: dict[str, Any] = {"done": done, "updated_at": timezone.now()}
    if total is not None:
        values["total"] = total
    BackgroundJob.objects.filter(pk=job_id).update(**values)


def job_for(user, job_id: Any) -> BackgroundJob:
    """The job ``user`` started, or 404: nobody else's jobs exist for them."""
    job = BackgroundJob.objects.filter(pk=job_id, user=user).defer("payload").first()
    if job is None or not user.is_authenticated:
        raise Http404
    return job


def job_kind(job: BackgroundJob) -> JobKind | None:
    return JOB_KINDS.get(job.kind)


JOB_FILES_AREA = "jobs"


def save_job_file(job: BackgroundJob, source: IO[bytes], *, filename: str, content_type: str):
    """Keep a job's finished file in the file store; what its result says of it (the
    download's name and type)."""
    name = storages["default"].save(f"{JOB_FILES_AREA}/{job.pk}/{filename}", File(source))
    return {"file": name, "filename": filename, "content_type": content_type}


def job_file(job: BackgroundJob) -> dict | None:
    """What a finished job's result says of its file, or None when it has none."""
    result = job.result if isinstance(job.result, dict) else {}
    name = result.get("file")
    if job.status != JobStatus.DONE or not isinstance(name, str):
        return None
    return result


def delete_job_files(jobs) -> None:
    """Remove the files of ``jobs`` (a queryset about to be deleted) from the file store."""
    storage = storages["default"]
    for result in jobs.values_list("result", flat=True):
        name = result.get("file") if isinstance(result, dict) else None
        if isinstance(name, str) and name.startswith(f"{JOB_FILES_AREA}/"):
            storage.delete(name)
