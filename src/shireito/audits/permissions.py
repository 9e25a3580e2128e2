"""Who may do what in audits: every rule in one place, asked by the services (which refuse),
the pages and the API (which offer only what the user may do) alike.

``None`` as the user is the command line and the demo: the system acting, which may do all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from shireito.audits.choices import STAGE_OWNED_BY_AUDITEE, ActionStatus, AuditKind, AuditStatus
from shireito.audits.models import Audit, AuditStage, CorrectiveAction, Evidence
from shireito.core.permissions import rule
from shireito.organizations.permissions import may_use_national_areas
from shireito.registry.permissions import acts_for_digital_agency

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from shireito.accounts.models import User
    from shireito.organizations.models import Organization

    Someone = User | AnonymousUser | None

AUDITEE_ROLES = ("editor", "auditor", "org_admin")


def _member(user: Someone, organization_id: int | None) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and getattr(user, "organization_id", None) == organization_id
    )


def _has_any_role(user: Someone, roles: tuple[str, ...]) -> bool:
    return bool(
        user is not None and user.is_authenticated and any(user.has_role(role) for role in roles)
    )


@rule
def may_start_audits(user: User) -> bool:
    """Auditors and organisation admins start audits for their organisation (the mandate
    engine then decides which systems); platform admins for any auditor. ``None`` is the
    command line."""
    return _has_any_role(user, ("auditor", "org_admin"))


@rule
def may_start_self_assessment(user: User) -> bool:
    return _has_any_role(user, AUDITEE_ROLES)


def may_start(user: Someone, *, self_assessment: bool) -> bool:
    """May plan an audit or (``self_assessment``) a self-assessment."""
    if self_assessment:
        return may_start_self_assessment(user)
    return may_start_audits(user)


@rule
def acts_as_auditor(user: User, audit: Audit) -> bool:
    """The auditor's side: its auditors and organisation admins (for a self-assessment, the
    organisation's own editors and auditors check themselves)."""
    if audit.is_self_assessment:
        return _member(user, audit.auditee_id) and _has_any_role(user, AUDITEE_ROLES)
    return _member(user, audit.auditor_id) and _has_any_role(user, ("auditor", "org_admin"))


@rule
def acts_as_auditee(user: User, audit: Audit) -> bool:
    """The auditee's side: its editors, auditors and organisation admins answer the audit
    (self-assessment, evidence, corrective actions)."""
    return _member(user, audit.auditee_id) and _has_any_role(user, AUDITEE_ROLES)


def acts_for_a_party(user: Someone, audit: Audit) -> bool:
    """Either side: what both the auditors and the audited organisation do (attach evidence,
    plan corrective actions, bring results in)."""
    return acts_as_auditor(user, audit) or acts_as_auditee(user, audit)


def may_lead(user: User, *, kind: str, auditor: Organization) -> bool:
    """An audit is led by an auditor of the auditing body; a self-assessment by any active
    member of the organisation."""
    if not user.is_active or user.organization_id != auditor.pk:
        return False
    return kind == AuditKind.SELF_ASSESSMENT or user.has_role("auditor")


def may_plan_for(actor: User | None, organization: Organization) -> bool:
    """A planner acts for their own organisation only (platform admins and the system for
    any)."""
    return actor is None or actor.is_platform_admin or actor.organization_id == organization.pk


def may_edit_audit(user: Someone, audit: Audit) -> bool:
    return acts_as_auditor(user, audit) and not audit.is_closed


def may_widen(user: Someone, audit: Audit) -> bool:
    return acts_as_auditor(user, audit) and audit.status in (
        AuditStatus.PLANNED,
        AuditStatus.FIELDWORK,
    )


def may_start_next_cycle(user: Someone, audit: Audit) -> bool:
    """The next cycle is started by the auditors (or, for an entrusted audit, by the body that
    entrusts it), once this cycle is closed."""
    if not audit.is_closed:
        return False
    if acts_as_auditor(user, audit):
        return True
    return bool(
        audit.entrusting_id and _member(user, audit.entrusting_id) and may_start_audits(user)
    )


