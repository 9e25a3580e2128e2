"""Writes to incident reports. Pages, the API, STIX intake, the command line and the demo all
go through these, so the route rules, the regimes' clocks, the notices and the audit trail hold
everywhere.

A report is the reporter's alone while it is a draft. Submitting fixes its route from the
governance model (the reporter picks among the alternatives the model allows) and the regimes
that apply. Each hop then receives it, acknowledges it, may ask questions or add assessments,
and forwards it; the last hop (the national centre) closes it. Every step is a timeline entry
and an audit-trail event, in one transaction.

One module per entity (``report``, ``route``, ``filings``, ``regimes``, ``publication``); the
names are re-exported here so callers write ``services.report_submit(...)``.
"""

from shireito.incidents.permissions import (
    HANDLER_ROLES,
    REPORTER_ROLES,
    may_handle,
    may_publish,
    may_report_for,
)
from shireito.incidents.services.filings import (
    missing_for_stage,
    notice_mark_read,
    overdue_notify,
    stage_file,
)
from shireito.incidents.services.indicators import HASH_LENGTHS, indicator_problem
from shireito.incidents.services.publication import report_publish
from shireito.incidents.services.regimes import regime_stage_update, regime_update
from shireito.incidents.services.report import (
    EARLIEST_YEAR,
    REPORT_FIELDS,
    fiscal_year_of,
    report_check,
    report_create,
    report_submit,
    report_update,
)
from shireito.incidents.services.route import (
    hop_acknowledge,
    hop_comment,
    hop_forward,
    report_close,
    report_reply,
)

__all__ = [
    "EARLIEST_YEAR",
    "HANDLER_ROLES",
    "HASH_LENGTHS",
    "REPORTER_ROLES",
    "REPORT_FIELDS",
    "fiscal_year_of",
    "hop_acknowledge",
    "hop_comment",
    "hop_forward",
    "indicator_problem",
    "may_handle",
    "may_publish",
    "may_report_for",
    "missing_for_stage",
    "notice_mark_read",
    "overdue_notify",
    "regime_stage_update",
    "regime_update",
    "report_check",
    "report_close",
    "report_create",
    "report_publish",
    "report_reply",
    "report_submit",
    "report_update",
    "stage_file",
]
