"""Reads behind the authoring pages: an edition's measures filtered as the outline asks, what a
measure page shows of its content and links, and the measures a system serves (for the
system's page in the registry, through ``core.panels``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import get_language

from shireito.core.scoping import visible_to
from shireito.plans.choices import EditionStatus
from shireito.plans.models import (
    InterimTarget,
    Kpi,
    Measure,
    MeasureBudget,
    MeasureControl,
    MeasureSystem,
    PlanArea,
    PlanEdition,
)
from shireito.plans.permissions import may_read_plan
from shireito.plans.selectors.editions import measures_of
from shireito.registry import selectors as registry_selectors
from shireito.registry.selectors import fiscal_year_label
from shireito.standards import selectors as standards_selectors


def areas_of(edition: PlanEdition) -> QuerySet[PlanArea]:
    return PlanArea.objects.filter(edition=edition).order_by("position", "code")


def area_get(edition: PlanEdition, code: str) -> PlanArea | None:
    return areas_of(edition).filter(code=code).first()


def _descendants(edition: PlanEdition, code: str) -> set[int]:
    """The ids of the area ``code`` and every area within it, at any depth."""
    areas = list(areas_of(edition).only("pk", "parent_id", "code"))
    chosen = {a.pk for a in areas if a.code == code}
    grew = True
    while grew:
        more = {a.pk for a in areas if a.parent_id in chosen and a.pk not in chosen}
        chosen |= more
        grew = bool(more)
    return chosen


def measures_filtered(
    user,
    edition: PlanEdition,
    *,
    area: str = "",
    lead: str = "",
    principle: str | int = "",
    status: str = "",
    search: str = "",
) -> QuerySet[Measure]:
    """The edition's measures the user may see, narrowed by the outline's filters: an area
    takes the areas within it too. Only what the outline shows is read (an edition holds
    hundreds of measures with long texts); ``principles_of`` adds their principles."""
    measures = measures_of(user, edition).only(*OUTLINE_FIELDS)
    if area:
        measures = measures.filter(area_id__in=_descendants(edition, area))
    if lead:
        measures = measures.filter(lead__code=lead)
    if principle:
        measures = measures.filter(principles__number=principle)
    if status:
        measures = measures.filter(status=status)
    if search:
        measures = measures.filter(
            Q(code__icontains=search)
            | Q(name__icontains=search)
            | Q(name_en__icontains=search)
            | Q(description__icontains=search)
            | Q(target_state__icontains=search)
        )
    return measures.distinct()


def leads_of(user, edition: PlanEdition) -> list[Any]:
    """The organisations leading a measure of the edition the user sees: the lead filter's
    choices."""
    seen: dict[int, Any] = {}
    for measure in (
        measures_of(user, edition).select_related(None).select_related("lead").only(*LEAD_FIELDS)
    ):
        seen.setdefault(measure.lead_id, measure.lead)
    return sorted(seen.values(), key=lambda org: org.code)


# The columns of a measure and its lead the outline shows (and those the scoping and the
# ordering need).
LEAD_FIELDS = ("lead", "lead__id", "lead__code", "lead__name", "lead__name_en")
OUTLINE_FIELDS = (
    "id",
    "edition",
    "area",
    "code",
    "name",
    "name_en",
    "lead",
    "deadline",
    "status",
    "position",
    "area__id",
    "area__code",
    "area__name",
    "area__name_en",
    *LEAD_FIELDS,
)


def kpi_get(measure: Measure, code: str) -> Kpi | None:
    return measure.kpis.filter(code=code).first()


def milestone_get(measure: Measure, pk: int) -> Any:
    return measure.milestones.filter(pk=pk).first()


def measure_kpis(measure: Measure) -> list[Kpi]:
    return list(
        measure.kpis.order_by("position", "code").prefetch_related(
            Prefetch("interim_targets", queryset=InterimTarget.objects.order_by("due_on"))
        )
    )


@dataclass
class ShownLink:
    """One link of a measure as a user sees it: ``url`` only when the user may open what it
    names (a link the user cannot follow is never shown as one)."""

    link: Any
    code: str
    label: str
    url_name: str = ""
    url_args: tuple = ()


def measure_links(user, measure: Measure) -> dict[str, list[ShownLink]]:
    """The systems, budget lines and catalogs/controls the measure names."""
    systems = list(
        MeasureSystem.objects.filter(measure=measure).select_related("system").order_by("pk")
    )
    budgets = list(
        MeasureBudget.objects.filter(measure=measure)
        .select_related("budget_line", "budget_line__system")
        .order_by("budget_line__system__code", "budget_line__fiscal_year")
    )
    controls = list(
        MeasureControl.objects.filter(measure=measure)
        .select_related("catalog", "control")
        .defer("catalog__metadata", "catalog__back_matter")
        .order_by("pk")
    )
    system_ids = {link.system_id for link in systems} | {
        link.budget_line.system_id for link in budgets
    }
    reachable = set(
        registry_selectors.systems_in_reach(user)
        .filter(pk__in=system_ids)
        .values_list("pk", flat=True)
    )
    catalogs = set(
        standards_selectors.catalog_visible(user)
        .filter(pk__in={link.catalog_id for link in controls})
        .values_list("pk", flat=True)
    )
    shown: dict[str, list[ShownLink]] = {"systems": [], "budgets": [], "controls": []}
    for link in systems:
        system = link.system
        shown["systems"].append(
            ShownLink(link, system.code, str(system), *_detail(system, reachable))
        )
    for paying in budgets:
        system = paying.budget_line.system
        label = fiscal_year_label(paying.budget_line.fiscal_year, get_language() or "ja")
        shown["budgets"].append(ShownLink(paying, system.code, label, *_detail(system, reachable)))
    for about in controls:
        code = about.catalog.key
        label = about.control.label if about.control else ""
        if about.catalog_id not in catalogs:
            shown["controls"].append(ShownLink(about, code, label))
        elif about.control is not None:
            shown["controls"].append(
                ShownLink(about, code, label, "standards:node", (code, about.control.oscal_id))
            )
        else:
            shown["controls"].append(ShownLink(about, code, label, "standards:detail", (code,)))
    return shown


def _detail(system, reachable: set[int]) -> tuple[str, tuple]:
    return ("registry:detail", (system.code,)) if system.pk in reachable else ("", ())


def measures_serving(user, system) -> list[Measure]:
    """The measures that name ``system`` as delivering them: of every published edition, and
    of the drafts the user may see; newest edition first."""
    if not may_read_plan(user):
        return []
    drafts = visible_to(user, Measure.objects.filter(edition__status=EditionStatus.DRAFT))
    return list(
        Measure.objects.filter(system_links__system=system)
        .filter(Q(edition__status=EditionStatus.PUBLISHED) | Q(pk__in=drafts.values("pk")))
        .select_related("edition", "lead")
        .order_by("-edition__year", "position", "code")
        .distinct()
    )
