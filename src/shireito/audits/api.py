"""Audits over the API: the engagement, its control results (read and written in bulk, or
imported from a file), findings, corrective actions, evidence and the exports. Every read goes
through the audit selectors, so a user who is no party to an audit gets 404 for all of it."""

import json

from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import FileResponse, Http404, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from shireito.accounts.selectors import user_get
from shireito.audits import evidence as evidence_service
from shireito.audits import importers, selectors, services
from shireito.audits.choices import ResultStatus
from shireito.audits.models import Audit
from shireito.audits.schemas import (
    ActionIn,
    ActionOut,
    ActionPatch,
    AuditDetailOut,
    AuditFilters,
    AuditIn,
    AuditOut,
    AuditPatch,
    AuditSummaryOut,
    ChangedOut,
    EvidenceIn,
    EvidenceOut,
    ExportFormat,
    FindingIn,
    FindingOut,
    FindingPatch,
    FollowUpIn,
    NextCycleIn,
    PlanOut,
    ResultFilters,
    ResultsImportIn,
    ResultsIn,
    ResultsPage,
    ScopeIn,
    StatusIn,
    VerifyIn,
)
from shireito.core.pagination import MAX_ID, Pagination, parse_id
from shireito.core.problems import Problem
from shireito.organizations.selectors import organization_get
from shireito.registry.selectors import current_fiscal_year, system_list
from shireito.standards.selectors import catalog_get

router = Router(tags=["audits"])

# The columns a result row answers with, read straight from the database: a whole catalog's
# results list in one query, with no model instances built.
RESULT_COLUMNS = {
    "system_code": F("system__code"),
    "control_label": F("control__label"),
    "control_oscal_id": F("control__oscal_id"),
    "control_title": F("control__title"),
}
RESULT_FIELDS = ("id", "status", "note", "claimed", "claim_note", "previous_status", "updated_at")


# --- lookups -------------------------------------------------------------------------------


def _id_or_404(value: int) -> int:
    if parse_id(value) is None:
        raise Http404
    return value


def _audit(request, number: str) -> Audit:
    audit = selectors.audit_get(user=request.auth, number=number)
    if audit is None:
        raise Http404
    return audit


def _with_scope(audits):
    return audits.select_related("previous").prefetch_related(
        "scope_items__system", "scope_items__baseline"
    )


def _audit_out(request, number: str) -> Audit:
    audit = _with_scope(
        selectors.audit_list(user=request.auth, self_assessment=None).filter(number=number)
    ).first()
    if audit is None:
        raise Http404
    return audit


def _organization(user, code: str | None, field: str):
    if not code:
        return None
    organization = organization_get(user=user, code=code)
    if organization is None:
        raise ValidationError({field: _("No organization has the code %s.") % code})
    return organization


def _systems(user, codes: list[str], field: str = "systems") -> list:
    found = {s.code: s for s in system_list(user=user).filter(code__in=codes)}
    missing = [code for code in codes if code not in found]
    if missing:
        raise ValidationError({field: _("Unknown system ids: %s") % ", ".join(missing)})
    return [found[code] for code in dict.fromkeys(codes)]


def _catalog(user, key: str, field: str = "baseline"):
    catalog = catalog_get(user=user, key=key)
    if catalog is None:
        raise ValidationError({field: _("No catalog has the key %s.") % key})
    return catalog


def _lead(user, username: str | None):
    if not username:
        return None
    lead = user_get(user=user, username=username)
    if lead is None:
        raise ValidationError({"lead": _("No user has the name %s.") % username})
    return lead


def _scope_systems(audit: Audit, codes: list[str]) -> list:
    in_scope = {item.system.code: item.system for item in selectors.scope_of(audit)}
    missing = [code for code in codes if code not in in_scope]
    if missing:
        raise ValidationError({"systems": _("Not in this audit's scope: %s") % ", ".join(missing)})
    return [in_scope[code] for code in dict.fromkeys(codes)]


def _scope_controls(user, audit: Audit, ids: list[str]) -> list:
    """Controls of the audit's baselines named by published id or OSCAL id."""
    controls, missing = selectors.baseline_controls(user=user, audit=audit, ids=ids)
    if missing:
        raise ValidationError(
            {"controls": _("Not controls of this audit's baselines: %s") % ", ".join(missing)}
        )
    return controls


def _finding(request, audit: Audit, number: int):
    finding = selectors.finding_get(user=request.auth, audit=audit, number=_id_or_404(number))
    if finding is None:
        raise Http404
    return finding


