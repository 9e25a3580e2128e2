"""What the plan's endpoints share: the scoped lookups (404 for what the caller may not see)
and the names in a request (codes, keys, numbers) resolved to objects, each unknown name an
error on its field."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from shireito.core.pages import get_or_404, id_or_404
from shireito.organizations.selectors import organization_directory
from shireito.plans import selectors
from shireito.plans.models import Kpi, Measure, Milestone, PlanArea, PlanEdition, Principle
from shireito.plans.selectors.chain import mark_visible_links
from shireito.registry.selectors import budget_lines, systems_named
from shireito.standards.selectors import catalog_get, node_get

if TYPE_CHECKING:
    from shireito.accounts.models import User
    from shireito.organizations.models import Organization


def edition_or_404(request, year: int) -> PlanEdition:
    return get_or_404(selectors.edition_get(request.auth, id_or_404(year)))


def with_content(measures):
    """Measures with everything the API answers about them, in a fixed number of queries."""
    return measures.prefetch_related(
        "co_responsible",
        "principles",
        Prefetch("kpis", queryset=Kpi.objects.prefetch_related("interim_targets")),
        "milestones",
        "system_links__system",
        "budget_links__budget_line__system",
        "control_links__catalog",
        "control_links__control",
    )


def measure_or_404(request, edition: PlanEdition, code: str) -> Measure:
    measures = with_content(selectors.measures_of(request.auth, edition).filter(code=code))
    found = get_or_404(measures.select_related("edition", "edition__author").first())
    return mark_visible_links(request.auth, found)


def area_or_404(edition: PlanEdition, code: str) -> PlanArea:
    return get_or_404(PlanArea.objects.filter(edition=edition, code=code).first())


def kpi_or_404(measure: Measure, code: str) -> Kpi:
    return get_or_404(
        Kpi.objects.filter(measure=measure, code=code).select_related("measure__edition").first()
    )


def milestone_or_404(measure: Measure, milestone: int) -> Milestone:
    found = Milestone.objects.filter(measure=measure, pk=id_or_404(milestone))
    return get_or_404(found.select_related("measure__edition").first())


def area_named(edition: PlanEdition, code: str | None, field: str) -> PlanArea | None:
    if not code:
        return None
    area = PlanArea.objects.filter(edition=edition, code=code).first()
    if area is None:
        raise ValidationError({field: _("No area of the edition has the code %s.") % code})
    return area


def organizations_named(codes: list[str], field: str) -> list[Organization]:
    found = {o.code: o for o in organization_directory().filter(code__in=codes)}
    missing = [code for code in codes if code not in found]
    if missing:
        raise ValidationError({field: _("No organization has the code %s.") % ", ".join(missing)})
    return [found[code] for code in dict.fromkeys(codes)]


def principles_named(numbers: list[int]) -> list[Principle]:
    found = {p.number: p for p in Principle.objects.filter(number__in=numbers)}
    missing = [str(n) for n in numbers if n not in found]
    if missing:
        raise ValidationError(
            {
                "principles": _("Name the basic principles by their numbers, 1 to 10: not %s.")
                % ", ".join(missing)
            }
        )
    return [found[n] for n in dict.fromkeys(numbers)]


def links_named(user: User, data: dict) -> dict[str, Any]:
    """The systems, budget lines and controls a measure's payload names, as objects."""
    links: dict[str, Any] = {}
    if data.get("systems") is not None:
        links["systems"] = systems_named(user=user, codes=data["systems"], field="systems")
    if data.get("budget_lines") is not None:
        lines = []
        for entry in data["budget_lines"]:
            found = (
                budget_lines(user=user)
                .filter(system__code=entry["system"], fiscal_year=entry["fiscal_year"])
                .first()
            )
            if found is None:
                raise ValidationError(
                    {
                        "budget_lines": _(
                            "System %(system)s has no budget line for fiscal year %(year)s."
                        )
                        % {"system": entry["system"], "year": entry["fiscal_year"]}
                    }
                )
            lines.append((found, entry["share"]))
        links["budget_lines"] = lines
    if data.get("controls") is not None:
        controls = []
        for entry in data["controls"]:
            catalog = catalog_get(user=user, key=entry["catalog"])
            if catalog is None:
                raise ValidationError(
                    {"controls": _("No catalog has the key %s.") % entry["catalog"]}
                )
            control = node_get(catalog, entry["control"]) if entry.get("control") else None
            if entry.get("control") and control is None:
                raise ValidationError(
                    {
                        "controls": _("Catalog %(catalog)s has no control %(control)s.")
                        % {"catalog": entry["catalog"], "control": entry["control"]}
                    }
                )
            controls.append((catalog, control))
        links["controls"] = controls
    return links
