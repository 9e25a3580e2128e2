"""Periodic jobs, scheduled by the workers (`shireito worker`), never by cron.

Each job names a task and a period. Time is cut into slots of that period, counted from the
Unix epoch in UTC, so every machine agrees where a slot starts. A worker that finds a slot
without a run claims it by inserting the (job, slot) row of ``PeriodicRun``, whose unique
constraint lets exactly one insert succeed, and enqueues the task in the same transaction: a
claim without its task, or a task without its claim, is never committed. However many workers
run on however many machines, each job runs once per slot.

The apps register their jobs when they are ready (``register_periodic`` in their
``AppConfig.ready``); core registers its own in ``core.apps`` (the hook for core's jobs, such
as the audit trail's checkpoint, is ``CORE_PERIODIC_JOBS`` in ``core.tasks``).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from shireito.core.models import PeriodicRun

logger = logging.getLogger(__name__)

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class PeriodicJob:
    """A task run once in every slot of ``every``."""

    name: str
    task: Any  # a django.tasks Task taking no arguments
    every: dt.timedelta


PERIODIC_JOBS: dict[str, PeriodicJob] = {}


def register_periodic(name: str, task: Any, *, every: dt.timedelta) -> None:
    """Have the workers run ``task`` once every ``every`` (at least a minute)."""
    if every < dt.timedelta(minutes=1):
        raise ValueError("A periodic job runs at most once a minute.")
    PERIODIC_JOBS[name] = PeriodicJob(name=name, task=task, every=every)


def slot_start(now: dt.datetime, every: dt.timedelta) -> dt.datetime:
    """The start of the slot of ``every`` that ``now`` falls in."""
    elapsed = now.astimezone(dt.UTC) - EPOCH
    return EPOCH + every * (elapsed // every)


def schedule_due(now: dt.datetime | None = None) -> list[str]:
    """Claim and enqueue every job whose current slot has no run yet; the names enqueued
    here (another worker may have claimed the others)."""
    now = now or timezone.now()
    enqueued = []
    for job in list(PERIODIC_JOBS.values()):
        slot = slot_start(now, job.every)
        if PeriodicRun.objects.filter(job=job.name, slot=slot).exists():
            continue
        try:
            with transaction.atomic():
                run = PeriodicRun.objects.create(job=job.name, slot=slot)
                result = job.task.enqueue()
                run.task_result_id = str(result.id)[:64]
                run.save(update_fields=["task_result_id"])
        except IntegrityError:
            continue  # another worker claimed this slot first
        logger.info("periodic job %s enqueued for the slot at %s", job.name, slot.isoformat())
        enqueued.append(job.name)
    return enqueued