def _action(request, audit: Audit, action_id: int):
    action = (
        selectors.actions_of(user=request.auth, audit=audit)
        .filter(pk=_id_or_404(action_id))
        .first()
    )
    if action is None:
        raise Http404
    return action


# --- audits --------------------------------------------------------------------------------


@router.get(
    "/audits",
    response=list[AuditOut],
    operation_id="audits_list",
    summary="List the audits I am a party to (or, with self_assessment=true, self-assessments)",
)
@paginate(Pagination)
def audits_list(request, filters: Query[AuditFilters]):
    return _with_scope(
        selectors.audit_list(
            user=request.auth,
            self_assessment=filters.self_assessment,
            status=filters.status or "",
            kind=filters.kind or "",
            fiscal_year=filters.fiscal_year,
            search=filters.search.strip()[:200],
        )
    )


@router.post(
    "/audits",
    response={201: AuditDetailOut},
    operation_id="audits_create",
    summary=(
        "Plan an audit or a self-assessment; refused, naming the rule, unless a mandate lets "
        "the auditor audit every system"
    ),
)
def audits_create(request, payload: AuditIn):
    user = request.auth
    errors = {}
    auditee = organization_get(user=user, code=payload.auditee)
    if auditee is None:
        errors["auditee"] = _("No organization has the code %s.") % payload.auditee
    baseline = catalog_get(user=user, key=payload.baseline)
    if baseline is None:
        errors["baseline"] = _("No catalog has the key %s.") % payload.baseline
    if errors:
        raise ValidationError(errors)
    audit = services.audit_create(
        actor=user,
        kind=payload.kind,
        auditee=auditee,
        systems=_systems(user, payload.systems),
        baseline=baseline,
        selection=payload.selection,
        fiscal_year=payload.fiscal_year,
        period_start=payload.period_start,
        period_end=payload.period_end,
        title=payload.title,
        auditor=_organization(user, payload.auditor, "auditor"),
        lead=_lead(user, payload.lead),
        method=payload.method,
    )
    return Status(201, _audit_out(request, audit.number))


@router.get(
    "/audits/plan",
    response=PlanOut,
    operation_id="audits_plan",
    summary="The annual audit plan: organisations due an audit, those covered, and the gaps",
)
def audits_plan(request, fiscal_year: int | None = Query(None, ge=2000, le=2100)):
    year = fiscal_year or current_fiscal_year()
    entries = selectors.audit_plan(user=request.auth, fiscal_year=year)
    items = [
        {
            "organization": entry.organization.code,
            "name": entry.organization.name,
            "kind": entry.organization.kind,
            "interval_years": entry.interval_years,
            "last_year": entry.last_year,
            "due": entry.due,
            "covered": entry.covered,
            "gap": entry.gap,
            "audits": [audit.number for audit in entry.audits],
            "systems": entry.systems,
            "systems_covered": entry.systems_covered,
        }
        for entry in entries
    ]
    return {"fiscal_year": year, "items": items, "count": len(items)}


@router.get(
    "/audits/{number}",
    response=AuditDetailOut,
    operation_id="audits_get",
    summary="One audit, with its scope and stages",
)
def audits_get(request, number: str):
    return _audit_out(request, number)


@router.patch(
    "/audits/{number}",
    response=AuditDetailOut,
    operation_id="audits_update",
    summary="Change an audit's title, method, conclusion, period or lead (the auditors)",
)
def audits_update(request, number: str, payload: AuditPatch):
    audit = _audit(request, number)
    fields = payload.dict(exclude_unset=True)
    if "lead" in fields:
        fields["lead"] = _lead(request.auth, fields["lead"])
    for name in ("title", "method", "conclusion", "period_start", "period_end"):
        if name in fields and fields[name] is None:
            raise ValidationError({name: _("This field cannot be empty.")})
    start = fields.get("period_start", audit.period_start)
    if fields.get("period_end", audit.period_end) < start:
        raise ValidationError({"period_end": _("The period ends before it starts.")})
    services.audit_update(actor=request.auth, audit=audit, **fields)
    return _audit_out(request, number)


@router.post(
    "/audits/{number}/status",
    response=AuditDetailOut,
    operation_id="audits_advance",
    summary="Move an audit on (planned → fieldwork → reporting → closed) or back to fieldwork",
)
def audits_advance(request, number: str, payload: StatusIn):
    services.audit_advance(actor=request.auth, audit=_audit(request, number), status=payload.status)
    return _audit_out(request, number)


