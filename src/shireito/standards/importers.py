"""Catalog importers: OSCAL JSON catalogs (1.0.x, 1.1.x) and the Common Standards' published
JSON structure. Both check the whole file first and answer each problem with its JSON path;
only a file without problems is written, in one transaction, with bulk inserts (a catalog
edition is written once and never edited, so its nodes need no row-by-row audit: the import
itself is one audited event).
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from shireito.core import uploads
from shireito.core.choices import AuditAction
from shireito.core.parsing import json_problem
from shireito.core.parsing import load_json as parse_json
from shireito.core.problems import Problem
from shireito.core.services import audited_create, is_unstorable, record_audit_event
from shireito.standards.bulk import insert_node_rows
from shireito.standards.choices import CatalogFormat, NodeKind
from shireito.standards.models import Catalog
from shireito.standards.spreadsheet import parse_spreadsheet
from shireito.standards.tree import (
    KIND_NS,
    TOKEN,
    CatalogImportError,
    NodeSpec,
    prose_parts,
    token_for,
)

if TYPE_CHECKING:
    from shireito.accounts.models import User
    from shireito.organizations.models import Organization

# Read from the settings once; tests set it here.
MAX_BYTES = uploads.limit_of("SHIREITO_IMPORT_MAX_BYTES")
SUPPORTED_OSCAL = re.compile(r"^1\.[01]\.\d+$")
ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")


@dataclass
class ImportSummary:
    catalog: Catalog
    nodes: int
    entries_by_type: dict[str, int] = field(default_factory=dict)
    merged_duplicates: int = 0


def refuse_oversized(size: int) -> None:
    """The one size limit for every catalog, profile and mapping file, on every channel."""
    try:
        uploads.refuse_oversized(size, limit=MAX_BYTES)
    except uploads.FileRefused as exc:
        raise CatalogImportError([Problem("$", str(exc))]) from exc


def read_upload(upload) -> bytes:
    """An uploaded file's bytes, refused by size before it is read into memory."""
    try:
        return uploads.read_capped(upload, limit=MAX_BYTES)
    except uploads.FileRefused as exc:
        raise CatalogImportError([Problem("$", str(exc))]) from exc


def load_json(data: bytes) -> object:
    refuse_oversized(len(data))
    try:
        parsed = parse_json(data)
    except ValueError as exc:  # not UTF-8, not JSON, or a number longer than Python reads
        raise CatalogImportError([Problem("$", json_problem(exc))]) from exc
    # NUL and lone surrogates can only arrive as \u escapes; walk the tree only when one may
    if b"\\u0000" in data or ESCAPED_SURROGATE.search(data):
        found = unstorable_paths(parsed)
        if found:
            raise CatalogImportError(found)
    return parsed


def unstorable_paths(value, path="$") -> list[Problem]:
    """Text no database can store (NUL, a lone surrogate), by JSON path; walked without
    recursion, so a document nested as deep as the parser takes cannot overflow the stack."""
    found: list[Problem] = []
    stack = [(value, path)]
    while stack and len(found) < 50:
        item, where = stack.pop()
        if isinstance(item, str):
            if is_unstorable(item):
                found.append(
                    Problem(where, _("Null characters and unpaired surrogates are not allowed."))
                )
        elif isinstance(item, dict):
            stack.extend((child, f"{where}.{name}") for name, child in reversed(item.items()))
        elif isinstance(item, list):
            stack.extend((child, f"{where}[{i}]") for i, child in reversed(list(enumerate(item))))
    return found


# --- the Common Standards' JSON ----------------------------------------------------------

_PARENT_RULES = [
    re.compile(r"^(.*\(\d+\)-\d+)[ _].+$"),  # 2.1.1(1)-1 a) / -1_また / -1 基本 → 2.1.1(1)-1
    re.compile(r"^(.*\(\d+\))-\d+$"),  # 2.1.1(1)-1 → 2.1.1(1)
    re.compile(r"^(.*)\([^()]+\)$"),  # 2.1.1(1)(a)(ア) → 2.1.1(1)(a); 2.1.1(1) → 2.1.1
]


def _parent_id(item_id: str) -> str | None:
    for rule in _PARENT_RULES:
        match = rule.match(item_id)
        if match:
            return match.group(1)
    return None


