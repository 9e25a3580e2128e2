"""The spreadsheet format for authoring a catalog by hand (CSV or XLSX): one row per group or
control, in reading order, each naming its parent by published id. It is a home for the
authoring step only; catalogs travel between systems as OSCAL."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Callable, Collection, Iterator

from django.utils.translation import gettext as _

from shireito.core.parsing import csv_problem
from shireito.core.problems import Problem
from shireito.core.spreadsheets import xlsx_bytes, xlsx_rows
from shireito.core.textfiles import UndecodableText, csv_text, decode_text, unguard_cell
from shireito.core.uploads import FileRefused
from shireito.standards.choices import NodeKind
from shireito.standards.tree import CatalogImportError, NodeSpec, prose_parts, token_for

COLUMNS = ["id", "parent", "kind", "title", "statement", "guidance"]
GROUP_KINDS = {NodeKind.PART, NodeKind.SECTION, NodeKind.SUBSECTION, NodeKind.GROUP}
MAX_ROWS = 20_000

TEMPLATE_ROWS = [
    ["1", "", "part", "組織と体制", "", ""],
    ["1.1", "1", "section", "責任者を置く", "", ""],
    ["1.1.1", "1.1", "subsection", "責任者の任命", "", ""],
    ["1.1.1(1)", "1.1.1", "measure", "責任者の役割", "", ""],
    [
        "1.1.1(1)(a)",
        "1.1.1(1)",
        "requirement",
        "",
        "組織は、情報セキュリティ対策を統括する責任者を1人置くこと。",
        "責任者は、対策の実施状況を定期的に確かめる立場の者とする。",
    ],
    [
        "1.1.1(1)-1",
        "1.1.1(1)",
        "basic_measure",
        "",
        "責任者の任命を文書で記録し、組織内に周知する。",
        "",
    ],
]


def template_csv(*, bom: bool = False) -> str:
    return csv_text(COLUMNS, TEMPLATE_ROWS, bom=bom)


def template_xlsx() -> bytes:
    return xlsx_bytes([("catalog", COLUMNS, TEMPLATE_ROWS)])


def export_csv(catalog, *, bom: bool = False) -> str:
    """A catalog in the authoring format, to edit into a new edition and import back."""
    return csv_text(
        COLUMNS,
        (
            [
                node.label,
                node.parent.label if node.parent else "",
                node.kind,
                node.title,
                node.statement,
                node.guidance,
            ]
            for node in catalog.nodes.select_related("parent").order_by("position")
        ),
        bom=bom,
    )


def read_rows(
    raw: bytes, fmt: str, problem, *, required=("id", "kind"), max_rows: int = MAX_ROWS
) -> list[dict] | None:
    """The sheet as dicts by column name (the first row is the header), or None after
    reporting why it cannot be read. Catalog sheets and mapping files both read through it."""
    read = read_sheet(raw, fmt, problem, required=required, max_rows=max_rows)
    return None if read is None else read[1]


def read_sheet(
    raw: bytes,
    fmt: str,
    problem,
    *,
    required=("id", "kind"),
    max_rows: int = MAX_ROWS,
    titles: Collection[str] = (),
) -> tuple[str, list[dict]] | None:
    """``read_rows`` of a workbook's sheet titled one of ``titles`` (see
    ``core.spreadsheets.xlsx_rows``), with the title of the sheet read ("" for CSV and a
    sheet not chosen by title), which then starts the place of every problem (``結果!row 1``).

    The cheap checks come first: an XLSX workbook's expanded size (``core.uploads``), then the
    header, then the number of rows (read lazily, one past the limit at most), and only then
    is any row turned into values."""
    sheet = ""
    try:
        lines = _lines(raw, fmt, titles)
        sheet = getattr(lines, "title", "")
        first = next(lines, None)
    except (FileRefused, UndecodableText) as exc:
        problem("$", str(exc))
        return None
    except csv.Error as exc:
        problem("$", csv_problem(exc, line=1))
        return None
    if first is None:
        problem("$", _("The file is empty."))
        return None
    header = [name.strip().lower() for name in first]
    missing = [c for c in required if c not in header]
    if missing:
        problem(sheet_place(sheet, "row 1"), _("Missing columns: %s") % ", ".join(missing))
        return None
    try:
        # Stop one row past the limit: a file of empty lines must not become millions of
        # lists in memory before it is refused.
        rows = list(itertools.islice(lines, max_rows + 1))
    except FileRefused as exc:
        problem("$", str(exc))
        return None
    except csv.Error as exc:
        problem("$", csv_problem(exc, line=getattr(exc, "line", 0)))
        return None
    if len(rows) > max_rows:
        problem("$", _("At most %d rows.") % max_rows)
        return None
    return sheet, [
        {name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(header)}
        for row in rows
    ]


def sheet_place(sheet: str, place: str) -> str:
    """A place in a file, in the sheet it is on when the file has several (``結果!row 4``)."""
    return f"{sheet}!{place}" if sheet else place


def _lines(raw: bytes, fmt: str, titles: Collection[str] = ()) -> Iterator[list[str]]:
    """The file's rows as lists of text, lazily; our own exports' formula guards removed."""
    if fmt == "xlsx":
        return xlsx_rows(raw, titles=titles)
    text = decode_text(raw).text
    if "\x00" in text:
        raise FileRefused(_("Null characters and unpaired surrogates are not allowed."))
    reader = csv.reader(io.StringIO(text, newline=""))
    return _csv_lines(reader)


def _csv_lines(reader) -> Iterator[list[str]]:
    try:
        for row in reader:
            yield [unguard_cell(cell) for cell in row]
    except csv.Error as exc:
        exc.line = reader.line_num  # type: ignore[attr-defined]
        raise


def parse_spreadsheet(raw: bytes, fmt: str) -> list[NodeSpec]:
    """Rows → node tree. Problems are named by row and column; nothing is kept on any."""
    problems: list[Problem] = []

    def problem(path: str, message: str) -> None:
        problems.append(Problem(path, message))

    rows = read_rows(raw, fmt, problem)
    if rows is None:
        raise CatalogImportError(problems)
    roots: list[NodeSpec] = []
    by_label: dict[str, NodeSpec] = {}
    tokens: dict[str, str] = {}
    for number, row in enumerate(rows, start=2):
        if not any(row.values()):
            continue
        node, parent = _row_node(row, f"row {number}", by_label, tokens, problem)
        if node is None:
            continue
        (parent.children if parent else roots).append(node)
        by_label[node.label] = node
        tokens[node.oscal_id] = node.label
    if not roots and not problems:
        problem("$", _("The file has no rows."))
    if problems:
        raise CatalogImportError(problems)
    return roots


def _row_node(
    row: dict[str, str],
    where: str,
    by_label: dict[str, NodeSpec],
    tokens: dict[str, str],
    problem: Callable[[str, str], None],
) -> tuple[NodeSpec | None, NodeSpec | None]:
    """One row as a node and the node it sits under; ``(None, None)`` after reporting why
    the row cannot be one."""
    label, parent_label, kind = row.get("id", ""), row.get("parent", ""), row.get("kind", "")
    if not label:
        problem(f"{where}, id", _("Every row needs an id."))
        return None, None
    if label in by_label:
        problem(f"{where}, id", _("The id %s is used twice.") % label)
        return None, None
    if kind not in NodeKind.values:
        problem(
            f"{where}, kind",
            _("Unknown kind %(kind)s; use one of %(kinds)s.")
            % {"kind": kind or "—", "kinds": ", ".join(NodeKind.values)},
        )
        return None, None
    token = token_for(label)
    if token in tokens:
        problem(
            f"{where}, id",
            _("The id %(id)s reads the same as %(other)s once made an OSCAL token.")
            % {"id": label, "other": tokens[token]},
        )
        return None, None
    parent = None
    if parent_label:
        parent = by_label.get(parent_label)
        if parent is None:
            problem(
                f"{where}, parent",
                _("No earlier row has the id %s: list a parent before its children.")
                % parent_label,
            )
            return None, None
        if kind in GROUP_KINDS and not parent.is_group:
            problem(f"{where}, kind", _("A group cannot sit under a control."))
            return None, None
    statement, guidance = row.get("statement", ""), row.get("guidance", "")
    is_group = kind in GROUP_KINDS
    if is_group and (statement or guidance):
        problem(f"{where}, statement", _("A group has a title only; make it a control."))
        return None, None
    node = NodeSpec(
        kind,
        token,
        label,
        title=row.get("title", ""),
        statement=statement,
        guidance=guidance,
        is_group=is_group,
        parts=prose_parts(token, statement, guidance),
    )
    return node, parent
