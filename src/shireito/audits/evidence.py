"""Evidence files: checked (size, declared type against the file's own signature), stored once
by SHA-256 under the data directory, served only through a scoped lookup, and removed from
disk when the last revision naming them is deleted.

A file and the rows naming it are written together: the upload is streamed to a temporary
file beside the store, and moved under its hash only once the transaction that records it has
committed (a failed one removes the temporary file). Moving a file into place and removing one
no revision names any more take the same lock, so a deletion never removes a file that an
upload of the same bytes has just been recorded against.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
import time
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shireito.audits.models import Audit, ControlResult, Evidence, EvidenceRevision, Finding
from shireito.audits.permissions import may_attach, may_change
from shireito.core.services import audited_create, audited_delete, is_unstorable

try:  # POSIX; elsewhere the store goes without the lock
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# A temporary upload older than this was left by a transaction rolled back outside ours.
STALE_UPLOAD_SECONDS = 24 * 60 * 60
UPLOAD_PREFIX = ".upload-"

# Accepted files: extension → (content type, how to recognise the bytes).
_ZIP = (b"PK\x03\x04",)
ACCEPTED = {
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


def max_bytes() -> int:
    return int(getattr(settings, "SHIREITO_EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES))


def store_root(area: str = "evidence") -> Path:
    """The directory of a store of files kept by SHA-256 under the media root: evidence's by
    default; other apps (incident attachments) keep theirs beside it under their own name."""
    return Path(settings.MEDIA_ROOT) / area


def blob_path(sha256: str, root: Path | None = None) -> Path:
    return (root or store_root()) / sha256[:2] / sha256


def check_file(filename: str, head: bytes, accepted: dict | None = None) -> str:
    """The content type for an accepted file, or a ValidationError saying why not. Text types
    must be UTF-8 without NUL; binary types must start with their format's signature.
    ``accepted`` (extension → content type, signatures) defaults to evidence's ``ACCEPTED``."""
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
        try:
            text = head.decode("utf-8")
        except UnicodeDecodeError as error:
            # A multi-byte character cut at the end of the head is not an error.
            if error.start < len(head) - 4:
                raise ValidationError({"file": _("The file is not UTF-8 text.")}) from error
            text = head[: error.start].decode("utf-8")
        if "\x00" in text:
            raise ValidationError({"file": _("The file is not UTF-8 text.")})
    elif not any(head.startswith(sig) for sig in signatures):
        raise ValidationError({"file": _("The file's content is not a .%s file.") % extension})
    return content_type


# --- the store ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Received:
    """An upload streamed to a temporary file, not yet in the store."""

    temporary: str
    sha256: str
    size: int
    head: bytes


@contextmanager
def _store_lock(root: Path | None = None):
    """One lock over the store for placing and removing files (held for a few syscalls)."""
    root = root or store_root()
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


def _discard(path: str) -> None:
    with suppress(FileNotFoundError):
        os.unlink(path)


def _sweep_stale_uploads(root: Path) -> None:
    """Temporary files whose transaction was rolled back by a caller around ours."""
    cutoff = time.time() - STALE_UPLOAD_SECONDS
    for path in root.glob(UPLOAD_PREFIX + "*"):
        with suppress(FileNotFoundError):
            if path.stat().st_mtime < cutoff:
                path.unlink()


def _receive(upload, *, root: Path | None = None, limit: int | None = None) -> Received:
    """Stream the upload to a temporary file in the store at ``root`` (evidence's by default)
    while hashing it, refusing it as soon as it is larger than ``limit`` (evidence's by
    default). Nothing is in the store yet: see ``_place``."""
    limit = max_bytes() if limit is None else limit
    root = root or store_root()
    root.mkdir(parents=True, exist_ok=True)
    _sweep_stale_uploads(root)
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
                if len(head) < 4096:
                    head += chunk[: 4096 - len(head)]
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise ValidationError({"file": _("The file is empty.")})
    except BaseException:
        _discard(temporary)
        raise
    return Received(temporary=temporary, sha256=digest.hexdigest(), size=size, head=head)


def _place(received: Received, root: Path | None = None) -> None:
    """Move a committed upload under its hash in the store at ``root`` (evidence's by
    default); bytes already stored are kept as they are."""
    target = blob_path(received.sha256, root)
    with _store_lock(root):
        if target.exists():
            _discard(received.temporary)
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(received.temporary, target)


def _forget(sha256: str) -> None:
    """Remove a stored file no revision names any more (asked again under the store's lock,
    after the deletion has committed)."""
    with _store_lock():
        if EvidenceRevision.objects.filter(sha256=sha256).exists():
            return
        path = blob_path(sha256)
        if path.exists():
            path.unlink()


# --- the services ------------------------------------------------------------------------


def _filename(upload) -> str:
    filename = Path(getattr(upload, "name", "") or "").name[:200]
    if is_unstorable(filename):
        raise ValidationError(
            {"file": _("Null characters and unpaired surrogates are not allowed.")}
        )
    return filename


