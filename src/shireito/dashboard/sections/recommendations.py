"""Recommendations (勧告) of the Digital Agency to ministries: open, answered, overdue and
escalated (the Digital Agency's own state for a recommendation taken further), per ministry."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from shireito.dashboard.figures import Cell, Chart, Column, Figure, Flag, Section, Table
from shireito.dashboard.sections._common import link
from shireito.registry import figures

if TYPE_CHECKING:
    from shireito.dashboard.tower import Viewer

STATES = ["open", "overdue", "answered", "escalated", "closed"]


def build(viewer: Viewer) -> Section | None:
    rows = figures.recommendation_counts(viewer.user, viewer.today)
    if not rows:
        return None
    total = {state: sum(row[state] for row in rows) for state in [*STATES, "long_overdue"]}
    headings = _headings()
    return Section(
        key="recommendations",
        title=_("Recommendations"),
        description=_(
            "Formal recommendations of the Digital Agency to ministries about their systems. "
            "Overdue: open after the answer was due; long overdue: more than %(days)s days."
        )
        % {"days": figures.LONG_OVERDUE_DAYS},
        figures=[
            Figure(
                state,
                headings[state],
                total[state],
                href=_href(state),
                flag=_flag(state, total[state], total["long_overdue"]),
            )
            for state in STATES
            if state != "closed"
        ],
        tables=[
            Table(
                key="recommendations_by_ministry",
                title=_("Recommendations by ministry"),
                columns=[
                    Column("ministry", _("Ministry")),
                    *(Column(state, headings[state], "count") for state in STATES),
                ],
                rows=[
                    [
                        Cell(row["code"], display=row["label"]),
                        *(
                            Cell(
                                row[state],
                                href=_href(state, row["code"]),
                                flag=_flag(state, row[state], row["long_overdue"]),
                                note=_("%(count)s more than %(days)s days overdue")
                                % {"count": row["long_overdue"], "days": figures.LONG_OVERDUE_DAYS}
                                if state == "overdue" and row["long_overdue"]
                                else "",
                            )
                            for state in STATES
                        ),
                    ]
                    for row in rows
                ],
                chart=Chart(
                    kind="stacked", label="ministry", values=["open", "answered", "escalated"]
                ),
            )
        ],
    )


def _headings() -> dict[str, str]:
    return {
        "open": _("Open"),
        "overdue": _("Overdue"),
        "answered": _("Answered"),
        "escalated": _("Escalated"),
        "closed": pgettext("recommendations", "Closed"),
    }


def _href(state: str, ministry: str = "") -> str:
    if state == "overdue":
        return link("registry:recommendations", overdue=True, ministry=ministry)
    return link("registry:recommendations", status=state, ministry=ministry)


def _flag(state: str, count: int, long_overdue: int) -> Flag:
    if state != "overdue" or not count:
        return ""
    return "danger" if long_overdue else "warning"
