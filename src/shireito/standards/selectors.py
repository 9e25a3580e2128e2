"""Reads of catalogs: the list, the tree, search, one node with its source chain, and the
differences between two editions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from shireito.core.scoping import visible_to
from shireito.standards.models import Catalog, CatalogMapping, CatalogNode

if TYPE_CHECKING:
    from shireito.accounts.models import User


def catalog_list(*, user: User, search: str = "") -> QuerySet[Catalog]:
    catalogs = (
        visible_to(user, Catalog.objects.select_related("owner"))
        .prefetch_related(
            Prefetch("derived_from", queryset=visible_to(user, Catalog.objects.order_by("key")))
        )
        .annotate(node_count=_node_count())
        .order_by("key")
    )
    if search:
        catalogs = catalogs.filter(
            Q(key__icontains=search) | Q(title__icontains=search) | Q(edition__icontains=search)
        )
    return catalogs


def _node_count() -> Coalesce:
    """A catalog's node count as a correlated subquery: a join with GROUP BY would group by
    every column of the catalog, its large OSCAL metadata and back matter included, which took
    half a second for one catalog among a few NIST-sized ones."""
    counted = (
        CatalogNode.objects.filter(catalog=OuterRef("pk"))
        .order_by()
        .values("catalog")
        .annotate(count=Count("*"))
        .values("count")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def catalog_visible(user: User) -> QuerySet[Catalog]:
    """The catalogs ``user`` may see, unannotated: for use as a subquery."""
    return visible_to(user, Catalog.objects.all())


def catalog_headings() -> QuerySet[Catalog]:
    """Catalogs without their OSCAL metadata and back matter (70 kB of JSON for NIST SP
    800-53): for loading a catalog beside what refers to it, which shows only its name."""
    return Catalog.objects.defer("metadata", "back_matter")


def catalog_get(*, user: User, key: str) -> Catalog | None:
    return catalog_list(user=user).filter(key=key).first()


def profile_sources(actor: User | None) -> QuerySet[Catalog]:
    """The catalogs a profile's imports may name: those ``actor`` may see (the command line,
    ``actor=None``, sees all)."""
    return Catalog.objects.all() if actor is None else catalog_visible(actor)


def derived_from(catalog: Catalog, *, user: User) -> QuerySet[Catalog]:
    """The catalogs this one was derived from, as far as the user may see."""
    return catalog.derived_from.filter(pk__in=catalog_visible(user).values("pk"))


def derivatives(catalog: Catalog, *, user: User) -> QuerySet[Catalog]:
    """The catalogs derived from this one, as far as the user may see."""
    return catalog.derivatives.filter(pk__in=catalog_visible(user).values("pk"))


def nodes_of(catalog: Catalog) -> QuerySet[CatalogNode]:
    return catalog.nodes.order_by("position")


def search_nodes(catalog: Catalog, text: str) -> QuerySet[CatalogNode]:
    """Ids, titles, statements and guidance containing ``text`` (Japanese too: substring)."""
    return nodes_of(catalog).filter(
        Q(label__icontains=text)
        | Q(title__icontains=text)
        | Q(statement__icontains=text)
        | Q(guidance__icontains=text)
    )


def node_get(catalog: Catalog, label: str) -> CatalogNode | None:
    return catalog.nodes.select_related("parent").filter(label=label).first() or (
        catalog.nodes.select_related("parent").filter(oscal_id=label).first()
    )


def node_by_id(catalog: Catalog, oscal_id: str) -> CatalogNode | None:
    return catalog.nodes.select_related("parent", "catalog").filter(oscal_id=oscal_id).first()


def children_of(catalog: Catalog, node: CatalogNode | None) -> QuerySet[CatalogNode]:
    """One level of the tree: a catalog is browsed level by level, so a page stays small
    however large the catalog is."""
    return (
        nodes_of(catalog)
        .filter(parent=node)
        .annotate(child_count=Count("children"))
        .only("oscal_id", "label", "title", "kind", "is_group", "depth")
    )


def source_chain(node: CatalogNode, *, user: User) -> list[CatalogNode]:
    """The controls this one derives from, nearest first, as far as the user may see."""
    visible = set(catalog_visible(user).values_list("pk", flat=True))
    chain, current, seen = [], node.source, set()
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        current = CatalogNode.objects.select_related("catalog", "source").get(pk=current.pk)
        if current.catalog_id not in visible:
            break
        chain.append(current)
        current = current.source
    return chain


def derived_copies(node: CatalogNode, *, user: User) -> QuerySet[CatalogNode]:
    """Controls of other catalogs derived from this one."""
    return (
        node.derived.filter(catalog__in=catalog_visible(user).values("pk"))
        .select_related("catalog")
        .order_by("catalog__key")
    )


def ancestors(node: CatalogNode) -> list[CatalogNode]:
    chain = []
    current = node.parent
    while current is not None:
        chain.append(current)
        current = current.parent
    return list(reversed(chain))


@dataclass(frozen=True)
class NodeChange:
    label: str
    fields: tuple[str, ...]
    old: CatalogNode | None
    new: CatalogNode | None


@dataclass(frozen=True)
class CatalogDiff:
    added: list[CatalogNode]
    removed: list[CatalogNode]
    changed: list[NodeChange]


COMPARED = ("title", "statement", "guidance", "kind", "params")


def compare_catalogs(old: Catalog, new: Catalog) -> CatalogDiff:
    """Controls and groups matched by their published id: added, removed, and changed (which
    of title, statement, guidance, kind, parameters, or place in the tree)."""
    before = {n.label: n for n in old.nodes.select_related("parent").order_by("position")}
    after = {n.label: n for n in new.nodes.select_related("parent").order_by("position")}
    changed = []
    for label, node in after.items():
        if label not in before:
            continue
        previous = before[label]
        fields = [f for f in COMPARED if getattr(previous, f) != getattr(node, f)]
        old_parent = previous.parent.label if previous.parent else None
        new_parent = node.parent.label if node.parent else None
        if old_parent != new_parent:
            fields.append("parent")
        if fields:
            changed.append(NodeChange(label, tuple(fields), previous, node))
    return CatalogDiff(
        added=[n for label, n in after.items() if label not in before],
        removed=[n for label, n in before.items() if label not in after],
        changed=changed,
    )


def mapping_list(*, user: User) -> QuerySet[CatalogMapping]:
    return (
        visible_to(user, CatalogMapping.objects.select_related("source", "target", "owner"))
        .filter(source__in=catalog_visible(user).values("pk"))
        .filter(target__in=catalog_visible(user).values("pk"))
        .annotate(entry_count=Count("entries"))
        .order_by("key")
    )


def mapping_get(*, user: User, key: str) -> CatalogMapping | None:
    return mapping_list(user=user).filter(key=key).first()


def mappings_of(catalog: Catalog, *, user: User) -> QuerySet[CatalogMapping]:
    return mapping_list(user=user).filter(Q(source=catalog) | Q(target=catalog))
