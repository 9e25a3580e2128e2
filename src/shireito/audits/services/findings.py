"""Findings: recorded by the auditors, linked to controls and systems, followed up."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shireito.audits import selectors
from shireito.audits.choices import (
    NonconformityGrade,
    Severity,
)
from shireito.audits.models import (
    Audit,
    Finding,
)
from shireito.audits.permissions import (
    acts_as_auditor,
    require_auditor,
)
from shireito.audits.services.lifecycle import require_open
from shireito.core import concurrency
from shireito.core.choices import AuditAction
from shireito.core.services import (
    audited_create,
    audited_update,
    record_audit_event,
)
from shireito.registry.oversight import recommendation_issue

if TYPE_CHECKING:
    from shireito.accounts.models import User

# --- findings and corrective actions ------------------------------------------------------

FINDING_FIELDS = ("title", "severity", "grade", "risk", "root_cause", "recommendation")


def _finding_links(audit: Audit, controls, systems) -> tuple[list, list]:
    scope_ids = set(audit.scope_items.values_list("system_id", flat=True))
    systems = list(systems or [])
    outside = [s.code for s in systems if s.pk not in scope_ids]
    if outside:
        raise ValidationError(
            {"systems": _("Not in this audit's scope: %s") % ", ".join(sorted(outside))}
        )
    controls = list(controls or [])
    catalogs = set(audit.scope_items.values_list("baseline_id", flat=True))
    stray = [c.label for c in controls if c.catalog_id not in catalogs]
    if stray:
        raise ValidationError(
            {"controls": _("Not controls of this audit's baselines: %s") % ", ".join(stray)}
        )
    return controls, systems


def finding_create(
    *, actor: User | None, audit: Audit, controls=(), systems=(), **fields
) -> Finding:
    require_auditor(actor, audit)
    require_open(audit)
    unknown = set(fields) - set(FINDING_FIELDS)
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in unknown})
    if fields.get("severity") not in Severity.values:
        raise ValidationError({"severity": _("Choose a severity.")})
    if fields.get("grade") not in NonconformityGrade.values:
        raise ValidationError({"grade": _("Choose a grade.")})
    controls, systems = _finding_links(audit, controls, systems)
    with transaction.atomic():
        Audit.objects.select_for_update().filter(pk=audit.pk).first()
        number = (
            audit.findings.order_by("-number").values_list("number", flat=True).first() or 0
        ) + 1
        finding = audited_create(
            actor=actor,
            instance=Finding(
                audit=audit,
                number=number,
                **{k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()},
            ),
        )
        finding.controls.set(controls)
        finding.systems.set(systems)
        record_audit_event(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=finding,
            changes={
                "controls": [[], [c.label for c in controls]],
                "systems": [[], [s.code for s in systems]],
            },
        )
    return finding


def finding_update(
    *, actor: User | None, finding: Finding, controls=None, systems=None, **fields
) -> Finding:
    audit = finding.audit
    require_auditor(actor, audit)
    require_open(audit)
    unknown = set(fields) - set(FINDING_FIELDS)
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in unknown})
    with transaction.atomic():
        finding, _changes = audited_update(actor=actor, instance=finding, **fields)
        links = {}
        if controls is not None or systems is not None:
            new_controls, new_systems = _finding_links(
                audit,
                controls if controls is not None else finding.controls.all(),
                systems if systems is not None else finding.systems.all(),
            )
            old_c = sorted(c.label for c in finding.controls.all())
            old_s = sorted(s.code for s in finding.systems.all())
            finding.controls.set(new_controls)
            finding.systems.set(new_systems)
            if old_c != sorted(c.label for c in new_controls):
                links["controls"] = [old_c, sorted(c.label for c in new_controls)]
            if old_s != sorted(s.code for s in new_systems):
                links["systems"] = [old_s, sorted(s.code for s in new_systems)]
        if links:
            concurrency.claim(finding)
            record_audit_event(
                actor=actor, action=AuditAction.UPDATE, instance=finding, changes=links
            )
    return finding


def finding_raise_recommendation(
    *, actor: User | None, finding: Finding, reason: str = "", due_date: dt.date
) -> Finding:
    """Follow a finding up with a formal Digital Agency recommendation to the audited ministry
    about the finding's systems, where the governance model gives the agency that power (the
    recommendation service checks who acts for the agency and over whom)."""
    if finding.follow_up_id:
        raise ValidationError(_("This finding has already been followed up."))
    if not acts_as_auditor(actor, finding.audit) and not selectors.finding_visible(
        user=actor, finding=finding
    ):
        raise PermissionDenied(_("Only the audit's parties may follow a finding up."))
    systems = list(finding.systems.all()) or [i.system for i in finding.audit.scope_items.all()]
    with transaction.atomic():
        recommendation = recommendation_issue(
            actor=actor,
            ministry=finding.audit.auditee,
            systems=systems,
            reason=reason.strip() or _follow_up_reason(finding),
            due_date=due_date,
        )
        finding, _changes = audited_update(actor=actor, instance=finding, follow_up=recommendation)
    return finding


def _follow_up_reason(finding: Finding) -> str:
    head = f"{finding.audit.number} {finding.label} {finding.title}"
    return f"{head}\n\n{finding.recommendation}" if finding.recommendation else head
