"""Mappings between catalogs: import and export as CSV (published ids, relationship, note),
and reading one catalog's controls as coverage of another's.

OSCAL has a control-mapping model only from version 1.2; we support 1.0.x and 1.1.x, so
mappings travel as CSV until the OSCAL support moves up."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from shireito.core.choices import AuditAction
from shireito.core.problems import Problem
from shireito.core.services import audited_create, record_audit_event
from shireito.core.textfiles import csv_text
from shireito.standards.choices import COVERING, MappingRelationship
from shireito.standards.models import Catalog, CatalogMapping, CatalogNode, MappingEntry
from shireito.standards.permissions import import_owner
from shireito.standards.spreadsheet import read_rows
from shireito.standards.tree import CatalogImportError, key_problems

COLUMNS = ["source_id", "target_id", "relationship", "note"]
MAX_ROWS = 100_000

if TYPE_CHECKING:
    from shireito.accounts.models import User
    from shireito.organizations.models import Organization


def _nodes_by_id(catalog: Catalog) -> dict[str, CatalogNode]:
    nodes: dict[str, CatalogNode] = {}
    for node in catalog.nodes.filter(is_group=False).only("pk", "label", "oscal_id"):
        nodes.setdefault(node.oscal_id, node)
        nodes.setdefault(node.label, node)
    return nodes


def mapping_import(
    *,
    actor: User | None,
    raw: bytes,
    key: str,
    title: str,
    source: Catalog,
    target: Catalog,
    owner: Organization | None = None,
) -> CatalogMapping:
    """Check every row, then write the mapping and all its entries, or nothing."""
    owner = import_owner(actor, owner)
    problems = key_problems(
        key,
        reserved={"import"},  # a path under /standards/mappings/
        taken=CatalogMapping.objects.filter(key=key).exists(),
        taken_message=_("A mapping with the key %s exists already.") % key,
    )
    rows = read_rows(
        raw,
        "csv",
        lambda path, message: problems.append(Problem(path, message)),
        required=COLUMNS[:3],
        max_rows=MAX_ROWS,
    )
    if rows is None:
        raise CatalogImportError(problems)
    entries = _entries(rows, source, target, problems)
    if not entries and not problems:
        problems.append(Problem("$", _("The file has no rows.")))
    if problems:
        raise CatalogImportError(problems)
    mapping = CatalogMapping(
        key=key,
        title=title or f"{source.key} → {target.key}",
        source=source,
        target=target,
        owner=owner,
        source_sha256=hashlib.sha256(raw).hexdigest(),
    )
    return _write_mapping(mapping, entries, actor=actor)


def _entries(
    rows: list[dict[str, str]], source: Catalog, target: Catalog, problems: list[Problem]
) -> list[MappingEntry]:
    """One entry per row whose controls both exist and whose pair is new; the other rows add
    to ``problems``."""
    sources, targets = _nodes_by_id(source), _nodes_by_id(target)
    entries, seen = [], set()
    for number, row in enumerate(rows, start=2):
        if not any(row.values()):
            continue
        where = f"row {number}"
        found_source = _control(sources, row["source_id"], source, f"{where}, source_id", problems)
        found_target = _control(targets, row["target_id"], target, f"{where}, target_id", problems)
        if row["relationship"] not in MappingRelationship.values:
            problems.append(
                Problem(
                    f"{where}, relationship",
                    _("Unknown relationship %(value)s; use one of %(choices)s.")
                    % {
                        "value": row["relationship"] or "—",
                        "choices": ", ".join(MappingRelationship.values),
                    },
                )
            )
        if found_source is None or found_target is None:
            continue
        pair = (found_source.pk, found_target.pk)
        if pair in seen:
            problems.append(Problem(where, _("This pair of controls is mapped twice.")))
            continue
        seen.add(pair)
        entries.append(
            MappingEntry(
                source=found_source,
                target=found_target,
                relationship=row["relationship"],
                note=row.get("note", ""),
            )
        )
    return entries


def _control(
    nodes: dict[str, CatalogNode], wanted: str, catalog: Catalog, where: str, problems: list
) -> CatalogNode | None:
    found = nodes.get(wanted)
    if found is None:
        problems.append(
            Problem(
                where,
                _("No control %(id)s in %(catalog)s.")
                % {"id": wanted or "—", "catalog": catalog.key},
            )
        )
    return found


def _write_mapping(
    mapping: CatalogMapping, entries: list[MappingEntry], *, actor: User | None
) -> CatalogMapping:
    """The mapping and its entries, audited as one creation and one update."""
    with transaction.atomic():
        mapping = audited_create(actor=actor, instance=mapping)
        for entry in entries:
            entry.mapping = mapping
        MappingEntry.objects.bulk_create(entries, batch_size=2000)
        record_audit_event(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=mapping,
            changes={"entries": [0, len(entries)]},
        )
    return mapping


def mapping_export_csv(mapping: CatalogMapping, *, bom: bool = False) -> str:
    return csv_text(
        COLUMNS,
        (
            [entry.source.label, entry.target.label, entry.relationship, entry.note]
            for entry in mapping.entries.select_related("source", "target")
        ),
        bom=bom,
    )


@dataclass(frozen=True)
class CoverageRow:
    target: CatalogNode
    state: str  # "covered", "partial" or "none"
    sources: list[CatalogNode]


def coverage(mapping: CatalogMapping) -> list[CoverageRow]:
    """Each control of the target catalog read through the mapping: covered when a source
    control is equal to or wider than it, partial when one only overlaps, otherwise none."""
    by_target: dict[int, list[MappingEntry]] = {}
    for entry in mapping.entries.select_related("source"):
        if entry.relationship != MappingRelationship.NO_RELATIONSHIP:
            by_target.setdefault(entry.target_id, []).append(entry)
    rows = []
    for node in mapping.target.nodes.filter(is_group=False).order_by("position"):
        entries = by_target.get(node.pk, [])
        if any(e.relationship in COVERING for e in entries):
            state = "covered"
        elif entries:
            state = "partial"
        else:
            state = "none"
        rows.append(CoverageRow(node, state, [e.source for e in entries]))
    return rows
