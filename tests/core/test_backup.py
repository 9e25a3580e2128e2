"""Backups: `shireito backup` and `restore` give back every table and every file as they were,
with the audit trail still verifying; a damaged, truncated or foreign archive, a newer schema
or an instance in use are refused before anything changes; a restore that fails part-way
leaves the instance as it found it."""

import hashlib
import io
import json
import shutil
import tarfile
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from shireito.audits import evidence as evidence_service
from shireito.core import restore as restore_module
from shireito.core.backup import MANIFEST, MANIFEST_SUM, BackupError, write_backup
from shireito.core.progress import bar
from shireito.core.restore import check_archive, restore_backup
from shireito.core.selectors import verify_audit_chain
from shireito.demo.dataset import load_demo_data
from tests.audits.conftest import audit, baseline, people  # noqa: F401
from tests.factories import pdf_bytes
from tests.organizations.conftest import government  # noqa: F401
from tests.registry.conftest import systems  # noqa: F401

pytestmark = pytest.mark.django_db


def table_digests() -> dict[str, tuple[int, str]]:
    """Row count and a digest of the rows as the database returns them, per table, read
    with plain SQL so that the backup's own serialisation is not what is compared."""
    digests = {}
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            if not model._meta.managed or model._meta.proxy:
                continue
            table = connection.ops.quote_name(model._meta.db_table)
            pk = connection.ops.quote_name(model._meta.pk.column)
            cursor.execute(f"SELECT * FROM {table} ORDER BY {pk}")
            rows = cursor.fetchall()
            digest = hashlib.sha256(repr(rows).encode()).hexdigest()
            digests[model._meta.label_lower] = (len(rows), digest)
    return digests


def store_digests(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.name != ".lock"
    }


def empty_instance(media_root: Path) -> None:
    """What `migrate` leaves: tables empty but content types and permissions, no files."""
    if connection.vendor == "postgresql":
        # TRUNCATE refuses to run while the test's deferred foreign-key checks are pending.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    ContentType.objects.clear_cache()
    shutil.rmtree(media_root, ignore_errors=True)
    media_root.mkdir()


@pytest.fixture
def media_root(settings, tmp_path):
    root = tmp_path / "files"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def dataset(audit, people, media_root, django_capture_on_commit_callbacks):  # noqa: F811
    """Organisations, users, systems, a catalog, an audit with its results and many-to-many
    links, evidence files in the store, and the audit trail of all of it."""
    with django_capture_on_commit_callbacks(execute=True):  # files land on commit
        for index, content in enumerate(
            [pdf_bytes("policy"), pdf_bytes("log review"), b"a,b\n1,2"]
        ):
            name = "evidence.csv" if content.startswith(b"a,b") else f"evidence-{index}.pdf"
            evidence_service.evidence_add(
                actor=people["nisc-auditor"],
                audit=audit,
                upload=SimpleUploadedFile(name, content),
                result=audit.results.first(),
            )
    assert len(store_digests(media_root)) == 3
    return audit


@pytest.fixture
def archive(dataset, tmp_path):
    path = tmp_path / "backup.tar"
    write_backup(path)
    return path


def test_a_backup_restores_every_table_and_file_as_it_was(dataset, media_root, tmp_path):
    # given a representative instance and its backup, taken with the command
    before_tables, before_files = table_digests(), store_digests(media_root)
    assert sum(count for count, _ in before_tables.values()) > 100
    path = tmp_path / "backup.tar"
    out, err = StringIO(), StringIO()
    call_command("backup", str(path), stdout=out, stderr=err)
    assert "Backup written" in out.getvalue()
    assert "core.auditevent" in err.getvalue()  # progress per table

    # when it is restored into an empty instance
    empty_instance(media_root)
    assert table_digests() != before_tables
    out, err = StringIO(), StringIO()
    call_command("restore", str(path), stdout=out, stderr=err)

    # then every table holds the same rows, every file the same bytes, the trail verifies
    assert "Restored" in out.getvalue()
    assert "[" + "#" * 24 + "]" in err.getvalue()
    assert table_digests() == before_tables
    assert store_digests(media_root) == before_files
    assert verify_audit_chain().ok
    assert not list(media_root.glob(".restore-*"))


