"""The audit's corrective actions as an OSCAL plan of action and milestones."""

from __future__ import annotations

from shireito.audits.exporters.common import (
    NS,
    EmptyPlanError,
    _Audit,
    _line,
    _props,
    _uuid,
)
from shireito.audits.models import Audit


def export_poam(audit: Audit) -> dict:
    """The audit's corrective actions as an OSCAL plan-of-action-and-milestones document
    (JSON-ready dict): one POA&M item per corrective action, pointing at the finding and the
    risk it answers; milestones are milestone tasks of the action's remediation.

    Raises ``EmptyPlanError`` when the audit has no corrective action, since an OSCAL POA&M
    must hold at least one item."""
    data = _Audit(audit)
    audit = data.audit
    number = audit.number
    answered = [f for f in data.findings if f.actions.all()]
    if not answered:
        raise EmptyPlanError(f"Audit {number} has no corrective actions to plan.")

    items = []
    for finding in answered:
        for action in finding.actions.all():
            items.append(
                {
                    "uuid": _uuid(number, "poam-item", action.pk),
                    "title": _line(action.title),
                    "description": action.description or action.title,
                    "props": _props(("finding-number", finding.label)) + data.action_props(action),
                    "related-findings": [{"finding-uuid": data.finding_uuid[finding.pk]}],
                    "related-risks": [{"risk-uuid": data.risk_uuid[finding.pk]}],
                }
            )
    document: dict = {
        "uuid": _uuid(number, "poam"),
        "metadata": data.metadata(f"{number} {audit.title}: plan of action and milestones"),
    }
    # No OSCAL SSP exists for our systems, so instead of an import-ssp pointing nowhere the
    # POA&M names its system by our system id and defines the systems in local-definitions,
    # which OSCAL provides for POA&Ms delivered without an SSP. With several systems in scope
    # the first (by id) names the plan; all of them are components.
    if data.scope:
        document["system-id"] = {"identifier-type": NS, "id": data.scope[0].system.code}
        document["local-definitions"] = {"components": data.components}
    document["risks"] = [data.risk(finding) for finding in answered]
    document["findings"] = [data.audit_finding(finding) for finding in answered]
    document["poam-items"] = items
    document["back-matter"] = data.back_matter()
    return {"plan-of-action-and-milestones": document}