def _nearest_ancestor(item_id: str, by_id: dict) -> NodeSpec | None:
    """The closest ancestor the file has: the publication sometimes lists a sub-item without
    its own heading item, and then it hangs from the next level up."""
    current = _parent_id(item_id)
    while current:
        if current in by_id:
            return by_id[current]
        current = _parent_id(current)
    return None


def _item_kind(item_id: str, item_type: str) -> str:
    if re.match(r"^\d+\.\d+\.\d+\(\d+\)$", item_id):
        return NodeKind.MEASURE
    if re.match(r"^.*\(\d+\)\([a-z]+\)$", item_id):
        return NodeKind.REQUIREMENT
    if re.match(r"^.*\(\d+\)-\d+$", item_id):
        return NodeKind.BASIC_MEASURE
    return NodeKind.SUB_ITEM


def _text_after_label(description: str) -> str:
    _head, sep, rest = description.partition("\t")
    return rest.strip() if sep else description.strip()


def parse_common_standards(data: object) -> tuple[list[NodeSpec], dict[str, int], int]:
    """The published structure (parts → sections → subsections → items) as a node tree;
    items nest by their ids. Returns the tree, entries read by type, and exact duplicates merged."""
    if not isinstance(data, list):
        raise CatalogImportError([Problem("$", _("Expected a list of parts."))])
    reader = _CommonStandardsReader()
    roots = [
        node
        for p_index, part in enumerate(data)
        if (node := reader.part(part, f"$[{p_index}]")) is not None
    ]
    if reader.problems:
        raise CatalogImportError(reader.problems)
    return roots, reader.counts, reader.merged