def test_a_compressed_backup_restores_too(dataset, media_root, tmp_path):
    # given a backup written compressed
    before = table_digests()
    path = tmp_path / "backup.tar.gz"
    write_backup(path)

    # when it is restored into an empty instance
    empty_instance(media_root)
    restore_backup(path)

    # then nothing differs
    assert table_digests() == before


def _member_offset(path: Path, name: str) -> tuple[int, int]:
    with tarfile.open(path) as archive:
        info = archive.getmember(name)
        return info.offset_data, info.size


@pytest.mark.parametrize(
    "member", ["database/core.auditevent.jsonl", "database/audits.audit.jsonl", "files", MANIFEST]
)
def test_a_flipped_byte_is_refused_before_anything_changes(archive, media_root, member):
    # given an archive with one byte flipped inside one member
    if member == "files":
        with tarfile.open(archive) as opened:
            member = next(n for n in opened.getnames() if n.startswith("files/"))
    offset, size = _member_offset(archive, member)
    data = bytearray(archive.read_bytes())
    data[offset + size // 2] ^= 0x01
    archive.write_bytes(bytes(data))
    empty_instance(media_root)
    before = table_digests()

    # when it is restored
    with pytest.raises(BackupError, match="damaged"):
        restore_backup(archive)

    # then nothing changed
    assert table_digests() == before
    assert store_digests(media_root) == {}


@pytest.mark.parametrize("cut", ["half", "before the manifest", "last block"])
def test_a_truncated_archive_is_refused(archive, media_root, cut):
    # given an archive cut short
    data = archive.read_bytes()
    manifest_offset, _ = _member_offset(archive, MANIFEST)
    length = {
        "half": len(data) // 2,
        "before the manifest": manifest_offset - 512,
        "last block": manifest_offset + 100,
    }[cut]
    archive.write_bytes(data[:length])
    empty_instance(media_root)
    before = table_digests()

    # when it is restored
    with pytest.raises(BackupError, match="damaged or truncated"):
        restore_backup(archive)

    # then nothing changed
    assert table_digests() == before


def _rewrite_manifest(path: Path, change) -> None:
    """Rewrite the archive with its manifest changed and a matching checksum: a well-formed
    archive whose manifest says something else."""
    with tarfile.open(path) as source:
        members = [(info, source.extractfile(info).read()) for info in source.getmembers()]
    with tarfile.open(path, "w") as target:
        for info, data in members:
            if info.name == MANIFEST:
                manifest = json.loads(data)
                change(manifest)
                data = json.dumps(manifest).encode()
                manifest_bytes = data
            if info.name == MANIFEST_SUM:
                checksum = hashlib.sha256(manifest_bytes).hexdigest()
                data = f"{checksum}  {MANIFEST}\n".encode()
            info.size = len(data)
            target.addfile(info, io.BytesIO(data))


def _foreign_tar(path: Path) -> None:
    with tarfile.open(path, "w") as target:
        data = b"hello"
        info = tarfile.TarInfo("readme.txt")
        info.size = len(data)
        target.addfile(info, io.BytesIO(data))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_bytes(b"PK\x03\x04 not a tar at all" * 40), "not a Shireit"),
        (lambda p: p.write_text("id,name\n1,x\n"), "not a Shireit"),
        (_foreign_tar, "damaged or truncated"),
        (
            lambda p: _rewrite_manifest(p, lambda m: m.update(format="other-product")),
            "another format",
        ),
        (
            lambda p: _rewrite_manifest(p, lambda m: m.update(format_version=99)),
            "format version 99",
        ),
        (
            lambda p: _rewrite_manifest(
                p, lambda m: m["migrations"].setdefault("core", []).append("9999_from_the_future")
            ),
            "newer schema",
        ),
        (
            lambda p: _rewrite_manifest(p, lambda m: m["migrations"]["core"].pop()),
            "older schema",
        ),
        (
            lambda p: _rewrite_manifest(p, lambda m: m["members"].pop()),
            "not in the manifest",
        ),
        (
            lambda p: _rewrite_manifest(
                p, lambda m: m["members"].append({"name": "files/x", "size": 1, "sha256": "0"})
            ),
            "missing",
        ),
    ],
    ids=[
        "zip",
        "csv",
        "foreign tar",
        "other format",
        "newer format",
        "newer schema",
        "older schema",
        "extra member",
        "missing member",
    ],
)
def test_a_foreign_archive_or_another_schema_is_refused(archive, media_root, make, message):
    # given a file that is not a whole backup of this schema
    make(archive)
    empty_instance(media_root)
    before = table_digests()

    # when it is restored
    with pytest.raises(BackupError, match=message):
        restore_backup(archive)

    # then nothing changed
    assert table_digests() == before
    assert store_digests(media_root) == {}


