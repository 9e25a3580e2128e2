"""XLSX in and out: the one XLSX writer every download uses and the one reader every
importer uses, beside ``core.textfiles`` (CSV).

The writer puts every cell through ``textfiles.guard_cell``, as the CSV writer does: a text
that a spreadsheet would run as a formula starts with a single quote, and numbers (Python
numbers become numeric cells) stay numbers; a text is never written as a formula. Characters
XLSX cannot hold (control characters but tab and line ends) are left out, and a carriage
return is written as the line feed XML reads it as. A sheet may freeze and filter its header
and set column widths.

The reader checks the workbook's expanded size and parts first (``core.uploads.check_xlsx``),
then hands out rows lazily, so a caller checks the header before it reads further, and stops
one row past its limit. Cells come back as text with ``unguard_cell`` applied, so our own
exports read back as they were. A workbook of several sheets is read at the sheet whose title
the caller names (our own audit workbook's results sheet), not at whichever comes first.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from shireito.core.textfiles import guard_cell, unguard_cell
from shireito.core.uploads import FileRefused, check_xlsx


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook: a header row and rows. ``freeze_header`` keeps the header in
    view while scrolling, ``filter_header`` puts filter buttons on it, ``widths`` sets the
    first columns' widths (in characters), so a downloaded table reads as a table."""

    title: str
    header: Sequence
    rows: Iterable[Iterable]
    freeze_header: bool = False
    filter_header: bool = False
    widths: Sequence[float] = ()


# Characters XML 1.0 cannot hold (control characters but tab and line ends, two noncharacters).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# XlsxWriter's options: a text is always a text. Its defaults would write one starting with
# "=" as a formula, a URL as a link and, with some options, numeric text as a number.
_OPTIONS = {
    "in_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "remove_timezone": True,
}


def xlsx_bytes(sheets: Iterable[Sheet | tuple[str, Iterable, Iterable[Iterable]]]) -> bytes:
    """A workbook of sheets (a ``Sheet`` or a plain ``(title, header, rows)``), as bytes.

    Written with XlsxWriter, which writes workbooks only and is tested against Excel's own
    files: openpyxl (kept as the reader) spends about a tenth of a millisecond per cell
    writing without lxml, 1.5 s for an audit of a whole catalog."""
    # Imported here: not every start of the server or a command writes a workbook.
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, _OPTIONS)
    bold = book.add_format({"bold": True})
    dates = book.add_format({"num_format": "yyyy-mm-dd"})
    times = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for given in sheets:
        spec = given if isinstance(given, Sheet) else Sheet(given[0], list(given[1]), given[2])
        sheet = book.add_worksheet(spec.title)
        header = list(spec.header)
        for column, value in enumerate(header):
            _write(sheet, 0, column, value, bold, dates, times)
        count = 0
        for count, row in enumerate(spec.rows, start=1):
            for column, value in enumerate(row):
                _write(sheet, count, column, value, None, dates, times)
        if spec.freeze_header:
            sheet.freeze_panes(1, 0)
        if spec.filter_header and header:
            sheet.autofilter(0, 0, count, len(header) - 1)
        for column, width in enumerate(spec.widths):
            sheet.set_column(column, column, width)
    book.close()
    return out.getvalue()


def _write(sheet, row: int, column: int, value, style, dates, times) -> None:
    """One cell: a text through ``guard_cell`` (and without what XML cannot hold), a number
    as a number, a date or time in its format; None and "" leave the cell empty."""
    if isinstance(value, str):
        # XML reads CR as LF: the cell gets what it will hold, and the guard sees that.
        value = _ILLEGAL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
        if value:
            sheet.write_string(row, column, guard_cell(value), style)
    elif value is None:
        return
    elif isinstance(value, bool):
        sheet.write_boolean(row, column, value, style)
    elif isinstance(value, int | float | Decimal) and math.isfinite(value):
        sheet.write_number(row, column, value, style)
    elif isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.make_naive(value)
        sheet.write_datetime(row, column, value, times)
    elif isinstance(value, dt.date):
        sheet.write_datetime(row, column, value, dates)
    else:
        _write(sheet, row, column, str(value), style, dates, times)


def xlsx_rows(raw: bytes, *, titles: Collection[str] = ()) -> XlsxRows:
    """The rows of one sheet as lists of text (an empty cell as ""), read lazily: the first
    sheet, or with ``titles`` the sheet titled one of them (case and surrounding spaces
    aside; a workbook of one sheet is read whatever its title). Raises ``FileRefused`` before
    anything is parsed when the workbook is too large or no workbook, when openpyxl cannot
    read it, and when no sheet has one of ``titles``."""
    return XlsxRows(raw, titles)


class XlsxRows(Iterator[list[str]]):
    """``xlsx_rows``' answer: an iterator of rows that knows the title of the sheet it reads
    (``title``: "" when the sheet was not chosen by title), so problems can name it."""

    def __init__(self, raw: bytes, titles: Collection[str]) -> None:
        check_xlsx(raw)
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
            raise FileRefused(_("Not an XLSX workbook.")) from exc
        self._book = book
        if not book.worksheets:
            book.close()
            raise FileRefused(_("Not an XLSX workbook."))
        self.title = ""
        sheet = book.worksheets[0]
        if titles:
            wanted = {t.strip().casefold() for t in titles}
            chosen = [s for s in book.worksheets if s.title.strip().casefold() in wanted]
            if chosen:
                sheet, self.title = chosen[0], chosen[0].title
            elif len(book.worksheets) > 1:
                book.close()
                raise FileRefused(
                    _("The workbook has no sheet titled %(titles)s (it has %(found)s).")
                    % {
                        "titles": " / ".join(dict.fromkeys(titles)),
                        "found": ", ".join(s.title for s in book.worksheets),
                    }
                )
        self._rows = sheet.iter_rows(values_only=True)

    def __next__(self) -> list[str]:
        try:
            row = next(self._rows)
        except StopIteration:
            self._book.close()
            raise
        except Exception as exc:  # a damaged sheet is found while it is read
            self._book.close()
            raise FileRefused(_("Not an XLSX workbook.")) from exc
        return [_text(value) for value in row]


def _text(value) -> str:
    if value is None:
        return ""
    return unguard_cell(str(value).replace("\x00", ""))
