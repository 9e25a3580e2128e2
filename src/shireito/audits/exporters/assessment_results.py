"""The audit as an OSCAL assessment-results document."""

from __future__ import annotations

from collections import defaultdict

from shireito.audits.choices import ResultStatus
from shireito.audits.exporters.common import (
    NS,
    RESULT_STATUS_TO_OSCAL,
    _Audit,
    _english_labels,
    _evidence_by_result,
    _line,
    _moment,
    _props,
    _stamp,
    _uuid,
    _with,
)
from shireito.audits.models import Audit, ControlResult, Finding


def export_assessment_results(audit: Audit) -> dict:
    """The audit as an OSCAL assessment-results document (JSON-ready dict): one result for the
    audit period, one OSCAL finding and one observation per control result, and our findings
    with their risks."""
    data = _Audit(audit)
    audit = data.audit
    results = _results_to_export(audit)
    data.add_catalogs({result.control.catalog_id for result in results})
    rows = _ResultRows(data)
    for result in results:
        rows.add(result)
    risks = []
    for our in data.findings:
        rows.findings.append(data.audit_finding(our, rows.observations_of(our)))
        risks.append(data.risk(our))
    number = audit.number
    document = {
        "uuid": _uuid(number, "assessment-results"),
        "metadata": data.metadata(f"{number} {audit.title}"),
        # We keep no OSCAL assessment plan, but import-ap is required. A bare "#" would point
        # nowhere; OSCAL lets href be a fragment naming a back-matter resource, so it names a
        # resource describing the audit as planned (its method and period).
        "import-ap": {
            "href": f"#{data.plan_uuid}",
            "remarks": "No OSCAL assessment plan exists; the back-matter resource describes "
            "the audit as planned.",
        },
        "results": [_result_element(data, rows, risks)],
        "back-matter": data.back_matter(),
    }
    return {"assessment-results": document}


def _results_to_export(audit: Audit) -> list[ControlResult]:
    # only what the documents carry: a control's prose and parameters would be read thousands
    # of times over for nothing
    return list(
        ControlResult.objects.filter(audit=audit)
        .select_related("system", "control")
        .only(
            *("status", "claimed", "note", "claim_note", "previous_status", "updated_at"),
            *("system__code", "control__oscal_id", "control__label", "control__title"),
            *("control__catalog", "control__position"),
        )
        .order_by("system__code", "position", "id")
    )


