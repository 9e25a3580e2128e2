"""Backups: one tar archive holding a consistent snapshot of the database and the file store.

The database is written in Django's serialisation (one JSON Lines member per model), not as
an engine's own dump: one format restores into SQLite or PostgreSQL whichever made it, needs
no ``pg_dump`` of a matching version on the machine, and keeps every row byte-identical (times
to the microsecond), so the audit trail's chain verifies after a restore. All models are read
in one read-only snapshot transaction (REPEATABLE READ on PostgreSQL; on SQLite a deferred
transaction, a snapshot under WAL that does not hold the write lock), so the server keeps
answering while a backup runs.

The file store is read while its areas' locks are held, taken before the snapshot begins:
a file whose row is deleted after the snapshot cannot be removed until it is copied.

The archive ends with ``manifest.json`` (format, product version, schema version as the
applied migrations per app, and each member's size and SHA-256) and ``manifest.sha256``, so a
truncated archive lacks its manifest and a flipped byte anywhere fails a checksum. Restoring
is in ``core.restore``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, models, router, transaction
from django.db.migrations.recorder import MigrationRecorder

from shireito.core.filestore import UPLOAD_PREFIX, store_lock


def product_version() -> str:
    try:
        return version("shireito")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree never installed
        return "unknown"


FORMAT = "shireito-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MANIFEST_SUM = "manifest.sha256"
DATABASE_DIR = "database/"
FILES_DIR = "files/"
CHUNK = 1024 * 1024
# Files of the store that are not content: its locks and uploads not yet committed.
LOCK_NAME = ".lock"
RESTORE_PREFIX = ".restore-"

# What a command shows while it works: (stage, label, done, total).
Progress = Callable[[str, str, int, int], None]


def _quiet(_stage: str, _label: str, _done: int, _total: int) -> None:
    return None


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, for the operator."""


class FullPrecisionEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds; a backup keeps every microsecond."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        if isinstance(o, dt.time):
            return o.isoformat()
        return super().default(o)


def backed_up_models() -> list[type[models.Model]]:
    """Every model with its own table, in an order where a row's references come first."""
    chosen = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
        and not model._meta.proxy
        and router.allow_migrate_model(DEFAULT_DB_ALIAS, model)
    ]
    app_list: dict[Any, list[type[models.Model]]] = {}
    for model in chosen:
        app_list.setdefault(model._meta.app_config, []).append(model)
    return serializers.sort_dependencies(list(app_list.items()), allow_cycles=True)


def _own_field_names(model: type[models.Model]) -> list[str]:
    """The columns of the model's own table; many-to-many links are their own members (their
    tables are models too), so rows keep their ids and no query runs per object."""
    return [f.name for f in model._meta.local_concrete_fields if not f.primary_key]


def model_label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def database_member(label: str) -> str:
    return f"{DATABASE_DIR}{label}.jsonl"


def applied_migrations(using: str = DEFAULT_DB_ALIAS) -> dict[str, list[str]]:
    """The schema version: the applied migrations, by app."""
    by_app: dict[str, list[str]] = {}
    for app_label, name in MigrationRecorder(connections[using]).applied_migrations():
        by_app.setdefault(app_label, []).append(name)
    return {app: sorted(names) for app, names in sorted(by_app.items())}


def is_store_content(path: Path) -> bool:
    """A stored file, not a lock, a pending upload or a restore's workspace."""
    name = path.name
    return not (
        name == LOCK_NAME or name.startswith(UPLOAD_PREFIX) or name.startswith(RESTORE_PREFIX)
    )


def store_files(media_root: Path) -> list[Path]:
    """The file store's content files, relative to its root, in a stable order."""
    if not media_root.is_dir():
        return []
    found = []
    for directory, subdirs, names in os.walk(media_root):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith(RESTORE_PREFIX))
        for name in names:
            path = Path(directory) / name
            if is_store_content(path) and path.is_file():
                found.append(path.relative_to(media_root))
    return sorted(found)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class BackupResult:
    """What a backup wrote: rows per model and the files of the store."""

    path: Path
    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0
    file_bytes: int = 0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


@contextmanager
def _snapshot(using: str) -> Iterator[None]:
    """One read-only transaction whose reads all see the same moment."""
    connection = connections[using]
    if connection.in_atomic_block:
        # Called inside a transaction (a test, a caller's own): that one is the snapshot.
        yield
        return
    if connection.vendor == "sqlite":
        # IMMEDIATE (the setting, for writers) would take the write lock for the whole backup.
        saved_mode = getattr(connection, "transaction_mode", None)
        connection.transaction_mode = None  # type: ignore[attr-defined]
        try:
            with transaction.atomic(using=using):
                yield
        finally:
            connection.transaction_mode = saved_mode  # type: ignore[attr-defined]
        return
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


