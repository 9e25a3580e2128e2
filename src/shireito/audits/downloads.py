"""The files an audit hands out, the same from its pages and its API: an evidence revision,
the report as PDF, the OSCAL documents, the spreadsheets, the evidence bundle. Each is a
``core.pages.file_response`` (attachment, never sniffed, never cached)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.http import HttpResponseBase

from shireito.audits import evidence, selectors, spreadsheets
from shireito.audits.bundle import bundle_filename, stream_bundle
from shireito.audits.models import Audit
from shireito.audits.report import render_report_pdf
from shireito.core.pages import file_response, get_or_404, id_or_404

if TYPE_CHECKING:
    from shireito.accounts.models import User


def evidence_download(
    user: User, audit: Audit, *, evidence_id: Any, number: Any
) -> HttpResponseBase:
    """One revision of a piece of evidence the user may see, or 404 (also when its file has
    gone from the store)."""
    found = get_or_404(
        selectors.evidence_revision_get(
            user=user, audit=audit, evidence_id=id_or_404(evidence_id), number=id_or_404(number)
        )
    )
    return file_response(
        get_or_404(evidence.open_blob(found)),
        filename=found.filename or f"evidence-{found.evidence_id}-r{found.number}",
        content_type=found.content_type,
    )


def report_pdf(audit: Audit, *, language: str) -> HttpResponseBase:
    return file_response(
        render_report_pdf(audit, language=language),
        filename=f"{audit.number}.pdf",
        content_type="application/pdf",
    )


def json_download(data: dict, *, filename: str) -> HttpResponseBase:
    return file_response(
        json.dumps(data, ensure_ascii=False, indent=2).encode(),
        filename=filename,
        content_type="application/json",
    )


def evidence_bundle(user: User, audit: Audit, *, language: str) -> HttpResponseBase:
    """The audit's evidence bundle, streamed (a ``StreamingHttpResponse``: no length is known
    before the last byte)."""
    return file_response(
        stream_bundle(user, audit, language=language),
        filename=bundle_filename(audit),
        content_type="application/zip",
    )


# The spreadsheets by name: the page's file name and the API's ``format``.
SPREADSHEETS = ("results-csv", "findings-csv", "actions-csv", "xlsx")


def spreadsheet(user: User, audit: Audit, part: str, *, language: str) -> HttpResponseBase:
    """One of ``SPREADSHEETS``: a CSV file streamed with a BOM for Excel, or the workbook."""
    if part == "xlsx":
        return file_response(
            spreadsheets.audit_xlsx_bytes(audit, user, language),
            filename=spreadsheets.filename(audit, "xlsx"),
            content_type=spreadsheets.CONTENT_TYPES["xlsx"],
        )
    if part == "results-csv":
        chunks = spreadsheets.results_csv_chunks(audit, user)
    elif part == "findings-csv":
        chunks = spreadsheets.findings_csv_chunks(audit, user, language=language)
    else:
        chunks = spreadsheets.actions_csv_chunks(audit, user, language=language)
    return file_response(
        chunks,
        filename=spreadsheets.filename(audit, part.removesuffix("-csv")),
        content_type=spreadsheets.CONTENT_TYPES["csv"],
    )
