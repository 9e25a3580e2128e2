"""A measure's links (the systems that deliver it, the budget lines that pay for it, the
controls it is about) and a KPI's interim targets, each set as a whole list: what the API
sends (the pages add and remove one link at a time, ``services.links``). One audit-trail
event per change names the lists before and after."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shireito.core import concurrency
from shireito.core.choices import AuditAction
from shireito.core.services import record_audit_event
from shireito.plans.models import (
    InterimTarget,
    Kpi,
    Measure,
    MeasureBudget,
    MeasureControl,
    MeasureSystem,
)
from shireito.plans.services.content import require_editable

if TYPE_CHECKING:
    from shireito.accounts.models import User


def measure_set_links(
    *,
    actor: User | None,
    measure: Measure,
    systems: list | None = None,
    budget_lines: list[tuple[Any, int]] | None = None,
    controls: list[tuple[Any, Any]] | None = None,
) -> Measure:
    """Set a measure's systems, budget lines (with their share) and controls (a catalog with
    a control of it, or ``None`` for the whole catalog); a list not given stays."""
    with transaction.atomic():
        require_editable(actor, measure)
        changes: dict[str, list[Any]] = {}
        if systems is not None:
            before = sorted(measure.system_links.values_list("system__code", flat=True))
            after = sorted({s.code for s in systems})
            if before != after:
                measure.system_links.all().delete()
                MeasureSystem.objects.bulk_create(
                    MeasureSystem(measure=measure, system=s)
                    for s in {s.pk: s for s in systems}.values()
                )
                changes["systems"] = [before, after]
        if budget_lines is not None:
            before_lines = sorted(
                f"{code}/{year}:{share}"
                for code, year, share in measure.budget_links.values_list(
                    "budget_line__system__code", "budget_line__fiscal_year", "share"
                )
            )
            chosen = {line.pk: (line, share) for line, share in budget_lines}
            after_lines = sorted(
                f"{line.system.code}/{line.fiscal_year}:{share}" for line, share in chosen.values()
            )
            if before_lines != after_lines:
                measure.budget_links.all().delete()
                MeasureBudget.objects.bulk_create(
                    MeasureBudget(measure=measure, budget_line=line, share=share)
                    for line, share in chosen.values()
                )
                changes["budget_lines"] = [before_lines, after_lines]
        if controls is not None:
            for catalog, control in controls:
                if control is not None and control.catalog_id != catalog.pk:
                    raise ValidationError({"controls": _("Choose a control of the catalog.")})
            before_controls = sorted(
                f"{key}:{label or ''}"
                for key, label in measure.control_links.values_list(
                    "catalog__key", "control__label"
                )
            )
            chosen_controls = {
                (catalog.pk, control.pk if control else None): (catalog, control)
                for catalog, control in controls
            }
            after_controls = sorted(
                f"{catalog.key}:{control.label if control else ''}"
                for catalog, control in chosen_controls.values()
            )
            if before_controls != after_controls:
                measure.control_links.all().delete()
                MeasureControl.objects.bulk_create(
                    MeasureControl(measure=measure, catalog=catalog, control=control)
                    for catalog, control in chosen_controls.values()
                )
                changes["controls"] = [before_controls, after_controls]
        if changes:
            # The lists are the measure's too: an editor who started from an older version
            # of it is refused, and its version moves.
            concurrency.claim(measure)
            record_audit_event(
                actor=actor, action=AuditAction.UPDATE, instance=measure, changes=changes
            )
    return measure


def kpi_set_interim_targets(*, actor: User | None, kpi: Kpi, targets: list[tuple[Any, Any]]) -> Kpi:
    """Replace a KPI's interim targets with ``targets`` (date, value), one per date."""
    with transaction.atomic():
        require_editable(actor, kpi)
        dates = [due_on for due_on, _value in targets]
        if len(set(dates)) != len(dates):
            raise ValidationError({"interim_targets": _("One interim target per date.")})
        before = [
            [str(d), str(v.normalize())]
            for d, v in kpi.interim_targets.order_by("due_on").values_list("due_on", "value")
        ]
        after = [[str(d), str(v.normalize())] for d, v in sorted(targets)]
        if before != after:
            concurrency.claim(kpi)
            kpi.interim_targets.all().delete()
            InterimTarget.objects.bulk_create(
                InterimTarget(kpi=kpi, due_on=d, value=v) for d, v in targets
            )
            record_audit_event(
                actor=actor,
                action=AuditAction.UPDATE,
                instance=kpi,
                changes={"interim_targets": [before, after]},
            )
    return kpi