class _ResultRows:
    """The observations and OSCAL findings made from the control results, one of each per
    result, and what our own findings need to point back at them."""

    def __init__(self, data: _Audit):
        self.data = data
        self.origin = data.origin()
        self.components = {item.system_id: _uuid("system", item.system.code) for item in data.scope}
        self.evidence = _evidence_by_result(data.audit)
        self.status_labels = _english_labels(ResultStatus)
        self.catalog_keys = {pk: catalog.key for pk, catalog in data.catalogs.items()}
        # our findings that cover a control on a system (no systems named: every system)
        self.risks_by_control: dict[int, list[tuple[set[int], str]]] = defaultdict(list)
        for finding in data.findings:
            systems = {s.pk for s in finding.systems.all()}
            for control in finding.controls.all():
                self.risks_by_control[control.pk].append((systems, data.risk_uuid[finding.pk]))
        self.observations: list[dict] = []
        self.findings: list[dict] = []
        self.observations_by_control: dict[int, list[tuple[int, str]]] = defaultdict(list)
        self.reviewed: dict[int, dict[str, None]] = defaultdict(dict)

    def add(self, result: ControlResult) -> None:
        system, control = result.system, result.control
        key = (
            self.data.audit.number,
            "result",
            system.code,
            self.catalog_keys[control.catalog_id],
            control.oscal_id,
        )
        observation_uuid = _uuid(*key, "observation")
        self.observations_by_control[control.pk].append((system.pk, observation_uuid))
        self.reviewed[control.catalog_id][control.oscal_id] = None
        self.observations.append(self._observation(result, observation_uuid))
        self.findings.append(self._finding(result, _uuid(*key), observation_uuid))

    def _observation(self, result: ControlResult, observation_uuid: str) -> dict:
        system = result.system
        files = self.evidence.get(result.pk, [])
        observation = {
            "uuid": observation_uuid,
            "title": _line(f"{result.control.label} {system.code}"),
            "description": result.note or self.status_labels[result.status],
            "props": _props(
                ("result", result.status),
                ("claimed", result.claimed),
                ("previous-result", result.previous_status),
            ),
            # the auditor examined evidence when there is some; otherwise we do not know how
            "methods": ["EXAMINE"] if files else ["UNKNOWN"],
            "types": ["control-objective"],
            "origins": [self.origin],
            "collected": _stamp(result.updated_at or self.data.audit.updated_at),
        }
        if system.pk in self.components:
            observation["subjects"] = [
                {"subject-uuid": self.components[system.pk], "type": "component"}
            ]
        _with(observation, "relevant-evidence", files)
        if result.claim_note:
            observation["remarks"] = result.claim_note
        return observation

    def _finding(self, result: ControlResult, finding_uuid: str, observation_uuid: str) -> dict:
        system, control = result.system, result.control
        state, reason, implementation = RESULT_STATUS_TO_OSCAL[result.status]
        target = {
            "type": "objective-id",
            "target-id": control.oscal_id,
            "props": _props(("result", result.status)),
            "status": {"state": state, "reason": reason},
        }
        if implementation:
            target["implementation-status"] = {"state": implementation}
        risks = [
            {"risk-uuid": risk}
            for systems, risk in self.risks_by_control.get(control.pk, [])
            if not systems or system.pk in systems
        ]
        finding = {
            "uuid": finding_uuid,
            "title": _line(f"{control.label} {_line(control.title, '')} ({system.code})"),
            "description": result.note or self.status_labels[result.status],
            "props": _props(("system-id", system.code), ("control-label", control.label)),
            "origins": [self.origin],
            "target": target,
            "related-observations": [{"observation-uuid": observation_uuid}],
        }
        return _with(finding, "related-risks", risks)

    def observations_of(self, our: Finding) -> list[str]:
        """The observations one of our findings is about: its controls on its systems."""
        systems = {s.pk for s in our.systems.all()}
        return [
            observation_uuid
            for control in our.controls.all()
            for system_pk, observation_uuid in self.observations_by_control.get(control.pk, [])
            if not systems or system_pk in systems
        ]


def _result_element(data: _Audit, rows: _ResultRows, risks: list[dict]) -> dict:
    """The one OSCAL result: the audit period, what was reviewed, the conclusion."""
    audit = data.audit
    number = audit.number
    element: dict = {
        "uuid": _uuid(number, "result"),
        "title": _line(audit.title),
        "description": audit.method or _line(f"{number} {audit.title}"),
        "start": _moment(audit.period_start),
        "end": _moment(audit.period_end, end=True),
        "props": _props(("audit-status", audit.status)),
    }
    if data.components:
        element["local-definitions"] = {"components": data.components}
    element["reviewed-controls"] = {"control-selections": _control_selections(data, rows.reviewed)}
    if audit.conclusion:
        element["attestations"] = [
            {
                "responsible-parties": [
                    {"role-id": "auditor", "party-uuids": [data.party_uuid(audit.auditor)]}
                ],
                "parts": [{"name": "conclusion", "ns": NS, "prose": audit.conclusion}],
            }
        ]
    _with(element, "observations", rows.observations)
    _with(element, "risks", risks)
    _with(element, "findings", rows.findings)
    return element


def _control_selections(data: _Audit, reviewed: dict[int, dict[str, None]]) -> list[dict]:
    """The controls with results, one selection per catalog in reading order; before any
    result is recorded, the whole baseline as planned."""
    selections: list[dict] = []
    for catalog_id, ids in sorted(reviewed.items(), key=lambda pair: data.catalogs[pair[0]].key):
        catalog = data.catalogs[catalog_id]
        selections.append(
            {
                "description": _line(str(catalog), catalog.key),
                "links": [{"href": f"#{_uuid('catalog', catalog.key)}", "rel": "reference"}],
                "include-controls": [{"control-id": oscal_id} for oscal_id in ids],
            }
        )
    if not selections:
        baseline = data.audit.baseline
        selections.append(
            {
                "description": _line(str(baseline), baseline.key),
                "links": [{"href": f"#{_uuid('catalog', baseline.key)}", "rel": "reference"}],
                "include-all": {},
                "remarks": "No control results are recorded yet.",
            }
        )
    return selections
