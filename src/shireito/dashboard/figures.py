"""Figures of the control tower. Every number the tower shows is a cell of a ``Table``, so
the page, its data tables and charts, the CSV downloads, the open statistics and the API are
all drawn from the one structure and cannot disagree.

A section builder (``dashboard.sections.<name>``) asks its domain's selectors for plain rows
and returns a ``Section``: headline ``Figure``s and ``Table``s whose cells carry the link to
the list that produces the number (drill-down), and a flag where a figure needs attention.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

# How a column's values are shown (and charted): never a raw Python value on the page.
Kind = Literal["text", "count", "yen", "percent", "date", "days", "fiscal_year", "risk"]
Flag = Literal["", "warning", "danger"]
ChartKind = Literal["bar", "stacked", "trend", "tiles"]


@dataclass
class Cell:
    """One value. ``href`` leads to the records behind it; ``flag`` marks it (overdue, a
    disagreement) and ``note`` says why in words, since colour alone says nothing."""

    value: Any
    href: str = ""
    flag: Flag = ""
    note: str = ""
    display: str = ""  # text to show instead of the formatted value (a name, a label)


@dataclass
class Column:
    key: str
    label: str
    kind: Kind = "text"


@dataclass
class Chart:
    """How a table is drawn: ``label`` is the column naming each bar (or tile, or year),
    ``values`` the columns plotted (several for a stacked bar or several lines)."""

    kind: ChartKind
    label: str
    values: list[str]
    # For "tiles": the column holding each tile's key (a prefecture's code) and share 0–100.
    key: str = ""


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[list[Cell]] = field(default_factory=list)
    description: str = ""
    chart: Chart | None = None
    # The full list behind the table, when the table shows only its first rows.
    more_href: str = ""
    empty: str = ""

    def column(self, key: str) -> int:
        return next(i for i, column in enumerate(self.columns) if column.key == key)

    def as_records(self) -> list[dict[str, Any]]:
        """Rows as plain records: the value per column key, ``<key>_label`` where the page
        shows words for it (a name for a code), ``<key>_href`` where it links."""
        records = []
        for row in self.rows:
            record: dict[str, Any] = {}
            for column, cell in zip(self.columns, row, strict=True):
                record[column.key] = plain(cell.value)
                if cell.display:
                    record[f"{column.key}_label"] = cell.display
                if cell.href:
                    record[f"{column.key}_href"] = cell.href
                if cell.flag:
                    record[f"{column.key}_flag"] = cell.flag
            records.append(record)
        return records


@dataclass
class Figure:
    """A headline number at the top of a section."""

    key: str
    label: str
    value: Any
    kind: Kind = "count"
    href: str = ""
    flag: Flag = ""
    note: str = ""


@dataclass
class Section:
    key: str
    title: str
    description: str = ""
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)

    def table(self, key: str) -> Table | None:
        return next((t for t in self.tables if t.key == key), None)

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": str(self.title),
            "description": str(self.description),
            "figures": [
                {
                    "key": f.key,
                    "label": str(f.label),
                    "value": plain(f.value),
                    "kind": f.kind,
                    "href": f.href,
                    "flag": f.flag,
                }
                for f in self.figures
            ],
            "tables": [
                {
                    "key": t.key,
                    "title": str(t.title),
                    "columns": [
                        {"key": c.key, "label": str(c.label), "kind": c.kind} for c in t.columns
                    ],
                    "rows": t.as_records(),
                }
                for t in self.tables
            ],
        }


def plain(value: Any) -> Any:
    """A value as JSON and CSV carry it: dates in ISO form, decimals as floats."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if value is None or isinstance(value, (int, float, str, bool)):
        return value
    return str(value)


def share(part: int, whole: int) -> float | None:
    """``part`` as a percentage of ``whole``, one decimal; None when there is no whole."""
    if not whole:
        return None
    return round(100 * part / whole, 1)


# Below this many bodies a median and quartiles would let a reader work out one body's figure.
MIN_PEERS = 5


@dataclass
class Benchmark:
    """The government-wide spread of one figure, with no body named: what a ministry may set
    its own figures beside."""

    peers: int
    lower_quartile: float
    median: float
    upper_quartile: float


def benchmark(values: list[float]) -> Benchmark | None:
    """Median and quartiles (inclusive method) of ``values``; None below ``MIN_PEERS``."""
    values = sorted(v for v in values if v is not None)
    if len(values) < MIN_PEERS:
        return None
    lower, median, upper = statistics.quantiles(values, n=4, method="inclusive")
    return Benchmark(len(values), round(lower, 1), round(median, 1), round(upper, 1))
