"""The file store goes through Django's storage API, so app machines may share an
S3-compatible store: here an in-memory storage stands in for it."""

import hashlib
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from shireito.core import filestore


@pytest.fixture
def remote_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    return storages["default"]


def test_a_placed_file_is_in_the_storage_then_read_and_forgotten(remote_storage, tmp_path):
    # given an upload received into an area
    root = Path(tmp_path) / "evidence"
    content = b"%PDF-1.7 evidence"
    received = filestore.receive(ContentFile(content), root=root, limit=1024)
    sha = hashlib.sha256(content).hexdigest()
    # when it is placed
    filestore.place(received, root)
    # then the storage holds it under the area's name, and no temporary file is left
    name = f"evidence/{sha[:2]}/{sha}"
    assert remote_storage.exists(name)
    assert not Path(received.temporary).exists()
    # and it is read back through the storage
    handle = filestore.open_blob(sha, root)
    assert handle is not None and handle.read() == content
    # when nothing names it any more, it is removed from the storage
    filestore.forget(sha, root, still_named=lambda _sha: False)
    assert not remote_storage.exists(name) and filestore.open_blob(sha, root) is None


def test_the_same_bytes_placed_twice_are_stored_once(remote_storage, tmp_path):
    # given two uploads of the same bytes
    root = Path(tmp_path) / "attachments"
    first = filestore.receive(ContentFile(b"same"), root=root, limit=1024)
    second = filestore.receive(ContentFile(b"same"), root=root, limit=1024)
    # when both are placed
    filestore.place(first, root)
    filestore.place(second, root)
    # then one file is stored, under its hash
    _dirs, files = remote_storage.listdir(f"attachments/{first.sha256[:2]}")
    assert files == [first.sha256]
