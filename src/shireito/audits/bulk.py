"""Writing control results in bulk. An audit of a whole catalog is a thousand rows and the
national-scale data millions: Django's bulk_create spends some 80 µs a row compiling SQL, ten
times the database's own work, so results go in through one parameterised INSERT."""

from __future__ import annotations

from django.db import connection
from django.db.models import Field

from shireito.audits.models import ControlResult

RESULT_FIELDS = (
    "audit",
    "system",
    "control",
    "position",
    "claimed",
    "claim_note",
    "status",
    "note",
    "previous_status",
    "updated_at",
)


def insert_results(rows: list[tuple]) -> None:
    """Rows in RESULT_FIELDS order, as prepared values (ids for the foreign keys; a time
    already adapted by ``connection.ops.adapt_datetimefield_value`` or None)."""
    meta = ControlResult._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(_column(name)) for name in RESULT_FIELDS)
    marks = ", ".join(["%s"] * len(RESULT_FIELDS))
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 10_000):
            cursor.executemany(sql, rows[start : start + 10_000])


def _column(name: str) -> str:
    field = ControlResult._meta.get_field(name)
    assert isinstance(field, Field) and field.column  # the listed names are concrete columns
    return field.column
