"""Files attached to an incident report: checked (size, declared type against the file's own
signature), stored once by SHA-256 under ``<media root>/incident-files/`` in the file store
audit evidence uses too (``core.filestore``), and served only through a scoped lookup.

The reporter attaches files to its report, and so do the incident handlers of the hop that has
the report now. Once the report is submitted its files are kept for good; in a draft the
reporter may delete one (its bytes leave the store when no other attachment names them). A
file is moved into the store only once the transaction that records it has committed.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shireito.core import filestore as store
from shireito.core.services import audited_create, audited_delete, is_unstorable
from shireito.incidents.choices import ReportStatus
from shireito.incidents.models import Attachment, IncidentReport
from shireito.incidents.permissions import may_attach, may_report_for

if TYPE_CHECKING:
    from shireito.accounts.models import User

AREA = "incident-files"

# Evidence's types, and plain-text logs, which incidents come with.
ACCEPTED = {**store.ACCEPTED, "log": ("text/plain; charset=utf-8", None)}


def store_root() -> Path:
    return store.store_root(AREA)


def blob_path(sha256: str) -> Path:
    return store.blob_path(sha256, store_root())


def max_bytes() -> int:
    """The largest attachment: ``SHIREITO_INCIDENT_FILE_MAX_BYTES`` if the settings define it,
    else the evidence limit (``SHIREITO_EVIDENCE_MAX_BYTES``)."""
    limit = getattr(settings, "SHIREITO_INCIDENT_FILE_MAX_BYTES", None)
    return int(limit) if limit else store.max_bytes()


# --- the services --------------------------------------------------------------------------


def _filename(upload) -> str:
    filename = Path(getattr(upload, "name", "") or "").name[:255]
    if not filename:
        raise ValidationError({"file": _("Choose a file.")})
    if is_unstorable(filename):
        raise ValidationError(
            {"file": _("Null characters and unpaired surrogates are not allowed.")}
        )
    return filename


def attachment_add(*, actor: User, report: IncidentReport, upload) -> Attachment:
    """Attach a file to the report: streamed to a temporary file while hashed (refused as soon
    as it is too large), its type checked against its bytes, recorded with an audit-trail
    row, and moved into the store once that has committed. All or nothing."""
    if not may_attach(actor, report):
        raise PermissionDenied(
            _(
                "Only the reporting organization, or the incident handlers of the organization "
                "that has the report now, attach files."
            )
        )
    filename = _filename(upload)
    root = store_root()
    received = store.receive(upload, root=root, limit=max_bytes())
    try:
        content_type = store.check_file(filename, received.head, ACCEPTED, path=received.temporary)
        with transaction.atomic():
            locked = IncidentReport.objects.select_for_update().get(pk=report.pk)
            if locked.status == ReportStatus.CLOSED:
                raise ValidationError({"file": _("The report is closed.")})
            attachment = audited_create(
                actor=actor,
                instance=Attachment(
                    report=locked,
                    filename=filename,
                    content_type=content_type,
                    size=received.size,
                    sha256=received.sha256,
                    uploaded_by=actor if getattr(actor, "pk", None) else None,
                    uploaded_by_organization=getattr(actor, "organization", None),
                ),
            )
            transaction.on_commit(lambda: store.place(received, root))
    except BaseException:
        store.discard(received.temporary)
        raise
    return attachment


def _forget(sha256: str) -> None:
    """Remove a stored file no attachment names any more (asked again under the store's lock,
    after the deletion has committed)."""
    store.forget(
        sha256, store_root(), still_named=lambda s: Attachment.objects.filter(sha256=s).exists()
    )


def attachment_delete(*, actor: User, attachment: Attachment) -> None:
    """Delete a draft's attachment (audited); its bytes go once that has committed, unless
    another attachment names them."""
    if not may_report_for(actor, attachment.report.reporter):
        raise PermissionDenied(_("Only the reporting organization deletes its files."))
    with transaction.atomic():
        report = IncidentReport.objects.select_for_update().get(pk=attachment.report_id)
        if report.status != ReportStatus.DRAFT:
            raise ValidationError({"file": _("The report has been submitted: its files are kept.")})
        if not Attachment.objects.filter(pk=attachment.pk).exists():
            return  # deleted meanwhile
        sha256 = attachment.sha256
        audited_delete(actor=actor, instance=attachment)
        transaction.on_commit(lambda: _forget(sha256))


def open_blob(attachment: Attachment) -> IO[bytes] | None:
    """The stored file of an attachment, opened for reading (the caller scoped the lookup),
    or None when it has gone from the store."""
    return store.open_blob(attachment.sha256, store_root())
