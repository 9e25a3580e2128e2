"""Mappings between catalogs: import and export as CSV (published ids, relationship, note),
and reading one catalog's controls as coverage of another's.

OSCAL has a control-mapping model only from version 1.2; we support 1.0.x and 1.1.x, so
mappings travel as CSV until the OSCAL support moves up."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shireito.core.choices import AuditAction
from shireito.core.problems import Problem
from shireito.core.services import audited_create, record_audit_event
from shireito.standards.choices import COVERING, MappingRelationship
from shireito.standards.importers import CatalogImportError
from shireito.standards.models import Catalog, CatalogMapping, MappingEntry, key_validator
from shireito.standards.permissions import may_manage_catalogs
from shireito.standards.spreadsheet import read_rows

COLUMNS = ["source_id", "target_id", "relationship", "note"]
MAX_ROWS = 100_000


def _nodes_by_id(catalog: Catalog) -> dict:
    nodes = {}
    for node in catalog.nodes.filter(is_group=False).only("pk", "label", "oscal_id"):
        nodes.setdefault(node.oscal_id, node)
        nodes.setdefault(node.label, node)
    return nodes


def mapping_import(
    *,
    actor,
    raw: bytes,
    key: str,
    title: str,
    source: Catalog,
    target: Catalog,
    owner=None,
) -> CatalogMapping:
    """Check every row, then write the mapping and all its entries, or nothing."""
    if actor is not None and owner is None and not actor.is_platform_admin:
        owner = actor.organization
    if not may_manage_catalogs(actor, owner):
        raise PermissionDenied(_("You may not import catalogs for this organization."))
    problems: list[Problem] = []
    try:
        key_validator(key)
    except ValidationError as exc:
        problems.append(Problem("key", exc.messages[0]))
    if key == "import":
        problems.append(Problem("key", _("This key is reserved; choose another.")))
    elif CatalogMapping.objects.filter(key=key).exists():
        problems.append(Problem("key", _("A mapping with the key %s exists already.") % key))
    rows = read_rows(
        raw,
        "csv",
        lambda path, message: problems.append(Problem(path, message)),
        required=COLUMNS[:3],
        max_rows=MAX_ROWS,
    )
    if rows is None:
        raise CatalogImportError(problems)
    sources, targets = _nodes_by_id(source), _nodes_by_id(target)
    entries, seen = [], set()
    for number, row in enumerate(rows, start=2):
        if not any(row.values()):
            continue
        where = f"row {number}"
        found_source = sources.get(row["source_id"])
        found_target = targets.get(row["target_id"])
        if found_source is None:
            problems.append(
                Problem(
                    f"{where}, source_id",
                    _("No control %(id)s in %(catalog)s.")
                    % {"id": row["source_id"] or "—", "catalog": source.key},
                )
            )
        if found_target is None:
            problems.append(
                Problem(
                    f"{where}, target_id",
                    _("No control %(id)s in %(catalog)s.")
                    % {"id": row["target_id"] or "—", "catalog": target.key},
                )
            )
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
    if not entries and not problems:
        problems.append(Problem("$", _("The file has no rows.")))
    if problems:
        raise CatalogImportError(problems)
    with transaction.atomic():
        mapping = audited_create(
            actor=actor,
            instance=CatalogMapping(
                key=key,
                title=title or f"{source.key} → {target.key}",
                source=source,
                target=target,
                owner=owner,
                source_sha256=hashlib.sha256(raw).hexdigest(),
            ),
        )
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


def mapping_export_csv(mapping: CatalogMapping) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for entry in mapping.entries.select_related("source", "target"):
        writer.writerow([entry.source.label, entry.target.label, entry.relationship, entry.note])
    return "\ufeff" + out.getvalue()


@dataclass(frozen=True)
class CoverageRow:
    target: object
    state: str  # "covered", "partial" or "none"
    sources: list


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
