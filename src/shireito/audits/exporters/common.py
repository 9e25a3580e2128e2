"""What both OSCAL exports share: identifiers, parties, components, catalogs, and the
audit's data read once."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections import defaultdict

from django.utils import timezone, translation

from shireito.audits.choices import ActionStatus, FindingStatus, NonconformityGrade, ResultStatus
from shireito.audits.models import Audit, CorrectiveAction, Evidence, Finding
from shireito.standards.exporters import OSCAL_VERSION
from shireito.standards.models import Catalog

NS = "https://shireito.example/ns/oscal"
_UUID_NAMESPACE = uuid.UUID("0b9c2f4e-7d1a-4e35-9f0c-3a6b8e2d5c71")

ROLES = {
    "auditor": "Auditor",
    "auditee": "Auditee",
    "entrusting-body": "Entrusting body",
    "system-owner": "System owner",
    "action-owner": "Corrective action owner",
}

# Our five-valued result in OSCAL's two-valued objective status. OSCAL (1.1.x) requires a
# state on every finding target: "satisfied" or "not-satisfied", with an optional reason
# "pass", "fail" or "other" (neither a pass nor a fail). The implementation status, where our
# value says something about it, uses OSCAL's own words (implemented, partial, not-applicable).
#  - partially: part of the control is missing, so the objective is not met (a fail).
#  - not_applicable: nothing is required of the system, so no weakness is reported; "other"
#    says it was not a pass either, and implementation-status says why.
#  - not_assessed: no assurance was obtained, so it cannot be reported as met; conservatively
#    not-satisfied, but "other" says nothing failed.
# Consumers that need our exact value read the "result" property in NS.
RESULT_STATUS_TO_OSCAL: dict[str, tuple[str, str, str | None]] = {
    ResultStatus.SATISFIED: ("satisfied", "pass", "implemented"),
    ResultStatus.PARTIALLY: ("not-satisfied", "fail", "partial"),
    ResultStatus.NOT_SATISFIED: ("not-satisfied", "fail", None),
    ResultStatus.NOT_APPLICABLE: ("satisfied", "other", "not-applicable"),
    ResultStatus.NOT_ASSESSED: ("not-satisfied", "other", None),
}

# A remediation's lifecycle: done (even if not yet verified) is "completed"; the rest "planned".
_ACTION_LIFECYCLE: dict[str, str] = {
    ActionStatus.PLANNED: "planned",
    ActionStatus.IN_PROGRESS: "planned",
    ActionStatus.AWAITING_VERIFICATION: "completed",
    ActionStatus.CLOSED: "completed",
}

_SYSTEM_STATE = {
    "planning": "under-development",
    "procurement": "under-development",
    "development": "under-development",
    "operation": "operational",
    "renewal": "operational",
    "retired": "disposition",
}


class EmptyPlanError(ValueError):
    """An OSCAL POA&M needs at least one item; an audit without corrective actions has none."""


def _uuid(*parts: object) -> str:
    return str(uuid.uuid5(_UUID_NAMESPACE, "/".join(str(part) for part in parts)))


def _line(text: str, fallback: str = "-") -> str:
    """A single-line OSCAL title or name: OSCAL refuses line breaks and empty titles there."""
    return re.sub(r"\s+", " ", text or "").strip() or fallback


def _prop(name: str, value: object) -> dict | None:
    text = _line(str(value), "") if value is not None else ""
    return {"name": name, "ns": NS, "value": text} if text else None


def _props(*pairs: tuple[str, object]) -> list[dict]:
    return [prop for prop in (_prop(name, value) for name, value in pairs) if prop]


def _with(element: dict, key: str, values: list | None) -> dict:
    """Set a list only when it has members: OSCAL arrays must not be empty."""
    if values:
        element[key] = values
    return element


def _moment(day: dt.date, *, end: bool = False) -> str:
    """A date as the start (or last second) of that day where we work, with its offset."""
    at = dt.time(23, 59, 59) if end else dt.time.min
    return dt.datetime.combine(day, at, tzinfo=timezone.get_default_timezone()).isoformat()


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()


def _english_labels(choices) -> dict[str, str]:
    """Generated prose in English, whatever the request's language, so exports are stable."""
    with translation.override("en"):
        return {value: str(label) for value, label in choices.choices}


def _party(organization) -> dict:
    party = {
        "uuid": _uuid("organization", organization.code),
        "type": "organization",
        "name": _line(organization.name),
        "short-name": organization.code,
    }
    return _with(party, "props", _props(("name-en", organization.name_en)))


def _component(item) -> dict:
    """A system in scope as an OSCAL component, with the baseline it is held to."""
    system = item.system
    component = {
        "uuid": _uuid("system", system.code),
        "type": "this-system",
        "title": _line(system.name, system.code),
        "description": system.name_en or system.name or system.code,
        "props": _props(
            ("system-id", system.code),
            ("name-en", system.name_en),
            ("category", system.category),
            ("baseline", item.baseline.key),
        ),
        "status": {"state": _SYSTEM_STATE.get(system.phase, "other")},
        "responsible-roles": [
            {"role-id": "system-owner", "party-uuids": [_uuid("organization", system.owner.code)]}
        ],
    }
    return component


