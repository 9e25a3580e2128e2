"""The evidence bundle of an audit: one ZIP of its report (PDF), its OSCAL assessment results
and every revision of its evidence, with ``manifest.json`` (each member's size, SHA-256, type
and what it is) and ``SHA256SUMS``, streamed as it is written (``core.zipstream``).

Every revision, not only the current one: earlier revisions stay downloadable on the audit's
pages, a result may have been judged on one of them, and the bundle is the audit's record to
hand over or keep. The manifest marks which revision is current.

The bundle holds nothing its reader cannot download one by one from the audit's pages, so
taking it is a read like those downloads and leaves no row in the audit trail (which records
changes).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shireito.audits import evidence, exporters, selectors
from shireito.audits.report import render_report_pdf
from shireito.core.zipstream import Part, Written, describe, read_chunks, safe_part, stream_zip

if TYPE_CHECKING:
    from collections.abc import Iterator

    from shireito.accounts.models import User
    from shireito.audits.models import Audit, EvidenceRevision


def bundle_filename(audit: Audit) -> str:
    return f"{safe_part(audit.number)}-bundle.zip"


def audit_parts(audit: Audit, *, language: str) -> list[Part]:
    """The audit's own documents, each made only when its turn comes. One line per document:
    another export (a spreadsheet) joins the bundle by one more ``Part`` here."""
    return [
        Part(
            "report.pdf",
            lambda: [render_report_pdf(audit, language=language)],
            "application/pdf",
            _("The audit report"),
        ),
        Part(
            "oscal-assessment-results.json",
            lambda: [_json(exporters.export_assessment_results(audit))],
            "application/json",
            _("The control results as OSCAL assessment results"),
        ),
    ]


def evidence_parts(revisions: Iterable[EvidenceRevision]) -> list[Part]:
    """One part per revision, in ``evidence/<id> <title>/r<revision> <file name>``; the last
    revision of each piece is its current one."""
    revisions = list(revisions)
    current = {revision.evidence_id: revision.number for revision in revisions}
    return [_evidence_part(revision, current[revision.evidence_id]) for revision in revisions]


def _evidence_part(revision: EvidenceRevision, current: int) -> Part:
    item = revision.evidence
    filename = revision.filename or f"evidence-{item.pk}-r{revision.number}"
    folder = safe_part(f"{item.pk} {item.title}")
    details: dict[str, Any] = {
        "evidence": item.pk,
        "title": item.title,
        "revision": revision.number,
        "current": revision.number == current,
        "filename": revision.filename,
        "uploaded_by": str(revision.uploaded_by) if revision.uploaded_by else None,
        "uploaded_at": revision.uploaded_at.isoformat(),
        "effective_date": revision.effective_date.isoformat(),
        "expiry_date": revision.expiry_date.isoformat() if revision.expiry_date else None,
    }
    if item.result is not None:
        details.update(system=item.result.system.code, control=item.result.control.label)
    if item.finding is not None:
        details["finding"] = item.finding.number
    return Part(
        f"evidence/{folder}/{safe_part(f'r{revision.number} {filename}')}",
        lambda: _blob_chunks(revision),
        revision.content_type,
        _("Evidence “%(title)s”, revision %(number)d")
        % {"title": item.title, "number": revision.number},
        details=details,
        modified=revision.uploaded_at,
        expected_sha256=revision.sha256,
    )


def _blob_chunks(revision: EvidenceRevision) -> Iterator[bytes] | None:
    opened = evidence.open_blob(revision)
    return None if opened is None else read_chunks(opened)


def _json(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


def _entry(record: Written) -> dict[str, Any]:
    entry = describe(record)
    if record.missing:
        entry["note"] = _("The file is missing from the file store, so it is not in the bundle.")
    elif record.incomplete:
        entry["note"] = _("The file could not be read to its end: only the part read is here.")
    elif record.intact is False:
        entry["note"] = _("These bytes differ from those uploaded (their SHA-256 was recorded).")
    return entry


def _manifest(user: User, audit: Audit, language: str, written: list[Written]) -> bytes:
    with translation.override(language):
        return _json(
            {
                "audit": {
                    "number": audit.number,
                    "title": audit.title,
                    "auditee": str(audit.auditee),
                    "auditor": str(audit.auditor),
                    "period_start": audit.period_start.isoformat(),
                    "period_end": audit.period_end.isoformat(),
                },
                "made_at": timezone.now().isoformat(),
                "made_by": str(user),
                "language": language,
                "checksums": "SHA256SUMS",
                "members": [_entry(record) for record in written],
            }
        )


def stream_bundle(user: User, audit: Audit, *, language: str) -> Iterator[bytes]:
    """The bundle's bytes, as they are made. What it holds is settled here, from the user's
    scope; the files are read, and the report rendered, only as the stream reaches them."""
    with translation.override(language):
        parts = [
            *audit_parts(audit, language=language),
            *evidence_parts(selectors.revisions_in(user=user, audit=audit)),
        ]
        about_manifest = _("This list: each file's size, SHA-256, type and what it is")
    return stream_zip(
        parts,
        folder=audit.number,
        manifest=lambda written: _manifest(user, audit, language, written),
        manifest_description=about_manifest,
    )
