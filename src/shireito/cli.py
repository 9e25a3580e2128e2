"""The ``shireito`` command: Django's management commands plus our own (serve, demo, token,
audit, auditlog), so operators learn one command."""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile


def _share_metrics_between_workers() -> None:
    """gunicorn's workers are separate processes: Prometheus reads all of their metrics only
    when they write them to one directory, named before the metrics library is first imported
    (the system checks import it). A fresh one for each start, removed at exit."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return
    directory = tempfile.mkdtemp(prefix="shireito-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = directory
    atexit.register(shutil.rmtree, directory, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shireito.settings")
    args = sys.argv[1:] if argv is None else argv
    if "serve" in args[:2]:  # `serve` and `demo serve`
        _share_metrics_between_workers()
    # Imported once the settings module is named, as Django's own manage.py does.
    from django.core.management import execute_from_command_line

    execute_from_command_line(["shireito", *args])


if __name__ == "__main__":
    main()
