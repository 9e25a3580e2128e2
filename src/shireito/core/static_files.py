"""Collect (and compress) static files once per version of their sources, not at every start.

``collectstatic`` with WhiteNoise's compressed manifest storage hashes, copies and compresses
every static file of every app (27 MB, most of it the API docs' Swagger and ReDoc bundles): half
a minute on a quiet machine. What it produces depends only on the source files it finds, the
storage that writes them and the libraries that do the writing, so ``serve`` collects when that
fingerprint differs from the one written beside the collected files the last time, and
otherwise starts at once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.apps import StaticFilesConfig
from django.core.management import call_command

STAMP_NAME = ".collected"
_LIBRARIES = ("shireito", "django", "whitenoise", "django-ninja", "django-htmx", "django-otp")


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "-"


def sources_fingerprint() -> str:
    """A hash of every file ``collectstatic`` would collect (its path, size and modification
    time), the storage backend and the versions of the libraries involved."""
    digest = hashlib.sha256()
    digest.update(settings.STORAGES["staticfiles"]["BACKEND"].encode())
    for name in _LIBRARIES:
        digest.update(f"\0{name}={_version(name)}".encode())
    config = apps.get_app_config("staticfiles")
    assert isinstance(config, StaticFilesConfig)
    ignore = config.ignore_patterns  # what collectstatic skips
    entries = []
    for finder in finders.get_finders():
        for path, storage in finder.list(ignore):
            stat = Path(storage.path(path)).stat()
            prefix = getattr(storage, "prefix", None) or ""
            entries.append(f"{prefix}/{path}\0{stat.st_size}\0{stat.st_mtime_ns}")
    for entry in sorted(entries):
        digest.update(b"\n" + entry.encode())
    return digest.hexdigest()


def _stamp() -> Path:
    return Path(settings.STATIC_ROOT) / STAMP_NAME


def collect_static_if_changed(before: Callable[[], None] | None = None) -> bool:
    """Run ``collectstatic`` unless the collected files are current (calling ``before``
    first); True when it ran. The stamp is written last, so an interrupted collection runs
    again at the next start."""
    fingerprint = sources_fingerprint()
    stamp = _stamp()
    if stamp.is_file() and stamp.read_text(encoding="utf-8").strip() == fingerprint:
        return False
    if before is not None:
        before()
    stamp.unlink(missing_ok=True)
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.write_text(fingerprint + "\n", encoding="utf-8")
    return True
