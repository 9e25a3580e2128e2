"""The audit pages, one module per entity: the engagement (audits), the annual plan, the
report, and the work inside an audit (results, findings, corrective actions, evidence).

Every page looks the audit up through the scoped selectors (a user who is no party gets 404)
and hands each write to one service call; the services decide who may do what, the pages only
offer what ``permissions`` says the user may do and show the services' refusals as errors.
"""

from shireito.audits.views.actions import action_create, action_detail
from shireito.audits.views.audits import (
    audit_advance,
    audit_create,
    audit_detail,
    audit_edit,
    audit_list,
    audit_next_cycle,
    audit_widen,
    stage_update,
)
from shireito.audits.views.evidence import evidence_detail, evidence_download, evidence_list
from shireito.audits.views.findings import (
    finding_create,
    finding_detail,
    finding_edit,
    finding_follow_up,
)
from shireito.audits.views.lists import action_list, finding_list
from shireito.audits.views.plan import audit_plan
from shireito.audits.views.reports import (
    audit_actions_csv,
    audit_bundle,
    audit_findings_csv,
    audit_oscal_ar,
    audit_oscal_poam,
    audit_report,
    audit_report_pdf,
    audit_results_csv,
    audit_workbook,
)
from shireito.audits.views.result_row import result_row
from shireito.audits.views.results import results_entry, results_import

__all__ = [
    "action_create",
    "action_detail",
    "action_list",
    "audit_actions_csv",
    "audit_advance",
    "audit_bundle",
    "audit_create",
    "audit_detail",
    "audit_edit",
    "audit_findings_csv",
    "audit_list",
    "audit_next_cycle",
    "audit_oscal_ar",
    "audit_oscal_poam",
    "audit_plan",
    "audit_report",
    "audit_report_pdf",
    "audit_results_csv",
    "audit_widen",
    "audit_workbook",
    "evidence_detail",
    "evidence_download",
    "evidence_list",
    "finding_create",
    "finding_detail",
    "finding_edit",
    "finding_follow_up",
    "finding_list",
    "result_row",
    "results_entry",
    "results_import",
    "stage_update",
]
