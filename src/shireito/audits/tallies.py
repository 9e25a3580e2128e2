"""The compliance tallies: control results counted per (audit, system) and per (audit, catalog
area), so the control tower reads thousands of rows instead of millions.

Every write of results recounts the audits it touched here, in the same transaction and under
the audit's row lock: one grouped ``INSERT … SELECT`` over those audits' results, which the
unique (audit, system, control) index keeps as cheap as the write itself (an audit holds at
most its systems × its controls, and ``results_record`` already reads them all). The bulk
generators load results without it and call ``rebuild_compliance_tallies()`` once at the end.
A recount of the audit rather than ADR 7's ``F()`` deltas: a save changes up to thousands of
results at once, and a recount cannot drift whatever path wrote them.

Areas: the area of a control is its top-level ancestor in its catalog (``ControlArea``),
worked out once per catalog, the first time its controls are counted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.db import connection, transaction

from shireito.audits.choices import ResultStatus
from shireito.audits.models import (
    AreaTally,
    Audit,
    ComplianceTally,
    ControlArea,
    ControlResult,
    ResultCounts,
    ScopeItem,
)
from shireito.standards.models import CatalogNode

STATUSES = tuple(ResultStatus.values)
# The count columns of a tally, in order: the results, then the claims.
COUNT_FIELDS = (*STATUSES, *(f"claimed_{s}" for s in STATUSES))
PARTY_FIELDS = ("auditee_id", "auditor_id", "entrusting_id", "fiscal_year", "kind")
# How many audits one grouped statement recounts (bounded, for the IN list).
AUDITS_PER_STATEMENT = 500


def _grouped_insert(model: type[ResultCounts], key: str, ids: list[int] | None) -> None:
    """``INSERT INTO tally (…) SELECT … GROUP BY``: the counts go straight from the results
    into the table, never through Python (a national rebuild writes some hundred thousand
    rows from millions). ``key`` is the system or, through ``ControlArea``, the area."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    results = quote(ControlResult._meta.db_table)
    audits = quote(Audit._meta.db_table)
    areas = quote(ControlArea._meta.db_table)
    sums = [
        f"SUM(CASE WHEN r.{quote(column)} = %s THEN 1 ELSE 0 END)"
        for column in ("status", "claimed")
        for _status in STATUSES
    ]
    params: list = [*STATUSES, *STATUSES]
    group = "r.system_id" if key == "system_id" else "m.area_id"
    join = "" if key == "system_id" else f"JOIN {areas} m ON m.control_id = r.control_id"
    parties = ", ".join(f"a.{quote(c)}" for c in PARTY_FIELDS)
    where = ""
    if ids is not None:
        where = f"WHERE r.audit_id IN ({', '.join(['%s'] * len(ids))})"
        params.extend(ids)
    columns = ", ".join(quote(c) for c in ["audit_id", key, *PARTY_FIELDS, *COUNT_FIELDS])
    sql = (
        f"INSERT INTO {table} ({columns}, updated_at) "  # noqa: S608 - names quoted, values bound
        f"SELECT r.audit_id, {group}, {parties}, {', '.join(sums)}, MAX(r.updated_at) "
        f"FROM {results} r JOIN {audits} a ON a.id = r.audit_id {join} {where} "
        f"GROUP BY r.audit_id, {group}, {parties}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def ensure_control_areas(catalog_ids: Iterable[int]) -> None:
    """Work out the area of every control of these catalogs that has none yet: one read of
    each catalog's tree, the top-level ancestor found by walking up the parents."""
    catalog_ids = sorted(set(catalog_ids))
    if not catalog_ids:
        return
    missing = (
        CatalogNode.objects.filter(catalog_id__in=catalog_ids)
        .exclude(pk__in=ControlArea.objects.values("control_id"))
        .values_list("catalog_id", flat=True)
        .distinct()
    )
    todo = sorted(set(missing))
    if not todo:
        return
    parents = dict(CatalogNode.objects.filter(catalog_id__in=todo).values_list("pk", "parent_id"))
    known = set(
        ControlArea.objects.filter(control__catalog_id__in=todo).values_list(
            "control_id", flat=True
        )
    )

    def top(pk: int) -> int:
        for _depth in range(1000):  # a tree, never a cycle; bounded all the same
            parent = parents.get(pk)
            if parent is None:
                break
            pk = parent
        return pk

    ControlArea.objects.bulk_create(
        [ControlArea(control_id=pk, area_id=top(pk)) for pk in parents if pk not in known],
        batch_size=2000,
    )


def refresh_audit_tallies(audit_ids: Iterable[int]) -> None:
    """Recount the tallies of these audits from their results. Call it inside the
    transaction that wrote the results: the tallies then change with them or not at all."""
    ids = sorted(set(audit_ids))
    with transaction.atomic():
        # The audits' row locks (results_record takes them first) serialise two recounts of
        # one audit: each counts what the other committed, so neither leaves stale counts.
        list(Audit.objects.select_for_update().filter(pk__in=ids).values_list("pk", flat=True))
        for start in range(0, len(ids), AUDITS_PER_STATEMENT):
            _recount(ids[start : start + AUDITS_PER_STATEMENT])


def adjust_audit_tallies(audit: Audit, changed: list[tuple], at) -> bool:
    """Move an audit's tallies by what a few results changed (``changed``: each result as
    saved now, with its status and claim before): one ``UPDATE … SET n = n ± 1`` per tally
    row touched, under the audit's row lock the write already holds, instead of a recount of
    the whole audit (plain SQL: an inline edit's budget is a few milliseconds). False when a
    tally row is missing (a control whose area was never worked out, an audit loaded without
    tallies): the caller then recounts, which replaces whatever was moved."""
    quote = connection.ops.quote_name
    areas = quote(ControlArea._meta.db_table)
    for result, status, claimed in changed:
        steps: Counter = Counter()
        steps[status] -= 1
        steps[result.status] += 1
        steps[f"claimed_{claimed}"] -= 1
        steps[f"claimed_{result.claimed}"] += 1
        moves = [(name, step) for name, step in sorted(steps.items()) if step]
        sets = ", ".join(f"{quote(name)} = {quote(name)} + %s" for name, _step in moves)
        sets = f"{sets}, " if sets else ""
        params = [step for _name, step in moves]
        for model, where, key in (
            (ComplianceTally, f"{quote('system_id')} = %s", result.system_id),
            (
                AreaTally,
                f"{quote('area_id')} = (SELECT area_id FROM {areas} WHERE control_id = %s)",  # noqa: S608
                result.control_id,
            ),
        ):
            sql = (
                f"UPDATE {quote(model._meta.db_table)} SET {sets}{quote('updated_at')} = %s "  # noqa: S608 - names quoted, values bound
                f"WHERE {quote('audit_id')} = %s AND {where}"
            )
            with connection.cursor() as cursor:
                stamp = connection.ops.adapt_datetimefield_value(at)
                cursor.execute(sql, [*params, stamp, audit.pk, key])
                if cursor.rowcount != 1:
                    return False
    return True


def _recount(ids: list[int] | None) -> None:
    tallies = ComplianceTally.objects.all()
    areas = AreaTally.objects.all()
    if ids is not None:
        tallies = tallies.filter(audit_id__in=ids)
        areas = areas.filter(audit_id__in=ids)
    # The audits' baselines and their scope's baselines hold every control they assess.
    catalogs = ScopeItem.objects.all()
    if ids is not None:
        catalogs = catalogs.filter(audit_id__in=ids)
    ensure_control_areas(catalogs.values_list("baseline_id", flat=True).distinct())
    tallies._raw_delete(tallies.db)
    areas._raw_delete(areas.db)
    _grouped_insert(ComplianceTally, "system_id", ids)
    _grouped_insert(AreaTally, "area_id", ids)


def rebuild_compliance_tallies(audit_ids: Iterable[int] | None = None) -> None:
    """Recount the tallies from scratch: of these audits, or of every audit (after a bulk
    load, or to check them: ``audit tallies --check``)."""
    if audit_ids is not None:
        refresh_audit_tallies(audit_ids)
        return
    with transaction.atomic():
        _recount(None)


# --- tallies of freshly loaded results (the bulk generators) ---------------------------------

# Where each value sits in a row of ``bulk.RESULT_FIELDS``.
_AUDIT, _SYSTEM, _CONTROL, _CLAIMED, _STATUS, _AT = 0, 1, 2, 4, 6, 9


def insert_tallies_of(
    rows: list[tuple], *, area_of: dict[int, int], heads: dict[int, tuple]
) -> None:
    """Count the tallies of results just loaded (rows in ``bulk.RESULT_FIELDS`` order, of
    audits that had none) while they are still in memory: a pass in Python over rows already
    there costs a fraction of grouping millions of rows again in the database.
    ``heads`` holds each audit's (auditee, auditor, entrusting, fiscal year, kind)."""
    for model, key in ((ComplianceTally, "system_id"), (AreaTally, "area_id")):
        if key == "system_id":
            keys = [(r[_AUDIT], r[_SYSTEM]) for r in rows]
        else:
            keys = [(r[_AUDIT], area_of[r[_CONTROL]]) for r in rows]
        statuses = Counter(zip(keys, (r[_STATUS] for r in rows), strict=True))
        claims = Counter(zip(keys, (r[_CLAIMED] for r in rows), strict=True))
        latest: dict[tuple, object] = {}
        for group, row in zip(keys, rows, strict=True):
            if row[_AT] is not None:
                latest[group] = row[_AT]  # one load writes one time
        values = []
        for group in dict.fromkeys(keys):
            counts = [statuses[(group, s)] for s in STATUSES]
            counts += [claims[(group, s)] for s in STATUSES]
            values.append((*group, *heads[group[0]], *counts, latest.get(group)))
        quote = connection.ops.quote_name
        columns = ["audit_id", key, *PARTY_FIELDS, *COUNT_FIELDS, "updated_at"]
        names = ", ".join(quote(c) for c in columns)
        marks = ", ".join(["%s"] * len(columns))
        table = quote(model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", values)  # noqa: S608


def areas_of(catalog_id: int) -> dict[int, int]:
    """Each control of a catalog → its area (worked out now if never before)."""
    ensure_control_areas([catalog_id])
    return dict(
        ControlArea.objects.filter(control__catalog_id=catalog_id).values_list(
            "control_id", "area_id"
        )
    )