@router.post(
    "/audits/{number}/scope",
    response=AuditDetailOut,
    operation_id="audits_widen",
    summary="Add systems to an audit's scope, under the same mandate check as planning it",
)
def audits_widen(request, number: str, payload: ScopeIn):
    user = request.auth
    audit = _audit(request, number)
    baseline = _catalog(user, payload.baseline) if payload.baseline else None
    services.audit_widen(
        actor=user, audit=audit, systems=_systems(user, payload.systems), baseline=baseline
    )
    return _audit_out(request, number)


@router.post(
    "/audits/{number}/next-cycle",
    response={201: AuditDetailOut},
    operation_id="audits_next_cycle",
    summary="Start next year's cycle from this audit: same scope, results reset, last kept",
)
def audits_next_cycle(request, number: str, payload: NextCycleIn):
    following = services.audit_next_cycle(
        actor=request.auth, previous=_audit(request, number), fiscal_year=payload.fiscal_year
    )
    return Status(201, _audit_out(request, following.number))


# --- results -------------------------------------------------------------------------------


@router.get(
    "/audits/{number}/results",
    response=ResultsPage,
    operation_id="audit_results_list",
    summary="An audit's control results in catalog order (up to 5,000 a page)",
)
def audit_results_list(request, number: str, filters: Query[ResultFilters]):
    audit = _audit(request, number)
    results = selectors.results_of(
        user=request.auth,
        audit=audit,
        system=filters.system,
        status=filters.status or "",
        claimed=filters.claimed or "",
        search=filters.search.strip()[:200],
    )
    if filters.offset + filters.limit > MAX_ID:
        rows = []  # past any page there can be; the database refuses such an offset
    else:
        rows = results.values(*RESULT_FIELDS, **RESULT_COLUMNS)[
            filters.offset : filters.offset + filters.limit
        ]
    items = [
        {
            "id": row["id"],
            "system": row["system_code"],
            "control": row["control_label"],
            "control_id": row["control_oscal_id"],
            "title": row["control_title"],
            "status": row["status"],
            "note": row["note"],
            "claimed": row["claimed"],
            "claim_note": row["claim_note"],
            "previous_status": row["previous_status"],
            "updated_at": row["updated_at"],
        }
        for row in rows
    ]
    count = len(items)
    if filters.offset or count == filters.limit:
        count = results.count()
    return {"items": items, "count": count}


def _in_body(problem: Problem) -> Problem:
    """The service numbers entries from ``$``; over the API they sit under ``results``."""
    if problem.path.startswith("$["):
        return Problem("$.results" + problem.path[1:], problem.message)
    return problem


@router.patch(
    "/audits/{number}/results",
    response=ChangedOut,
    operation_id="audit_results_record",
    summary=(
        "Record many results at once (by id, or by system and control): all or nothing, "
        "problems named by JSON path"
    ),
)
def audit_results_record(request, number: str, payload: ResultsIn):
    audit = _audit(request, number)
    entries = [entry.dict(exclude_unset=True) for entry in payload.results]
    try:
        changed = services.results_record(actor=request.auth, audit=audit, entries=entries)
    except services.ProblemsError as exc:
        raise services.ProblemsError(
            [_in_body(p) for p in exc.problems], location=exc.location
        ) from exc
    return {"changed": changed}


@router.post(
    "/audits/{number}/results/import",
    response=ChangedOut,
    operation_id="audit_results_import",
    summary=(
        "Import results from CSV or XLSX (system, control, status, note, claimed, claim_note) "
        "or OSCAL assessment results; all or nothing"
    ),
)
def audit_results_import(
    request, number: str, file: File[UploadedFile], data: Form[ResultsImportIn]
):
    audit = _audit(request, number)
    changed = importers.results_import(
        actor=request.auth,
        audit=audit,
        raw=importers.read_results_upload(file),
        fmt=data.format,
    )
    return {"changed": changed}


def _summary(summary) -> dict:
    return {
        "by_system": [
            {
                "system": code,
                "counts": {status: counts[status] for status in ResultStatus.values},
                "total": sum(counts.values()),
            }
            for code, counts in sorted(summary.by_system.items())
        ],
        "totals": {status: summary.total[status] for status in ResultStatus.values},
        "count": summary.count,
        "assessed": summary.assessed,
    }


