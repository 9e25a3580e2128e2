"""Open statistics (principle ①, open by default): the tower's aggregate figures that the
active governance model publishes, as pages anyone may read and as CSV and JSON at stable
addresses. Built as the tower's tables, with the tables' charts; no figure links to records,
which need signing in."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shireito.dashboard.figures import Cell, Chart, Column, Table
from shireito.dashboard.sections._common import fiscal_year_cell
from shireito.organizations.choices import OpenStatistic
from shireito.organizations.mandates import active_engine
from shireito.registry import statistics as portfolio
from shireito.registry.choices import MigrationStatus
from shireito.registry.selectors import current_fiscal_year


def published() -> list[OpenStatistic]:
    """The statistics the active governance model publishes, in the vocabulary's order."""
    chosen = set(active_engine().model.open_statistics)
    return [statistic for statistic in OpenStatistic if statistic in chosen]


def table_of(key: str, language: str) -> Table | None:
    """One published statistic as a table; None when the model does not publish it."""
    statistic = next((s for s in published() if s.value == key), None)
    if statistic is None:
        return None
    return BUILDERS[statistic](str(statistic.label), language)


def _systems_by(group: str, label):
    def build(title: str, language: str) -> Table:
        rows = portfolio.systems_by(group)
        return Table(
            key=f"systems-by-{group}",
            title=title,
            description=_("Systems in use or being built, retired ones left out."),
            columns=[Column(group, str(label)), Column("systems", _("Systems"), "count")],
            rows=[[Cell(row["key"], display=row["label"]), Cell(row["systems"])] for row in rows],
            chart=Chart(kind="bar", label=group, values=["systems"]),
        )

    return build


def _migration(title: str, language: str) -> Table:
    today = timezone.localdate()
    statuses = [
        MigrationStatus.MIGRATED,
        MigrationStatus.IN_PROGRESS,
        MigrationStatus.NOT_STARTED,
        MigrationStatus.SPECIAL_SUPPORT,
    ]
    rows = portfolio.migration_by_prefecture(today)
    return Table(
        key="migration-by-prefecture",
        title=title,
        description=_(
            "Systems of the 20 standardised businesses of each prefecture and its "
            "municipalities, by their move to standard-conformant systems, on %(day)s."
        )
        % {"day": today.isoformat()},
        columns=[
            Column("prefecture_code", _("Prefecture code")),
            Column("prefecture", _("Prefecture")),
            Column("systems", _("Systems"), "count"),
            *[Column(str(status), str(status.label), "count") for status in statuses],
            Column("behind_target", _("Behind target"), "count"),
            Column("migrated_share", _("Share migrated"), "percent"),
        ],
        rows=[
            [
                Cell(row["prefecture_code"]),
                Cell(row["prefecture"], display=row["label"]),
                Cell(row["systems"]),
                *[Cell(row[str(status)]) for status in statuses],
                Cell(row["behind_target"]),
                Cell(row["migrated_share"]),
            ]
            for row in rows
        ],
        chart=Chart(
            kind="tiles", label="prefecture", values=["migrated_share"], key="prefecture_code"
        ),
    )


def _budget(title: str, language: str) -> Table:
    this_year = current_fiscal_year()
    years = list(range(this_year - 4, this_year + 1))
    rows = portfolio.budget_by_ministry(years)
    return Table(
        key="budget-by-ministry",
        title=title,
        description=_(
            "The single budget of national information systems per ministry (with the bodies "
            "it supervises) and fiscal year, in yen: requested, approved and executed so far."
        ),
        columns=[
            Column("ministry", _("Ministry")),
            Column("fiscal_year", _("Fiscal year"), "fiscal_year"),
            Column("requested", _("Requested"), "yen"),
            Column("approved", _("Approved"), "yen"),
            Column("executed", _("Executed"), "yen"),
        ],
        rows=[
            [
                Cell(row["ministry"], display=row["label"]),
                fiscal_year_cell(row["fiscal_year"], language),
                Cell(row["requested"]),
                Cell(row["approved"]),
                Cell(row["executed"]),
            ]
            for row in rows
        ],
    )


BUILDERS = {
    OpenStatistic.MIGRATION_BY_PREFECTURE: _migration,
    OpenStatistic.BUDGET_BY_MINISTRY: _budget,
    OpenStatistic.SYSTEMS_BY_CATEGORY: _systems_by("category", gettext_lazy("Category")),
    OpenStatistic.SYSTEMS_BY_HOSTING: _systems_by("hosting", gettext_lazy("Hosting")),
}
