"""A measure's links to the systems that deliver it, the budget lines that pay for it and the
controls it is about, named as people name them (a system id, a fiscal year, a catalog key and
a control label) and resolved through the other apps' selectors as the actor sees them: an
unknown id and one the actor may not see get the same answer, on the field that named it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shireito.plans.models import Measure, MeasureBudget, MeasureControl, MeasureSystem
from shireito.plans.services.content import content_create, content_update, measure_set_parties
from shireito.registry import selectors as registry_selectors
from shireito.standards import selectors as standards_selectors

if TYPE_CHECKING:
    from shireito.accounts.models import User


def _system(actor: User | None, code: str, field: str):
    system = registry_selectors.systems_in_reach(actor).filter(code=code.strip()).first()
    if system is None:
        raise ValidationError({field: _("No system has the id %(code)s.") % {"code": code}})
    return system


def measure_link_system(*, actor: User | None, measure: Measure, code: str) -> MeasureSystem:
    """Name a system (by its id) as delivering the measure."""
    system = _system(actor, code, "system")
    if MeasureSystem.objects.filter(measure=measure, system=system).exists():
        raise ValidationError({"system": _("The measure already names this system.")})
    return content_create(actor=actor, instance=MeasureSystem(measure=measure, system=system))


def measure_link_budget(
    *, actor: User | None, measure: Measure, code: str, fiscal_year: int, share: int = 100
) -> MeasureBudget:
    """Name a budget line (a system's, for a fiscal year) as paying for ``share`` percent of
    the measure; every problem at once."""
    errors: dict[str, list[str]] = {}
    line = None
    try:
        system = _system(actor, code, "system")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    else:
        # The command line (no actor) reaches every line, as ``systems_in_reach`` does.
        lines = (
            system.budget_lines.all()
            if actor is None
            else registry_selectors.budget_lines(user=actor, system=system)
        )
        line = lines.filter(fiscal_year=fiscal_year).first()
        if line is None:
            errors["fiscal_year"] = [
                _("The system has no budget line for fiscal year %(year)s.") % {"year": fiscal_year}
            ]
        elif MeasureBudget.objects.filter(measure=measure, budget_line=line).exists():
            errors["fiscal_year"] = [_("The measure already names this budget line.")]
    if not 1 <= share <= 100:
        errors["share"] = [_("Give a share from 1 to 100 percent.")]
    if errors:
        raise ValidationError(errors)
    return content_create(
        actor=actor, instance=MeasureBudget(measure=measure, budget_line=line, share=share)
    )


def measure_link_control(
    *, actor: User | None, measure: Measure, catalog_key: str, control_label: str = ""
) -> MeasureControl:
    """Name a catalog (by its key), or one of its controls (by its label), as what a security
    measure is about."""
    catalogs = (
        standards_selectors.catalog_headings()
        if actor is None
        else standards_selectors.catalog_visible(actor)
    )
    catalog = catalogs.filter(key=catalog_key.strip()).first()
    if catalog is None:
        raise ValidationError(
            {"catalog": _("No catalog has the key %(key)s.") % {"key": catalog_key}}
        )
    control = None
    if control_label.strip():
        control = standards_selectors.node_get(catalog, control_label.strip())
        if control is None:
            raise ValidationError(
                {"control": _("The catalog has no control %(label)s.") % {"label": control_label}}
            )
    if MeasureControl.objects.filter(measure=measure, catalog=catalog, control=control).exists():
        raise ValidationError({"catalog": _("The measure already names this.")})
    return content_create(
        actor=actor, instance=MeasureControl(measure=measure, catalog=catalog, control=control)
    )


def measure_save(
    *,
    actor: User | None,
    measure: Measure,
    fields: dict[str, Any],
    co_responsible: list | None = None,
    principles: list | None = None,
) -> Measure:
    """Add a measure (``measure`` unsaved) or change one, with its co-responsible organisations
    and principles, in one transaction: the page's one form is one write."""
    with transaction.atomic():
        if measure.pk is None:
            for name, value in fields.items():
                setattr(measure, name, value)
            measure = content_create(actor=actor, instance=measure)
        else:
            content_update(actor=actor, instance=measure, **fields)
        measure_set_parties(
            actor=actor, measure=measure, co_responsible=co_responsible, principles=principles
        )
    return measure
