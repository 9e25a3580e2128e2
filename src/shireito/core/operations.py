"""What operators and their machines ask of a running instance: ``/healthz`` for load
balancers and ``/metrics`` for Prometheus.

The health check answers without sign-in and names only which part failed, never why (no
error text, path or address). Metrics are for the monitoring system only: answered to a bearer
token (``SHIREITO_METRICS_TOKEN``) or to a client address in ``SHIREITO_METRICS_ALLOWED_IPS``
that did not come through a proxy; otherwise 404, as if there were nothing there.
"""

from __future__ import annotations

import hmac
import logging
import os
import uuid
from collections.abc import Callable, Iterator

from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET
from prometheus_client import CollectorRegistry, Counter, generate_latest, multiprocess
from prometheus_client.core import REGISTRY, GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector

logger = logging.getLogger(__name__)

# The queue's package, and the label its app registers under.
QUEUE_APP = "django_tasks_db"
QUEUE_LABEL = "django_tasks_database"

# Hooks for the background worker: count a task that failed (by task name).
TASK_FAILURES = Counter(
    "shireito_task_failures_total", "Background tasks that ended in failure", ["task"]
)


def record_task_failure(task_name: str) -> None:
    TASK_FAILURES.labels(task=task_name).inc()


def count_failed_task(sender, task_result, **kwargs) -> None:
    """``task_finished`` receiver (connected in ``core.apps``): every failed task is counted,
    whichever backend or worker ran it."""
    if task_result.status == "FAILED":
        record_task_failure(task_result.task.name)


# --- Health -------------------------------------------------------------------------------


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_files() -> None:
    """Write, read back and delete a small probe file in the file store (local or S3)."""
    content = uuid.uuid4().hex.encode()
    name = default_storage.save(f"health/probe-{uuid.uuid4().hex}.txt", ContentFile(content))
    try:
        with default_storage.open(name, "rb") as handle:
            if handle.read() != content:
                raise OSError("the probe file read back differs")
    finally:
        default_storage.delete(name)


def _check_queue() -> None:
    model = apps.get_model(QUEUE_LABEL, "DBTaskResult")
    model.objects.exists()


def _checks() -> dict[str, Callable[[], None] | None]:
    return {
        "database": _check_database,
        "files": _check_files,
        "queue": _check_queue if apps.is_installed(QUEUE_APP) else None,
    }


@require_GET
def health(request):
    """200 when the database, the file store and the queue answer; 503 naming what does not."""
    results: dict[str, str] = {}
    for name, check in _checks().items():
        if check is None:
            results[name] = "skipped"
            continue
        try:
            check()
        except Exception:  # any failure is "down"; the log has the details
            logger.exception("Health check of %s failed", name)
            results[name] = "fail"
        else:
            results[name] = "ok"
    healthy = "fail" not in results.values()
    return JsonResponse(
        {"status": "ok" if healthy else "fail", "checks": results}, status=200 if healthy else 503
    )


# --- Metrics ------------------------------------------------------------------------------


class QueueCollector(Collector):
    """Queue depth and failed tasks, read from the queue's table when Prometheus scrapes, so the
    numbers are those of every worker on every machine, not of this process."""

    def describe(self) -> Iterator[GaugeMetricFamily]:
        """The metrics' names without reading the table: registering a collector asks for
        them, at import time, before any database may be there."""
        yield GaugeMetricFamily("shireito_task_queue_depth", "Background tasks waiting to run")
        yield GaugeMetricFamily(
            "shireito_tasks", "Background task results kept, by status", labels=["status"]
        )

    def collect(self) -> Iterator[GaugeMetricFamily]:
        if not apps.is_installed(QUEUE_APP):
            return
        from django.db.models import Count

        model = apps.get_model(QUEUE_LABEL, "DBTaskResult")
        by_status = dict(model.objects.values_list("status").annotate(count=Count("id")).order_by())
        depth = GaugeMetricFamily("shireito_task_queue_depth", "Background tasks waiting to run")
        depth.add_metric([], by_status.get("READY", 0))
        yield depth
        tasks = GaugeMetricFamily(
            "shireito_tasks", "Background task results kept, by status", labels=["status"]
        )
        for status, count in sorted(by_status.items()):
            tasks.add_metric([status.lower()], count)
        yield tasks


_queue_collector = QueueCollector()
REGISTRY.register(_queue_collector)


def _allowed(request) -> bool:
    token = settings.SHIREITO_METRICS_TOKEN
    offered = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(offered.encode(), f"Bearer {token}".encode()):
        return True
    # An address is trusted only for a direct connection: behind a proxy every client would
    # arrive from the proxy's address.
    if request.headers.get("X-Forwarded-For"):
        return False
    return request.META.get("REMOTE_ADDR", "") in settings.SHIREITO_METRICS_ALLOWED_IPS


def _registry():
    """All gunicorn workers' metrics when they share a directory (``shireito serve`` sets
    one), else this process's."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(_queue_collector)
        return registry
    return REGISTRY


@require_GET
def metrics(request):
    if not _allowed(request):
        raise Http404
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
