"""Editions, their areas and measures, as a user (or the public, ``user=None`` never: the
public reads through ``published_editions``) may see them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from shireito.core.scoping import visible_to
from shireito.plans.choices import EditionStatus
from shireito.plans.models import Measure, PlanArea, PlanEdition, Principle


def published_editions() -> QuerySet[PlanEdition]:
    """Every published edition, newest first: open to everyone."""
    return PlanEdition.objects.filter(status=EditionStatus.PUBLISHED).order_by("-year")


def latest_published() -> PlanEdition | None:
    return published_editions().first()


def editions_for(user) -> QuerySet[PlanEdition]:
    """The published editions, and the drafts the user may see (their author's; a measure's
    responsible organisations see the draft that holds it)."""
    if not (user and user.is_authenticated and user.is_active):
        return PlanEdition.objects.none()
    drafts = visible_to(user, PlanEdition.objects.filter(status=EditionStatus.DRAFT))
    with_measures = visible_to(user, Measure.objects.filter(edition__status=EditionStatus.DRAFT))
    return PlanEdition.objects.filter(
        Q(status=EditionStatus.PUBLISHED)
        | Q(pk__in=drafts.values("pk"))
        | Q(pk__in=with_measures.values("edition_id"))
    ).order_by("-year")


def edition_get(user, year: int) -> PlanEdition | None:
    """One edition by its year, or ``None`` (not there, or not the user's to see)."""
    return editions_for(user).filter(year=year).select_related("author", "based_on").first()


def measures_of(user, edition: PlanEdition) -> QuerySet[Measure]:
    """An edition's measures the user may see: all of a published edition; of a draft, all
    for its author and the responsible organisations' own."""
    measures = Measure.objects.filter(edition=edition)
    if edition.status != EditionStatus.PUBLISHED:
        measures = visible_to(user, measures)
    return measures.select_related("area", "lead").order_by("position", "code")


def measure_get(user, edition: PlanEdition, code: str) -> Measure | None:
    return (
        measures_of(user, edition)
        .filter(code=code)
        .select_related("edition", "edition__author")
        .prefetch_related("co_responsible", "principles")
        .first()
    )


def areas_visible(user, edition: PlanEdition) -> QuerySet[PlanArea]:
    """An edition's areas as ``user`` may read them: all of a published edition, and of a
    draft for its author; a measure's responsible organisation reading a draft sees only the
    areas that hold its measures and those above them (a draft's outline is the author's)."""
    areas = PlanArea.objects.filter(edition=edition)
    if edition.status == EditionStatus.PUBLISHED:
        return areas
    if visible_to(user, PlanEdition.objects.filter(pk=edition.pk)).exists():
        return areas
    parents = dict(areas.values_list("pk", "parent_id"))
    shown: set[int] = set()
    for holding in measures_of(user, edition).values_list("area_id", flat=True):
        area_id: int | None = holding
        while area_id is not None and area_id not in shown:
            shown.add(area_id)
            area_id = parents.get(area_id)
    return areas.filter(pk__in=shown)


def principles() -> list[Principle]:
    return list(Principle.objects.all())


@dataclass
class AreaNode:
    """An area with its sub-areas and measures, for the edition's outline."""

    area: PlanArea
    children: list[AreaNode] = field(default_factory=list)
    measures: list[Any] = field(default_factory=list)


def area_tree(
    edition: PlanEdition, measures: list[Measure] | None = None, areas=None
) -> list[AreaNode]:
    """The edition's areas (``areas``, a reader's ``areas_visible``; all of them when not
    given) as a tree, each with the given measures that sit in it (in two queries however
    deep the tree)."""
    if areas is None:
        areas = PlanArea.objects.filter(edition=edition)
    nodes = {a.pk: AreaNode(a) for a in areas}
    roots: list[AreaNode] = []
    for node in sorted(nodes.values(), key=lambda n: (n.area.position, n.area.code)):
        parent = nodes.get(node.area.parent_id) if node.area.parent_id else None
        (parent.children if parent else roots).append(node)
    for measure in measures or []:
        holder = nodes.get(measure.area_id)
        if holder is not None:
            holder.measures.append(measure)
    return roots


def principles_of(measures: list[Measure]) -> list[Measure]:
    """Each measure's principles as ``principle_list``, from one read of the links and the
    ten principles themselves (not a copy of a principle per measure)."""
    ten = {p.pk: p for p in Principle.objects.all()}
    served: dict[int, list[Principle]] = {}
    links = Measure.principles.through.objects.filter(
        measure_id__in=[m.pk for m in measures]
    ).values_list("measure_id", "principle_id")
    for measure_id, principle_id in links:
        served.setdefault(measure_id, []).append(ten[principle_id])
    for measure in measures:
        measure.principle_list = sorted(  # type: ignore[attr-defined]
            served.get(measure.pk, []), key=lambda p: p.number
        )
    return measures