def test_an_instance_in_use_is_refused(archive, media_root):
    # given an instance with its users, trail and files
    before_tables, before_files = table_digests(), store_digests(media_root)

    # when a backup is restored into it, by the command
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive), stdout=StringIO(), stderr=StringIO())

    # then nothing changed
    assert table_digests() == before_tables
    assert store_digests(media_root) == before_files


def test_the_check_option_changes_nothing(archive, media_root):
    # given an empty instance
    empty_instance(media_root)
    before = table_digests()

    # when the archive is only checked
    out = StringIO()
    call_command("restore", str(archive), "--check", stdout=out, stderr=StringIO())

    # then it says it can be restored, and nothing was
    assert "can be restored" in out.getvalue()
    assert table_digests() == before


class Interrupted(Exception):
    pass


@pytest.mark.parametrize("when", ["while rows load", "after files moved in"])
def test_a_restore_that_fails_part_way_leaves_nothing(archive, media_root, monkeypatch, when):
    # given an empty instance, and a restore that fails part-way
    empty_instance(media_root)
    before = table_digests()
    if when == "while rows load":
        real_insert, calls = restore_module._insert, []

        def failing_insert(*args, **kwargs):
            calls.append(1)
            if len(calls) == 10:
                raise Interrupted
            return real_insert(*args, **kwargs)

        monkeypatch.setattr(restore_module, "_insert", failing_insert)
    else:
        real_move = restore_module._move_into_place

        def failing_move(workspace, root, moved):
            real_move(workspace, root, moved)
            assert store_digests(root)  # the files were in place when it failed
            raise Interrupted

        monkeypatch.setattr(restore_module, "_move_into_place", failing_move)

    # when it is restored
    with pytest.raises(Interrupted):
        restore_backup(archive)

    # then no row and no file of it is left, nor its workspace
    assert table_digests() == before
    assert store_digests(media_root) == {}
    assert not list(media_root.glob(".restore-*"))


def test_a_member_with_other_bytes_is_named_by_its_checksum(archive, tmp_path):
    # given an archive whose file-store member was swapped for other bytes of the same size
    with tarfile.open(archive) as opened:
        name = next(n for n in opened.getnames() if n.startswith("files/"))
    offset, size = _member_offset(archive, name)
    data = bytearray(archive.read_bytes())
    data[offset : offset + size] = b"x" * size
    archive.write_bytes(bytes(data))

    # when it is checked, then the checksum names the member
    with pytest.raises(BackupError, match=f"checksum mismatch in {name}"):
        check_archive(archive)


@pytest.mark.parametrize(("done", "total", "filled"), [(0, 10, 0), (5, 10, 12), (10, 10, 24)])
def test_the_progress_bar_fills_with_the_share_done(done, total, filled):
    # when a share is drawn, then the bar is filled that far
    assert bar(done, total) == "[" + "#" * filled + "." * (24 - filled) + "]"


@pytest.mark.long
def test_the_demo_data_restores_as_it_was(
    demo_mode, media_root, tmp_path, django_capture_on_commit_callbacks
):
    # given the demo data set (its evidence files land on commit) and its backup
    with django_capture_on_commit_callbacks(execute=True):
        load_demo_data()
    before_tables, before_files = table_digests(), store_digests(media_root)
    path = tmp_path / "demo.tar"
    write_backup(path)

    # when it is restored into an empty instance
    empty_instance(media_root)
    restore_backup(path)

    # then every table and file is as it was, and the trail verifies
    assert table_digests() == before_tables
    assert store_digests(media_root) == before_files
    assert verify_audit_chain().ok