@router.get(
    "/audits/{number}/summary",
    response=AuditSummaryOut,
    operation_id="audit_results_summary",
    summary="Results counted per system and status: the auditors' and the self-assessment",
)
def audit_results_summary(request, number: str):
    audit = _audit(request, number)
    return {
        "results": _summary(selectors.result_summary(audit, column="status")),
        "claims": _summary(selectors.result_summary(audit, column="claimed")),
    }


# --- findings and corrective actions -------------------------------------------------------


@router.get(
    "/audits/{number}/findings",
    response=list[FindingOut],
    operation_id="audit_findings_list",
    summary="An audit's findings",
)
@paginate(Pagination)
def audit_findings_list(request, number: str):
    return selectors.findings_of(user=request.auth, audit=_audit(request, number))


@router.post(
    "/audits/{number}/findings",
    response={201: FindingOut},
    operation_id="audit_findings_create",
    summary="Record a finding (the auditors)",
)
def audit_findings_create(request, number: str, payload: FindingIn):
    audit = _audit(request, number)
    fields = payload.dict()
    controls = _scope_controls(request.auth, audit, fields.pop("controls"))
    systems = _scope_systems(audit, fields.pop("systems"))
    finding = services.finding_create(
        actor=request.auth, audit=audit, controls=controls, systems=systems, **fields
    )
    return Status(201, _finding(request, audit, finding.number))


@router.get(
    "/audits/{number}/findings/{finding}",
    response=FindingOut,
    operation_id="audit_findings_get",
    summary="One finding",
)
def audit_findings_get(request, number: str, finding: int):
    return _finding(request, _audit(request, number), finding)


@router.patch(
    "/audits/{number}/findings/{finding}",
    response=FindingOut,
    operation_id="audit_findings_update",
    summary="Change a finding (the auditors)",
)
def audit_findings_update(request, number: str, finding: int, payload: FindingPatch):
    audit = _audit(request, number)
    found = _finding(request, audit, finding)
    fields = payload.dict(exclude_unset=True)
    for name, value in list(fields.items()):
        if value is None and name not in ("controls", "systems"):
            raise ValidationError({name: _("This field cannot be empty.")})
    controls = fields.pop("controls", None)
    systems = fields.pop("systems", None)
    services.finding_update(
        actor=request.auth,
        finding=found,
        controls=None if controls is None else _scope_controls(request.auth, audit, controls),
        systems=None if systems is None else _scope_systems(audit, systems),
        **fields,
    )
    return _finding(request, audit, finding)


@router.post(
    "/audits/{number}/findings/{finding}/follow-up",
    response=FindingOut,
    operation_id="audit_findings_follow_up",
    summary="Follow a finding up with a Digital Agency recommendation, where the mandate allows",
)
def audit_findings_follow_up(request, number: str, finding: int, payload: FollowUpIn):
    audit = _audit(request, number)
    services.finding_raise_recommendation(
        actor=request.auth,
        finding=_finding(request, audit, finding),
        reason=payload.reason,
        due_date=payload.due_date,
    )
    return _finding(request, audit, finding)


@router.get(
    "/audits/{number}/actions",
    response=list[ActionOut],
    operation_id="audit_actions_list",
    summary="An audit's corrective actions (its plan of action and milestones)",
)
@paginate(Pagination)
def audit_actions_list(request, number: str):
    return selectors.actions_of(user=request.auth, audit=_audit(request, number))


@router.post(
    "/audits/{number}/findings/{finding}/actions",
    response={201: ActionOut},
    operation_id="audit_actions_create",
    summary="Plan a corrective action answering a finding, with its milestones",
)
def audit_actions_create(request, number: str, finding: int, payload: ActionIn):
    audit = _audit(request, number)
    fields = payload.dict()
    milestones = fields.pop("milestones")
    action = services.action_create(
        actor=request.auth,
        finding=_finding(request, audit, finding),
        milestones=milestones,
        **fields,
    )
    return Status(201, _action(request, audit, action.pk))


@router.patch(
    "/audits/{number}/actions/{action}",
    response=ActionOut,
    operation_id="audit_actions_update",
    summary="Report progress on a corrective action (the audited organization)",
)
def audit_actions_update(request, number: str, action: int, payload: ActionPatch):
    audit = _audit(request, number)
    fields = payload.dict(exclude_unset=True)
    for name, value in fields.items():
        if value is None:
            raise ValidationError({name: _("This field cannot be empty.")})
    services.action_update(actor=request.auth, action=_action(request, audit, action), **fields)
    return _action(request, audit, action)


