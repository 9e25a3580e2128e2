"""The single budget: requested, approved and executed yen per fiscal year and per ministry
(with the bodies it supervises), the change on the year before and the largest movements. A
ministry sees its own beside the government's anonymised spread."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from shireito.dashboard.figures import Cell, Chart, Column, Figure, Section, Table
from shireito.dashboard.sections._common import benchmark_table, fiscal_year_cell, link
from shireito.registry import figures
from shireito.registry.selectors import current_fiscal_year, fiscal_year_label

if TYPE_CHECKING:
    from shireito.dashboard.tower import Viewer

YEARS = 5


def build(viewer: Viewer) -> Section | None:
    current = current_fiscal_year(viewer.today)
    years = list(range(current - YEARS + 1, current + 1))
    totals = figures.budget_totals(viewer.user, years)
    if not any(cell["lines"] for cell in totals.values()):
        return None
    ministries = figures.budget_by_ministry(viewer.user, years)
    budget_page = link("registry:budget", group_by="ministry")
    now = totals[current]
    label = fiscal_year_label(current, viewer.language[:2])
    section = Section(
        key="budget",
        title=_("Single budget"),
        description=_(
            "The budget of national systems by fiscal year (April to March), in yen: requested "
            "by the owners, approved by the Digital Agency, executed. A ministry's figures "
            "include the bodies it supervises."
        ),
        figures=[
            Figure(
                "requested",
                _("Requested, %(year)s") % {"year": label},
                now["requested"],
                "yen",
                href=budget_page,
            ),
            Figure(
                "approved",
                _("Approved, %(year)s") % {"year": label},
                now["approved"],
                "yen",
                href=budget_page,
                note=_("%(count)s lines not yet decided") % {"count": now["undecided"]}
                if now["undecided"]
                else "",
            ),
        ],
        tables=[_years(totals, years, viewer.language, budget_page)],
    )
    section.tables.append(_ministries(ministries, current, viewer.language, budget_page))
    moved = figures.largest_movements(ministries, current)
    if moved and viewer.kind != "ministry":
        section.tables.append(_movements(moved, current, budget_page))
    if viewer.kind == "ministry":
        own = next((m for m in ministries if m["id"] == viewer.organization.pk), None)
        compared = benchmark_table(
            "budget_benchmark",
            _("Your budget beside the government's, %(year)s") % {"year": label},
            "yen",
            [
                (
                    _("Requested"),
                    own["years"][current]["requested"] if own else 0,
                    figures.budget_spread(current, "requested"),
                ),
                (
                    _("Approved"),
                    own["years"][current]["approved"] if own else None,
                    figures.budget_spread(current, "approved"),
                ),
            ],
        )
        if compared is not None:
            section.tables.append(compared)
    return section


def _amount_columns() -> list[Column]:
    return [
        Column("requested", _("Requested"), "yen"),
        Column("approved", _("Approved"), "yen"),
        Column("executed", _("Executed"), "yen"),
        Column("change", _("Change of the approved amount on the year before"), "percent"),
    ]


def _amount_cells(cell: dict, href: str) -> list[Cell]:
    undecided = cell["undecided"]
    return [
        Cell(cell["requested"], href=href),
        Cell(
            cell["approved"],
            href=href,
            flag="warning" if undecided and cell["lines"] else "",
            note=_("%(count)s lines not yet decided") % {"count": undecided} if undecided else "",
        ),
        Cell(cell["executed"], href=href),
        Cell(cell["change"]),
    ]


def _years(totals: dict[int, dict], years: list[int], language: str, href: str) -> Table:
    return Table(
        key="budget_years",
        title=_("Budget by fiscal year"),
        columns=[Column("fiscal_year", _("Fiscal year"), "fiscal_year"), *_amount_columns()],
        rows=[
            [fiscal_year_cell(year, language), *_amount_cells(totals[year], href)] for year in years
        ],
        chart=Chart(kind="trend", label="fiscal_year", values=["approved", "executed"]),
        description=_("A change is given only when both years are fully decided."),
    )


def _ministries(rows: list[dict], year: int, language: str, href: str) -> Table:
    return Table(
        key="budget_ministries",
        title=_("Budget by ministry, %(year)s") % {"year": fiscal_year_label(year, language[:2])},
        columns=[Column("ministry", _("Ministry")), *_amount_columns()],
        rows=[
            [
                Cell(
                    row["code"],
                    display=row["label"],
                    href=link("registry:list", ministry=row["code"]),
                ),
                *_amount_cells(row["years"][year], href),
            ]
            for row in rows
        ],
        chart=Chart(kind="bar", label="ministry", values=["approved"]),
    )


def _movements(rows: list[dict], year: int, href: str) -> Table:
    return Table(
        key="budget_movements",
        title=_("Largest movements of the approved budget"),
        columns=[
            Column("ministry", _("Ministry")),
            Column("movement", _("Change in yen"), "yen"),
            Column("change", _("Change"), "percent"),
        ],
        rows=[
            [
                Cell(
                    row["code"],
                    display=row["label"],
                    href=link("registry:list", ministry=row["code"]),
                ),
                Cell(row["movement"], href=href),
                Cell(row["years"][year]["change"]),
            ]
            for row in rows
        ],
    )
