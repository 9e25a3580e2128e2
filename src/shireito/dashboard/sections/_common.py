"""What the portfolio's sections share: links from a figure to the filtered list that
produces it, fiscal years as people read them, the anonymised benchmark table."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from shireito.dashboard.figures import MIN_PEERS, Cell, Column, Kind, Table, benchmark
from shireito.dashboard.permissions import may_focus_on
from shireito.registry.selectors import fiscal_year_label

if TYPE_CHECKING:
    from shireito.accounts.models import User


def link(name: str, **query) -> str:
    """``reverse(name)`` with the list's filter as its query string (empty values left out;
    ``True`` as ``1``)."""
    path = reverse(name)
    params = {
        key: ("1" if value is True else value)
        for key, value in query.items()
        if value not in (None, "", False)
    }
    return f"{path}?{urlencode(params)}" if params else path


def tower_link(user: User, row: dict) -> str:
    """The tower drilled down to the body of a figures row (``id`` and ``code``), when the
    user's tower reaches it; no link otherwise (never one that would answer 404)."""
    if not may_focus_on(user, row["id"]):
        return ""
    return link("dashboard:home", organization=row["code"])


def fiscal_year_cell(year: int, language: str) -> Cell:
    """A fiscal year in the era and in digits: 令和8年度（FY2026）, or FY2026 in English."""
    if language.startswith("en"):
        return Cell(year, display=fiscal_year_label(year, "en"))
    return Cell(year, display=f"{fiscal_year_label(year, 'ja')}（{fiscal_year_label(year, 'en')}）")


def benchmark_table(
    key: str, title: str, kind: Kind, figures: list[tuple[str, float | int | None, list]]
) -> Table | None:
    """The viewer's own figures beside the government's spread of them, with no other body
    named: each row is (label, own value, every peer's value). A figure whose peers are too
    few for an anonymous spread is left out; None when none is left."""
    rows = []
    for label, own, spread in figures:
        spread_of = benchmark(spread)
        if spread_of is None:
            continue
        rows.append(
            [
                Cell(label),
                Cell(own),
                Cell(spread_of.lower_quartile),
                Cell(spread_of.median),
                Cell(spread_of.upper_quartile),
                Cell(spread_of.peers),
            ]
        )
    if not rows:
        return None
    return Table(
        key=key,
        title=title,
        columns=[
            Column("figure", _("Figure")),
            Column("own", _("Yours"), kind),
            Column("lower_quartile", _("Lower quartile"), kind),
            Column("median", _("Government median"), kind),
            Column("upper_quartile", _("Upper quartile"), kind),
            Column("peers", _("Bodies compared"), "count"),
        ],
        rows=rows,
        description=_(
            "Your own figures beside the spread of every ministry's (with the bodies it "
            "supervises): no other body is named, and no spread is given for fewer than %(n)s."
        )
        % {"n": MIN_PEERS},
    )
