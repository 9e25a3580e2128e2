"""OSCAL JSON export of an audit: its assessment results (one OSCAL finding per control result,
and our own findings with their risks) and its plan of action and milestones (POA&M).

Documents are plain dicts built from a handful of queries, never one per row: an audit holds up
to some thousand results per system. Every UUID is a version-5 UUID derived from stable keys
(audit number, system code, control id, finding number), so exporting the same audit twice gives
the same document except for ``last-modified``, and the same finding, party or component keeps
its UUID from the assessment results to the POA&M, as OSCAL asks of per-subject identifiers.

Our own vocabulary (the five-valued result, severity, grade, statuses) travels as properties in
``NS``, beside the nearest OSCAL value, so nothing is lost when OSCAL's words are coarser.
"""

from shireito.audits.exporters.assessment_results import export_assessment_results
from shireito.audits.exporters.common import NS, RESULT_STATUS_TO_OSCAL, ROLES, EmptyPlanError
from shireito.audits.exporters.poam import export_poam

__all__ = [
    "NS",
    "RESULT_STATUS_TO_OSCAL",
    "ROLES",
    "EmptyPlanError",
    "export_assessment_results",
    "export_poam",
]
