"""`shireito worker`: run the background tasks and schedule the periodic jobs.

A worker takes the tasks queued in the database (django-tasks-db), one at a time, and, in a
thread beside, looks every ``SHIREITO_SCHEDULER_INTERVAL`` seconds for periodic jobs whose
slot has come (``core.periodic``): each is claimed by one worker only, so any number of
workers may run on any number of machines, and no cron is needed.
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections, connection
from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from shireito.core.periodic import schedule_due

logger = logging.getLogger("shireito.worker")


def schedule_once() -> list[str]:
    """Enqueue the periodic jobs that are due; a database error is logged, not fatal."""
    try:
        return schedule_due()
    except DatabaseError:
        logger.exception("scheduling the periodic jobs failed; trying again later")
        return []
    finally:
        close_old_connections()


def schedule_forever(stop: threading.Event, interval: float) -> None:
    while not stop.is_set():
        schedule_once()
        stop.wait(interval)
    connection.close()


class Command(BaseCommand):
    help = (
        "Run background tasks from the database queue and schedule the periodic jobs "
        "(overdue notices, summary refresh, housekeeping). Run one or more, on any machine."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--queue", default=DEFAULT_TASK_QUEUE_NAME, help="queues to run, comma-separated"
        )
        parser.add_argument(
            "--interval", type=float, default=1.0, help="seconds between looks at an empty queue"
        )
        parser.add_argument(
            "--batch", action="store_true", help="schedule once, run what is queued, then stop"
        )
        parser.add_argument(
            "--no-schedule", action="store_true", help="only run tasks; schedule nothing"
        )
        parser.add_argument("--worker-id", default="", help="unique among the workers")

    def handle(self, *args, queue, interval, batch, no_schedule, worker_id, **options):
        worker_id = worker_id or f"shireito-{get_random_string(12)}"
        worker = Worker(
            queue_names=queue.split(","),
            interval=interval,
            batch=batch,
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=not batch,
            max_tasks=None,
            worker_id=worker_id[:64],
            excluded_queue_names=[],
        )
        stop = threading.Event()
        if batch:
            if not no_schedule:
                schedule_once()
            worker.run()
            return
        if not no_schedule:
            threading.Thread(
                target=schedule_forever,
                args=(stop, settings.SHIREITO_SCHEDULER_INTERVAL),
                name="shireito-scheduler",
                daemon=True,
            ).start()
        self.stdout.write(f"Shireitō worker {worker_id}: running tasks (Ctrl+C stops)")
        worker.configure_signals()
        try:
            worker.run()
        finally:
            stop.set()