@contextmanager
def _store_locked(media_root: Path) -> Iterator[None]:
    """Hold every area's lock: no file is placed or removed while the store is copied."""
    with ExitStack() as stack:
        if media_root.is_dir():
            for area in sorted(p for p in media_root.iterdir() if p.is_dir()):
                if is_store_content(area):
                    stack.enter_context(store_lock(area))
        yield


class _Utf8Writer:
    """The text stream the serializer writes to, encoding to a binary file."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle

    def write(self, text: str) -> int:
        self.handle.write(text.encode("utf-8"))
        return len(text)


def _dump_model(
    model: type[models.Model], workdir: Path, using: str, progress: Progress, total: int
) -> tuple[Path, int]:
    label = model_label(model)
    path = workdir / f"{label}.jsonl"
    queryset = model._base_manager.using(using).order_by("pk")
    count = 0

    def counted() -> Iterator[models.Model]:
        nonlocal count
        for obj in queryset.iterator(chunk_size=2000):
            count += 1
            if count % 5000 == 0:
                progress("database", label, count, total)
            yield obj

    with path.open("wb") as handle:
        serializers.serialize(
            "jsonl",
            counted(),
            stream=_Utf8Writer(handle),
            cls=FullPrecisionEncoder,
            fields=_own_field_names(model),
        )
    return path, count


def _add_member(archive: tarfile.TarFile, name: str, path: Path) -> dict[str, Any]:
    """Add ``path`` as ``name`` and describe it for the manifest."""
    info = archive.gettarinfo(str(path), arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o600
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        archive.addfile(info, _TeeReader(handle, digest))
    return {"name": name, "size": info.size, "sha256": digest.hexdigest()}


class _TeeReader:
    """Hash the bytes as tarfile copies them, so each file is read once."""

    def __init__(self, handle: IO[bytes], digest: Any) -> None:
        self.handle = handle
        self.digest = digest

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    info.mtime = int(dt.datetime.now(tz=dt.UTC).timestamp())
    archive.addfile(info, _BytesReader(data))


class _BytesReader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.offset = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size < 0 else self.offset + size
        chunk = self.data[self.offset : end]
        self.offset += len(chunk)
        return chunk


def write_backup(
    target: Path, *, using: str = DEFAULT_DB_ALIAS, progress: Progress = _quiet
) -> BackupResult:
    """Write a backup of the database and the file store to ``target`` (``.tar``, or
    ``.tar.gz``/``.tgz`` compressed). The archive is written beside the target and renamed
    into place once complete, so a failed backup never leaves a file that looks whole."""
    target = Path(target)
    media_root = Path(settings.MEDIA_ROOT)
    compressed = target.name.endswith((".gz", ".tgz"))
    result = BackupResult(path=target)
    members: list[dict[str, Any]] = []
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, partial = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    os.close(descriptor)
    try:
        with (
            tempfile.TemporaryDirectory(prefix="shireito-backup-") as workdir,
            tarfile.open(
                partial, "w:gz" if compressed else "w", format=tarfile.PAX_FORMAT
            ) as archive,
        ):
            with _store_locked(media_root), _snapshot(using):
                schema = applied_migrations(using)
                chosen = backed_up_models()
                for model in chosen:
                    label = model_label(model)
                    total = model._base_manager.using(using).count()
                    path, count = _dump_model(model, Path(workdir), using, progress, total)
                    entry = _add_member(archive, database_member(label), path)
                    entry["rows"] = count
                    members.append(entry)
                    result.rows[label] = count
                    path.unlink()
                    progress("database", label, count, total)
                files = store_files(media_root)
                for index, relative in enumerate(files, start=1):
                    entry = _add_member(
                        archive, FILES_DIR + relative.as_posix(), media_root / relative
                    )
                    members.append(entry)
                    result.file_bytes += entry["size"]
                    progress("files", relative.as_posix(), index, len(files))
                result.files = len(files)
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "product_version": product_version(),
                "created_at": dt.datetime.now(tz=dt.UTC).isoformat(),
                "database_vendor": connections[using].vendor,
                "migrations": schema,
                "models": [model_label(model) for model in chosen],
                "members": members,
            }
            manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            _add_bytes(archive, MANIFEST, manifest_bytes)
            checksum = hashlib.sha256(manifest_bytes).hexdigest()
            _add_bytes(archive, MANIFEST_SUM, f"{checksum}  {MANIFEST}\n".encode())
        os.replace(partial, target)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return result