def may_complete_stage(user: Someone, stage: AuditStage) -> bool:
    """The stage's owner marks it done: the auditee its own stages, the auditors the rest."""
    if stage.stage in STAGE_OWNED_BY_AUDITEE:
        return acts_as_auditee(user, stage.audit)
    return acts_as_auditor(user, stage.audit)


def may_claim(user: Someone, audit: Audit) -> bool:
    """The auditee records its self-assessment until reporting begins."""
    return acts_as_auditee(user, audit) and audit.status not in (
        AuditStatus.REPORTING,
        AuditStatus.CLOSED,
    )


def may_assess(user: Someone, audit: Audit) -> bool:
    """The auditors record results while the audit is open."""
    return acts_as_auditor(user, audit) and not audit.is_closed


def may_follow_up(user: Someone, *, already_followed: bool) -> bool:
    """Who may be offered to raise a Digital Agency recommendation from a finding (the
    recommendation service has the last word)."""
    return not already_followed and acts_for_digital_agency(user)


def may_set_cycle_rules(user: Someone) -> bool:
    return user is None or bool(user.is_authenticated and user.is_platform_admin)


# --- evidence ------------------------------------------------------------------------------


def may_attach(actor: Someone, audit: Audit) -> bool:
    """Both sides attach evidence."""
    return acts_for_a_party(actor, audit)


def may_add_evidence(user: Someone, audit: Audit) -> bool:
    """Whether to offer the upload form: both sides, while the audit is open."""
    return may_attach(user, audit) and not audit.is_closed


def may_revise_evidence(user: Someone, evidence: Evidence) -> bool:
    """Whether to offer revising and deleting: who may change it, while the audit is open."""
    return may_change(user, evidence) and not evidence.audit.is_closed


def may_change(actor: Someone, evidence: Evidence) -> bool:
    """Who may revise or delete a piece of evidence: the auditors any of the audit's; the
    audited organisation only what one of its own members first uploaded (evidence from the
    command line or the demo, uploaded by nobody, is the auditors' alone)."""
    audit = evidence.audit
    if acts_as_auditor(actor, audit):
        return True
    if not acts_as_auditee(actor, audit):
        return False
    revisions = list(evidence.revisions.all())  # prefetched on the pages
    if not revisions:
        return False
    uploader = min(revisions, key=lambda r: r.number).uploaded_by
    return uploader is not None and uploader.organization_id == audit.auditee_id


def may_download_bundle(user: Someone, audit: Audit) -> bool:
    """The evidence bundle gathers what the audit's pages already let their reader download
    one by one (report, OSCAL, every revision of its evidence, all scoped through the audit),
    so whoever the scoped lookup shows the audit to may take it."""
    return bool(user is not None and user.is_authenticated and user.is_active)


# --- refusals the services raise ---------------------------------------------------------


def require_auditor(actor: User | None, audit: Audit) -> None:
    if not acts_as_auditor(actor, audit):
        raise PermissionDenied(_("Only the auditors of this audit may do this."))


def require_auditee(actor: User | None, audit: Audit) -> None:
    if not acts_as_auditee(actor, audit):
        raise PermissionDenied(_("Only the audited organization may do this."))


# --- corrective actions ------------------------------------------------------------------


def may_report_progress(user: Someone, action: CorrectiveAction) -> bool:
    """The audited organisation reports progress and ticks milestones until it is closed."""
    return acts_as_auditee(user, action.finding.audit) and action.status != ActionStatus.CLOSED


def may_add_milestone(user: Someone, action: CorrectiveAction) -> bool:
    return acts_for_a_party(user, action.finding.audit) and action.status != ActionStatus.CLOSED


def may_verify(user: Someone, action: CorrectiveAction) -> bool:
    """The auditors verify an action reported done."""
    return (
        acts_as_auditor(user, action.finding.audit)
        and action.status == ActionStatus.AWAITING_VERIFICATION
    )


@rule
def may_see_audits(actor: User) -> bool:
    """The audits area: audits and self-assessments of domestic bodies."""
    return may_use_national_areas(actor)
