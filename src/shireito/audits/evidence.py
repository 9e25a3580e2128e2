"""Evidence files of audits: each revision's file kept in the ``evidence`` area of the file
store (``core.filestore``: checked, stored once by SHA-256, placed once its row has
committed), served only through a scoped lookup, and removed from disk when the last revision
naming it is deleted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shireito.audits.models import Audit, ControlResult, Evidence, EvidenceRevision, Finding
from shireito.audits.permissions import may_attach, may_change
from shireito.core import filestore
from shireito.core.filestore import (
    ACCEPTED,
    STALE_UPLOAD_SECONDS,
    UPLOAD_PREFIX,
    Received,
    check_file,
    max_bytes,
)
from shireito.core.services import audited_create, audited_delete, is_unstorable

if TYPE_CHECKING:
    from shireito.accounts.models import User

if TYPE_CHECKING:
    pass

AREA = "evidence"

__all__ = [
    "ACCEPTED",
    "STALE_UPLOAD_SECONDS",
    "UPLOAD_PREFIX",
    "blob_path",
    "check_file",
    "evidence_add",
    "evidence_delete",
    "evidence_revise",
    "max_bytes",
    "may_attach",
    "may_change",
    "open_blob",
    "store_root",
]


def store_root() -> Path:
    return filestore.store_root(AREA)


def blob_path(sha256: str) -> Path:
    return filestore.blob_path(sha256, store_root())


def _receive(upload: Any) -> Received:
    return filestore.receive(upload, root=store_root(), limit=max_bytes())


def _forget(sha256: str) -> None:
    """Remove a stored file no revision names any more."""
    filestore.forget(
        sha256,
        store_root(),
        still_named=lambda h: EvidenceRevision.objects.filter(sha256=h).exists(),
    )


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
    actor: User | None,
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
    with _upload(upload, effective_date, expiry_date) as file, transaction.atomic():
        evidence = audited_create(
            actor=actor,
            instance=Evidence(audit=audit, result=result, finding=finding, title=title),
        )
        _record(actor, evidence, 1, file)
    return evidence


def evidence_revise(
    *,
    actor: User | None,
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
    with _upload(upload, effective_date, expiry_date) as file, transaction.atomic():
        if not Evidence.objects.select_for_update().filter(pk=evidence.pk).exists():
            raise ValidationError(_("This evidence has been deleted."))
        number = (
            EvidenceRevision.objects.filter(evidence=evidence)
            .order_by("-number")
            .values_list("number", flat=True)
            .first()
            or 0
        ) + 1
        return _record(actor, evidence, number, file)


@dataclass(frozen=True)
class _Upload:
    """A checked upload waiting beside the store, with what its revision records."""

    received: Received
    filename: str
    content_type: str
    effective_date: dt.date
    expiry_date: dt.date | None


@contextmanager
def _upload(
    upload: Any, effective_date: dt.date | None, expiry_date: dt.date | None
) -> Iterator[_Upload]:
    """Receive and check an upload; its temporary file goes if anything in the block fails
    (once the block has committed, ``_record`` has it placed)."""
    filename = _filename(upload)
    effective_date, expiry_date = _dates(effective_date, expiry_date)
    received = _receive(upload)
    try:
        content_type = check_file(filename, received.head, path=received.temporary)
        yield _Upload(received, filename, content_type, effective_date, expiry_date)
    except BaseException:
        filestore.discard(received.temporary)
        raise


def _record(actor: User | None, evidence: Evidence, number: int, file: _Upload) -> EvidenceRevision:
    """The revision's row, and its file moved into the store once the row has committed."""
    revision = audited_create(
        actor=actor,
        instance=EvidenceRevision(
            evidence=evidence,
            number=number,
            sha256=file.received.sha256,
            size=file.received.size,
            content_type=file.content_type,
            filename=file.filename,
            effective_date=file.effective_date,
            expiry_date=file.expiry_date,
            uploaded_by=actor,
        ),
    )
    transaction.on_commit(lambda: filestore.place(file.received, store_root()))
    return revision


def evidence_delete(*, actor: User | None, evidence: Evidence) -> None:
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
        transaction.on_commit(lambda: _forget_all(sorted(hashes)))


def _forget_all(hashes: list[str]) -> None:
    for sha256 in hashes:
        _forget(sha256)


def open_blob(revision: EvidenceRevision) -> IO[bytes] | None:
    """The stored file of a revision, opened for reading (the caller has scoped the lookup),
    or None when it has gone from the store."""
    return filestore.open_blob(revision.sha256, store_root())
