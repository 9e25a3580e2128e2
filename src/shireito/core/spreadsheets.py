"""XLSX in and out: the one XLSX writer every download uses and the one reader every
importer uses, beside ``core.textfiles`` (CSV).

The writer puts every cell through ``textfiles.guard_cell``, as the CSV writer does: a text
that a spreadsheet would run as a formula starts with a single quote, and numbers (Python
numbers become numeric cells) stay numbers; every text is an inline string, never a formula.
Characters XLSX cannot hold (control characters but tab and line ends) are left out, and a
carriage return is written as the line feed XML reads it as. It writes SpreadsheetML itself
(see ``xlsx_bytes``); a sheet may freeze and filter its header and set column widths.

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
import zipfile
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

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


def xlsx_bytes(sheets: Iterable[Sheet | tuple[str, Iterable, Iterable[Iterable]]]) -> bytes:
    """A workbook of sheets (a ``Sheet`` or a plain ``(title, header, rows)``), as bytes.

    SpreadsheetML is written here directly rather than through openpyxl: openpyxl without
    lxml spends about a tenth of a millisecond on each cell, 1.5 s on an audit of a whole
    catalog, where writing the XML text takes a twentieth of that. The workbook holds what
    a table needs and no more: inline texts, numbers, dates, a bold header, frozen panes,
    filters and column widths; openpyxl (the reader) and spreadsheet programs read it."""
    out = io.BytesIO()
    titles: list[str] = []
    filters: list[str] = []
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        for given in sheets:
            spec = given if isinstance(given, Sheet) else Sheet(given[0], list(given[1]), given[2])
            titles.append(_sheet_title(spec.title, titles))
            with book.open(f"xl/worksheets/sheet{len(titles)}.xml", "w") as part:
                filters.append(_write_sheet(part, spec, first=len(titles) == 1))
        book.writestr("[Content_Types].xml", _content_types(len(titles)))
        book.writestr("_rels/.rels", _ROOT_RELS)
        book.writestr("xl/workbook.xml", _workbook(titles, filters))
        book.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(titles)))
        book.writestr("xl/styles.xml", _STYLES)
    return out.getvalue()


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# Characters XML 1.0 cannot hold (control characters but tab and line ends, two noncharacters).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# A text with none of those, no markup character, and no start a guard would change.
_PLAIN = re.compile("[^\x00-\x1f&<>\ufffe\uffff=+\\-@'][^\x00-\x08\x0b-\x1f&<>\ufffe\uffff]*")
_TITLE_FORBIDDEN = re.compile(r"[\\*?:/\[\]]")
_EPOCH = dt.datetime(1899, 12, 30)
# Cell styles (``styles.xml``'s cellXfs, in order): plain, date, date and time, header.
_DATE, _DATETIME, _BOLD = 1, 2, 3
_STYLES = (
    f'{_HEAD}<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_ROOT_RELS = (
    f'{_HEAD}<Relationships xmlns="{_PACKAGE_RELS}">'
    f'<Relationship Id="rId1" Type="{_RELS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)


def _sheet_title(title: str, taken: list[str]) -> str:
    if not title or len(title) > 31 or _TITLE_FORBIDDEN.search(title):
        raise ValueError(f"Not a sheet title: {title!r}")
    if title.casefold() in {t.casefold() for t in taken}:
        raise ValueError(f"Two sheets titled {title!r}")
    return title


def _column_letter(index: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(ref: str, value, style: int = 0) -> str:
    """One ``<c>`` element; "" for an empty cell. Texts pass ``guard_cell`` first."""
    if isinstance(value, str):
        # Most texts hold no character to replace, escape or guard: they go as they are.
        if _PLAIN.fullmatch(value) is None:
            # XML reads CR as LF: the cell gets what it will hold, and the guard sees that.
            value = _ILLEGAL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
            value = escape(guard_cell(value))
        if not value:
            return ""
        styled = f' s="{style}"' if style else ""
        return (
            f'<c r="{ref}" t="inlineStr"{styled}><is><t xml:space="preserve">{value}</t></is></c>'
        )
    if value is None:
        return ""
    styled = f' s="{style}"' if style else ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"{styled}><v>{int(value)}</v></c>'
    if isinstance(value, int | float | Decimal) and math.isfinite(value):
        return f'<c r="{ref}"{styled}><v>{value}</v></c>'
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.make_naive(value)
        serial = (value - _EPOCH) / dt.timedelta(days=1)
        return f'<c r="{ref}" s="{_DATETIME}"><v>{serial!r}</v></c>'
    if isinstance(value, dt.date):
        return f'<c r="{ref}" s="{_DATE}"><v>{(value - _EPOCH.date()).days}</v></c>'
    return _cell(ref, str(value), style)


def _write_sheet(part, spec: Sheet, *, first: bool) -> str:
    """The sheet's XML into ``part``; returns its filter's range ("" for none). The rows are
    made before the head is written: the head's ``dimension`` names the sheet's extent, and
    a reader without it (openpyxl) reads the whole sheet once more to find it."""
    header = list(spec.header)
    letters = [_column_letter(i) for i in range(1, max(len(header), len(spec.widths)) + 1)]
    body = [
        '<row r="1">',
        *(_cell(f"{letters[i]}1", value, _BOLD) for i, value in enumerate(header)),
        "</row>",
    ]
    count, widest = 1, len(header)
    for row in spec.rows:
        count += 1
        cells = []
        for i, value in enumerate(row):
            if i >= len(letters):
                letters.append(_column_letter(i + 1))
            cells.append(_cell(f"{letters[i]}{count}", value))
        widest = max(widest, len(cells))
        body.append(f'<row r="{count}">{"".join(cells)}</row>')
    view = '<sheetView workbookViewId="0"' + (' tabSelected="1"' if first else "") + ">"
    if spec.freeze_header:
        view += (
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
        )
    extent = f"A1:{letters[widest - 1]}{count}" if widest else "A1"
    head = [
        _HEAD,
        f'<worksheet xmlns="{_MAIN}" xmlns:r="{_RELS}">',
        f'<dimension ref="{extent}"/>',
        f"<sheetViews>{view}</sheetView></sheetViews>",
        '<sheetFormatPr defaultRowHeight="15"/>',
    ]
    if spec.widths:
        head.append("<cols>")
        head.extend(
            f'<col min="{i}" max="{i}" width="{width:g}" customWidth="1"/>'
            for i, width in enumerate(spec.widths, start=1)
        )
        head.append("</cols>")
    head.append("<sheetData>")
    part.write("".join(head).encode())
    for at in range(0, len(body), 1000):
        part.write("".join(body[at : at + 1000]).encode("utf-8", "replace"))
    tail = ["</sheetData>"]
    reference = ""
    if spec.filter_header and header:
        reference = f"A1:{letters[len(header) - 1]}{count}"
        tail.append(f'<autoFilter ref="{reference}"/>')
    tail.append("</worksheet>")
    part.write("".join(tail).encode())
    return reference


def _content_types(count: int) -> str:
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for n in range(1, count + 1)
    )
    return (
        f"{_HEAD}"
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        f"{sheets}</Types>"
    )


def _workbook(titles: list[str], filters: list[str]) -> str:
    sheets = "".join(
        f'<sheet name="{escape(title, {chr(34): "&quot;"})}" sheetId="{n}" r:id="rId{n}"/>'
        for n, title in enumerate(titles, start=1)
    )
    # Excel keeps a filter's range under this hidden name beside the sheet's autoFilter.
    names = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{n}" hidden="1">'
        + escape(f"'{titles[n].replace(chr(39), chr(39) * 2)}'!{_absolute(reference)}")
        + "</definedName>"
        for n, reference in enumerate(filters)
        if reference
    )
    return (
        f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_RELS}">'
        f"<bookViews><workbookView/></bookViews><sheets>{sheets}</sheets>"
        + (f"<definedNames>{names}</definedNames>" if names else "")
        + "</workbook>"
    )


def _absolute(reference: str) -> str:
    """``A1:J20`` → ``$A$1:$J$20``."""
    return ":".join(re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", end) for end in reference.split(":"))


def _workbook_rels(count: int) -> str:
    sheets = "".join(
        f'<Relationship Id="rId{n}" Type="{_RELS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
        for n in range(1, count + 1)
    )
    return (
        f'{_HEAD}<Relationships xmlns="{_PACKAGE_RELS}">{sheets}'
        f'<Relationship Id="rId{count + 1}" Type="{_RELS}/styles" Target="styles.xml"/>'
        "</Relationships>"
    )


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
