"""Writing catalog nodes in bulk. A NIST-sized catalog is some 1,200 wide rows (four JSON
columns); Django's ``bulk_create`` spent most of an import preparing their values field by
field (about half a second here, where the database's own work is a few tens of
milliseconds), so nodes go in through one parameterised multi-row INSERT per batch that hands
back the new ids, as ``audits.bulk`` does for control results."""

from __future__ import annotations

import json
from collections.abc import Sequence

from django.db import connection

from shireito.standards.models import CatalogNode

# Columns written, in order; the JSON ones are serialised here, as JSONField would.
TEXT_FIELDS = (
    "catalog_id",
    "parent_id",
    "position",
    "depth",
    "is_group",
    "kind",
    "oscal_id",
    "label",
    "title",
    "statement",
    "guidance",
    "oscal_class",
    "source_id",
)
JSON_FIELDS = ("params", "props", "links", "parts")
FIELDS = TEXT_FIELDS + JSON_FIELDS
# Rows per statement: 17 values each stays under SQLite's 32,766 and PostgreSQL's 65,535
# parameters.
BATCH = 1_000


def insert_nodes(nodes: Sequence[CatalogNode]) -> None:
    """Insert unsaved nodes of one catalog (their parents saved already) and set their ids."""
    ids = insert_node_rows([tuple(getattr(node, name) for name in FIELDS) for node in nodes])
    for node in nodes:
        node.pk = ids[node.oscal_id]
        node._state.adding = False
        node._state.db = connection.alias


def insert_node_rows(rows: Sequence[tuple]) -> dict[str, int]:
    """Insert rows of one catalog, each a tuple in ``FIELDS`` order (the JSON values as
    Python lists), and return the new ids by ``oscal_id``: unique in its catalog, so the
    order in which the database returns the ids does not matter."""
    if not rows:
        return {}
    meta = CatalogNode._meta
    quote = connection.ops.quote_name
    column_of = {field.attname: str(field.column) for field in meta.concrete_fields}
    columns = ", ".join(quote(column_of[name]) for name in FIELDS)
    json_mark = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
    row_marks = "(" + ", ".join(["%s"] * len(TEXT_FIELDS) + [json_mark] * len(JSON_FIELDS)) + ")"
    head = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES "  # noqa: S608 - our names
    tail = f" RETURNING {quote(str(meta.pk.column))}, {quote(column_of['oscal_id'])}"
    texts = len(TEXT_FIELDS)
    dumps = json.dumps
    ids: dict[str, int] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            params: list = []
            for row in batch:
                params.extend(row[:texts])
                params.extend(dumps(value) for value in row[texts:])
            cursor.execute(head + ", ".join([row_marks] * len(batch)) + tail, params)
            ids.update((oscal_id, pk) for pk, oscal_id in cursor.fetchall())
    return ids
