"""An audit's results, findings and corrective actions as spreadsheets, for auditors who work
offline: three CSV files (one table each, UTF-8 with BOM for Excel) and one XLSX workbook with
a sheet per part, header frozen and filtered.

The results sheet goes back in through the results import (``importers``), so its header is
the importer's column keys and its statuses are the values the importer reads, in every
language; the read-only columns after them (control title, last cycle's result, last
updated, version) help offline and the importer ignores them. The workbook's last sheet says
what each column and status means in the reader's language. Findings and corrective actions
are read by people, not imported: their headers and values are in the reader's language.

Everything is read through the scoped selectors, so a file holds what the user sees on the
audit's pages. The evidence bundle calls these functions too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from shireito.audits import selectors
from shireito.audits.choices import ResultStatus
from shireito.audits.importers import RESULTS_SHEET, SHEET_COLUMNS
from shireito.audits.models import Audit, CorrectiveAction, Finding
from shireito.core.spreadsheets import Sheet, xlsx_bytes
from shireito.core.textfiles import csv_chunks

if TYPE_CHECKING:
    from shireito.accounts.models import User

# The importer's columns first, in its order, then the read-only ones.
READ_ONLY_COLUMNS = ("control_title", "previous_status", "updated_at", "version")
RESULT_COLUMNS = (*SHEET_COLUMNS, *READ_ONLY_COLUMNS)
RESULT_WIDTHS = (14, 14, 16, 40, 16, 40, 50, 16, 17, 9)  # as RESULT_COLUMNS
LEGEND_SHEET = pgettext_lazy("workbook sheet", "Columns")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def filename(audit: Audit, part: str) -> str:
    """``R7-001-results.csv``, ``R7-001.xlsx``."""
    return f"{audit.number}.xlsx" if part == "xlsx" else f"{audit.number}-{part}.csv"


# --- results -------------------------------------------------------------------------------


def _stamp(moment, zone=None) -> str:
    """``2026-12-07 15:40`` in the current time zone (``zone``, when a caller has it)."""
    if not moment:
        return ""
    return moment.astimezone(zone or timezone.get_current_timezone()).isoformat(" ", "minutes")[:16]


def result_rows(audit: Audit, user: User) -> Iterator[list]:
    """The results the user sees, in catalog order, as rows under ``RESULT_COLUMNS``; read as
    plain values in one query (a whole catalog is a thousand rows and more)."""
    rows = selectors.results_of(user=user, audit=audit).values_list(
        "system__code",
        "control__label",
        "status",
        "note",
        "claimed",
        "claim_note",
        "control__title",
        "previous_status",
        "updated_at",
        "version",
    )
    zone = timezone.get_current_timezone()
    for *values, updated_at, version in rows.iterator(chunk_size=2000):
        yield [*values, _stamp(updated_at, zone), version]


def results_csv_chunks(audit: Audit, user: User, *, bom: bool = True) -> Iterator[str]:
    """The results sheet as CSV, streamed; it imports back unchanged."""
    return csv_chunks(RESULT_COLUMNS, result_rows(audit, user), bom=bom)


# --- findings and corrective actions -------------------------------------------------------


def _label(model, name: str) -> str:
    return capfirst(str(model._meta.get_field(name).verbose_name))


def _finding_header() -> list[str]:
    names = ("title", "severity", "grade", "status", "controls", "systems", "risk")
    return [
        _("Finding"),
        *(_label(Finding, name) for name in names),
        _label(Finding, "root_cause"),
        _label(Finding, "recommendation"),
        _("Corrective actions"),
        _label(Finding, "created_at"),
        _label(Finding, "updated_at"),
        _label(Finding, "version"),
    ]


def finding_rows(audit: Audit, user: User) -> Iterator[list]:
    """The findings the user sees, by number, in the reader's language."""
    for finding in selectors.findings_of(user=user, audit=audit):
        yield [
            finding.label,
            finding.title,
            finding.get_severity_display(),
            finding.get_grade_display(),
            finding.get_status_display(),
            ", ".join(sorted(c.label for c in finding.controls.all())),
            ", ".join(sorted(s.code for s in finding.systems.all())),
            finding.risk,
            finding.root_cause,
            finding.recommendation,
            len(finding.actions.all()),
            _stamp(finding.created_at),
            _stamp(finding.updated_at),
            finding.version,
        ]


def _action_header() -> list[str]:
    names = ("title", "description", "owner", "owner_contact", "due_date", "status")
    return [
        _("Finding"),
        *(_label(CorrectiveAction, name) for name in names),
        _label(CorrectiveAction, "completed_on"),
        _label(CorrectiveAction, "verified_by"),
        _label(CorrectiveAction, "verified_on"),
        _label(CorrectiveAction, "verification_note"),
        _("Milestones"),
        _label(CorrectiveAction, "updated_at"),
        _label(CorrectiveAction, "version"),
    ]


