"""What operators' machines ask: the health check for load balancers and the metrics for
Prometheus."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.tasks import task

pytestmark = pytest.mark.django_db


# --- Health ---------------------------------------------------------------------------------


def test_health_answers_without_sign_in_with_each_check(client):
    # when a load balancer asks, signed in as nobody
    response = client.get("/healthz")

    # then every part answers and the body says which, and nothing more
    assert response.status_code == 200
    body = response.json()
    queue = "ok" if apps.is_installed("django_tasks_db") else "skipped"
    assert body == {"status": "ok", "checks": {"database": "ok", "files": "ok", "queue": queue}}
    assert client.get("/health").json()["status"] == "ok"


def test_health_leaves_no_probe_file_behind(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.get("/healthz")
    assert not any(path.is_file() for path in tmp_path.rglob("*"))


def test_a_failing_file_store_answers_503_naming_it_without_details(client, monkeypatch):
    # given a file store that cannot be written
    from django.core.files.storage import default_storage

    def refuse(*args, **kwargs):
        raise PermissionError("/secret/path/files is read-only")

    monkeypatch.setattr(default_storage, "save", refuse)

    # when the health is asked
    response = client.get("/healthz")

    # then the answer is 503, names the file store, and tells nothing of the cause
    assert response.status_code == 503
    assert response.json()["status"] == "fail"
    assert response.json()["checks"]["files"] == "fail"
    assert response.json()["checks"]["database"] == "ok"
    assert b"secret" not in response.content


def test_a_failing_database_answers_503(client, monkeypatch):
    from shireito.core import operations

    def broken():
        raise operations.connection.OperationalError("connection refused")

    monkeypatch.setattr(operations, "_check_database", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "fail"


# --- Metrics --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("configured", "headers"),
    [
        ({}, {}),
        ({"SHIREITO_METRICS_TOKEN": "t" * 32}, {}),
        ({"SHIREITO_METRICS_TOKEN": "t" * 32}, {"HTTP_AUTHORIZATION": "Bearer wrong"}),
        ({"SHIREITO_METRICS_ALLOWED_IPS": ["10.9.9.9"]}, {}),
        # through a proxy, the allowed address is the proxy's, not the client's
        ({"SHIREITO_METRICS_ALLOWED_IPS": ["127.0.0.1"]}, {"HTTP_X_FORWARDED_FOR": "1.2.3.4"}),
    ],
    ids=["nothing-configured", "no-token", "wrong-token", "other-address", "proxied"],
)
def test_metrics_are_refused_to_everyone_else(client, settings, configured, headers):
    for name, value in configured.items():
        setattr(settings, name, value)
    response = client.get("/metrics", **headers)
    assert response.status_code == 404
    assert b"django_http" not in response.content


def test_metrics_answer_the_token_with_latency_per_view(client, settings):
    # given a monitoring system with the token, and a page that was served
    settings.SHIREITO_METRICS_TOKEN = "m" * 32
    client.get("/accounts/login/")

    # when it scrapes
    response = client.get("/metrics", HTTP_AUTHORIZATION="Bearer " + "m" * 32)

    # then it reads the latency histogram by view and our own counters
    assert response.status_code == 200
    text = response.content.decode()
    assert 'django_http_requests_latency_seconds_by_view_method_bucket{le="0.01"' in text
    assert 'view="accounts:login"' in text
    assert "shireito_task_failures_total" in text or "shireito_task_failures" in text


def test_metrics_answer_an_allowed_direct_address(client, settings):
    settings.SHIREITO_METRICS_ALLOWED_IPS = ["127.0.0.1"]
    response = client.get("/metrics")
    assert response.status_code == 200


def test_a_task_failure_is_counted(client, settings):
    from shireito.core.operations import TASK_FAILURES, record_task_failure

    before = TASK_FAILURES.labels(task="tests.example")._value.get()
    record_task_failure("tests.example")
    assert TASK_FAILURES.labels(task="tests.example")._value.get() == before + 1
    settings.SHIREITO_METRICS_ALLOWED_IPS = ["127.0.0.1"]
    text = client.get("/metrics").content.decode()
    assert 'shireito_task_failures_total{task="tests.example"}' in text


@task()
def failing_task() -> None:
    raise RuntimeError("the example task fails")


def test_a_task_that_fails_in_the_queue_is_counted_by_name():
    # given the failures counted so far for a task
    from shireito.core.operations import TASK_FAILURES

    name = failing_task.name
    before = TASK_FAILURES.labels(task=name)._value.get()

    # when the task runs on the queue and fails
    result = failing_task.enqueue()

    # then it failed and the metrics count it under its name
    assert result.status == "FAILED"
    assert TASK_FAILURES.labels(task=name)._value.get() == before + 1


def test_the_worker_anchors_the_audit_trail_periodically(db, tmp_path, settings):
    # given the periodic jobs the worker schedules, and a trail with rows
    from shireito.core.audit_anchor import read_checkpoints
    from shireito.core.periodic import PERIODIC_JOBS
    from shireito.core.tasks import audit_checkpoint
    from tests.factories import make_organization

    make_organization(code="anchored", name="アンカー省")
    settings.SHIREITO_AUDIT_ANCHOR_FILE = str(tmp_path / "anchor.log")

    # when the checkpoint job runs
    assert PERIODIC_JOBS["core.audit_checkpoint"].task is audit_checkpoint
    audit_checkpoint.enqueue()

    # then the checkpoint log holds the chain head
    checkpoints = read_checkpoints(tmp_path / "anchor.log")
    assert len(checkpoints) == 1
    assert checkpoints[0].count >= 1
