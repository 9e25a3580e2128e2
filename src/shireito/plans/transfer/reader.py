"""An uploaded edition file read into rows per table, each row knowing its place in the file
(``施策!row 4``, ``measures.csv!row 4``), before any value is checked.

Two kinds of file: our XLSX workbook (its sheets found by their title in any language or by
their key), and a ZIP of CSV files named by the tables' keys (``measures.csv``), each CSV in
any encoding ``core.textfiles`` reads. Whatever the file is, a problem with it as a whole
(not a workbook nor a ZIP, a broken archive, an encoding we do not read, a missing table or
column) is a ``Problem`` too, so the user sees every one of them at once.
"""

from __future__ import annotations

import csv
import io
import posixpath
import zipfile
import zlib
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from shireito.core.problems import Problem
from shireito.core.textfiles import UndecodableText, decode_text, unguard_cell
from shireito.core.uploads import FileRefused, check_xlsx, limit_of
from shireito.plans.transfer.tables import LEGEND_TITLE, TABLES, Table

MAX_ROWS = 20_000  # per table: ten times the largest plan we know


@dataclass(frozen=True)
class Row:
    """One row of a table: its place in the file (``sheet!row 4``) and its cells by key."""

    place: str
    cells: dict[str, str]

    def at(self, column: str | None = None) -> str:
        return f"{self.place}.{column}" if column else self.place

    def get(self, column: str) -> str:
        return (self.cells.get(column) or "").strip()


def _titles(table: Table) -> set[str]:
    titles = {table.key}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            titles.add(str(table.title))
    return {t.strip().casefold() for t in titles}


@dataclass
class Read:
    """A file's tables (rows by table key), the problems found reading it, and the tables
    that could not be read (a wrong header, an encoding we do not read): rows that refer to
    one of these are not blamed for it."""

    tables: dict[str, list[Row]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    failed: set[str] = field(default_factory=set)


def _refused(message: str) -> Read:
    return Read(problems=[Problem("$", message)], failed={t.key for t in TABLES})


def read_file(raw: bytes) -> Read:
    """The file's rows by table key, with what stopped any of it being read."""
    if not raw.startswith(b"PK"):
        return _refused(_("Upload the edition's XLSX workbook or its ZIP of CSV files."))
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return _refused(_("The ZIP archive is damaged and cannot be read."))
    if "[Content_Types].xml" in names:
        return _read_workbook(raw)
    return _read_zip(raw)


def _header_problems(place: str, table: Table, header: list[str]) -> list[Problem]:
    problems = []
    unknown = [c for c in header if c and c not in table.keys]
    if unknown:
        problems.append(Problem(place, _("Unknown columns: %s") % ", ".join(unknown)))
    missing = [c.key for c in table.columns if c.required and c.key not in header]
    if missing:
        problems.append(Problem(place, _("Missing columns: %s") % ", ".join(missing)))
    return problems


def _rows(where: str, table: Table, lines, problems: list[Problem]) -> list[Row] | None:
    """A table's rows from its lines (the first is the header); blank lines are skipped."""
    header = [str(c).strip() for c in next(lines, [])]
    while header and not header[-1]:
        header.pop()
    found = _header_problems(f"{where}!row 1", table, header)
    if found:
        problems.extend(found)
        return None
    rows: list[Row] = []
    for number, cells in enumerate(lines, start=2):
        if not any(str(c).strip() for c in cells):
            continue
        if len(rows) == MAX_ROWS:
            problems.append(
                Problem(f"{where}!row {number}", _("At most %d rows per table.") % MAX_ROWS)
            )
            return None
        values = {key: unguard_cell(str(cell)) for key, cell in zip(header, cells, strict=False)}
        rows.append(Row(f"{where}!row {number}", values))
    return rows


def _missing_tables(found: set[str], kind: str) -> list[Problem]:
    problems = []
    for table in TABLES:
        if table.required and table.key not in found:
            name = table.filename if kind == "zip" else str(table.title)
            problems.append(Problem("$", _("The file has no table %(name)s.") % {"name": name}))
    return problems


def _read_workbook(raw: bytes) -> Read:
    try:
        check_xlsx(raw)
    except FileRefused as exc:
        return _refused(str(exc))
    from openpyxl import load_workbook  # as core.spreadsheets: only an import needs it

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        return _refused(_("Not an XLSX workbook."))
    read = Read()
    try:
        wanted = {table.key: _titles(table) for table in TABLES}
        for sheet in book.worksheets:
            title = sheet.title.strip().casefold()
            table = next((t for t in TABLES if title in wanted[t.key]), None)
            if table is None or table.key in read.tables or table.key in read.failed:
                continue  # the legend, and sheets of the user's own
            lines = (
                ["" if v is None else _cell_text(v) for v in r]
                for r in sheet.iter_rows(values_only=True)
            )
            _keep(read, table, _rows(sheet.title, table, lines, read.problems))
    except Exception:  # a damaged sheet is found while it is read
        return _refused(_("Not an XLSX workbook."))
    finally:
        book.close()
    read.problems += _missing_tables(set(read.tables) | read.failed, "xlsx")
    return read


def _cell_text(value) -> str:
    """A cell as text: a whole number without ``.0``, a date cell as ``YYYY-MM-DD``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "date") and hasattr(value, "hour") and not (value.hour or value.minute):
        return value.date().isoformat()
    return str(value).replace("\x00", "")


def _read_zip(raw: bytes) -> Read:
    read = Read()
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            expanded = sum(m.file_size for m in members)
            limit = limit_of("SHIREITO_XLSX_MAX_UNCOMPRESSED_BYTES")
            if len(members) > limit_of("SHIREITO_XLSX_MAX_PARTS") or expanded > limit:
                return _refused(
                    _("The ZIP archive expands to more than %s MB.") % f"{limit / 2**20:g}"
                )
            for member in members:
                name = posixpath.basename(member.filename)
                key = name[:-4].casefold() if name.casefold().endswith(".csv") else ""
                table = next((t for t in TABLES if t.key == key), None)
                if table is None or member.filename.startswith("__MACOSX/"):
                    continue
                try:
                    decoded = decode_text(archive.read(member))
                except UndecodableText as exc:
                    read.problems.append(Problem(name, str(exc)))
                    read.failed.add(table.key)
                    continue
                reader = csv.reader(io.StringIO(decoded.text.replace("\x00", ""), newline=""))
                try:
                    lines = iter(list(reader))
                except csv.Error as exc:
                    read.problems.append(Problem(f"{name}!row {reader.line_num}", str(exc)))
                    read.failed.add(table.key)
                    continue
                _keep(read, table, _rows(name, table, lines, read.problems))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, zlib.error):
        return _refused(_("The ZIP archive is damaged and cannot be read."))
    if not read.tables and not read.failed:
        return _refused(_("The ZIP archive holds none of the edition's CSV files."))
    read.problems += _missing_tables(set(read.tables) | read.failed, "zip")
    return read


def _keep(read: Read, table: Table, rows: list[Row] | None) -> None:
    if rows is None:
        read.failed.add(table.key)
    else:
        read.tables[table.key] = rows


__all__ = ["LEGEND_TITLE", "MAX_ROWS", "Read", "Row", "read_file"]
