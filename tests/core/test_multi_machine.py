"""Two app processes and two workers against one PostgreSQL, as on two machines: concurrent
writes through both apps and tasks queued meanwhile; nothing is lost or done twice.

Sizes: SHIREITO_MULTI_WRITES writes per app (default 20), SHIREITO_MULTI_TASKS tasks
(default 40).
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from shireito.accounts.services import api_token_create
from shireito.core.models import AuditEvent, PeriodicRun
from shireito.registry.models import InformationSystem
from tests.core.multi_machine_tasks import RUNS_TABLE, record_run
from tests.factories import make_organization, make_user
from tests.kit.figures import report

pytestmark = [
    pytest.mark.long,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="several machines share PostgreSQL; SQLite is one machine's database",
    ),
]

ROOT = Path(__file__).resolve().parents[2]
WRITES = int(os.environ.get("SHIREITO_MULTI_WRITES", "20"))
TASKS = int(os.environ.get("SHIREITO_MULTI_TASKS", "40"))
DEADLINE_SECONDS = 90
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgresql://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def environment(data_dir: Path) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "shireito.settings",
        "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}",
        "SHIREITO_DATABASE_URL": database_url(),
        "SHIREITO_DATA_DIR": str(data_dir),
        "SHIREITO_SECRET_KEY": "multi-machine-test-" + "x" * 40,
        "SHIREITO_STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "SHIREITO_SCHEDULER_INTERVAL": "1",
        "SHIREITO_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
    }


def wait_until_up(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, "the app process stopped"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"the app on port {port} did not answer within {DEADLINE_SECONDS} s")


def create_system(port: int, token: str, code: str) -> int:
    body = json.dumps(
        {"code": code, "name": code, "owner": "mm-ministry", "category": "ministry_system"}
    ).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/portfolio/systems",
        data=body,
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        return answer.status


@pytest.fixture
def runs_table(transactional_db):
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {RUNS_TABLE} (number integer NOT NULL, pid integer)")
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {RUNS_TABLE}")


def test_two_apps_and_two_workers_lose_nothing_and_do_nothing_twice(runs_table, tmp_path):
    # given a ministry's editor with an API token, and two apps and two workers on one database
    ministry = make_organization(code="mm-ministry", kind="ministry")
    editor = make_user(organization=ministry, roles=["editor"], username="mm-editor")
    _token, secret = api_token_create(actor=None, user=editor, name="multi-machine")
    env = environment(tmp_path)
    ports = [free_port(), free_port()]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "shireito.wsgi:application", "--bind",
             f"127.0.0.1:{port}", "--workers", "2", "--timeout", "120"],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        for port in ports
    ] + [
        subprocess.Popen(
            [sys.executable, "-m", "shireito.cli", "worker", "--interval", "0.2",
             "--worker-id", f"mm-worker-{n}"],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        for n in (1, 2)
    ]  # fmt: skip
    try:
        for port, process in zip(ports, processes, strict=False):
            wait_until_up(port, process)
        # when tasks are queued while both apps take writes at once
        with override_settings(TASKS=DB_TASKS):
            for number in range(TASKS):
                record_run.enqueue(number)
        codes = [(port, f"mm-{n}-{i}") for n, port in enumerate(ports) for i in range(WRITES)]
        with ThreadPoolExecutor(max_workers=6) as pool:
            statuses = list(pool.map(lambda pc: create_system(pc[0], secret, pc[1]), codes))
        deadline = time.monotonic() + DEADLINE_SECONDS
        while DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists():
            assert time.monotonic() < deadline, "the workers did not finish the queue"
            time.sleep(0.5)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
    # then every write was acknowledged and is present once, with its audit-trail row
    assert statuses == [201] * len(codes)
    stored = list(
        InformationSystem.objects.filter(code__startswith="mm-").values_list("code", flat=True)
    )
    assert sorted(stored) == sorted(code for _port, code in codes)
    ids = [
        str(pk)
        for pk in InformationSystem.objects.filter(code__in=stored).values_list("pk", flat=True)
    ]
    created = AuditEvent.objects.filter(
        object_type="registry.informationsystem", object_id__in=ids, action="create"
    )
    assert created.count() == len(codes)
    # and each task ran exactly once, by one of the workers
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT number, count(*) FROM {RUNS_TABLE} GROUP BY number")
        runs = dict(cursor.fetchall())
    assert runs == dict.fromkeys(range(TASKS), 1)
    claims = DBTaskResult.objects.filter(task_path__endswith=".record_run")
    assert all(len(ids) == 1 for ids in claims.values_list("worker_ids", flat=True))
    # and each periodic job was queued once per slot, however many workers looked
    for job in PeriodicRun.objects.values_list("job", flat=True).distinct():
        slots = PeriodicRun.objects.filter(job=job).count()
        task_name = job.rsplit(".", 1)[-1]  # each job is named after its task
        assert DBTaskResult.objects.filter(task_path__endswith=f".{task_name}").count() == slots
    assert PeriodicRun.objects.filter(job="incidents.overdue_notices").exists()
    report(
        "more than one machine",
        f"{len(codes)} writes through 2 apps, {TASKS} tasks and "
        f"{PeriodicRun.objects.count()} periodic runs by 2 workers: none lost, none twice",
    )
