"""XLSX in and out: the one XLSX writer every download uses and the one reader every
importer uses, beside ``core.textfiles`` (CSV).

The writer puts every cell through ``textfiles.guard_cell``, as the CSV writer does: a text
that a spreadsheet would run as a formula starts with a single quote, and numbers (Python
numbers become numeric cells) stay numbers. openpyxl would otherwise store a text starting
with ``=`` as a formula. Characters XLSX cannot hold (control characters but tab and line
ends) are left out, and a carriage return is written as the line feed XML reads it as.

The reader checks the workbook's expanded size and parts first (``core.uploads.check_xlsx``),
then hands out rows lazily, so a caller checks the header before it reads further, and stops
one row past its limit. Cells come back as text with ``unguard_cell`` applied, so our own
exports read back as they were.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _

from shireito.core.textfiles import guard_cell, unguard_cell
from shireito.core.uploads import FileRefused, check_xlsx


def xlsx_bytes(sheets: Iterable[tuple[str, Iterable, Iterable[Iterable]]]) -> bytes:
    """A workbook of ``(title, header, rows)`` sheets, as bytes."""
    # Imported here: openpyxl takes a large part of a second to import, which every start of
    # the server and of each command would otherwise pay for a rarely used path.
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    def cell(value):
        if isinstance(value, str):  # XML reads CR as LF: the cell gets what it will hold
            value = ILLEGAL_CHARACTERS_RE.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
        return guard_cell(value)

    book = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title)
        sheet.append([cell(value) for value in header])
        for row in rows:
            sheet.append([cell(value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_rows(raw: bytes) -> Iterator[list[str]]:
    """The first sheet's rows as lists of text (an empty cell as ""), read lazily; raises
    ``FileRefused`` before anything is parsed when the workbook is too large or no workbook,
    and when openpyxl cannot read it."""
    check_xlsx(raw)
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise FileRefused(_("Not an XLSX workbook.")) from exc
    try:
        if not book.worksheets:
            raise FileRefused(_("Not an XLSX workbook."))
        rows = book.worksheets[0].iter_rows(values_only=True)
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except Exception as exc:  # a damaged sheet is found while it is read
                raise FileRefused(_("Not an XLSX workbook.")) from exc
            yield [_text(value) for value in row]
    finally:
        book.close()


def _text(value) -> str:
    if value is None:
        return ""
    return unguard_cell(str(value).replace("\x00", ""))
