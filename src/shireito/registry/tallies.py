"""Keeping the portfolio's summary tables current (see the tallies in ``registry.models``).

A write to a system or a budget line takes the row's contribution out of its old tally row and
adds the new one, in the write's own transaction, so a figure never disagrees with the rows
behind it. The bulk generators write without the services and call ``rebuild_tallies()``:
one ``INSERT … SELECT … GROUP BY`` per table.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.db.models import BigIntegerField, Count, F, Q, Sum, Value
from django.db.models.functions import Coalesce

from shireito.organizations.choices import SystemCategory
from shireito.registry.models import (
    BudgetLine,
    BudgetTally,
    InformationSystem,
    MigrationTally,
    SystemTally,
)

Key = tuple[tuple[str, Any], ...]


# --- what one row contributes --------------------------------------------------------------


def _system_key(system: InformationSystem) -> Key:
    return (
        ("owner_id", system.owner_id),
        ("category", system.category),
        ("phase", system.phase),
        ("hosting", system.hosting),
        ("important", bool(system.important)),
    )


def _migration_key(system: InformationSystem) -> Key | None:
    if system.category != SystemCategory.LOCAL_GOVERNMENT_SYSTEM or not system.standard_business:
        return None
    return (
        ("owner_id", system.owner_id),
        ("standard_business", system.standard_business),
        ("migration_status", system.migration_status),
        ("migration_target", system.migration_target),
        ("special_support_deadline", system.special_support_deadline),
    )


def _line_amounts(line: BudgetLine) -> dict[str, int]:
    approved = line.approved
    executed = line.executed
    return {
        "lines": 1,
        "requested": line.requested,
        "approved_lines": int(approved is not None),
        "approved": approved or 0,
        "executed_lines": int(executed is not None),
        "executed": executed or 0,
    }


# --- applying a change ---------------------------------------------------------------------


def _add(model: type[models.Model], key: Key, amounts: dict[str, int], count_field: str) -> None:
    """Add ``amounts`` (negative to take away) to the tally row of ``key``, creating it when
    missing and deleting it when its count falls to zero."""
    if not any(amounts.values()):
        return
    rows = model._default_manager.filter(**dict(key))
    changed = rows.update(**{name: F(name) + amount for name, amount in amounts.items()})
    if not changed:
        try:
            with transaction.atomic():
                model._default_manager.create(**dict(key), **amounts)
        except IntegrityError:  # another writer made the row meanwhile
            rows.update(**{name: F(name) + amount for name, amount in amounts.items()})
    if amounts.get(count_field, 0) < 0:
        rows.filter(**{count_field: 0}).delete()


def _move(model, before: Key | None, after: Key | None, amounts: dict[str, int], count: str):
    if before == after:
        return
    if before is not None:
        _add(model, before, {k: -v for k, v in amounts.items()}, count)
    if after is not None:
        _add(model, after, amounts, count)


def system_changed(before: InformationSystem | None, after: InformationSystem | None) -> None:
    """A system was created (``before`` None), changed or deleted (``after`` None): move its
    count, and its budget lines' sums when its owner or category changed. ``before`` is the
    row as it was stored (read under lock by the caller), never the edited instance."""
    one = {"systems": 1}
    _move(
        SystemTally,
        _system_key(before) if before else None,
        _system_key(after) if after else None,
        one,
        "systems",
    )
    _move(
        MigrationTally,
        _migration_key(before) if before else None,
        _migration_key(after) if after else None,
        one,
        "systems",
    )
    if before is None or after is None:
        return  # a new system has no lines; one with lines cannot be deleted
    if (before.owner_id, before.category) == (after.owner_id, after.category):
        return
    for line in BudgetLine.objects.filter(system_id=after.pk):
        amounts = _line_amounts(line)
        _move(
            BudgetTally,
            _budget_key(before.owner_id, before.category, line.fiscal_year),
            _budget_key(after.owner_id, after.category, line.fiscal_year),
            amounts,
            "lines",
        )


def _budget_key(owner_id: int, category: str, year: int) -> Key:
    return (("owner_id", owner_id), ("fiscal_year", year), ("category", category))


def budget_line_changed(before: BudgetLine | None, after: BudgetLine) -> None:
    """A budget line was created (``before`` None) or its amounts changed."""
    owner_id, category = InformationSystem.objects.values_list("owner_id", "category").get(
        pk=after.system_id
    )
    key = _budget_key(owner_id, category, after.fiscal_year)
    new = _line_amounts(after)
    old = _line_amounts(before) if before is not None else dict.fromkeys(new, 0)
    _add(BudgetTally, key, {name: new[name] - old[name] for name in new}, "lines")


# --- rebuilding from scratch ---------------------------------------------------------------


def _grouped(model: type[models.Model], queryset, columns: list[str]) -> None:
    """``INSERT INTO <model's table> (columns) <queryset's SELECT>``: the queryset selects
    exactly ``columns``, in that order."""
    sql, params = queryset.query.sql_with_params()
    table = connection.ops.quote_name(model._meta.db_table)
    fields = [model._meta.get_field(c) for c in columns]
    names = ", ".join(
        connection.ops.quote_name(str(field.column))
        for field in fields
        if isinstance(field, models.Field)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({names}) {sql}", params)


def _system_rows(system_model=InformationSystem):
    return (
        system_model.objects.order_by()
        .values("owner_id", "category", "phase", "hosting", "important")
        .annotate(n=Count("id"))
    )


def _migration_rows(system_model=InformationSystem):
    return (
        system_model.objects.order_by()
        .filter(category=SystemCategory.LOCAL_GOVERNMENT_SYSTEM)
        .exclude(standard_business="")
        .values(
            "owner_id",
            "standard_business",
            "migration_status",
            "migration_target",
            "special_support_deadline",
        )
        .annotate(n=Count("id"))
    )


def _budget_rows(line_model=BudgetLine):
    approved = Q(development_approved__isnull=False, operation_approved__isnull=False)
    executed = Q(development_executed__isnull=False) | Q(operation_executed__isnull=False)
    big = BigIntegerField()
    return (
        line_model.objects.order_by()
        .values("system__owner_id", "fiscal_year", "system__category")
        .annotate(
            n=Count("id"),
            req=Sum(F("development_requested") + F("operation_requested"), output_field=big),
            n_ok=Count("id", filter=approved),
            ok=Coalesce(
                Sum(
                    F("development_approved") + F("operation_approved"),
                    filter=approved,
                    output_field=big,
                ),
                Value(0),
                output_field=big,
            ),
            n_ex=Count("id", filter=executed),
            ex=Coalesce(
                Sum(
                    Coalesce("development_executed", Value(0))
                    + Coalesce("operation_executed", Value(0)),
                    filter=executed,
                    output_field=big,
                ),
                Value(0),
                output_field=big,
            ),
        )
    )


SYSTEM_COLUMNS = ["owner", "category", "phase", "hosting", "important", "systems"]
MIGRATION_COLUMNS = [
    "owner",
    "standard_business",
    "migration_status",
    "migration_target",
    "special_support_deadline",
    "systems",
]
BUDGET_COLUMNS = [
    "owner",
    "fiscal_year",
    "category",
    "lines",
    "requested",
    "approved_lines",
    "approved",
    "executed_lines",
    "executed",
]


def rebuild_tallies(apps=None) -> None:
    """Recompute every portfolio tally from the rows (after a bulk load, or to repair).
    ``apps`` is a migration's model registry, when a migration calls it."""

    def model(name: str):
        return apps.get_model("registry", name) if apps is not None else globals()[name]

    system_tally, migration_tally, budget_tally = (
        model("SystemTally"),
        model("MigrationTally"),
        model("BudgetTally"),
    )
    with transaction.atomic():
        for tally in (system_tally, migration_tally, budget_tally):
            tally._default_manager.all().delete()
        systems = model("InformationSystem")
        _grouped(system_tally, _system_rows(systems), SYSTEM_COLUMNS)
        _grouped(migration_tally, _migration_rows(systems), MIGRATION_COLUMNS)
        _grouped(budget_tally, _budget_rows(model("BudgetLine")), BUDGET_COLUMNS)


def direct_counts() -> dict[str, set[tuple]]:
    """Each tally as the rows give it now, for the check that the tables agree."""
    return {
        "systems": {tuple(r.values()) for r in _system_rows()},
        "migration": {tuple(r.values()) for r in _migration_rows()},
        "budget": {tuple(r.values()) for r in _budget_rows()},
    }


def stored_counts() -> dict[str, set[tuple]]:
    def rows(model, columns):
        names = [f"{c}_id" if c == "owner" else c for c in columns]
        return set(model._default_manager.values_list(*names))

    return {
        "systems": rows(SystemTally, SYSTEM_COLUMNS),
        "migration": rows(MigrationTally, MIGRATION_COLUMNS),
        "budget": rows(BudgetTally, BUDGET_COLUMNS),
    }


def tallies_disagree() -> list[str]:
    """The tallies that differ from a direct count (empty when all agree)."""
    direct, stored = direct_counts(), stored_counts()
    return [name for name in direct if direct[name] != stored[name]]
