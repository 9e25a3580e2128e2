"""Writes to an edition's content (areas, measures, KPIs, interim targets, milestones, links):
only while the edition is a draft, only by its author, each audited."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from shireito.core import concurrency
from shireito.core.choices import AuditAction
from shireito.core.services import (
    audited_create,
    audited_delete,
    audited_update,
    record_audit_event,
)
from shireito.plans.models import (
    InterimTarget,
    Kpi,
    KpiSeries,
    Measure,
    MeasureBudget,
    MeasureControl,
    MeasureSystem,
    Milestone,
    PlanArea,
    PlanEdition,
)
from shireito.plans.permissions import may_edit_edition

if TYPE_CHECKING:
    from shireito.accounts.models import User

AREA_FIELDS = ("parent", "code", "name", "name_en", "position")
MEASURE_FIELDS = (
    "area",
    "code",
    "name",
    "name_en",
    "description",
    "description_en",
    "lead",
    "target_state",
    "target_state_en",
    "deadline",
    "status",
    "position",
)
KPI_FIELDS = (
    "code",
    "name",
    "name_en",
    "unit",
    "unit_en",
    "direction",
    "baseline_value",
    "baseline_date",
    "target_value",
    "target_date",
    "source",
    "position",
)
MILESTONE_FIELDS = ("name", "name_en", "fiscal_year", "quarter", "planned_on", "position")


def edition_of(instance: Any) -> PlanEdition:
    """The edition a piece of content belongs to."""
    if isinstance(instance, PlanEdition):
        return instance
    if isinstance(instance, PlanArea | Measure):
        return instance.edition
    if isinstance(instance, Kpi | Milestone | MeasureSystem | MeasureBudget | MeasureControl):
        return instance.measure.edition
    if isinstance(instance, InterimTarget):
        return instance.kpi.measure.edition
    raise TypeError(f"not plan content: {type(instance).__name__}")


def require_editable(actor: User | None, instance: Any) -> PlanEdition:
    """Refuse a change to a published edition (its content is the record) or by someone who
    may not write it."""
    edition = edition_of(instance)
    if edition.is_published:
        raise ValidationError(
            _("The %(edition)s is published and cannot change; start a new edition.")
            % {"edition": edition}
        )
    if not may_edit_edition(actor, edition):
        raise PermissionDenied
    return edition


def content_create[M: Model](*, actor: User | None, instance: M) -> M:
    """Add a piece of content to a draft edition."""
    with transaction.atomic():
        require_editable(actor, instance)
        if isinstance(instance, Kpi) and instance.series_id is None:
            instance.series = KpiSeries.objects.create()
        return audited_create(actor=actor, instance=instance)


def content_update[M: Model](*, actor: User | None, instance: M, **fields: Any) -> M:
    """Change a piece of content of a draft edition (only the fields given)."""
    with transaction.atomic():
        require_editable(actor, instance)
        audited_update(actor=actor, instance=instance, **fields)
    return instance


def content_delete(*, actor: User | None, instance: Any) -> None:
    """Remove a piece of content (and what hangs on it) from a draft edition."""
    with transaction.atomic():
        require_editable(actor, instance)
        if isinstance(instance, PlanArea) and _holds_measures(instance):
            raise ValidationError(_("Move or remove the area's measures first."))
        audited_delete(actor=actor, instance=instance)


def _holds_measures(area: PlanArea) -> bool:
    """Whether the area, or an area within it at any depth, holds a measure (which protects
    its area from deletion)."""
    within = {area.pk}
    while True:
        more = set(
            PlanArea.objects.filter(parent_id__in=within)
            .exclude(pk__in=within)
            .values_list("pk", flat=True)
        )
        if not more:
            break
        within |= more
    return Measure.objects.filter(area_id__in=within).exists()


def measure_set_parties(
    *,
    actor: User | None,
    measure: Measure,
    co_responsible: list | None = None,
    principles: list | None = None,
) -> Measure:
    """Set a measure's co-responsible organisations and the principles it serves (either or
    both), recording the old and new lists in the trail."""
    with transaction.atomic():
        require_editable(actor, measure)
        changes: dict[str, list[Any]] = {}
        if co_responsible is not None:
            if any(org.pk == measure.lead_id for org in co_responsible):
                raise ValidationError(
                    {"co_responsible": _("The lead organization is not also co-responsible.")}
                )
            before = sorted(measure.co_responsible.values_list("pk", flat=True))
            after = sorted({org.pk for org in co_responsible})
            if before != after:
                measure.co_responsible.set(after)
                changes["co_responsible"] = [before, after]
        if principles is not None:
            before = sorted(measure.principles.values_list("number", flat=True))
            after = sorted({p.number for p in principles})
            if before != after:
                measure.principles.set([p.pk for p in principles])
                changes["principles"] = [before, after]
        if changes:
            # The lists are the measure's too: an editor who started from an older version
            # of it is refused, and its version moves.
            concurrency.claim(measure)
            record_audit_event(
                actor=actor, action=AuditAction.UPDATE, instance=measure, changes=changes
            )
    return measure