def action_rows(audit: Audit, user: User) -> Iterator[list]:
    """The corrective actions the user sees, by finding and due date, in the reader's
    language; dates stay dates (an XLSX cell a filter and a sort understand)."""
    actions = selectors.actions_of(user=user, audit=audit).order_by(
        "finding__number", "due_date", "pk"
    )
    for action in actions:
        yield [
            action.finding.label,
            action.title,
            action.description,
            str(action.owner),
            action.owner_contact,
            action.due_date,
            action.get_status_display(),
            action.completed_on,
            str(action.verified_by) if action.verified_by else "",
            action.verified_on,
            action.verification_note,
            "\n".join(_milestone(m) for m in action.milestones.all()),
            _stamp(action.updated_at),
            action.version,
        ]


def _milestone(milestone) -> str:
    done = (
        _("done on %(day)s") % {"day": milestone.done_on.isoformat()}
        if milestone.done_on
        else _("due %(day)s") % {"day": milestone.due_date.isoformat()}
    )
    return f"{milestone.title} ({done})"


def findings_csv_chunks(
    audit: Audit, user: User, *, language: str, bom: bool = True
) -> Iterator[str]:
    """The findings as CSV in ``language``, streamed (rows are made as the file is written,
    each chunk in ``language``)."""
    with translation.override(language):
        header = _finding_header()
    return _in_language(language, csv_chunks(header, finding_rows(audit, user), bom=bom))


def actions_csv_chunks(
    audit: Audit, user: User, *, language: str, bom: bool = True
) -> Iterator[str]:
    """The corrective actions as CSV in ``language``, streamed."""
    with translation.override(language):
        header = _action_header()
    return _in_language(language, csv_chunks(header, action_rows(audit, user), bom=bom))


def _in_language(language: str, chunks: Iterator[str]) -> Iterator[str]:
    """``chunks`` made with ``language`` active, however late they are asked for (a streamed
    response reads them after the view has returned)."""
    while True:
        with translation.override(language):
            chunk = next(chunks, None)
        if chunk is None:
            return
        yield chunk


# --- the workbook --------------------------------------------------------------------------


def _legend_rows() -> list[list[str]]:
    """What each results column and status value means, in the reader's language."""
    meanings = {
        "system": _("System id."),
        "control": _("Control id as published."),
        "status": _("The auditors' result (auditors only)."),
        "note": _("The auditors' note (auditors only)."),
        "claimed": _("The audited organization's self-assessment (the audited organization only)."),
        "claim_note": _("The self-assessment note (the audited organization only)."),
        "control_title": _("Control title (read only)."),
        "previous_status": _("The last cycle's result (read only)."),
        "updated_at": _("Last updated (read only)."),
        "version": _("Version of the result when the file was written (read only)."),
    }
    rows = [[column, meanings[column]] for column in RESULT_COLUMNS]
    rows.append(["", ""])
    rows.append(
        [
            "",
            _(
                "Status values (status, claimed, previous_status). An empty cell leaves the "
                "value as it is; only the sheet %(sheet)s is imported."
            )
            % {"sheet": str(RESULTS_SHEET)},
        ]
    )
    rows.extend([value, str(label)] for value, label in ResultStatus.choices)
    return rows


def audit_xlsx_bytes(audit: Audit, user: User, language: str) -> bytes:
    """The workbook: results (which the results import reads back), findings, corrective
    actions, and what the results columns mean; in ``language``."""
    with translation.override(language):
        return xlsx_bytes(
            [
                Sheet(
                    str(RESULTS_SHEET),
                    RESULT_COLUMNS,
                    result_rows(audit, user),
                    freeze_header=True,
                    filter_header=True,
                    widths=RESULT_WIDTHS,
                ),
                Sheet(
                    _("Findings"),
                    _finding_header(),
                    finding_rows(audit, user),
                    freeze_header=True,
                    filter_header=True,
                    widths=(9, 40, 10, 14, 10, 20, 16, 50, 40, 40, 10, 17, 17, 9),
                ),
                Sheet(
                    _("Corrective actions"),
                    _action_header(),
                    action_rows(audit, user),
                    freeze_header=True,
                    filter_header=True,
                    widths=(9, 40, 40, 24, 20, 12, 16, 12, 20, 12, 40, 40, 17, 9),
                ),
                Sheet(
                    str(LEGEND_SHEET),
                    [pgettext("workbook column", "Column or value"), _("Meaning")],
                    _legend_rows(),
                    freeze_header=True,
                    widths=(18, 90),
                ),
            ]
        )
