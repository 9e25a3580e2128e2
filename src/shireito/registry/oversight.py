"""The Digital Agency's oversight of national systems: the single budget, risk ratings on a
schedule, and recommendations to ministries. Every step is an audited service; who "the
Digital Agency" is comes from the governance model (the holder of its role)."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shireito.core import concurrency
from shireito.core.choices import AuditAction
from shireito.core.models import AuditChainHead
from shireito.core.services import audited_create, audited_update, record_audit_event
from shireito.organizations.choices import OrganizationKind
from shireito.organizations.mandates import active_engine
from shireito.registry import tallies
from shireito.registry.choices import BudgetStatus, RecommendationStatus
from shireito.registry.models import (
    BudgetLine,
    InformationSystem,
    OversightRating,
    OversightSchedule,
    Recommendation,
)
from shireito.registry.permissions import acts_for_digital_agency, may_answer, may_change_system
from shireito.registry.selectors import is_overseen

if TYPE_CHECKING:
    from shireito.accounts.models import User
    from shireito.organizations.models import Organization


def _require_digital_agency(actor: User | None) -> None:
    if not acts_for_digital_agency(actor):
        raise PermissionDenied(_("Only the Digital Agency may do this."))


# --- budget ------------------------------------------------------------------------------


def budget_request(
    *,
    actor: User | None,
    system: InformationSystem,
    fiscal_year: int,
    development: int,
    operation: int,
) -> BudgetLine:
    """The owner requests a system's budget for a fiscal year (again, until it is decided)."""
    if not may_change_system(actor, system):
        raise PermissionDenied(_("You may not request a budget for this system."))
    if not is_overseen(system):
        raise ValidationError(
            {"system": _("Only national systems under the single budget have budget lines.")}
        )
    with transaction.atomic():
        line = (
            BudgetLine.objects.select_for_update()
            .filter(system=system, fiscal_year=fiscal_year)
            .first()
        )
        if line is None:
            line = audited_create(
                actor=actor,
                instance=BudgetLine(
                    system=system,
                    fiscal_year=fiscal_year,
                    development_requested=development,
                    operation_requested=operation,
                ),
            )
            tallies.budget_line_changed(None, line)
            return line
        if line.status in (BudgetStatus.APPROVED, BudgetStatus.REDUCED):
            raise ValidationError({"fiscal_year": _("This year's budget is already decided.")})
        before = copy.copy(line)
        line, _changes = audited_update(
            actor=actor,
            instance=line,
            development_requested=development,
            operation_requested=operation,
            status=BudgetStatus.REQUESTED,
        )
        tallies.budget_line_changed(before, line)
        return line


def _locked_line(line: BudgetLine) -> BudgetLine:
    """The line as it is now, locked for this transaction: checks never run on a stale copy
    (the version its editor loaded goes with it)."""
    locked = BudgetLine.objects.select_for_update().select_related("system").get(pk=line.pk)
    concurrency.carry(line, locked)
    return locked


def _locked_recommendation(recommendation: Recommendation) -> Recommendation:
    locked = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    concurrency.carry(recommendation, locked)
    return locked


def budget_review(*, actor: User | None, line: BudgetLine, note: str = "") -> BudgetLine:
    _require_digital_agency(actor)
    with transaction.atomic():
        line = _locked_line(line)
        if line.status != BudgetStatus.REQUESTED:
            raise ValidationError({"status": _("Only a requested budget can be reviewed.")})
        line, _changes = audited_update(
            actor=actor, instance=line, status=BudgetStatus.REVIEWED, review_note=note
        )
    return line


def budget_decide(
    *, actor: User | None, line: BudgetLine, development: int, operation: int, note: str = ""
) -> BudgetLine:
    """Approve a reviewed request, or reduce it: approved amounts never exceed the request."""
    _require_digital_agency(actor)
    with transaction.atomic():
        line = _locked_line(line)
        if line.status != BudgetStatus.REVIEWED:
            raise ValidationError({"status": _("Review the request before deciding it.")})
        errors = {}
        if development > line.development_requested:
            errors["development_approved"] = _("More than was requested.")
        if operation > line.operation_requested:
            errors["operation_approved"] = _("More than was requested.")
        if errors:
            raise ValidationError(errors)
        full = development == line.development_requested and operation == line.operation_requested
        before = copy.copy(line)
        line, _changes = audited_update(
            actor=actor,
            instance=line,
            development_approved=development,
            operation_approved=operation,
            status=BudgetStatus.APPROVED if full else BudgetStatus.REDUCED,
            review_note=note or line.review_note,
        )
        tallies.budget_line_changed(before, line)
    return line


def budget_record_execution(
    *, actor: User | None, line: BudgetLine, development: int, operation: int
) -> BudgetLine:
    if not may_change_system(actor, line.system):
        raise PermissionDenied(_("You may not record this system's spending."))
    with transaction.atomic():
        line = _locked_line(line)
        if line.status not in (BudgetStatus.APPROVED, BudgetStatus.REDUCED):
            raise ValidationError({"status": _("Record spending once the budget is decided.")})
        errors = {}
        if development > (line.development_approved or 0):
            errors["development_executed"] = _("More than was approved.")
        if operation > (line.operation_approved or 0):
            errors["operation_executed"] = _("More than was approved.")
        if errors:
            raise ValidationError(errors)
        before = copy.copy(line)
        line, _changes = audited_update(
            actor=actor,
            instance=line,
            development_executed=development,
            operation_executed=operation,
        )
        tallies.budget_line_changed(before, line)
    return line


