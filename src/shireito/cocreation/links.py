"""What a thread is about, resolved as the person asking sees it.

A link is a kind (``LinkKind``) and a key:

- ``system``: the information system's id (its code);
- ``standard_business``: one of the standardised businesses (``registry.choices``);
- ``catalog``: a control catalog's key; ``control``: ``<catalog key>/<control id or label>``;
- ``finding``: ``<audit number>/<finding number>``;
- ``measure``: ``<plan edition year>/<measure code>``.

Each is looked up through its own app's selectors as the actor sees it: ``resolve`` answers
``None`` alike for what does not exist and what the actor may not see, so a form answers both
the same way, and ``visible_links`` drops a link its reader may not see without counting or
hinting at it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.http import urlencode

from shireito.cocreation.choices import LinkKind
from shireito.core.pagination import parse_id


@dataclass(frozen=True)
class ShownLink:
    """A link its reader may see: what it is, its name and where it leads (may be empty)."""

    kind: str
    key: str
    label: str
    url: str = ""

    @property
    def kind_label(self) -> str:
        return str(LinkKind(self.kind).label)


def _system(actor, key: str) -> ShownLink | None:
    from shireito.registry import selectors as registry

    # By its code, the id people know it by, as a space's links and outcomes name it.
    system = registry.systems_in_reach(actor).filter(code=key.strip()).first()
    if system is None:
        return None
    url = reverse("registry:detail", args=[system.code])
    return ShownLink(
        LinkKind.SYSTEM,
        system.code,
        f"{system.code} {getattr(system, 'display_name', system.name)}",
        url,
    )


def _standard_business(actor, key: str) -> ShownLink | None:
    from shireito.registry.choices import StandardBusiness

    if key not in StandardBusiness.values:
        return None
    url = reverse("registry:list") + "?" + urlencode({"standard_business": key})
    return ShownLink(LinkKind.STANDARD_BUSINESS, key, str(StandardBusiness(key).label), url)


def _catalog(actor, key: str):
    from shireito.standards import selectors as standards

    if not key or len(key) > 100:
        return None
    return standards.catalog_get(user=actor, key=key)


def _catalog_link(actor, key: str) -> ShownLink | None:
    catalog = _catalog(actor, key)
    if catalog is None:
        return None
    url = reverse("standards:detail", args=[catalog.key])
    return ShownLink(LinkKind.CATALOG, catalog.key, str(catalog), url)


def _control(actor, key: str) -> ShownLink | None:
    from shireito.standards import selectors as standards

    catalog_key, _slash, label = key.partition("/")
    catalog = _catalog(actor, catalog_key)
    if catalog is None or not label:
        return None
    node = standards.node_get(catalog, label)
    if node is None:
        return None
    url = reverse("standards:node", args=[catalog.key, node.oscal_id])
    shown = f"{catalog.key} {node.label} {node.title}".strip()
    return ShownLink(LinkKind.CONTROL, f"{catalog.key}/{node.label}", shown, url)


def _finding(actor, key: str) -> ShownLink | None:
    from shireito.audits import selectors as audits

    number, _slash, finding_number = key.partition("/")
    position = parse_id(finding_number)
    if not number or position is None or len(number) > 50:
        return None
    audit = audits.audit_get(user=actor, number=number)
    if audit is None:
        return None
    finding = audits.finding_get(user=actor, audit=audit, number=position)
    if finding is None:
        return None
    url = reverse("audits:finding", args=[audit.number, finding.number])
    return ShownLink(
        LinkKind.FINDING,
        f"{audit.number}/{finding.number}",
        f"{audit.number}-{finding.number} {finding.title}",
        url,
    )


def _measure(actor, key: str) -> ShownLink | None:
    from shireito.plans import selectors as plans

    year, _slash, code = key.partition("/")
    if not (len(year) == 4 and year.isascii() and year.isdigit()) or not code or len(code) > 50:
        return None
    edition = plans.edition_get(actor, int(year))
    if edition is None:
        return None
    measure = plans.measure_get(actor, edition, code)
    if measure is None:
        return None
    url = reverse("plans:measure", args=[edition.year, measure.code])
    label = f"{measure.code} {measure.display_name}"
    return ShownLink(LinkKind.MEASURE, f"{edition.year}/{measure.code}", label, url)


RESOLVERS = {
    LinkKind.SYSTEM: _system,
    LinkKind.STANDARD_BUSINESS: _standard_business,
    LinkKind.CATALOG: _catalog_link,
    LinkKind.CONTROL: _control,
    LinkKind.FINDING: _finding,
    LinkKind.MEASURE: _measure,
}


def resolve(actor, kind: str, key: str) -> ShownLink | None:
    """The linked object as ``actor`` sees it, or ``None``: not there, or not theirs to see
    (never told apart)."""
    resolver = RESOLVERS.get(kind)  # type: ignore[call-overload]
    if resolver is None or not isinstance(key, str):
        return None
    return resolver(actor, key.strip())


def visible_links(user, links: Iterable) -> list[ShownLink]:
    """Of ``links`` (rows with ``kind`` and ``key``, or pairs), those the reader may see, each
    with its name and address; the others are left out without a trace."""
    shown = []
    for link in links:
        kind, key = (link.kind, link.key) if hasattr(link, "kind") else link
        found = resolve(user, kind, key)
        if found is not None:
            shown.append(found)
    return shown
