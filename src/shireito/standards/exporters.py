"""OSCAL JSON export of a catalog. A published id that is not an OSCAL token travels as the
``label`` property beside the derived id; a node's kind as a namespaced property; everything an
OSCAL import brought (parts, parameters, properties, links, metadata, back-matter) goes back
out as it came."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone

from shireito.standards.models import Catalog, CatalogNode
from shireito.standards.tree import KIND_NS, prose_parts

OSCAL_VERSION = "1.1.2"
_UUID_NAMESPACE = uuid.UUID("6f3c0e62-2b0e-4d6c-9a57-6d9cf1a7a8b1")

type Children = dict[int | None, list[CatalogNode]]  # a parent's pk (None: the top) → its nodes


def _props(node: CatalogNode) -> list[dict]:
    props = list(node.props)
    if node.label != node.oscal_id and not any(p.get("name") == "label" for p in props):
        props.insert(0, {"name": "label", "value": node.label})
    if node.kind not in ("group", "control", "enhancement"):
        props.append({"name": "kind", "ns": KIND_NS, "value": node.kind})
    return props


def _parts(node: CatalogNode) -> list[dict]:
    return node.parts or prose_parts(node.oscal_id, node.statement, node.guidance)


def _element(node: CatalogNode, children: Children) -> dict:
    element: dict = {"id": node.oscal_id}
    if node.oscal_class:
        element["class"] = node.oscal_class
    element["title"] = node.title or node.label
    if node.params:
        element["params"] = node.params
    props = _props(node)
    if props:
        element["props"] = props
    if node.links:
        element["links"] = node.links
    parts = _parts(node)
    if parts:
        element["parts"] = parts
    element.update(_nested(children.get(node.pk, []), children, groups=node.is_group))
    return element


def _nested(
    nodes: list[CatalogNode], children: Children, *, groups: bool = True
) -> dict[str, list[dict]]:
    """``nodes`` as OSCAL's ``groups`` and ``controls`` (a control holds no groups)."""
    nested = {}
    inner_groups = [_element(node, children) for node in nodes if node.is_group and groups]
    if inner_groups:
        nested["groups"] = inner_groups
    controls = [_element(node, children) for node in nodes if not node.is_group]
    if controls:
        nested["controls"] = controls
    return nested


def export_oscal(catalog: Catalog) -> dict:
    """The catalog as an OSCAL catalog document (JSON-ready dict)."""
    nodes = list(catalog.nodes.order_by("position"))
    children: Children = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    metadata = dict(catalog.metadata) if catalog.metadata else {}
    metadata.setdefault("title", str(catalog))
    metadata.setdefault(
        "last-modified", (catalog.updated_at or timezone.now()).astimezone(dt.UTC).isoformat()
    )
    metadata.setdefault("version", catalog.edition or "1")
    metadata["oscal-version"] = catalog.oscal_version or OSCAL_VERSION
    document: dict = {
        "uuid": str(catalog.oscal_uuid or uuid.uuid5(_UUID_NAMESPACE, catalog.key)),
        "metadata": metadata,
    }
    document.update(_nested(children.get(None, []), children))
    if catalog.back_matter:
        document["back-matter"] = catalog.back_matter
    return {"catalog": document}
