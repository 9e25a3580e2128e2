"""Rows of prepared values written by the fastest path the database has, for the scale
loaders: PostgreSQL's COPY, else one executemany (the ORM's ``bulk_create`` spends most of its
time building and preparing model instances)."""

from __future__ import annotations

from django.db import connection
from django.db.models import Model


def copy_rows(model: type[Model], fields: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert ``rows`` (ids for foreign keys, dates and times already adapted) into
    ``model``'s table, one value per name in ``fields``."""
    if not rows:
        return
    quote = connection.ops.quote_name
    meta = model._meta
    column_of = {field.name: str(field.column) for field in meta.concrete_fields}
    columns = ", ".join(quote(column_of[name]) for name in fields)
    table = quote(meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(fields))
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608
            rows,
        )
