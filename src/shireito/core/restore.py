"""Restoring a backup (``core.backup``) into an empty instance, all or nothing.

First the whole archive is read and checked against its manifest (every member present, none
extra, each SHA-256 and size right, our format, a schema this instance has) and the instance
is checked to be empty: nothing is changed before both pass. Then, in one database
transaction, the tables are emptied of what ``migrate`` put there, the rows are inserted as
they were (raw, ids kept, no signals, no ``auto_now``), the files are written to a workspace
inside the file store and moved into place just before the commit. Any failure rolls the
transaction back and moves the files out again.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction

from shireito.core.backup import (
    CHUNK,
    DATABASE_DIR,
    FILES_DIR,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    MANIFEST_SUM,
    RESTORE_PREFIX,
    BackupError,
    Progress,
    _quiet,
    applied_migrations,
    backed_up_models,
    database_member,
    model_label,
    store_files,
)
from shireito.core.models import AuditEvent

INSERT_BATCH = 500
DAMAGED = "The archive is damaged or truncated ({detail}); nothing was restored."


@dataclass
class Checked:
    """A verified archive: its manifest, and the members by name."""

    manifest: dict[str, Any]
    members: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def files(self) -> list[str]:
        return [name for name in self.members if name.startswith(FILES_DIR)]


@dataclass
class RestoreResult:
    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def _open(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, "r|*")
    except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
        raise BackupError(DAMAGED.format(detail=error)) from error


def _hash_member(handle: IO[bytes], *, keep: bool) -> tuple[str, int, bytes]:
    """The SHA-256 and size of a member, and with ``keep`` its bytes (the manifest's)."""
    digest = hashlib.sha256()
    size = 0
    kept = []
    while chunk := handle.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if keep:
            kept.append(chunk)
    return digest.hexdigest(), size, b"".join(kept)


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name == path.as_posix()


def _read_members(path: Path) -> tuple[dict[str, tuple[str, int]], bytes, bytes]:
    found: dict[str, tuple[str, int]] = {}
    manifest = checksum = b""
    try:
        with _open(path) as archive:
            for info in archive:
                if not info.isfile() or not _safe_name(info.name) or info.name in found:
                    raise BackupError(
                        f"The archive holds an unexpected member {info.name!r}; "
                        "it is not a Shireitō backup. Nothing was restored."
                    )
                handle = archive.extractfile(info)
                assert handle is not None  # a regular file always has a reader
                keep = info.name in (MANIFEST, MANIFEST_SUM)
                digest, size, head = _hash_member(handle, keep=keep)
                found[info.name] = (digest, size)
                if info.name == MANIFEST:
                    manifest = head
                elif info.name == MANIFEST_SUM:
                    checksum = head
    except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
        raise BackupError(DAMAGED.format(detail=error)) from error
    return found, manifest, checksum


def check_archive(path: Path, *, using: str = DEFAULT_DB_ALIAS) -> Checked:
    """Read the whole archive and check it against its manifest and this instance's schema;
    a BackupError says what is wrong. Changes nothing."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No backup file at {path}.")
    if not tarfile.is_tarfile(path):
        raise BackupError(
            "The file is not a Shireitō backup (not a tar archive, or damaged at its start). "
            "Nothing was restored."
        )
    found, manifest_bytes, checksum = _read_members(path)
    if MANIFEST not in found or MANIFEST_SUM not in found:
        if not found:
            raise BackupError("The file is not a Shireitō backup (not a tar archive).")
        raise BackupError(DAMAGED.format(detail="its manifest is missing"))
    expected_sum = checksum.decode("ascii", "replace").split(" ")[0].strip()
    if hashlib.sha256(manifest_bytes).hexdigest() != expected_sum:
        raise BackupError(DAMAGED.format(detail="the manifest does not match its checksum"))
    try:
        manifest = json.loads(manifest_bytes)
    except ValueError as error:
        raise BackupError(DAMAGED.format(detail="the manifest is not JSON")) from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("The file is not a Shireitō backup (its manifest names another format).")
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise BackupError(
            f"The backup is in format version {version}; this version of Shireitō reads "
            f"format {FORMAT_VERSION} and earlier. Upgrade Shireitō first."
        )
    checked = Checked(manifest=manifest)
    for entry in manifest.get("members", []):
        checked.members[entry["name"]] = entry
    problems = _member_problems(checked, found)
    if problems:
        raise BackupError(DAMAGED.format(detail="; ".join(problems)))
    _check_schema(manifest, using)
    return checked


def _member_problems(checked: Checked, found: dict[str, tuple[str, int]]) -> list[str]:
    problems = []
    missing = sorted(set(checked.members) - set(found))
    extra = sorted(set(found) - set(checked.members) - {MANIFEST, MANIFEST_SUM})
    if missing:
        problems.append(f"{len(missing)} member(s) missing, first {missing[0]}")
    if extra:
        problems.append(f"{len(extra)} member(s) not in the manifest, first {extra[0]}")
    for name, entry in checked.members.items():
        if name in found and found[name] != (entry["sha256"], entry["size"]):
            problems.append(f"checksum mismatch in {name}")
    return problems


def _check_schema(manifest: dict[str, Any], using: str) -> None:
    """The backup's applied migrations must be exactly this instance's."""
    ours = {(app, name) for app, names in applied_migrations(using).items() for name in names}
    theirs = {
        (app, name) for app, names in manifest.get("migrations", {}).items() for name in names
    }
    newer = sorted(theirs - ours)
    if newer:
        app, name = newer[0]
        raise BackupError(
            f"The backup was made by a newer schema ({len(newer)} migration(s) this instance "
            f"does not have, first {app}.{name}). Upgrade Shireitō and run `shireito migrate` "
            "first. Nothing was restored."
        )
    older = sorted(ours - theirs)
    if older:
        app, name = older[0]
        raise BackupError(
            f"The backup was made by an older schema ({len(older)} migration(s) it lacks, "
            f"first {app}.{name}). Restore it with the version of Shireitō that made it, then "
            "upgrade. Nothing was restored."
        )
    known = {model_label(model) for model in backed_up_models()}
    unknown = sorted(set(manifest.get("models", [])) - known)
    if unknown:
        raise BackupError(f"The backup holds tables this instance does not have: {unknown[0]}.")


def check_empty(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Refuse an instance in use. One fresh from ``migrate`` has no user, no audit event and
    no stored file: every real write leaves an audit event, every sign-in needs a user."""
    users = get_user_model()._base_manager.using(using).count()
    events = AuditEvent._base_manager.using(using).count()
    files = len(store_files(Path(settings.MEDIA_ROOT)))
    if users or events or files:
        raise BackupError(
            f"This instance is not empty ({users} user(s), {events} audit event(s), {files} "
            "stored file(s)). Restore only into a new instance, right after `shireito migrate`. "
            "Nothing was restored."
        )


class _HashingReader:
    """Hash a member's bytes while they are read, to compare with the manifest at the end."""

    def __init__(self, handle: IO[bytes]) -> None:
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data

    def lines(self) -> Iterator[str]:
        pending = b""
        while chunk := self.read(CHUNK):
            pending += chunk
            *complete, pending = pending.split(b"\n")
            for line in complete:
                yield line.decode("utf-8")
        if pending:
            yield pending.decode("utf-8")


def _insert(model: type[models.Model], batch: list[models.Model], using: str) -> None:
    fields = model._meta.local_concrete_fields
    size = max(1, connections[using].ops.bulk_batch_size(fields, batch) or len(batch))
    for start in range(0, len(batch), size):
        # raw: values go in as they were (no auto_now, no defaults), and no signal fires.
        model._base_manager._insert(  # type: ignore[attr-defined]
            batch[start : start + size], fields=fields, using=using, raw=True
        )


def _load_rows(
    model: type[models.Model], reader: _HashingReader, using: str, total: int, progress: Progress
) -> int:
    label = model_label(model)
    batch: list[models.Model] = []
    count = 0
    for item in serializers.deserialize("jsonl", reader.lines(), using=using):
        if type(item.object) is not model:
            raise BackupError(DAMAGED.format(detail=f"a row of another table in {label}"))
        batch.append(item.object)
        if len(batch) >= INSERT_BATCH:
            _insert(model, batch, using)
            count += len(batch)
            batch = []
            progress("database", label, count, total)
    if batch:
        _insert(model, batch, using)
        count += len(batch)
    progress("database", label, count, total)
    return count


def _empty_tables(chosen: list[type[models.Model]], using: str) -> None:
    """Remove what ``migrate`` put in (content types, permissions, seeded rows). Foreign keys
    are checked at commit on both engines, so the order does not matter."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # whatever a caller set before
        for model in chosen:
            if model is AuditEvent:
                continue  # empty (checked), and its triggers refuse a DELETE
            table = connection.ops.quote_name(model._meta.db_table)  # our own model names
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608


def _reset_sequences(chosen: list[type[models.Model]], using: str) -> None:
    connection = connections[using]
    statements = connection.ops.sequence_reset_sql(no_style(), chosen)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _extract_file(reader: _HashingReader, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as out:
        while chunk := reader.read(CHUNK):
            out.write(chunk)


def _move_into_place(workspace: Path, media_root: Path, moved: list[Path]) -> None:
    """Move each area of the restored store into the (empty) store, one rename per area,
    noting each in ``moved`` at once so that a failure part-way can move them back."""
    for area in sorted(workspace.iterdir()):
        target = media_root / area.name
        if target.exists():
            if any(target.iterdir()) and not all(p.name == ".lock" for p in target.iterdir()):
                raise BackupError(f"The file store gained files during the restore: {target}.")
            shutil.rmtree(target)
        os.replace(area, target)
        moved.append(target)


def _move_back(moved: list[Path], workspace: Path) -> None:
    for target in moved:
        if target.exists():
            os.replace(target, workspace / target.name)


def _sweep_workspaces(media_root: Path) -> None:
    """Workspaces left by a restore that was killed before it could clean up."""
    if media_root.is_dir():
        for stale in media_root.glob(RESTORE_PREFIX + "*"):
            shutil.rmtree(stale, ignore_errors=True)


def restore_backup(
    path: Path, *, using: str = DEFAULT_DB_ALIAS, progress: Progress = _quiet
) -> RestoreResult:
    """Restore ``path`` into this empty instance, all or nothing (see the module's doc)."""
    path = Path(path)
    progress("check", str(path), 0, 1)
    checked = check_archive(path, using=using)
    check_empty(using=using)
    progress("check", str(path), 1, 1)
    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    _sweep_workspaces(media_root)
    workspace = Path(tempfile.mkdtemp(prefix=RESTORE_PREFIX, dir=media_root))
    chosen = backed_up_models()
    by_member = {database_member(model_label(model)): model for model in chosen}
    result = RestoreResult()
    moved: list[Path] = []
    files_total = len(checked.files)
    try:
        with transaction.atomic(using=using):
            _empty_tables(chosen, using)
            with _open(path) as archive:
                for info in archive:
                    entry = checked.members.get(info.name)
                    if entry is None:
                        continue  # the manifest and its checksum, read in the check
                    handle = archive.extractfile(info)
                    assert handle is not None
                    reader = _HashingReader(handle)
                    if info.name.startswith(DATABASE_DIR):
                        model = by_member.get(info.name)
                        if model is None:
                            raise BackupError(f"The backup holds an unknown table {info.name}.")
                        total = int(entry.get("rows", 0))
                        result.rows[model_label(model)] = _load_rows(
                            model, reader, using, total, progress
                        )
                    else:
                        relative = info.name[len(FILES_DIR) :]
                        _extract_file(reader, workspace / relative)
                        result.files += 1
                        progress("files", relative, result.files, files_total)
                    if reader.digest.hexdigest() != entry["sha256"]:
                        raise BackupError(DAMAGED.format(detail=f"{info.name} changed"))
            _reset_sequences(chosen, using)
            # Every reference checked now, not at the commit: the files move only after.
            connections[using].check_constraints()
            _move_into_place(workspace, media_root, moved)
    except BaseException:
        _move_back(moved, workspace)
        raise
    finally:
        shutil.rmtree(workspace, ignore_errors=True)
    ContentType.objects.clear_cache()
    return result


__all__ = [
    "BackupError",
    "Checked",
    "RestoreResult",
    "check_archive",
    "check_empty",
    "restore_backup",
]