@router.post(
    "/audits/{number}/actions/{action}/verify",
    response=ActionOut,
    operation_id="audit_actions_verify",
    summary="Verify a corrective action reported done: accept (close) or send back (auditors)",
)
def audit_actions_verify(request, number: str, action: int, payload: VerifyIn):
    audit = _audit(request, number)
    services.action_verify(
        actor=request.auth,
        action=_action(request, audit, action),
        accepted=payload.accepted,
        note=payload.note,
    )
    return _action(request, audit, action)


# --- evidence ------------------------------------------------------------------------------


def _evidence(request, audit: Audit, evidence_id: int):
    found = (
        selectors.evidence_of(user=request.auth, audit=audit)
        .filter(pk=_id_or_404(evidence_id))
        .first()
    )
    if found is None:
        raise Http404
    return found


@router.get(
    "/audits/{number}/evidence",
    response=list[EvidenceOut],
    operation_id="audit_evidence_list",
    summary="An audit's evidence, each with its latest revision and whether it has expired",
)
@paginate(Pagination)
def audit_evidence_list(request, number: str):
    return selectors.evidence_of(user=request.auth, audit=_audit(request, number))


@router.post(
    "/audits/{number}/evidence",
    response={201: EvidenceOut},
    operation_id="audit_evidence_add",
    summary="Attach evidence (a file) to a control result or a finding",
)
def audit_evidence_add(request, number: str, file: File[UploadedFile], data: Form[EvidenceIn]):
    user = request.auth
    audit = _audit(request, number)
    result = finding = None
    if data.result is not None:
        result = None
        if parse_id(data.result) is not None:
            result = selectors.results_of(user=user, audit=audit).filter(pk=data.result).first()
        if result is None:
            raise ValidationError({"result": _("No such result in this audit.")})
    if data.finding is not None:
        finding = None
        if parse_id(data.finding) is not None:
            finding = selectors.finding_get(user=user, audit=audit, number=data.finding)
        if finding is None:
            raise ValidationError({"finding": _("No such finding in this audit.")})
    item = evidence_service.evidence_add(
        actor=user,
        audit=audit,
        upload=file,
        title=data.title,
        result=result,
        finding=finding,
        effective_date=data.effective_date,
        expiry_date=data.expiry_date,
    )
    return Status(201, _evidence(request, audit, item.pk))


@router.get(
    "/audits/{number}/evidence/{evidence}/revisions/{revision}/download",
    operation_id="audit_evidence_download",
    summary="Download one revision of a piece of evidence",
    response={200: None},
)
def audit_evidence_download(request, number: str, evidence: int, revision: int):
    audit = _audit(request, number)
    found = selectors.evidence_revision_get(
        user=request.auth,
        audit=audit,
        evidence_id=_id_or_404(evidence),
        number=_id_or_404(revision),
    )
    if found is None:
        raise Http404
    try:
        stream = evidence_service.open_blob(found)
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        stream,
        as_attachment=True,
        filename=found.filename or f"evidence-{found.evidence_id}-r{found.number}",
        content_type=found.content_type,
    )
    # As the page's download: never sniffed into something the browser runs, never cached.
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@router.delete(
    "/audits/{number}/evidence/{evidence}",
    response={204: None},
    operation_id="audit_evidence_delete",
    summary="Delete a piece of evidence and all its revisions",
)
def audit_evidence_delete(request, number: str, evidence: int):
    audit = _audit(request, number)
    evidence_service.evidence_delete(
        actor=request.auth, evidence=_evidence(request, audit, evidence)
    )
    return Status(204, None)


# --- exports -------------------------------------------------------------------------------


@router.get(
    "/audits/{number}/export",
    operation_id="audits_export",
    summary="Export an audit: OSCAL assessment results, OSCAL POA&M (JSON) or the report (PDF)",
    response={200: None},
)
def audits_export(request, number: str, query: Query[ExportFormat]):
    audit = _audit(request, number)
    if query.format == "pdf":
        from shireito.audits.report import render_report_pdf

        language = query.language or translation.get_language() or "ja"
        response = HttpResponse(
            render_report_pdf(audit, language=language), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'attachment; filename="{audit.number}.pdf"'
        return response
    from shireito.audits import exporters

    if query.format == "oscal-ar":
        document = exporters.export_assessment_results(audit)
    else:
        try:
            document = exporters.export_poam(audit)
        except exporters.EmptyPlanError as exc:
            raise ValidationError(
                {"format": _("This audit has no corrective actions to put in a POA&M.")}
            ) from exc
    return HttpResponse(json.dumps(document, ensure_ascii=False), content_type="application/json")
