"""A space's links resolved as the reader sees them, through the owning apps' selectors:
registry systems and standard businesses, standards catalogs and controls, plan measures.
A link to something the reader may not see is left out, neither shown nor counted.

Keys: a system's code; a standard business's value; a catalog's key; a control as
``<catalog key>/<OSCAL id>``; a measure as ``<edition year>/<measure code>``."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from shireito.cocreation.choices import LinkKind
from shireito.cocreation.models import Space, SpaceLink
from shireito.plans import selectors as plan_selectors
from shireito.registry import selectors as registry_selectors
from shireito.registry.choices import StandardBusiness
from shireito.standards import selectors as standards_selectors


@dataclass(frozen=True)
class ResolvedLink:
    kind: str
    key: str
    label: str
    url_name: str = ""
    url_args: tuple = ()

    @property
    def url(self) -> str:
        return reverse(self.url_name, args=self.url_args) if self.url_name else ""

    @property
    def kind_label(self) -> str:
        return str(LinkKind(self.kind).label)


def _split(key: str) -> tuple[str, str]:
    first, _sep, rest = key.partition("/")
    return first, rest


def resolve(user, links: list[SpaceLink] | list[tuple[str, str]]) -> list[ResolvedLink]:
    """The links the user may see, each with its label and page (a few queries per kind)."""
    pairs = [(link.kind, link.key) if isinstance(link, SpaceLink) else link for link in links]
    by_kind: dict[str, list[str]] = {}
    for kind, key in pairs:
        by_kind.setdefault(kind, []).append(key)
    shown: dict[tuple[str, str], ResolvedLink] = {}
    if codes := by_kind.get(LinkKind.SYSTEM):
        for system in registry_selectors.systems_in_reach(user).filter(code__in=codes):
            shown[(LinkKind.SYSTEM, system.code)] = ResolvedLink(
                LinkKind.SYSTEM, system.code, str(system), "registry:detail", (system.code,)
            )
    for value in by_kind.get(LinkKind.STANDARD_BUSINESS, []):
        if value in StandardBusiness.values:
            shown[(LinkKind.STANDARD_BUSINESS, value)] = ResolvedLink(
                LinkKind.STANDARD_BUSINESS, value, str(StandardBusiness(value).label)
            )
    catalog_keys = set(by_kind.get(LinkKind.CATALOG, []))
    controls = [_split(key) for key in by_kind.get(LinkKind.CONTROL, [])]
    catalog_keys |= {catalog for catalog, _oscal in controls}
    if catalog_keys:
        catalogs = {
            c.key: c
            for c in standards_selectors.catalog_visible(user)
            .filter(key__in=catalog_keys)
            .defer("metadata", "back_matter")
        }
        for key in by_kind.get(LinkKind.CATALOG, []):
            if key in catalogs:
                shown[(LinkKind.CATALOG, key)] = ResolvedLink(
                    LinkKind.CATALOG, key, str(catalogs[key]), "standards:detail", (key,)
                )
        for catalog_key, oscal_id in controls:
            catalog = catalogs.get(catalog_key)
            node = standards_selectors.node_by_id(catalog, oscal_id) if catalog else None
            if node is not None:
                key = f"{catalog_key}/{oscal_id}"
                shown[(LinkKind.CONTROL, key)] = ResolvedLink(
                    LinkKind.CONTROL,
                    key,
                    f"{catalog} {node.label}",
                    "standards:node",
                    (catalog_key, oscal_id),
                )
    for key in by_kind.get(LinkKind.MEASURE, []):
        year, code = _split(key)
        # Four ASCII digits: "²" is a digit to ``isdigit`` and no number to ``int``.
        if not (len(year) == 4 and year.isascii() and year.isdigit()):
            continue
        edition = plan_selectors.edition_get(user, int(year))
        measure = edition and plan_selectors.measure_get(user, edition, code)
        if measure:
            shown[(LinkKind.MEASURE, key)] = ResolvedLink(
                LinkKind.MEASURE, key, str(measure), "plans:measure", (int(year), code)
            )
    return [shown[pair] for pair in pairs if pair in shown]


def links_of(user, space: Space) -> list[ResolvedLink]:
    return resolve(user, list(SpaceLink.objects.filter(space=space).order_by("kind", "key")))