class _CommonStandardsReader:
    """One pass over the file, level by level; what it has read so far (items by id, for
    nesting and for duplicates) and every problem found."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.by_id: dict[str, NodeSpec] = {}
        self.seen_items: dict[str, tuple] = {}
        self.counts: dict[str, int] = {}
        self.merged = 0

    def _heading(
        self, obj: object, path: str, keys: set[str], kind: str, message: str
    ) -> NodeSpec | None:
        # Names and titles are text and the level below is a list; anything else is the
        # same problem as a missing key, on the same path.
        if (
            not isinstance(obj, dict)
            or not keys <= set(obj)
            or not all(_is_text(obj[k]) for k in ("id", "title"))
            or not all(isinstance(obj[k], list) for k in keys - {"id", "title"})
        ):
            self.problems.append(Problem(path, message))
            return None
        return NodeSpec(
            kind,
            token_for(str(obj["id"]), "cs-"),
            str(obj["id"]),
            title=obj["title"],
            is_group=True,
        )

    def part(self, part: object, path: str) -> NodeSpec | None:
        node = self._heading(
            part,
            path,
            {"id", "title", "sections"},
            NodeKind.PART,
            _("A part has id, title and sections."),
        )
        if node is not None:
            assert isinstance(part, dict)
            for s_index, section in enumerate(part["sections"]):
                self.section(section, f"{path}.sections[{s_index}]", node)
        return node

    def section(self, section: object, path: str, part: NodeSpec) -> None:
        node = self._heading(
            section,
            path,
            {"id", "title", "subsections"},
            NodeKind.SECTION,
            _("A section has id, title and subsections."),
        )
        if node is None:
            return
        assert isinstance(section, dict)
        part.children.append(node)
        for ss_index, subsection in enumerate(section["subsections"]):
            self.subsection(subsection, f"{path}.subsections[{ss_index}]", node)

    def subsection(self, subsection: object, path: str, section: NodeSpec) -> None:
        node = self._heading(
            subsection,
            path,
            {"id", "title", "items"},
            NodeKind.SUBSECTION,
            _("A subsection has id, title and items."),
        )
        if node is None:
            return
        assert isinstance(subsection, dict)
        section.children.append(node)
        self.by_id[subsection["id"]] = node
        for i_index, item in enumerate(subsection["items"]):
            self.item(item, f"{path}.items[{i_index}]", node)

    def item(self, item: object, path: str, subsection: NodeSpec) -> None:
        """An item hangs from the nearest item its id nests in, else from its subsection."""
        if (
            not isinstance(item, dict)
            or not {"id", "type", "description"} <= set(item)
            or not all(_is_text(item[k]) for k in ("id", "type", "description"))
            or not isinstance(item.get("information", ""), str)
        ):
            self.problems.append(Problem(path, _("An item has id, type and description.")))
            return
        self.counts[item["type"]] = self.counts.get(item["type"], 0) + 1
        signature = (item["type"], item["description"], item.get("information", ""))
        if item["id"] in self.seen_items:
            if self.seen_items[item["id"]] == signature:
                self.merged += 1  # the publication repeats some entries word for word
            else:
                self.problems.append(
                    Problem(f"{path}.id", _("Duplicate id %s with different text.") % item["id"])
                )
            return
        self.seen_items[item["id"]] = signature
        parent = _nearest_ancestor(item["id"], self.by_id) or subsection
        node = _item_node(item)
        parent.children.append(node)
        self.by_id[item["id"]] = node


def _is_text(value: object) -> bool:
    """An id, title, type or description is text (not empty for an id)."""
    return isinstance(value, str)


def _item_node(item: dict) -> NodeSpec:
    kind = _item_kind(item["id"], item["type"])
    text = _text_after_label(item["description"])
    token = token_for(item["id"], "cs-")
    statement = "" if kind == NodeKind.MEASURE else text
    guidance = item.get("information", "").lstrip("\uf06c\t ").strip()
    return NodeSpec(
        kind,
        token,
        item["id"],
        title=text if kind == NodeKind.MEASURE else "",
        statement=statement,
        guidance=guidance,
        props=[{"name": "type", "ns": KIND_NS, "value": item["type"]}],
        parts=prose_parts(token, statement, guidance),
    )


# --- OSCAL --------------------------------------------------------------------------------


def _prose(parts: list, name: str) -> str:
    texts = []
    for part in parts or []:
        if part.get("name") == name:
            texts.append(_all_prose(part))
    return "\n".join(t for t in texts if t)


def _all_prose(part: dict) -> str:
    texts = [part.get("prose", "")]
    texts += [_all_prose(child) for child in part.get("parts", [])]
    return "\n".join(t for t in texts if t)


def _label(obj: dict) -> str:
    for prop in obj.get("props", []):
        if prop.get("name") == "label":
            return prop.get("value", obj["id"])
    return obj["id"]


def _kind_prop(obj: dict, default: str) -> str:
    for prop in obj.get("props", []):
        if (
            prop.get("name") == "kind"
            and prop.get("ns") == KIND_NS
            and prop.get("value") in NodeKind.values
        ):
            return prop["value"]
    return default


def parse_oscal_catalog(data: object) -> tuple[dict, list[NodeSpec]]:
    """An OSCAL catalog document as its header and node tree; every group, control, part and
    parameter is kept as it is."""
    if not isinstance(data, dict) or not isinstance(data.get("catalog"), dict):
        raise CatalogImportError(
            [Problem("$", _("An OSCAL catalog document has a top-level 'catalog' object."))]
        )
    catalog = data["catalog"]
    shape = catalog_shape_problems(catalog)
    if shape:
        raise CatalogImportError(shape)
    reader = _OscalReader(_header_problems(catalog))
    # the catalog holds its groups and controls as a group does: what is at the top is no
    # control's enhancement
    roots = reader.children(catalog, "$.catalog", is_group=True, inside_control=False)
    if reader.problems:
        raise CatalogImportError(reader.problems)
    return catalog, roots


# Keys of an OSCAL catalog whose value is a list of objects, and keys whose value is text.
_OBJECT_LISTS = frozenset({"groups", "controls", "parts", "props", "links", "params"})
_TEXTS = frozenset({"id", "title", "prose", "name", "ns", "value", "class", "label", "href"})


def catalog_shape_problems(catalog: dict) -> list[Problem]:
    """Where a catalog's groups, controls, parts, properties, links and parameters are not
    lists of objects, or their names and texts not text, by JSON path (at most 50); checked
    before the tree is read, so the reader meets only the shapes OSCAL gives. A path is kept
    as a chain of (parent, step) and written out only for a problem: formatting one for each
    of a NIST catalog's hundred thousand values took most of the check's time."""
    if _shape_is_right(catalog):
        return []
    found: list[Problem] = []
    stack: list[tuple[object, tuple]] = [(catalog, ((), "catalog"))]
    while stack and len(found) < 50:
        value, where = stack.pop()
        if isinstance(value, list):
            stack.extend((item, (where, i)) for i, item in enumerate(value))
            continue
        if not isinstance(value, dict):
            continue
        for key, child in value.items():
            if key in _OBJECT_LISTS and not (
                isinstance(child, list) and all(isinstance(item, dict) for item in child)
            ):
                found.append(Problem(_json_path((where, key)), _("Expected a list of objects.")))
            elif key in _TEXTS and not isinstance(child, str):
                found.append(Problem(_json_path((where, key)), _("Expected text.")))
            elif isinstance(child, dict | list):
                stack.append((child, (where, key)))
    return found


def _shape_is_right(catalog: dict) -> bool:
    """``catalog_shape_problems``'s rules without paths, for the usual document that has no
    problem: a third of the time of the walk that keeps them."""
    object_lists, texts = _OBJECT_LISTS, _TEXTS
    stack: list = [catalog]
    push, extend, pop = stack.append, stack.extend, stack.pop
    while stack:
        value = pop()
        kind = type(value)
        if kind is list:
            extend(value)
            continue
        if kind is not dict:
            continue
        for key, child in value.items():
            if key in object_lists:
                if type(child) is not list:
                    return False
                for item in child:
                    if type(item) is not dict:
                        return False
                extend(child)
            elif key in texts:
                if type(child) is not str:
                    return False
            elif type(child) is dict or type(child) is list:
                push(child)
    return True


def _json_path(where: tuple) -> str:
    """``$.catalog.groups[0].id`` from a chain of (parent, step)."""
    steps = []
    while where:
        where, step = where
        steps.append(f"[{step}]" if isinstance(step, int) else f".{step}")
    return "$" + "".join(reversed(steps))


def oscal_version_problem(path: str, version: object) -> Problem | None:
    """A document's OSCAL version we do not read, or none given."""
    if version is not None and SUPPORTED_OSCAL.match(str(version)):
        return None
    if version in (None, ""):
        return Problem(path, _("Give the OSCAL version of the document (1.0.x or 1.1.x)."))
    return Problem(
        path,
        _("OSCAL version %(version)s is not supported (1.0.x and 1.1.x are).")
        % {"version": version},
    )