def _catalog_resource(catalog: Catalog) -> dict:
    resource = {
        "uuid": _uuid("catalog", catalog.key),
        "title": _line(str(catalog), catalog.key),
        "props": _props(
            ("catalog-key", catalog.key),
            ("edition", catalog.edition),
            ("catalog-uuid", catalog.oscal_uuid),
        ),
    }
    return resource


class _Audit:
    """Everything the two documents need, read once."""

    def __init__(self, audit: Audit) -> None:
        self.audit = (
            Audit.objects.select_related("auditor", "auditee", "entrusting", "baseline")
            .filter(pk=audit.pk)
            .get()
        )
        self.scope = list(
            self.audit.scope_items.select_related("system__owner", "baseline").order_by(
                "system__code"
            )
        )
        self.findings = list(
            Finding.objects.filter(audit=self.audit)
            .prefetch_related(
                "controls",
                "systems",
                "actions__owner",
                "actions__milestones",
            )
            .order_by("number")
        )
        number = self.audit.number
        self.finding_uuid = {f.pk: _uuid(number, "finding", f.number) for f in self.findings}
        self.risk_uuid = {f.pk: _uuid(number, "risk", f.number) for f in self.findings}
        self.components = [_component(item) for item in self.scope]
        self.catalogs = {self.audit.baseline.pk: self.audit.baseline}
        for item in self.scope:
            self.catalogs.setdefault(item.baseline.pk, item.baseline)
        self.plan_uuid = _uuid(number, "audit-plan")
        self.action_owners = [a.owner for f in self.findings for a in f.actions.all()]

    def add_catalogs(self, ids: set[int]) -> None:
        """Catalogs the results draw controls from beyond the baselines, read in one query."""
        missing = ids - set(self.catalogs)
        for catalog in Catalog.objects.filter(pk__in=missing):
            self.catalogs[catalog.pk] = catalog

    def roles(self) -> list[str]:
        """The roles the document refers to, and only those."""
        roles = ["auditor", "auditee"]
        if self.audit.entrusting_id:
            roles.append("entrusting-body")
        roles.append("system-owner")
        if self.action_owners:
            roles.append("action-owner")
        return roles

    def organizations(self) -> list:
        found: dict = {}
        for organization in [
            self.audit.auditor,
            self.audit.auditee,
            self.audit.entrusting,
            *(item.system.owner for item in self.scope),
            *self.action_owners,
        ]:
            if organization is not None:
                found.setdefault(organization.pk, organization)
        return sorted(found.values(), key=lambda o: o.code)

    def party_uuid(self, organization) -> str:
        return _uuid("organization", organization.code)

    def metadata(self, title: str) -> dict:
        audit = self.audit
        responsible = [
            ("auditor", [audit.auditor]),
            ("auditee", [audit.auditee]),
            ("entrusting-body", [audit.entrusting] if audit.entrusting else []),
        ]
        return {
            "title": _line(title),
            "last-modified": _stamp(timezone.now()),
            # the document is a draft until the audit is closed; the status says which draft
            "version": audit.status,
            "oscal-version": OSCAL_VERSION,
            "props": _props(
                ("audit-number", audit.number),
                ("audit-kind", audit.kind),
                ("fiscal-year", audit.fiscal_year),
                ("mandate", audit.mandate_key),
                ("mandate-rule", audit.mandate_rule),
            ),
            "roles": [{"id": role, "title": ROLES[role]} for role in self.roles()],
            "parties": [_party(o) for o in self.organizations()],
            "responsible-parties": [
                {"role-id": role, "party-uuids": [self.party_uuid(o) for o in orgs]}
                for role, orgs in responsible
                if orgs
            ],
        }

    def origin(self) -> dict:
        return {
            "actors": [
                {
                    "type": "party",
                    "actor-uuid": self.party_uuid(self.audit.auditor),
                    "role-id": "auditor",
                }
            ]
        }

    def back_matter(self) -> dict:
        audit = self.audit
        plan = {
            "uuid": self.plan_uuid,
            "title": _line(f"{audit.number} {audit.title}"),
            "description": audit.method
            or "The audit as planned in Shireitō; no OSCAL assessment plan was written.",
            "props": _props(
                ("period-start", audit.period_start.isoformat()),
                ("period-end", audit.period_end.isoformat()),
            ),
        }
        catalogs = sorted(self.catalogs.values(), key=lambda c: c.key)
        return {"resources": [plan, *(_catalog_resource(c) for c in catalogs)]}

    def risk(self, finding: Finding) -> dict:
        """Our finding's risk statement as an OSCAL risk; the auditor's recommendation and the
        corrective actions answering it as its remediations (recommended, planned, done)."""
        number = self.audit.number
        remediations = []
        if finding.recommendation:
            remediations.append(
                {
                    "uuid": _uuid(number, "recommendation", finding.number),
                    "lifecycle": "recommendation",
                    "title": _line(f"{finding.label} recommendation"),
                    "description": finding.recommendation,
                    "origins": [self.origin()],
                }
            )
        actions = list(finding.actions.all())
        for action in actions:
            remediations.append(self.remediation(action))
        risk = {
            "uuid": self.risk_uuid[finding.pk],
            "title": _line(f"{finding.label} {finding.title}"),
            "description": finding.root_cause or finding.risk,
            "statement": finding.risk,
            "props": _props(("severity", finding.severity), ("finding-status", finding.status)),
            "status": "closed" if finding.status == FindingStatus.CLOSED else "open",
            "origins": [self.origin()],
        }
        open_due = [a.due_date for a in actions if a.status != ActionStatus.CLOSED]
        if open_due and finding.status != FindingStatus.CLOSED:
            risk["deadline"] = _moment(max(open_due), end=True)
        return _with(risk, "remediations", remediations)

    def remediation(self, action: CorrectiveAction) -> dict:
        """One corrective action as a risk response; its milestones as milestone tasks."""
        owner = self.party_uuid(action.owner)
        tasks = [
            _with(
                {
                    "uuid": _uuid(self.audit.number, "milestone", milestone.pk),
                    "type": "milestone",
                    "title": _line(milestone.title),
                    "timing": {"on-date": {"date": _moment(milestone.due_date)}},
                    "responsible-roles": [{"role-id": "action-owner", "party-uuids": [owner]}],
                },
                "props",
                _props(("done-on", milestone.done_on and milestone.done_on.isoformat())),
            )
            for milestone in action.milestones.all()
        ]
        response = {
            "uuid": _uuid(self.audit.number, "action", action.pk),
            "lifecycle": _ACTION_LIFECYCLE[action.status],
            "title": _line(action.title),
            "description": action.description or action.title,
            "props": self.action_props(action),
            # the origin of a planned response is whoever owns the plan
            "origins": [
                {"actors": [{"type": "party", "actor-uuid": owner, "role-id": "action-owner"}]}
            ],
        }
        return _with(response, "tasks", tasks)

    def action_props(self, action: CorrectiveAction) -> list[dict]:
        return _props(
            ("action-status", action.status),
            ("due-date", action.due_date.isoformat()),
            ("owner", action.owner.code),
            ("owner-contact", action.owner_contact),
            ("completed-on", action.completed_on and action.completed_on.isoformat()),
            ("verified-on", action.verified_on and action.verified_on.isoformat()),
        )

    def audit_finding(self, finding: Finding, observations: list[str] | None = None) -> dict:
        """Our finding as an OSCAL finding. OSCAL gives a finding one target: the first of its
        controls (the others follow as ``control-id`` properties); a finding about no control
        targets a local id naming the finding itself."""
        controls = sorted(finding.controls.all(), key=lambda c: (c.catalog_id, c.position))
        # an observation-grade finding is an opportunity to improve, not a nonconformity
        failed = finding.grade != NonconformityGrade.OBSERVATION
        target: dict = {
            "type": "objective-id",
            "target-id": controls[0].oscal_id if controls else f"finding-{finding.number}",
            "status": {
                "state": "not-satisfied" if failed else "satisfied",
                "reason": "fail" if failed else "other",
            },
        }
        if not controls:
            target["remarks"] = "This finding is not tied to a control of the baseline."
        props = _props(
            ("finding-number", finding.label),
            ("severity", finding.severity),
            ("grade", finding.grade),
            ("finding-status", finding.status),
            *(("control-id", c.oscal_id) for c in controls[1:]),
            *(("system-id", s.code) for s in sorted(finding.systems.all(), key=lambda s: s.code)),
        )
        element = {
            "uuid": self.finding_uuid[finding.pk],
            "title": _line(f"{finding.label} {finding.title}"),
            "description": finding.root_cause or finding.risk,
            "props": props,
            "origins": [self.origin()],
            "target": target,
        }
        _with(
            element, "related-observations", [{"observation-uuid": o} for o in observations or []]
        )
        element["related-risks"] = [{"risk-uuid": self.risk_uuid[finding.pk]}]
        if finding.recommendation:
            element["remarks"] = finding.recommendation
        return element


def _evidence_by_result(audit: Audit) -> dict[int, list[dict]]:
    found: dict[int, list[dict]] = defaultdict(list)
    for evidence in (
        Evidence.objects.filter(audit=audit, result__isnull=False)
        .prefetch_related("revisions")
        .order_by("title", "id")
    ):
        latest = max(evidence.revisions.all(), key=lambda r: r.number, default=None)
        props = []
        if latest is not None:
            props = _props(
                ("file-name", latest.filename),
                ("sha256", latest.sha256),
                ("revision", latest.number),
                ("effective-date", latest.effective_date.isoformat()),
            )
        if evidence.result_id is None:  # only evidence of a result is selected above
            continue
        found[evidence.result_id].append(_with({"description": evidence.title}, "props", props))
    return found
