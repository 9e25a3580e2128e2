"""What the tower shows a user: the sections of their tower, each built from the domains'
selectors and scoped to them there. The page, the API and the CSV downloads all ask here.

Drilling down to one body (``focus``) narrows the user's sight to that body and the bodies
under it (``core.scoping.narrowed_to``) and shows that body's kind of tower: the figures are
still only what the user may see."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING
from urllib.parse import quote

from shireito.core.scoping import narrowed_to
from shireito.core.textfiles import csv_text
from shireito.dashboard import sections
from shireito.dashboard.figures import Section, Table, plain
from shireito.dashboard.permissions import may_focus
from shireito.dashboard.tower import Viewer, viewer_for
from shireito.organizations import selectors as organizations

if TYPE_CHECKING:
    from shireito.accounts.models import User
    from shireito.organizations.models import Organization


class FocusRefused(LookupError):
    """The body asked for does not exist, or the user's tower does not reach it."""


def focus_get(user: User, code: str) -> Organization | None:
    """The body drilled down to; None for the user's own (their tower as it is)."""
    organization = organizations.organization_get(user=user, code=code)
    if organization is None or not may_focus(user, organization):
        raise FocusRefused(code)
    return None if organization.pk == user.organization_id else organization


def focus_ids(user: User, focus: Organization) -> list[int]:
    """The body drilled down to and the bodies under it (a ministry's agencies, a
    prefecture's municipalities)."""
    below = organizations.organization_children(user=user, organization=focus)
    return [focus.pk, *below.values_list("pk", flat=True)]


@contextmanager
def _viewing(user: User, focus: Organization | None) -> Iterator[Viewer]:
    viewer = viewer_for(user, focus)
    if focus is None:
        yield viewer
        return
    with narrowed_to(user, focus_ids(user, focus)):
        yield viewer


def tower(user: User, focus: Organization | None = None) -> tuple[Viewer, list[Section]]:
    with _viewing(user, focus) as viewer:
        built = sections.build(viewer)
    if focus is not None:
        for section in built:
            _carry_focus(section, focus.code)
    return viewer, built


def _within(href: str, code: str) -> str:
    """A drill-down link of a focused tower, opening its list narrowed to the same bodies
    (``?within=``); links to other towers are left as they are."""
    if not href or not href.startswith("/") or href.startswith(("/?", "/tower/")) or href == "/":
        return href
    return f"{href}{'&' if '?' in href else '?'}within={quote(code)}"


def _carry_focus(section: Section, code: str) -> None:
    for figure in section.figures:
        figure.href = _within(figure.href, code)
    for table in section.tables:
        table.more_href = _within(table.more_href, code)
        for row in table.rows:
            for cell in row:
                cell.href = _within(cell.href, code)


def section_get(user: User, key: str, focus: Organization | None = None) -> Section | None:
    """One section of the user's tower; None when their tower has no such section (or it has
    nothing to show them)."""
    with _viewing(user, focus) as viewer:
        found = sections.build(viewer, only=key)
    if found and focus is not None:
        _carry_focus(found[0], focus.code)
    return found[0] if found else None


def table_get(
    user: User, section_key: str, table_key: str, focus: Organization | None = None
) -> Table | None:
    section = section_get(user, section_key, focus)
    return section.table(table_key) if section else None


def table_csv(table: Table, *, bom: bool = False) -> str:
    """A table as CSV with a header of its column labels in the user's language; the values
    are plain (numbers unformatted, dates ISO) so spreadsheets compute with them. ``bom``
    starts it with a byte order mark, so that Excel reads the Japanese as UTF-8."""
    return csv_text(
        [str(column.label) for column in table.columns],
        (
            [cell.display or ("" if cell.value is None else plain(cell.value)) for cell in row]
            for row in table.rows
        ),
        bom=bom,
    )
