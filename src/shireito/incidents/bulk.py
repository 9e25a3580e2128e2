"""Writing many rows at once (the scale data, the tallies' rebuild). Django's bulk_create spends
most of its time compiling SQL for each row (some 80 µs a row here), many times the database's
own work, so rows go in through one parameterised INSERT run with ``executemany`` (SQLite) or
through COPY (PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection, models

BATCH = 10_000


def row_maker(model: type[models.Model], fields: tuple[str, ...]) -> Callable[[Any], tuple]:
    """A function giving an unsaved instance's values of ``fields`` as the database takes
    them (times adapted; foreign keys by their ids)."""
    adapt = connection.ops.adapt_datetimefield_value
    getters = []
    for name in fields:
        field = model._meta.get_field(name)
        assert isinstance(field, models.Field)
        attname = field.attname
        if isinstance(field, models.DateTimeField):
            getters.append(lambda obj, a=attname: adapt(getattr(obj, a)))
        else:
            getters.append(lambda obj, a=attname: getattr(obj, a))
    return lambda obj: tuple(get(obj) for get in getters)


def insert(model: type[models.Model], fields: tuple[str, ...], rows: Iterable[tuple]) -> int:
    """Insert ``rows`` (values of ``fields``, prepared as ``row_maker`` does); returns how
    many."""
    meta = model._meta
    quote = connection.ops.quote_name
    columns = []
    for name in fields:
        field = meta.get_field(name)
        assert isinstance(field, models.Field) and field.column
        columns.append(quote(field.column))
    rows = list(rows)
    table = f"{quote(meta.db_table)} ({', '.join(columns)})"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: psycopg's executemany still sends one statement per row.
            with cursor.cursor.copy(f"COPY {table} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return len(rows)
        marks = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {table} VALUES ({marks})"  # noqa: S608
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start : start + BATCH])
    return len(rows)
