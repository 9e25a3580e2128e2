"""Writing control results in bulk. An audit of a whole catalog is a thousand rows and the
national-scale data millions: Django's bulk_create spends some 80 µs a row compiling SQL, ten
times the database's own work, so results go in through one parameterised INSERT."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

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
    insert_results_in(rows, 10_000)


def _column(name: str) -> str:
    field = ControlResult._meta.get_field(name)
    assert isinstance(field, Field) and field.column  # the listed names are concrete columns
    return field.column


# --- loading millions (the national-scale data) ------------------------------------------------

# executemany batch for SQLite: large enough that Python's per-call cost vanishes.
LOAD_BATCH = 50_000


def load_results(rows: list[tuple]) -> None:
    """Rows as for ``insert_results``, by the fastest path the database has: PostgreSQL's
    COPY (psycopg streams the rows, no statement per row), else one executemany per batch."""
    if connection.vendor != "postgresql":
        insert_results_in(rows, LOAD_BATCH)
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(_column(name)) for name in RESULT_FIELDS)
    table = quote(ControlResult._meta.db_table)
    statement = f"COPY {table} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def insert_results_in(rows: list[tuple], batch: int) -> None:
    meta = ControlResult._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(_column(name)) for name in RESULT_FIELDS)
    marks = ", ".join(["%s"] * len(RESULT_FIELDS))
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            cursor.executemany(sql, rows[start : start + batch])


@contextmanager
def results_indexes_set_aside() -> Iterator[None]:
    """Load results with the table's secondary indexes (and, on PostgreSQL, its unique and
    foreign-key constraints) set aside, and build them again at the end: one sort per index
    instead of millions of scattered inserts, and one join per foreign key instead of a
    deferred check per row.

    Safe only inside the load's transaction, which this requires: DDL is transactional on
    both databases, so an interrupted load restores them with everything else, and the
    constraints built again check every row, old and new, before the commit."""
    if not connection.in_atomic_block:
        raise RuntimeError("Set indexes aside only inside the load's transaction.")
    table = ControlResult._meta.db_table
    quote = connection.ops.quote_name
    rebuild: list[str] = []
    cache = 0
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master "
                "WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                [table],
            )
            for name, sql in cursor.fetchall():
                cursor.execute(f"DROP INDEX {quote(name)}")
                rebuild.append(sql)
            # A bigger page cache for the load (this connection only): the unique index
            # stays, and grows by millions of entries.
            cursor.execute("PRAGMA cache_size")
            cache = cursor.fetchone()[0]
            cursor.execute("PRAGMA cache_size = -400000")
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY contype DESC",
                [quote(table)],
            )
            constraints = cursor.fetchall()
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes "
                "WHERE schemaname = current_schema() AND tablename = %s AND indexname NOT IN "
                "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
                [table, quote(table)],
            )
            indexes = cursor.fetchall()
            # Foreign keys pointing at the results (evidence): a delete of millions would
            # queue a check of each row against them.
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                "FROM pg_constraint WHERE confrelid = %s::regclass AND contype = 'f'",
                [quote(table)],
            )
            referring = cursor.fetchall()
            # Tables may not change their constraints with deferred checks still queued (the
            # rows this transaction wrote before): run those checks now, then defer again.
            _settle_deferred_checks(cursor)
            for other, name, _definition in referring:
                cursor.execute(f"ALTER TABLE {other} DROP CONSTRAINT {quote(name)}")
            for name, _definition in constraints:
                cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
            for name, definition in indexes:
                cursor.execute(f"DROP INDEX {quote(name)}")
                rebuild.append(definition)
            rebuild += [
                f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}"
                for name, definition in constraints
            ]
            rebuild += [
                f"ALTER TABLE {other} ADD CONSTRAINT {quote(name)} {definition}"
                for other, name, definition in referring
            ]
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _settle_deferred_checks(cursor)
        for sql in rebuild:
            cursor.execute(sql)
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA cache_size = {int(cache)}")
        elif connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {quote(table)}")


def _settle_deferred_checks(cursor) -> None:
    """Fire the foreign-key checks this transaction has queued (Django defers them all), and
    defer the later ones again as before."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
