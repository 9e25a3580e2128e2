"""The tables of an edition's workbook: one per kind of content, their stable column keys and
what each column means in the reader's language (the legend sheet).

Sheet titles and the legend follow the reader's language; the column keys and the values
(codes, dates as ``YYYY-MM-DD``, numbers, choice values such as ``up``/``down``) never do, so
a file exported in Japanese imports in English and back. A row names what it belongs to by
code: a KPI its measure's code, a measure its area's code and its lead organisation's code,
a link the system's code, the budget line's system and fiscal year, the catalog's key and
the control's label; lists (co-responsible organisations, principles) are separated by
commas (``1,3``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


@dataclass(frozen=True)
class Column:
    key: str
    meaning: Promise
    required: bool = False


@dataclass(frozen=True)
class Table:
    """One sheet of the workbook, one CSV file of the ZIP (``<key>.csv``)."""

    key: str
    title: Promise
    columns: tuple[Column, ...]
    required: bool = False

    @property
    def keys(self) -> list[str]:
        return [column.key for column in self.columns]

    @property
    def filename(self) -> str:
        return f"{self.key}.csv"


_MEASURE = Column("measure", _("The measure's code (on the measures sheet)."), True)
_POSITION = Column("position", _("Order among its siblings (a whole number; empty: 0)."))

EDITION = Table(
    "edition",
    pgettext_lazy("plan workbook sheet", "Edition"),
    (
        Column("year", _("The edition's year (read only: the edition imported into decides).")),
        Column("title", _("The edition's title."), True),
        Column("title_en", _("The title in English.")),
        Column("report_due_days", _("Days after a quarter's end by which reports are due.")),
    ),
)
AREAS = Table(
    "areas",
    pgettext_lazy("plan workbook sheet", "Areas"),
    (
        Column("code", _("The area's code, unique in the edition."), True),
        Column("parent", _("The code of the area it lies within (empty: a top-level area).")),
        Column("name", _("The area's title."), True),
        Column("name_en", _("The title in English.")),
        _POSITION,
    ),
    required=True,
)
MEASURES = Table(
    "measures",
    pgettext_lazy("plan workbook sheet", "Measures"),
    (
        Column("code", _("The measure's code, unique in the edition."), True),
        Column("area", _("The code of the area it belongs to."), True),
        Column("name", _("The measure's title."), True),
        Column("name_en", _("The title in English.")),
        Column("description", _("What will be done.")),
        Column("description_en", _("The description in English.")),
        Column("lead", _("The lead organization's code."), True),
        Column(
            "co_responsible",
            _("The co-responsible organizations' codes, separated by commas."),
        ),
        Column(
            "principles", _("The numbers (1 to 10) of the basic principles it serves, e.g. 1,3.")
        ),
        Column("target_state", _("The target state (required to publish).")),
        Column("target_state_en", _("The target state in English.")),
        Column("deadline", _("The deadline, YYYY-MM-DD (required to publish).")),
        Column("status", _("not_started, in_progress, done or discontinued (empty: not_started).")),
        _POSITION,
    ),
    required=True,
)
KPIS = Table(
    "kpis",
    pgettext_lazy("plan workbook sheet", "KPIs"),
    (
        _MEASURE,
        Column("code", _("The KPI's code, unique within its measure."), True),
        Column("name", _("The KPI's name."), True),
        Column("name_en", _("The name in English.")),
        Column("unit", _("The unit of its values."), True),
        Column("unit_en", _("The unit in English.")),
        Column("direction", _("up (higher is better) or down (lower is better)."), True),
        Column("baseline_value", _("The baseline value (a number)."), True),
        Column("baseline_date", _("The baseline's date, YYYY-MM-DD."), True),
        Column("target_value", _("The target value (a number)."), True),
        Column("target_date", _("The target's date, YYYY-MM-DD, after the baseline's."), True),
        Column("source", _("Where its values come from.")),
        _POSITION,
    ),
)
INTERIM_TARGETS = Table(
    "interim_targets",
    pgettext_lazy("plan workbook sheet", "Interim targets"),
    (
        _MEASURE,
        Column("kpi", _("The KPI's code (on the KPIs sheet, under the same measure)."), True),
        Column("due_on", _("The date, YYYY-MM-DD."), True),
        Column("value", _("The value the KPI should reach by then."), True),
    ),
)
MILESTONES = Table(
    "milestones",
    pgettext_lazy("plan workbook sheet", "Milestones"),
    (
        _MEASURE,
        Column("name", _("The milestone's title."), True),
        Column("name_en", _("The title in English.")),
        Column("fiscal_year", _("The fiscal year (April to March), e.g. 2026."), True),
        Column("quarter", _("The quarter of the fiscal year, 1 to 4 (Q1: April to June)."), True),
        Column("planned_on", _("The planned date, YYYY-MM-DD."), True),
        Column("done_on", _("The date it was done, YYYY-MM-DD (empty: not yet).")),
        _POSITION,
    ),
)
SYSTEMS = Table(
    "systems",
    pgettext_lazy("plan workbook sheet", "Systems"),
    (_MEASURE, Column("system", _("The code of a system that delivers the measure."), True)),
)
BUDGET_LINES = Table(
    "budget_lines",
    pgettext_lazy("plan workbook sheet", "Budget lines"),
    (
        _MEASURE,
        Column("system", _("The code of the system whose budget line pays."), True),
        Column("fiscal_year", _("The budget line's fiscal year."), True),
        Column(
            "share", _("The share of the line that pays for the measure, 1 to 100 (empty: 100).")
        ),
    ),
)
CONTROLS = Table(
    "controls",
    pgettext_lazy("plan workbook sheet", "Controls"),
    (
        _MEASURE,
        Column("catalog", _("The catalog's key."), True),
        Column("control", _("The control's id as published (empty: the whole catalog).")),
    ),
)

TABLES: tuple[Table, ...] = (
    EDITION,
    AREAS,
    MEASURES,
    KPIS,
    INTERIM_TARGETS,
    MILESTONES,
    SYSTEMS,
    BUDGET_LINES,
    CONTROLS,
)
BY_KEY = {table.key: table for table in TABLES}
LEGEND_TITLE = pgettext_lazy("plan workbook sheet", "Legend")
