"""Writes to audits. Every channel (pages, API, command line, demo) goes through these, so the
mandate check, the stage rules and the audit trail hold everywhere.

One module per entity, as Zulip's ``zerver/actions/``: planning (new audits, scope, next
cycle, cycle rules), lifecycle (fields, status, stages), results, findings, corrective
actions; mandates beside them. Callers keep ``from shireito.audits import services``.
"""

from shireito.audits.permissions import may_lead
from shireito.audits.services.actions import (
    ACTION_FIELDS,
    action_create,
    action_update,
    action_verify,
    milestone_add,
    milestone_done,
)
from shireito.audits.services.findings import (
    FINDING_FIELDS,
    finding_create,
    finding_raise_recommendation,
    finding_update,
)
from shireito.audits.services.lifecycle import (
    AUDIT_EDITABLE,
    audit_advance,
    audit_update,
    require_open,
    stage_update,
)
from shireito.audits.services.mandates import MandateFinding, ScopeEntry, check_mandate
from shireito.audits.services.planning import (
    FIRST_YEAR,
    LAST_YEAR,
    audit_check,
    audit_create,
    audit_next_cycle,
    audit_widen,
    check_period,
    cycle_rule_set,
    default_stage_dues,
)
from shireito.audits.services.results import (
    CLAIM_FIELDS,
    NOTE_LIMIT,
    RESULT_FIELDS,
    result_record,
    results_record,
)
from shireito.core.problems import ProblemsError

__all__ = [
    "ACTION_FIELDS",
    "AUDIT_EDITABLE",
    "CLAIM_FIELDS",
    "FINDING_FIELDS",
    "FIRST_YEAR",
    "LAST_YEAR",
    "NOTE_LIMIT",
    "RESULT_FIELDS",
    "MandateFinding",
    "ProblemsError",
    "ScopeEntry",
    "action_create",
    "action_update",
    "action_verify",
    "audit_advance",
    "audit_check",
    "audit_create",
    "audit_next_cycle",
    "audit_update",
    "audit_widen",
    "check_mandate",
    "check_period",
    "cycle_rule_set",
    "default_stage_dues",
    "finding_create",
    "finding_raise_recommendation",
    "finding_update",
    "may_lead",
    "milestone_add",
    "milestone_done",
    "require_open",
    "result_record",
    "results_record",
    "stage_update",
]
