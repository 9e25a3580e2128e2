"""Findings and corrective actions over the API."""

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Status
from ninja.pagination import paginate

from shireito.audits import selectors, services
from shireito.audits.api.common import (
    action_or_404,
    audit_or_404,
    finding_or_404,
    router,
    scope_controls,
    scope_systems,
)
from shireito.audits.schemas import (
    ActionIn,
    ActionOut,
    ActionPatch,
    FindingIn,
    FindingOut,
    FindingPatch,
    FollowUpIn,
    VerifyIn,
)
from shireito.core.concurrency import expect_from_request, tag_response
from shireito.core.pagination import Pagination

# --- findings and corrective actions -------------------------------------------------------


@router.get(
    "/{number}/findings",
    response=list[FindingOut],
    operation_id="audit_findings_list",
    summary="An audit's findings",
)
@paginate(Pagination)
def audit_findings_list(request, number: str):
    return selectors.findings_of(user=request.auth, audit=audit_or_404(request, number))


@router.post(
    "/{number}/findings",
    response={201: FindingOut},
    operation_id="audit_findings_create",
    summary="Record a finding (the auditors)",
)
def audit_findings_create(request, number: str, payload: FindingIn):
    audit = audit_or_404(request, number)
    fields = payload.dict()
    controls = scope_controls(request.auth, audit, fields.pop("controls"))
    systems = scope_systems(audit, fields.pop("systems"))
    finding = services.finding_create(
        actor=request.auth, audit=audit, controls=controls, systems=systems, **fields
    )
    return Status(201, finding_or_404(request, audit, finding.number))


@router.get(
    "/{number}/findings/{finding}",
    response=FindingOut,
    operation_id="audit_findings_get",
    summary="One finding",
)
def audit_findings_get(request, number: str, finding: int, response: HttpResponse):
    found = finding_or_404(request, audit_or_404(request, number), finding)
    tag_response(response, found)
    return found


@router.patch(
    "/{number}/findings/{finding}",
    response=FindingOut,
    operation_id="audit_findings_update",
    summary="Change a finding (the auditors)",
)
def audit_findings_update(
    request, number: str, finding: int, payload: FindingPatch, response: HttpResponse
):
    audit = audit_or_404(request, number)
    found = finding_or_404(request, audit, finding)
    fields = payload.dict(exclude_unset=True)
    expect_from_request(request, found, fields.pop("version", None))
    for name, value in list(fields.items()):
        if value is None and name not in ("controls", "systems"):
            raise ValidationError({name: _("This field cannot be empty.")})
    controls = fields.pop("controls", None)
    systems = fields.pop("systems", None)
    services.finding_update(
        actor=request.auth,
        finding=found,
        controls=None if controls is None else scope_controls(request.auth, audit, controls),
        systems=None if systems is None else scope_systems(audit, systems),
        **fields,
    )
    found = finding_or_404(request, audit, finding)
    tag_response(response, found)
    return found


@router.post(
    "/{number}/findings/{finding}/follow-up",
    response=FindingOut,
    operation_id="audit_findings_follow_up",
    summary="Follow a finding up with a Digital Agency recommendation, where the mandate allows",
)
def audit_findings_follow_up(request, number: str, finding: int, payload: FollowUpIn):
    audit = audit_or_404(request, number)
    services.finding_raise_recommendation(
        actor=request.auth,
        finding=finding_or_404(request, audit, finding),
        reason=payload.reason,
        due_date=payload.due_date,
    )
    return finding_or_404(request, audit, finding)


@router.get(
    "/{number}/actions",
    response=list[ActionOut],
    operation_id="audit_actions_list",
    summary="An audit's corrective actions (its plan of action and milestones)",
)
@paginate(Pagination)
def audit_actions_list(request, number: str):
    return selectors.actions_of(user=request.auth, audit=audit_or_404(request, number))


@router.post(
    "/{number}/findings/{finding}/actions",
    response={201: ActionOut},
    operation_id="audit_actions_create",
    summary="Plan a corrective action answering a finding, with its milestones",
)
def audit_actions_create(request, number: str, finding: int, payload: ActionIn):
    audit = audit_or_404(request, number)
    fields = payload.dict()
    milestones = fields.pop("milestones")
    action = services.action_create(
        actor=request.auth,
        finding=finding_or_404(request, audit, finding),
        milestones=milestones,
        **fields,
    )
    return Status(201, action_or_404(request, audit, action.pk))


@router.patch(
    "/{number}/actions/{action}",
    response=ActionOut,
    operation_id="audit_actions_update",
    summary="Report progress on a corrective action (the audited organization)",
)
def audit_actions_update(
    request, number: str, action: int, payload: ActionPatch, response: HttpResponse
):
    audit = audit_or_404(request, number)
    fields = payload.dict(exclude_unset=True)
    found = action_or_404(request, audit, action)
    expect_from_request(request, found, fields.pop("version", None))
    for name, value in fields.items():
        if value is None:
            raise ValidationError({name: _("This field cannot be empty.")})
    services.action_update(actor=request.auth, action=found, **fields)
    found = action_or_404(request, audit, action)
    tag_response(response, found)
    return found


@router.post(
    "/{number}/actions/{action}/verify",
    response=ActionOut,
    operation_id="audit_actions_verify",
    summary="Verify a corrective action reported done: accept (close) or send back (auditors)",
)
def audit_actions_verify(request, number: str, action: int, payload: VerifyIn):
    audit = audit_or_404(request, number)
    services.action_verify(
        actor=request.auth,
        action=action_or_404(request, audit, action),
        accepted=payload.accepted,
        note=payload.note,
    )
    return action_or_404(request, audit, action)
