"""How a figure reads: one place that turns a cell's value into the words the page, the data
table, the chart and its accessible names all show, so they never disagree.

Japanese counts money in 万-based units (億円, 百万円) while English counts in millions, so
the scale of a yen amount differs by language, not only its words.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from shireito.dashboard.figures import Cell, Column, Flag, Kind, Table
from shireito.registry.selectors import fiscal_year_label

EMPTY = "—"
# Kinds read as numbers: right-aligned in tables, measurable in charts.
NUMERIC_KINDS: frozenset[str] = frozenset({"count", "yen", "percent", "days", "risk"})

_OKU = 100_000_000
_MILLION = 1_000_000


def is_english(language: str | None) -> bool:
    return (language or "ja").lower().startswith("en")


def _number(value: float | int | Decimal, decimals: int = 0) -> str:
    """Grouped digits in the current language's separators; trailing ``.0`` dropped."""
    number = float(value)
    if decimals and number == round(number):
        decimals = 0
    return formats.number_format(
        round(number, decimals) if decimals else round(number),
        decimal_pos=decimals or None,
        use_l10n=True,
        force_grouping=True,
    )


def _yen(amount: float, language: str) -> str:
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    if is_english(language):
        if amount >= _MILLION:
            return f"{sign}¥{_number(amount / _MILLION, 1)} million"
        return f"{sign}¥{_number(amount)}"
    if amount >= _OKU:
        return f"{sign}{_number(amount / _OKU, 1)}億円"
    if amount >= _MILLION:
        return f"{sign}{_number(amount / _MILLION)}百万円"
    return f"{sign}{_number(amount)}円"


def format_value(kind: Kind | str, value: Any, language: str | None = None) -> str:
    """``value`` as a reader of ``language`` reads it; a dash when there is none."""
    language = language or translation.get_language() or "ja"
    if value is None or value == "":
        return EMPTY
    with translation.override(language):
        if kind == "count":
            return _number(value)
        if kind == "yen":
            return _yen(float(value), language)
        if kind == "percent":
            return f"{_number(value, 1)}%"
        if kind == "days":
            days = round(value)
            return ngettext("%(count)s day", "%(count)s days", days) % {"count": _number(days)}
        if kind == "risk":
            return _("%(risk)s of 5") % {"risk": value}
        if kind == "fiscal_year":
            return fiscal_year_label(int(value), "en" if is_english(language) else "ja")
        if kind == "date" and isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        return str(value)


def format_cell(column: Column, cell: Cell, language: str | None = None) -> str:
    """A cell as shown: its own ``display`` text when it has one, else its formatted value."""
    if cell.display:
        return str(cell.display)
    return format_value(column.kind, cell.value, language)


def flag_label(flag: Flag | str, language: str | None = None) -> str:
    """The words a flag is shown with, so a flagged figure never relies on colour."""
    if not flag:
        return ""
    with translation.override(language or translation.get_language() or "ja"):
        if flag == "danger":
            return pgettext("figure flag", "act now")
        return pgettext("figure flag", "check")


def numeric(value: Any) -> float | None:
    """A cell's value as a number to draw, or None when it cannot be drawn."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def table_view(table: Table, language: str | None = None) -> dict[str, Any]:
    """A table as its accessible ``<table>`` shows it: every cell formatted once here, the
    column that names each row as its row header, flags in words with their notes."""
    language = language or translation.get_language() or "ja"
    header = table.column(table.chart.label) if table.chart else 0
    columns = [
        {"label": str(column.label), "numeric": column.kind in NUMERIC_KINDS}
        for column in table.columns
    ]
    rows = [
        [
            {
                "text": format_cell(column, cell, language),
                "href": cell.href,
                "flag": cell.flag,
                "flag_label": flag_label(cell.flag, language),
                "note": str(cell.note),
                "header": n == header,
                "numeric": column.kind in NUMERIC_KINDS,
            }
            for n, (column, cell) in enumerate(zip(table.columns, row, strict=True))
        ]
        for row in table.rows
    ]
    with translation.override(language):
        empty = str(table.empty) or _("There is nothing to show here.")
    return {"columns": columns, "rows": rows, "empty": empty}
