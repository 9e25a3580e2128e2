"""A store of uploaded files kept once by SHA-256 under the media root, one area per use
(audit evidence, incident attachments): checked (size, declared type against the file's own
signature), and written together with the rows that name them.

An upload is streamed to a temporary file beside the store (``receive``) and moved under its
hash only once the transaction that records it has committed (``place``; a failed one calls
``discard``). Moving a file into place and removing one nothing names any more (``forget``)
take the same lock, so a deletion never removes a file that an upload of the same bytes has
just been recorded against. The store knows no app: each caller names its area, what it
accepts and how large, and how to ask whether a hash is still named.

Stored files go through Django's storage API (``storages["default"]``): the media root by
default, or shared storage or an S3-compatible store for several app machines
(``SHIREITO_FILE_STORAGE``). An area's name in the storage is its path under the media root;
the temporary upload stays on the app machine's own disk until it is placed. The lock is the
machine's: on a shared store two machines may place the same bytes at once, which writes the
same content twice and loses nothing.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import FileSystemStorage, storages
from django.utils.translation import gettext as _

try:  # POSIX; elsewhere the store goes without the lock
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# The platform's upload limit is set under the name it had when evidence was the only store.
MAX_BYTES_SETTING = "SHIREITO_EVIDENCE_MAX_BYTES"
# A temporary upload older than this was left by a transaction rolled back outside ours.
STALE_UPLOAD_SECONDS = 24 * 60 * 60
UPLOAD_PREFIX = ".upload-"
HEAD_BYTES = 4096

# Accepted files: extension → (content type, how to recognise the bytes; None for UTF-8 text).
Accepted = dict[str, tuple[str, tuple[bytes, ...] | None]]
_ZIP = (b"PK\x03\x04",)
ACCEPTED: Accepted = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", _ZIP),
    "zip": ("application/zip", _ZIP),
    "txt": ("text/plain; charset=utf-8", None),
    "csv": ("text/csv; charset=utf-8", None),
    "json": ("application/json", None),
}


def max_bytes(setting: str = MAX_BYTES_SETTING) -> int:
    """The largest upload accepted, from ``setting`` (the platform's limit by default)."""
    return int(getattr(settings, setting, DEFAULT_MAX_BYTES))


def store_root(area: str) -> Path:
    """The directory of one area of the store under the media root."""
    return Path(settings.MEDIA_ROOT) / area


def blob_path(sha256: str, root: Path) -> Path:
    return root / sha256[:2] / sha256


def check_file(
    filename: str, head: bytes, accepted: Accepted | None = None, *, path: str | None = None
) -> str:
    """The content type for an accepted file, or a ValidationError saying why not. Text types
    must be UTF-8 without NUL; binary types must start with their format's signature; a PDF
    (given the ``path`` of its received bytes) must also parse as one and be nothing else
    (``check_pdf``)."""
    accepted = ACCEPTED if accepted is None else accepted
    name = Path(filename or "").name
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in accepted:
        raise ValidationError(
            {
                "file": _("Files of this type are not accepted; use one of: %s.")
                % ", ".join(sorted(accepted))
            }
        )
    content_type, signatures = accepted[extension]
    if signatures is None:
        _check_text(head)
    elif not any(head.startswith(sig) for sig in signatures):
        raise ValidationError({"file": _("The file's content is not a .%s file.") % extension})
    if extension == "pdf" and path is not None:
        check_pdf(path)
    return content_type


# Markup a browser would render, looked for where a sniffing reader looks: the first kilobyte.
_MARKUP = (b"<html", b"<script", b"<!doctype", b"<body", b"<iframe", b"<svg", b"<object")


def check_pdf(path: str) -> None:
    """A ValidationError unless the file at ``path`` is a PDF and nothing else: a polyglot
    passes the ``%PDF-`` signature yet also opens as a ZIP archive (a valid end-of-central-
    directory record near its end), or carries markup in its first kilobyte for a browser to
    render. The PDF must then parse with pypdf (its cross-reference table, trailer and, when
    it is not encrypted, at least one page)."""
    refused = ValidationError(
        {"file": _("The file is not a plain PDF: it also holds another format, or is damaged.")}
    )
    with open(path, "rb") as handle:
        start = handle.read(1024).lower()
    if any(markup in start for markup in _MARKUP) or zipfile.is_zipfile(path):
        raise refused
    # Imported here: pypdf is needed only when a PDF arrives.
    from pypdf import PdfReader

    try:
        reader = PdfReader(path, strict=False)
        if not reader.is_encrypted and len(reader.pages) < 1:
            raise refused
    except ValidationError:
        raise
    except Exception as exc:  # pypdf raises many kinds for a damaged file
        raise refused from exc


def _check_text(head: bytes) -> None:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the head is not an error.
        if error.start < len(head) - 4:
            raise ValidationError({"file": _("The file is not UTF-8 text.")}) from error
        text = head[: error.start].decode("utf-8")
    if "\x00" in text:
        raise ValidationError({"file": _("The file is not UTF-8 text.")})


@dataclass(frozen=True)
class Received:
    """An upload streamed to a temporary file, not yet in the store."""

    temporary: str
    sha256: str
    size: int
    head: bytes


@contextmanager
def store_lock(root: Path) -> Iterator[None]:
    """One lock over an area for placing and removing files (held for a few syscalls)."""
    root.mkdir(parents=True, exist_ok=True)
    if fcntl is None:  # pragma: no cover
        yield
        return
    with open(root / ".lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def discard(path: str) -> None:
    with suppress(FileNotFoundError):
        os.unlink(path)


def sweep_stale_uploads(root: Path) -> None:
    """Temporary files whose transaction was rolled back by a caller around ours."""
    cutoff = time.time() - STALE_UPLOAD_SECONDS
    for path in root.glob(UPLOAD_PREFIX + "*"):
        with suppress(FileNotFoundError):
            if path.stat().st_mtime < cutoff:
                path.unlink()


def receive(upload: Any, *, root: Path, limit: int) -> Received:
    """Stream the upload to a temporary file in the area at ``root`` while hashing it,
    refusing it as soon as it is larger than ``limit``. Nothing is in the store yet: see
    ``place``."""
    root.mkdir(parents=True, exist_ok=True)
    sweep_stale_uploads(root)
    digest = hashlib.sha256()
    size = 0
    head = b""
    descriptor, temporary = tempfile.mkstemp(dir=root, prefix=UPLOAD_PREFIX)
    try:
        with os.fdopen(descriptor, "wb") as out:
            chunks = upload.chunks() if hasattr(upload, "chunks") else iter([upload.read()])
            for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise ValidationError(
                        {
                            "file": _("The file is larger than %(limit)d MB.")
                            % {"limit": limit // (1024 * 1024)}
                        }
                    )
                if len(head) < HEAD_BYTES:
                    head += chunk[: HEAD_BYTES - len(head)]
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise ValidationError({"file": _("The file is empty.")})
    except BaseException:
        discard(temporary)
        raise
    return Received(temporary=temporary, sha256=digest.hexdigest(), size=size, head=head)


def storage_name(sha256: str, root: Path) -> str:
    """A stored file's name in the storage: its path under the media root."""
    path = blob_path(sha256, root)
    try:
        return path.relative_to(Path(settings.MEDIA_ROOT)).as_posix()
    except ValueError:  # an area outside the media root: its path as it is
        return path.as_posix()


def place(received: Received, root: Path) -> None:
    """Move a committed upload under its hash in the area at ``root``; bytes already stored
    are kept as they are."""
    storage = storages["default"]
    name = storage_name(received.sha256, root)
    with store_lock(root):
        if storage.exists(name):
            discard(received.temporary)
            return
        if _is_local(storage):
            target = blob_path(received.sha256, root)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(received.temporary, target)
            return
        try:
            with open(received.temporary, "rb") as handle:
                storage.save(name, File(handle, name=name))
        finally:
            discard(received.temporary)


def forget(sha256: str, root: Path, *, still_named: Callable[[str], bool]) -> None:
    """Remove a stored file nothing names any more: ``still_named`` is asked again under the
    area's lock, after the deletion has committed."""
    with store_lock(root):
        if still_named(sha256):
            return
        with suppress(FileNotFoundError):
            storages["default"].delete(storage_name(sha256, root))


def open_blob(sha256: str, root: Path) -> IO[bytes] | None:
    """A stored file, opened for reading (the caller has scoped the lookup), or None when its
    bytes have gone from the store: a page answers that as any missing thing, with a 404."""
    storage = storages["default"]
    name = storage_name(sha256, root)
    if _is_local(storage):
        try:
            return blob_path(sha256, root).open("rb")
        except FileNotFoundError:
            return None
    if not storage.exists(name):
        return None
    return storage.open(name, "rb")


def _is_local(storage: Any) -> bool:
    """The storage keeps files under the media root on this machine's (or a shared) disk, so
    a file is moved into place, not copied."""
    return isinstance(storage, FileSystemStorage) and (
        Path(storage.location).resolve() == Path(settings.MEDIA_ROOT).resolve()
    )
