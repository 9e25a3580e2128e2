"""The portfolio: the systems the viewer may list by category, phase, hosting and owner, the
important ones, and those whose oversight rating is missing or stale."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from shireito.dashboard.figures import Cell, Chart, Column, Figure, Section, Table, share
from shireito.dashboard.sections._common import benchmark_table, link
from shireito.organizations.choices import SystemCategory
from shireito.registry import figures
from shireito.registry.choices import Hosting, LifecyclePhase

if TYPE_CHECKING:
    from shireito.dashboard.tower import Viewer

# How many owners the table shows; the rest are on the list.
OWNERS_SHOWN = 15


def build(viewer: Viewer) -> Section | None:
    user = viewer.user
    counts = figures.portfolio_overview(user, owners=OWNERS_SHOWN)
    total, important = counts["systems"], counts["important"]
    if not total:
        return None
    ratings = figures.ratings_overview(user, viewer.today)
    section = Section(
        key="portfolio",
        title=_("Portfolio"),
        description=_("The information systems you may see, counted as the portfolio lists them."),
        figures=[
            Figure("systems", _("Systems"), total, href=link("registry:list")),
            Figure(
                "important",
                _("Important systems"),
                important,
                href=link("registry:list", important="yes"),
            ),
        ],
    )
    if ratings["overseen"]:
        due = ratings["stale"] + ratings["never"]
        section.figures.append(
            Figure(
                "ratings_due",
                _("Systems without a current oversight rating"),
                due,
                href=link("registry:oversight"),
                flag="warning" if due else "",
                note=_("never rated or rated before the schedule says") if due else "",
            )
        )
    section.tables += [
        _by(
            "by_category",
            _("Systems by category"),
            _("Category"),
            counts["category"],
            SystemCategory,
            "category",
            total,
        ),
        _by(
            "by_phase",
            _("Systems by lifecycle phase"),
            _("Lifecycle phase"),
            counts["phase"],
            LifecyclePhase,
            "phase",
            total,
        ),
        _by(
            "by_hosting",
            _("Systems by hosting"),
            _("Hosting"),
            counts["hosting"],
            Hosting,
            "hosting",
            total,
        ),
        _by_owner(counts["owner"], more=counts["owners"] > OWNERS_SHOWN),
    ]
    if ratings["overseen"]:
        section.tables.append(_ratings(ratings))
    if viewer.kind == "ministry":
        own = figures.ministry_systems(user, viewer.organization.pk)
        compared = benchmark_table(
            "systems_benchmark",
            _("Your systems beside the government's"),
            "count",
            [(_("Systems, with the bodies you supervise"), own, figures.portfolio_spread())],
        )
        if compared is not None:
            section.tables.append(compared)
    return section


def _by(key, title, heading, rows, choices, field, total) -> Table:
    labels = dict(choices.choices)
    return Table(
        key=key,
        title=title,
        columns=[
            Column(field, heading),
            Column("systems", _("Systems"), "count"),
            Column("share", _("Share"), "percent"),
            Column("important", _("Important"), "count"),
        ],
        rows=[
            [
                Cell(row["key"], display=str(labels.get(row["key"], _("other")))),
                Cell(row["systems"], href=link("registry:list", **{field: row["key"]})),
                Cell(share(row["systems"], total)),
                Cell(
                    row["important"],
                    href=link("registry:list", **{field: row["key"]}, important="yes"),
                ),
            ]
            for row in rows
        ],
        chart=Chart(kind="bar", label=field, values=["systems"]),
    )


def _by_owner(rows: list[dict], *, more: bool) -> Table:
    return Table(
        key="by_owner",
        title=_("Systems by owner"),
        description=_("The owners with the most systems."),
        columns=[
            Column("owner", _("Owner")),
            Column("systems", _("Systems"), "count"),
            Column("important", _("Important"), "count"),
        ],
        rows=[
            [
                Cell(row["key"], display=row.get("label", "")),
                Cell(row["systems"], href=link("registry:list", owner=row["key"])),
                Cell(
                    row["important"], href=link("registry:list", owner=row["key"], important="yes")
                ),
            ]
            for row in rows
        ],
        more_href=link("registry:list", sort="owner") if more else "",
    )


def _ratings(ratings: dict[str, int]) -> Table:
    due = link("registry:oversight")
    return Table(
        key="ratings",
        title=_("Oversight ratings of national systems"),
        columns=[Column("state", _("Rating")), Column("systems", _("Systems"), "count")],
        rows=[
            [Cell("current", display=_("current")), Cell(ratings["current"])],
            [
                Cell("stale", display=_("older than the schedule")),
                Cell(ratings["stale"], href=due, flag="warning" if ratings["stale"] else ""),
            ],
            [
                Cell("never", display=_("never rated")),
                Cell(ratings["never"], href=due, flag="warning" if ratings["never"] else ""),
            ],
        ],
    )