# --- ratings -----------------------------------------------------------------------------


def schedule_set(*, actor: User | None, rating_interval_days: int) -> OversightSchedule:
    _require_digital_agency(actor)
    if not 1 <= rating_interval_days <= 3650:
        raise ValidationError({"rating_interval_days": _("Choose between 1 and 3,650 days.")})
    current = OversightSchedule.objects.filter(id=1).first()
    if current is None:
        return audited_create(
            actor=actor, instance=OversightSchedule(rating_interval_days=rating_interval_days)
        )
    current, _changes = audited_update(
        actor=actor, instance=current, rating_interval_days=rating_interval_days
    )
    return current


def rating_add(
    *,
    actor: User | None,
    system: InformationSystem,
    risk: int,
    reason: str,
    on: dt.date | None = None,
) -> OversightRating:
    _require_digital_agency(actor)
    if not is_overseen(system):
        raise ValidationError({"system": _("Only national systems under oversight are rated.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why.")})
    if not 1 <= risk <= 5:
        raise ValidationError({"risk": _("Choose from 1 to 5.")})
    return audited_create(
        actor=actor,
        instance=OversightRating(
            system=system,
            risk=risk,
            reason=reason.strip(),
            rated_by=actor.get_username() if actor else "system",
            rated_on=on or timezone.localdate(),
        ),
    )


def record_oversight_exit(
    *, actor: User | None, system: InformationSystem, old_category: str, reason: str
) -> None:
    """A reclassification out of oversight keeps its reason in the audit trail."""
    record_audit_event(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=system,
        changes={"left_oversight_because": [old_category, reason]},
    )


# --- recommendations ---------------------------------------------------------------------


def recommendation_issue(
    *,
    actor: User | None,
    ministry: Organization,
    systems: Iterable[InformationSystem],
    reason: str,
    due_date: dt.date,
) -> Recommendation:
    _require_digital_agency(actor)
    engine = active_engine()
    if ministry.kind != OrganizationKind.MINISTRY or not any(
        any(engine.matches(ministry, target) for target in o.recommends_to)
        for o in engine.model.oversight
    ):
        raise ValidationError(
            {"ministry": _("The governance model gives no recommendation power over this body.")}
        )
    systems = list(systems)
    if not systems:
        raise ValidationError({"systems": _("Name at least one system.")})
    foreign = [s.code for s in systems if s.owner_id != ministry.pk]
    if foreign:
        raise ValidationError(
            {"systems": _("Not systems of this ministry: %s") % ", ".join(foreign)}
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Say why.")})
    if due_date <= timezone.localdate():
        raise ValidationError({"due_date": _("The answer is due after today.")})
    with transaction.atomic():
        year = timezone.localdate().year
        # Numbers run per year. Take the audit chain head's lock (the audited write below takes
        # it anyway) before counting, so two issuers never draw the same number.
        AuditChainHead.objects.select_for_update().filter(id=1).first()
        count = Recommendation.objects.filter(number__startswith=f"R{year}-").count()
        recommendation = audited_create(
            actor=actor,
            instance=Recommendation(
                number=f"R{year}-{count + 1:04d}",
                ministry=ministry,
                reason=reason.strip(),
                due_date=due_date,
            ),
        )
        recommendation.systems.set(systems)
        record_audit_event(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=recommendation,
            changes={"systems": [[], sorted(s.code for s in systems)]},
        )
    return recommendation


def recommendation_answer(
    *, actor: User | None, recommendation: Recommendation, answer: str
) -> Recommendation:
    if not answer.strip():
        raise ValidationError({"answer": _("Write the answer.")})
    with transaction.atomic():
        recommendation = _locked_recommendation(recommendation)
        if recommendation.status != RecommendationStatus.OPEN:
            raise ValidationError({"status": _("Only an open recommendation can be answered.")})
        if not may_answer(actor, recommendation):
            raise PermissionDenied(_("Only the ministry may answer."))
        recommendation, _changes = audited_update(
            actor=actor,
            instance=recommendation,
            answer=answer.strip(),
            status=RecommendationStatus.ANSWERED,
            answered_on=timezone.localdate(),
        )
    return recommendation


def recommendation_conclude(
    *, actor: User | None, recommendation: Recommendation, escalate: bool
) -> Recommendation:
    """Close an answered recommendation, or escalate an open or answered one."""
    _require_digital_agency(actor)
    allowed_from = (
        {RecommendationStatus.OPEN, RecommendationStatus.ANSWERED}
        if escalate
        else {RecommendationStatus.ANSWERED}
    )
    with transaction.atomic():
        recommendation = _locked_recommendation(recommendation)
        if recommendation.status not in allowed_from:
            raise ValidationError({"status": _("Not possible in this state.")})
        return _conclude(actor, recommendation, escalate)


def _conclude(actor: User | None, recommendation: Recommendation, escalate: bool) -> Recommendation:
    recommendation, _changes = audited_update(
        actor=actor,
        instance=recommendation,
        status=RecommendationStatus.ESCALATED if escalate else RecommendationStatus.CLOSED,
        closed_on=timezone.localdate(),
    )
    return recommendation
