"""Plain INSERTs of STIX object rows: a TAXII write or a scale fill is bounded by how fast rows
reach the database, and the ORM's per-field preparation was most of a write's time. Values
are adapted once with the backend's own adapters; only quoted model names go into the SQL."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connections, models

from shireito.sharing.models import StixObject

FIELDS = (
    "collection",
    "creator",
    "stix_id",
    "type",
    "spec_version",
    "version",
    "date_added",
    "is_latest",
    "tlp",
    "body",
)


@dataclass(slots=True)
class NewObject:
    """A row to insert: the ``StixObject`` fields a write sets, without a model instance's
    cost (thousands are made per write)."""

    collection_id: Any
    creator_id: int
    stix_id: str
    type: str
    spec_version: str
    version: dt.datetime
    date_added: dt.datetime
    is_latest: bool
    tlp: str
    body: dict


def stored_fields() -> list[models.Field]:
    """The model fields behind ``FIELDS``, in that order (all concrete: none is a relation's
    reverse side)."""
    fields = []
    for name in FIELDS:
        field = StixObject._meta.get_field(name)
        assert isinstance(field, models.Field)
        fields.append(field)
    return fields


def insert_sql(db) -> str:
    fields = stored_fields()
    table = db.ops.quote_name(StixObject._meta.db_table)
    columns = ", ".join(db.ops.quote_name(str(field.column)) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    return f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608


def insert_objects(rows: list[NewObject], *, chunk: int = 1000) -> None:
    """Insert ``rows`` (their primary keys are not read back)."""
    if not rows:
        return
    db = connections[StixObject.objects.db]
    adapt_datetime = db.ops.adapt_datetimefield_value
    adapt_json = db.ops.adapt_json_value
    fields = dict(zip(FIELDS, stored_fields(), strict=True))
    boolean = fields["is_latest"]
    # A write's rows share their collection and creator: each key is prepared once.
    collection, creator = fields["collection"], fields["creator"]
    keys = {
        (field.name, value): field.get_db_prep_save(value, db)
        for field, name in ((collection, "collection_id"), (creator, "creator_id"))
        for value in {getattr(row, name) for row in rows}
    }
    flags = {value: boolean.get_db_prep_save(value, db) for value in (True, False)}
    sql = insert_sql(db)
    with db.cursor() as cursor:
        for start in range(0, len(rows), chunk):
            cursor.executemany(
                sql,
                [
                    [
                        keys["collection", row.collection_id],
                        keys["creator", row.creator_id],
                        row.stix_id,
                        row.type,
                        row.spec_version,
                        adapt_datetime(row.version),
                        adapt_datetime(row.date_added),
                        flags[row.is_latest],
                        row.tlp,
                        adapt_json(row.body, None),
                    ]
                    for row in rows[start : start + chunk]
                ],
            )
