"""Serve Shireitō with gunicorn (never Django's development server).

A start collects static files only when their sources changed (``core.static_files``), loads
the URL configuration once in gunicorn's master process, so that the workers it forks answer
their first request at once, and prints the address only when gunicorn listens on it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, Protocol

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.urls import get_resolver

from shireito.core.static_files import collect_static_if_changed


class Writer(Protocol):
    """A text stream, or the command's output wrapper around one."""

    def write(self, text: str, /) -> object: ...

    def flush(self) -> object: ...


def announce_when_ready(bind: str, out: Writer) -> Callable[[Any], None]:
    """gunicorn's ``when_ready`` hook: called once the master listens on ``bind``, before its
    workers are forked (a connection made then waits in the socket's queue, not refused)."""

    def when_ready(_server: Any) -> None:
        out.write(f"Shireitō: http://{bind}/ (Ctrl+C stops)\n")
        out.flush()

    return when_ready


def forget_worker_metrics(_server: Any, worker: Any) -> None:
    """gunicorn's ``child_exit`` hook: a worker that ended no longer counts in live gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def gunicorn_options(bind: str, workers: int, out: Writer) -> dict[str, Any]:
    # No access log of gunicorn's: the application logs one JSON line per request itself,
    # with its request id (core.middleware.RequestIdMiddleware).
    return {
        "bind": [bind],
        "workers": workers,
        "timeout": 120,
        "forwarded_allow_ips": "127.0.0.1",
        "when_ready": announce_when_ready(bind, out),
        "child_exit": forget_worker_metrics,
    }


class Command(BaseCommand):
    help = (
        "Serve the application with gunicorn; static files are served by WhiteNoise and "
        "collected first when their sources changed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--bind", default=settings.SHIREITO_BIND, help="address:port (default %(default)s)"
        )
        parser.add_argument("--workers", type=int, default=settings.SHIREITO_WORKERS)
        parser.add_argument(
            "--no-collectstatic", action="store_true", help="skip collecting static files first"
        )

    def handle(self, *args, bind: str, workers: int, no_collectstatic: bool, **options):
        if ":" not in bind:
            raise CommandError("--bind takes address:port, e.g. 127.0.0.1:8000")
        if not no_collectstatic:
            collect_static_if_changed(before=self._collecting)
        # Imported only when serving: other commands need neither gunicorn nor the WSGI app.
        from gunicorn.app.base import BaseApplication

        from shireito.wsgi import application

        # Every module the URLs import, loaded before gunicorn forks: each worker inherits them
        # instead of importing them on its first request. No connection is carried across.
        get_resolver().url_patterns  # noqa: B018 - loads the URL configuration
        connections.close_all()
        options_ = gunicorn_options(bind, workers, self.stdout)

        class Server(BaseApplication):
            def load_config(self):
                for name, value in options_.items():
                    self.cfg.set(name, value)

            def load(self):
                return application

        Server().run()

    def _collecting(self) -> None:
        self.stdout.write(
            "Collecting and compressing static files: once for each version of their sources, "
            "so this start takes longer…"
        )
        self.stdout.flush()