def _header_problems(catalog: dict) -> list[Problem]:
    problems = []
    metadata = catalog.get("metadata")
    if not isinstance(metadata, dict):  # e.g. a number: its title is as missing as its version
        metadata = {}
    if not metadata.get("title"):
        problems.append(Problem("$.catalog.metadata.title", _("Required.")))
    version = oscal_version_problem(
        "$.catalog.metadata.oscal-version", metadata.get("oscal-version")
    )
    if version is not None:
        problems.append(version)
    try:
        uuid.UUID(str(catalog.get("uuid", "")))
    except ValueError:
        problems.append(Problem("$.catalog.uuid", _("Not a UUID.")))
    return problems


class _OscalReader:
    """Groups and controls read depth first; the ids seen so far (for duplicates) and every
    problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        self.ids: dict[str, str] = {}

    def children(
        self, obj: dict, path: str, *, is_group: bool, inside_control: bool
    ) -> list[NodeSpec]:
        """The groups and controls inside ``obj`` (a catalog, group or control)."""
        found = []
        for key, child_is_group in (("groups", True), ("controls", False)):
            for index, child in enumerate(obj.get(key, [])):
                built = self.node(
                    child,
                    f"{path}.{key}[{index}]",
                    is_group=child_is_group,
                    inside_control=inside_control or not is_group,
                )
                if built is not None:
                    found.append(built)
        return found

    def node(
        self, obj: object, path: str, *, is_group: bool, inside_control: bool
    ) -> NodeSpec | None:
        if not isinstance(obj, dict) or not obj.get("id") or "title" not in obj:
            self.problems.append(Problem(path, _("Needs an id and a title.")))
            return None
        self.check_id(obj["id"], path)
        default = (
            NodeKind.GROUP
            if is_group
            else (NodeKind.ENHANCEMENT if inside_control else NodeKind.CONTROL)
        )
        label = _label(obj)
        result = NodeSpec(
            _kind_prop(obj, default),
            obj["id"],
            label,
            # OSCAL requires a title; an export gives untitled items their id as one.
            title="" if obj.get("title") == label != obj["id"] else obj.get("title", ""),
            statement=_prose(obj.get("parts", []), "statement"),
            guidance=_prose(obj.get("parts", []), "guidance"),
            is_group=is_group,
            oscal_class=obj.get("class", ""),
            params=obj.get("params", []),
            props=[
                p
                for p in obj.get("props", [])
                if not (p.get("name") == "kind" and p.get("ns") == KIND_NS)
            ],
            links=obj.get("links", []),
            parts=obj.get("parts", []),
        )
        result.children = self.children(obj, path, is_group=is_group, inside_control=inside_control)
        return result

    def check_id(self, oscal_id: str, path: str) -> None:
        if not TOKEN.match(str(oscal_id)):
            self.problems.append(Problem(f"{path}.id", _("Not a valid OSCAL id: %s") % oscal_id))
        if oscal_id in self.ids:
            self.problems.append(
                Problem(
                    f"{path}.id",
                    _("Duplicate id %(id)s (first at %(first)s).")
                    % {"id": oscal_id, "first": self.ids[oscal_id]},
                )
            )
        self.ids[oscal_id] = path


# --- writing ------------------------------------------------------------------------------


def _write_nodes(catalog: Catalog, roots: list[NodeSpec]) -> int:
    """Insert the tree level by level (parents first) in bulk, with positions in reading
    order (depth first) fixed beforehand. Rows go in as tuples: building 1,200 model
    instances only to take their values apart again cost as much as the insert."""
    positions: dict[int, int] = {}
    stack = list(reversed(roots))
    while stack:
        spec = stack.pop()
        positions[id(spec)] = len(positions)
        stack.extend(reversed(spec.children))
    used: set[str] = set()
    level: list[tuple[NodeSpec, int | None]] = [(root, None) for root in roots]
    depth = 0
    while level:
        rows, written = [], []
        for spec, parent_id in level:
            oscal_id = spec.oscal_id
            suffix = 2
            while oscal_id in used:
                oscal_id = f"{spec.oscal_id}-{suffix}"
                suffix += 1
            used.add(oscal_id)
            written.append(oscal_id)
            rows.append(
                # in bulk.FIELDS order
                (
                    catalog.pk,
                    parent_id,
                    positions[id(spec)],
                    depth,
                    spec.is_group,
                    spec.kind,
                    oscal_id,
                    spec.label,
                    spec.title,
                    spec.statement,
                    spec.guidance,
                    spec.oscal_class,
                    None,
                    spec.params,
                    spec.props,
                    spec.links,
                    spec.parts,
                )
            )
        ids = insert_node_rows(rows)
        level = [
            (child, ids[oscal_id])
            for (spec, _parent), oscal_id in zip(level, written, strict=True)
            for child in spec.children
        ]
        depth += 1
    return len(positions)


def import_catalog(
    raw: bytes,
    *,
    fmt: str,
    actor: User | None,
    key: str,
    title: str = "",
    edition: str = "",
    owner: Organization | None = None,
    source_name: str = "",
    document: object = None,
) -> ImportSummary:
    """Check, then write, a catalog from ``raw``; nothing is written when a problem is found.
    ``document`` is ``raw`` already parsed as JSON, when the caller has parsed it."""
    counts: dict[str, int] = {}
    merged = 0
    header: dict = {}
    if fmt == CatalogFormat.COMMON_STANDARDS_JSON:
        roots, counts, merged = parse_common_standards(load_json(raw))
    elif fmt == CatalogFormat.OSCAL:
        header, roots = parse_oscal_catalog(load_json(raw) if document is None else document)
    elif fmt in (CatalogFormat.CSV, CatalogFormat.XLSX):
        refuse_oversized(len(raw))
        roots = parse_spreadsheet(raw, fmt)
    else:
        raise CatalogImportError([Problem("$", _("Unknown format %s.") % fmt)])
    metadata = header.get("metadata", {})
    with transaction.atomic():
        catalog = audited_create(
            actor=actor,
            instance=Catalog(
                key=key,
                title=title or metadata.get("title", key),
                edition=edition or metadata.get("version", ""),
                owner=owner,
                oscal_uuid=header.get("uuid") or None,
                oscal_version=metadata.get("oscal-version", ""),
                source_format=fmt,
                source_sha256=hashlib.sha256(raw).hexdigest(),
                source_name=source_name,
                metadata=metadata,
                back_matter=header.get("back-matter", {}),
            ),
        )
        total = _write_nodes(catalog, roots)
        record_audit_event(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=catalog,
            changes={
                "nodes": [0, total],
                "merged_duplicate_entries": [None, merged] if merged else [None, 0],
            },
        )
    return ImportSummary(
        catalog=catalog, nodes=total, entries_by_type=counts, merged_duplicates=merged
    )
