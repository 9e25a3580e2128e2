"""Local governments' move of the 20 standardised businesses to standard-conformant systems:
by prefecture (a tile map and its table), the businesses behind target, the systems under
special support by the fiscal year of their extended deadline; drilled down prefecture →
municipality → business. A prefecture sees its municipalities, a municipality its own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from shireito.dashboard.figures import Cell, Chart, Column, Figure, Section, Table
from shireito.dashboard.sections._common import fiscal_year_cell, link, tower_link
from shireito.registry import figures
from shireito.registry.choices import MigrationStatus

if TYPE_CHECKING:
    from shireito.accounts.models import User
    from shireito.dashboard.tower import Viewer

# The migration list the figures lead to (its filters are these figures' keys).
MIGRATION = "registry:migration"
STATUSES = [
    MigrationStatus.MIGRATED,
    MigrationStatus.IN_PROGRESS,
    MigrationStatus.NOT_STARTED,
    MigrationStatus.SPECIAL_SUPPORT,
]


def build(viewer: Viewer) -> Section | None:
    """The viewer's own tower: a prefecture's municipalities, a municipality's businesses,
    everyone else every prefecture they may count."""
    organization = viewer.organization
    if viewer.kind == "prefecture":
        return build_for(viewer, prefecture=organization.code)
    if viewer.kind == "municipality":
        return build_for(viewer, owner=organization.code)
    return build_for(viewer)


def build_for(viewer: Viewer, *, prefecture: str = "", owner: str = "") -> Section | None:
    """The section drilled down to one prefecture or one local government (by code), as far
    as the viewer may count it; None when there is nothing to show."""
    user, today = viewer.user, viewer.today
    place = figures.local_government(user, owner or prefecture) if owner or prefecture else None
    if (owner or prefecture) and place is None:
        return None
    scope = {"prefecture": prefecture} if prefecture else {"owner": owner} if owner else {}
    found = figures.migration_overview(
        user,
        today,
        prefecture_id=place["id"] if place and prefecture else None,
        owner_id=place["id"] if place and owner else None,
    )
    total = found  # the totals are the overview's own keys
    if not total["systems"]:
        return None
    section = Section(
        key="local",
        title=_("Local governments' migration")
        if place is None
        else _("Migration of %(name)s") % {"name": place["label"]},
        description=_(
            "The 20 standardised businesses of local governments and their move to "
            "standard-conformant systems. Behind target: not migrated after the target date "
            "(the end of FY2025 when a system has none) or, under special support, after the "
            "extended deadline."
        ),
        figures=[
            Figure(
                "systems",
                _("Systems of standardised businesses"),
                total["systems"],
                href=link(MIGRATION, **scope),
            ),
            Figure(
                "migrated_share",
                _("Migrated"),
                total["migrated_share"],
                "percent",
                href=link(MIGRATION, **scope, migration_status=MigrationStatus.MIGRATED),
            ),
            Figure(
                "behind_target",
                _("Behind target"),
                total["behind_target"],
                href=link(MIGRATION, **scope, behind_target=True),
                flag="danger" if total["behind_target"] else "",
                note=_("not migrated after the target") if total["behind_target"] else "",
            ),
            Figure(
                "special_support",
                _("Under special support"),
                total["special_support"],
                href=link(MIGRATION, **scope, special_support=True),
            ),
        ],
    )
    if place is None:
        section.tables.append(_prefectures(user, found["prefectures"]))
    elif prefecture:
        section.tables.append(_municipalities(user, found["municipalities"], prefecture))
    section.tables.append(_businesses(found["businesses"], scope))
    deadlines = found["deadlines"] if place is None else []
    if deadlines:
        section.tables.append(_deadlines(deadlines, viewer.language))
    return section


def _status_columns() -> list[Column]:
    return [
        Column("systems", _("Systems"), "count"),
        Column("migrated", _("migrated"), "count"),
        Column("in_progress", _("in progress"), "count"),
        Column("not_started", _("not started"), "count"),
        Column("special_support", _("special migration support"), "count"),
        Column("behind_target", _("Behind target"), "count"),
        Column("migrated_share", _("Share migrated"), "percent"),
    ]


def _status_cells(row: dict, scope: dict) -> list[Cell]:
    behind = row["behind_target"]
    return [
        Cell(row["systems"], href=link(MIGRATION, **scope)),
        *(
            Cell(row[status], href=link(MIGRATION, **scope, migration_status=status))
            for status in STATUSES
        ),
        Cell(
            behind,
            href=link(MIGRATION, **scope, behind_target=True),
            flag="danger" if behind else "",
            note=_("not migrated after the target") if behind else "",
        ),
        Cell(row["migrated_share"]),
    ]


def _prefectures(user: User, rows: list[dict]) -> Table:
    return Table(
        key="local_prefectures",
        title=_("Migration by prefecture"),
        description=_("Each prefecture with its municipalities."),
        columns=[
            Column("prefecture", _("Prefecture")),
            Column("prefecture_code", _("Prefecture code")),
            *_status_columns(),
        ],
        rows=[
            [
                Cell(row["code"], display=row["label"], href=tower_link(user, row)),
                Cell(row["prefecture_code"]),
                *_status_cells(row, {"prefecture": row["code"]}),
            ]
            for row in rows
        ],
        chart=Chart(
            kind="tiles", label="prefecture", values=["migrated_share"], key="prefecture_code"
        ),
    )


def _municipalities(user: User, rows: list[dict], prefecture: str) -> Table:
    return Table(
        key="local_municipalities",
        title=_("Migration by local government"),
        columns=[Column("owner", _("Local government")), *_status_columns()],
        rows=[
            [
                Cell(row["code"], display=row["label"], href=tower_link(user, row)),
                *_status_cells(row, {"owner": row["code"]}),
            ]
            for row in rows
        ],
        more_href=link(MIGRATION, prefecture=prefecture),
    )


def _businesses(rows: list[dict], scope: dict) -> Table:
    return Table(
        key="local_businesses",
        title=_("Migration by standardised business"),
        columns=[Column("standard_business", _("Standardised business")), *_status_columns()],
        rows=[
            [
                Cell(row["business"], display=row["label"]),
                *_status_cells(row, {**scope, "standard_business": row["business"]}),
            ]
            for row in rows
        ],
        chart=Chart(
            kind="stacked",
            label="standard_business",
            values=["migrated", "in_progress", "not_started", "special_support"],
        ),
    )


def _deadlines(rows: list[dict], language: str) -> Table:
    return Table(
        key="local_special_support",
        title=_("Systems under special support by extended deadline"),
        columns=[
            Column("fiscal_year", _("Deadline (fiscal year)"), "fiscal_year"),
            Column("systems", _("Systems"), "count"),
        ],
        rows=[
            [
                fiscal_year_cell(row["deadline_year"], language)
                if row["deadline_year"]
                else Cell(None, display=_("no deadline given")),
                Cell(row["systems"], href=link(MIGRATION, special_support=True)),
            ]
            for row in rows
        ],
    )