def _dates(
    effective_date: dt.date | None, expiry_date: dt.date | None
) -> tuple[dt.date, dt.date | None]:
    effective_date = effective_date or timezone.localdate()
    if expiry_date is not None and expiry_date < effective_date:
        raise ValidationError({"expiry_date": _("The evidence expires before it takes effect.")})
    return effective_date, expiry_date


def evidence_add(
    *,
    actor,
    audit: Audit,
    upload,
    title: str = "",
    result: ControlResult | None = None,
    finding: Finding | None = None,
    effective_date: dt.date | None = None,
    expiry_date: dt.date | None = None,
) -> Evidence:
    """Attach a new piece of evidence (its first revision) to a result or a finding."""
    if not may_attach(actor, audit):
        raise PermissionDenied(_("Only the audit's parties attach evidence."))
    if audit.is_closed:
        raise ValidationError(_("This audit is closed."))
    if (result is None) == (finding is None):
        raise ValidationError(_("Attach evidence to one control result or one finding."))
    if (result and result.audit_id != audit.pk) or (finding and finding.audit_id != audit.pk):
        raise ValidationError(_("That belongs to another audit."))
    title = (title or Path(getattr(upload, "name", "")).name).strip()[:200]
    if not title or is_unstorable(title):
        raise ValidationError({"title": _("Give the evidence a title.")})
    filename = _filename(upload)
    effective_date, expiry_date = _dates(effective_date, expiry_date)
    received = _receive(upload)
    try:
        content_type = check_file(filename, received.head)
        with transaction.atomic():
            evidence = audited_create(
                actor=actor,
                instance=Evidence(audit=audit, result=result, finding=finding, title=title),
            )
            _record(
                actor, evidence, 1, received, filename, content_type, effective_date, expiry_date
            )
    except BaseException:
        _discard(received.temporary)
        raise
    return evidence


def evidence_revise(
    *,
    actor,
    evidence: Evidence,
    upload,
    effective_date: dt.date | None = None,
    expiry_date: dt.date | None = None,
) -> EvidenceRevision:
    """A new revision of the same evidence (earlier ones stay downloadable)."""
    if not may_change(actor, evidence):
        raise PermissionDenied(
            _("Only the auditors, or the audited organization for its own evidence, revise it.")
        )
    if evidence.audit.is_closed:
        raise ValidationError(_("This audit is closed."))
    filename = _filename(upload)
    effective_date, expiry_date = _dates(effective_date, expiry_date)
    received = _receive(upload)
    try:
        content_type = check_file(filename, received.head)
        with transaction.atomic():
            if not Evidence.objects.select_for_update().filter(pk=evidence.pk).exists():
                raise ValidationError(_("This evidence has been deleted."))
            number = (
                EvidenceRevision.objects.filter(evidence=evidence)
                .order_by("-number")
                .values_list("number", flat=True)
                .first()
                or 0
            ) + 1
            revision = _record(
                actor,
                evidence,
                number,
                received,
                filename,
                content_type,
                effective_date,
                expiry_date,
            )
    except BaseException:
        _discard(received.temporary)
        raise
    return revision


def _record(
    actor,
    evidence: Evidence,
    number: int,
    received: Received,
    filename: str,
    content_type: str,
    effective_date: dt.date,
    expiry_date: dt.date | None,
) -> EvidenceRevision:
    """The revision's row, and its file moved into the store once the row has committed."""
    revision = audited_create(
        actor=actor,
        instance=EvidenceRevision(
            evidence=evidence,
            number=number,
            sha256=received.sha256,
            size=received.size,
            content_type=content_type,
            filename=filename,
            effective_date=effective_date,
            expiry_date=expiry_date,
            uploaded_by=actor,
        ),
    )
    transaction.on_commit(lambda: _place(received))
    return revision


def evidence_delete(*, actor, evidence: Evidence) -> None:
    """Delete evidence and its revisions (each recorded in the audit trail); their files go
    once the deletion is committed and nothing else names them."""
    if not may_change(actor, evidence):
        raise PermissionDenied(
            _("Only the auditors, or the audited organization for its own evidence, delete it.")
        )
    if evidence.audit.is_closed:
        raise ValidationError(_("This audit is closed; its evidence is kept."))
    with transaction.atomic():
        if not Evidence.objects.select_for_update().filter(pk=evidence.pk).exists():
            return  # deleted meanwhile: nothing left to do
        hashes = set(
            EvidenceRevision.objects.filter(evidence=evidence).values_list("sha256", flat=True)
        )
        audited_delete(actor=actor, instance=evidence)
        transaction.on_commit(lambda: [_forget(h) for h in sorted(hashes)])


def open_blob(revision: EvidenceRevision):
    """The stored file of a revision, opened for reading (the caller has scoped the lookup)."""
    return blob_path(revision.sha256).open("rb")
