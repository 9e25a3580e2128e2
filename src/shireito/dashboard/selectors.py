"""What the tower shows a user: the sections of their tower, each built from the domains'
selectors and scoped to them there. The page, the API and the CSV downloads all ask here."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from shireito.dashboard import sections
from shireito.dashboard.figures import Section, Table, plain
from shireito.dashboard.tower import Viewer, viewer_for

if TYPE_CHECKING:
    from shireito.accounts.models import User


def tower(user: User) -> tuple[Viewer, list[Section]]:
    viewer = viewer_for(user)
    return viewer, sections.build(viewer)


def section_get(user: User, key: str) -> Section | None:
    """One section of the user's tower; None when their tower has no such section (or it has
    nothing to show them)."""
    viewer = viewer_for(user)
    found = sections.build(viewer, only=key)
    return found[0] if found else None


def table_get(user: User, section_key: str, table_key: str) -> Table | None:
    section = section_get(user, section_key)
    return section.table(table_key) if section else None


def table_csv(table: Table) -> str:
    """A table as CSV with a header of its column labels in the user's language; the values
    are plain (numbers unformatted, dates ISO) so spreadsheets compute with them."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([str(column.label) for column in table.columns])
    for row in table.rows:
        writer.writerow(
            [cell.display or ("" if cell.value is None else plain(cell.value)) for cell in row]
        )
    return "\ufeff" + out.getvalue()  # a BOM, so Excel reads the Japanese as UTF-8
