"""A task for the multi-machine test: each run leaves one row, so a task run twice shows."""

import os

from django.db import connection
from django.tasks import task

RUNS_TABLE = "test_multi_machine_runs"


@task()
def record_run(number: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {RUNS_TABLE} (number, pid) VALUES (%s, %s)",
            [number, os.getpid()],
        )
