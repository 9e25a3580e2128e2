"""CSV import and CSV/JSON export of the portfolio.

Import checks every row first and reports each problem with its row and column; only a file
without problems is written, in one transaction, through the same audited services as the
forms. ``dry_run`` checks and reports without writing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from shireito.core.parsing import csv_problem
from shireito.core.textfiles import (
    DecodedText,
    UndecodableText,
    csv_chunks,
    decode_text,
    unguard_cell,
)
from shireito.core.uploads import FileRefused, limit_of, read_capped
from shireito.organizations.mandates import active_engine
from shireito.organizations.models import Organization
from shireito.registry.models import InformationSystem
from shireito.registry.permissions import may_change_system, may_edit_system
from shireito.registry.selectors import overseen_categories, related_kept, row_of, systems_in_reach
from shireito.registry.services import (
    SYSTEM_FIELDS,
    check_builder,
    default_builder,
    system_create,
    system_set_related,
    system_update,
)

if TYPE_CHECKING:
    from shireito.accounts.models import User

COLUMNS = ["code", *SYSTEM_FIELDS, "related"]
REQUIRED = {"code", "name", "owner", "category"}
DATES = {
    "phase_since",
    "operation_start",
    "retirement_date",
    "migration_target",
    "special_support_deadline",
}
INTEGERS = {"confidentiality", "integrity", "availability", "people_served"}
# Columns whose empty cell means "the default" on a new system and "unchanged" on an existing one.
DEFAULTED = {"important", "phase", "hosting", "confidentiality", "integrity", "availability"}
MAX_ROWS = 50_000
# A web request may check or import this many rows; bigger files go through the command line.
MAX_WEB_ROWS = 5_000
# An upload larger than this is refused before it is read (50,000 rows fit many times over).
MAX_BYTES = limit_of("SHIREITO_IMPORT_MAX_BYTES")


# A checked row: the system it changes (None: a new one), its id, its values, its line.
Plan = tuple[InformationSystem | None, str, dict, int]


@dataclass(frozen=True)
class RowProblem:
    row: int  # the line in the file (the header is line 1)
    column: str | None
    message: str


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    written: bool = False
    encoding: str = ""  # the encoding the file was read in (``core.textfiles``)
    encoding_label: str = ""  # its name as a page shows it
    encoding_notice: str = ""  # the sentence a page shows before import

    def read_as(self, decoded: DecodedText) -> ImportResult:
        self.encoding, self.encoding_label = decoded.encoding, decoded.label
        self.encoding_notice = decoded.notice
        return self

    @property
    def ok(self) -> bool:
        return not self.problems


def _parse_value(column: str, raw: str):
    raw = raw.strip()
    if column == "important":
        if raw.lower() in {"", "0", "false", "no", "いいえ"}:
            return False
        if raw.lower() in {"1", "true", "yes", "はい"}:
            return True
        raise ValueError(_("Write true or false."))
    if column == "related":
        return sorted({code.strip() for code in raw.split(";") if code.strip()})
    if raw == "":
        return None if column in DATES | INTEGERS | {"owner", "builder"} else ""
    if column in DATES:
        try:
            return dt.date.fromisoformat(raw)
        except ValueError as exc:
            raise ValueError(_("Write a date as YYYY-MM-DD.")) from exc
    if column in INTEGERS:
        if not raw.isdigit():
            raise ValueError(_("Write a whole number."))
        return int(raw)
    return raw


def import_systems(
    stream: Iterable[str],
    *,
    actor: User | None,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    max_rows: int = MAX_ROWS,
) -> ImportResult:
    """Read CSV rows (text, header row of COLUMNS names) and create or update systems by code.

    Every row is checked first without writing anything (a dry run stops there); only a file
    without problems is then written, in one transaction, through the audited services.
    """
    result = ImportResult()
    reader = csv.reader(stream)
    try:
        header = next(reader, [])
    except csv.Error as exc:
        result.problems.append(RowProblem(1, None, csv_problem(exc, line=1)))
        return result
    unknown = [c for c in header if c not in COLUMNS]
    missing = sorted(REQUIRED - set(header))
    if unknown:
        result.problems.append(RowProblem(1, None, _("Unknown columns: %s") % ", ".join(unknown)))
    if missing:
        result.problems.append(RowProblem(1, None, _("Missing columns: %s") % ", ".join(missing)))
    if result.problems:
        return result
    # The rows are counted before any is checked: a file over the limit is refused at once,
    # not after minutes of checking rows it will not import.
    lines = _lines(reader, header, result, max_rows)
    if result.problems:
        return result
    organizations = {o.code: o for o in Organization.objects.all()}
    engine = active_engine()
    systems = systems_in_reach(actor)
    seen: dict[str, int] = {}
    planned: list[Plan] = []
    for line, row in lines:
        result.rows += 1
        plan = _check_row(line, row, actor, organizations, engine, seen, systems, result)
        if plan is not None:
            planned.append(plan)
        if progress and result.rows % 500 == 0:
            progress(result.rows)
    _check_related(planned, systems, result)
    if result.problems or dry_run:
        return result
    try:
        with transaction.atomic():
            _write(planned, actor, engine, systems, result)
    except _WriteFailed:
        return result  # rolled back; the problem is in result.problems
    result.written = True
    return result


def _lines(
    reader, header: list[str], result: ImportResult, max_rows: int
) -> list[tuple[int, dict]]:
    """The rows (with their line) as dicts by column, our export's formula guards removed; a
    line that cannot be read as CSV, or one row past ``max_rows``, becomes the file's problem
    (and no row is returned)."""
    lines: list[tuple[int, dict]] = []
    try:
        for cells in reader:
            if len(lines) == max_rows:
                result.problems.append(
                    RowProblem(reader.line_num, None, _("At most %d rows per file.") % max_rows)
                )
                return []
            if not cells:  # a blank line, as DictReader skips it
                continue
            row = {name: unguard_cell(cell) for name, cell in zip(header, cells, strict=False)}
            for name in header[len(cells) :]:
                row[name] = None  # a short row leaves its last columns out
            lines.append((reader.line_num, row))
    except csv.Error as exc:
        line = reader.line_num  # the line it stopped on
        result.problems.append(RowProblem(line, None, csv_problem(exc, line=line)))
        return []
    return lines


def import_upload(
    upload: UploadedFile, *, actor: User | None, dry_run: bool, max_rows: int = MAX_WEB_ROWS
) -> ImportResult:
    """``import_systems`` of an uploaded CSV file (the page's and the API's); a file that is
    not text in an encoding we read is an error on its field."""
    try:
        raw = read_capped(upload, limit=MAX_BYTES)
    except FileRefused as exc:
        raise ValidationError({"file": str(exc)}) from exc
    return import_bytes(raw, actor=actor, dry_run=dry_run, max_rows=max_rows)


def import_bytes(
    raw: bytes,
    *,
    actor: User | None,
    dry_run: bool,
    max_rows: int = MAX_ROWS,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """``import_systems`` of a file's bytes, decoded by ``core.textfiles`` (UTF-8 with or
    without BOM, Shift_JIS and the other Japanese encodings); the result says which."""
    try:
        decoded = decode_text(raw)
    except UndecodableText as exc:
        raise ValidationError({"file": str(exc)}) from exc
    result = import_systems(
        io.StringIO(decoded.text, newline=""),
        actor=actor,
        dry_run=dry_run,
        max_rows=max_rows,
        progress=progress,
    )
    return result.read_as(decoded)


class _WriteFailed(Exception):
    pass


def _write(
    planned: list[Plan],
    actor: User | None,
    engine,
    systems: QuerySet[InformationSystem],
    result: ImportResult,
) -> None:
    """Write the checked rows. Anything the services still refuse (a row changed by someone
    else meanwhile) becomes a problem on its line and the whole file is rolled back."""
    written = {}
    line = 0
    try:
        for existing, code, values, line in planned:  # noqa: B007 - line names the failing row
            values = {k: v for k, v in values.items() if k != "related"}
            if existing is None:
                written[code] = system_create(actor=actor, code=code, engine=engine, **values)
            else:
                current = InformationSystem.objects.select_for_update().get(pk=existing.pk)
                written[code] = system_update(actor=actor, system=current, engine=engine, **values)
        for _existing, code, values, line in planned:  # noqa: B007 - line names the failing row
            if "related" in values:
                chosen = [written.get(c) or systems.get(code=c) for c in values["related"]]
                system = written[code]
                related = chosen if actor is None else related_kept(actor, system, chosen)
                system_set_related(actor=actor, system=system, related=related)
    except ValidationError as exc:
        _add_problems(result, line, exc)
        raise _WriteFailed from exc
    except PermissionDenied as exc:
        result.problems.append(RowProblem(line, "owner", str(exc)))
        raise _WriteFailed from exc
    except IntegrityError as exc:
        result.problems.append(
            RowProblem(line, "code", _("Changed by someone else meanwhile; check the file again."))
        )
        raise _WriteFailed from exc


def _check_related(
    planned: list[Plan], systems: QuerySet[InformationSystem], result: ImportResult
) -> None:
    """Related ids must be systems the importer may see, or systems of the same file; a link
    goes both ways, so when both ends are in the file both rows must name each other."""
    in_file = {plan[1] for plan in planned}
    named = {
        code: set(values["related"]) for _e, code, values, _l in planned if "related" in values
    }
    for _existing, code, values, line in planned:
        wanted = values.get("related") or []
        if code in wanted:
            result.problems.append(
                RowProblem(line, "related", _("A system is not related to itself."))
            )
        unknown = [c for c in wanted if c not in in_file and not systems.filter(code=c).exists()]
        if unknown:
            result.problems.append(
                RowProblem(line, "related", _("Unknown system ids: %s") % ", ".join(unknown))
            )
        one_sided = [c for c in wanted if c in named and code not in named[c]]
        if one_sided:
            result.problems.append(
                RowProblem(
                    line,
                    "related",
                    _("Links go both ways; name this system on the rows of: %s")
                    % ", ".join(one_sided),
                )
            )


def _check_row(
    line: int,
    row: dict,
    actor: User | None,
    organizations: dict[str, Organization],
    engine,
    seen: dict[str, int],
    systems: QuerySet[InformationSystem],
    result: ImportResult,
) -> Plan | None:
    """Parse and validate one row without writing; record its problems, or return the plan."""
    problems_before = len(result.problems)
    values = _parse_row(line, row, result)
    code = values.pop("code", None)
    if not code:
        return None
    if code in seen:
        result.problems.append(
            RowProblem(line, "code", _("The same system id is on line %d.") % seen[code])
        )
        return None
    seen[code] = line
    if not _resolve_organizations(line, values, organizations, result):
        return None
    existing = systems.filter(code=code).first()
    if existing is None:
        values, candidate, may = _new_candidate(code, values, actor, engine)
    else:
        values, candidate, may = _changed_candidate(existing, values, actor)
    if existing is not None and _leaves_oversight(existing, candidate, engine):
        result.problems.append(
            RowProblem(
                line,
                "category",
                _("Leaving oversight needs a reason; change it on its page or in the API."),
            )
        )
        return None
    if not may:
        result.problems.append(
            RowProblem(line, "owner", _("You may not add or change systems of this organization."))
        )
        return None
    try:
        candidate.full_clean()
        check_builder(candidate, engine)
    except ValidationError as exc:
        _add_problems(result, line, exc)
    if len(result.problems) > problems_before:
        return None
    if existing is None:
        result.created += 1
    else:
        result.updated += 1
    return existing, code, values, line


def _parse_row(line: int, row: dict, result: ImportResult) -> dict:
    """The row's cells as values (an empty defaulted cell is left out); a cell that does not
    parse, or a required one left empty, is a problem."""
    values = {}
    for column in COLUMNS:
        if column not in row or row[column] is None:
            continue
        if column in DEFAULTED and not row[column].strip():
            continue
        try:
            values[column] = _parse_value(column, row[column])
        except ValueError as exc:
            result.problems.append(RowProblem(line, column, str(exc)))
    for column in REQUIRED:
        if column in row and not (row[column] or "").strip():
            result.problems.append(RowProblem(line, column, _("This column is required.")))
    return values


def _resolve_organizations(line: int, values: dict, organizations: dict, result) -> bool:
    """Owner and builder codes become organisations; ``False`` when one is unknown."""
    for column in ("owner", "builder"):
        if values.get(column):
            organization = organizations.get(values[column])
            if organization is None:
                result.problems.append(
                    RowProblem(line, column, _("No organization has this code."))
                )
                return False
            values[column] = organization
    return True


def _new_candidate(code: str, values: dict, actor: User | None, engine):
    """A system the row adds (not saved), with the builder the model names when left empty,
    and whether ``actor`` may add it."""
    values = {k: v for k, v in values.items() if v is not None}
    if values.get("builder") is None and values.get("owner") and values.get("category"):
        values["builder"] = default_builder(
            category=values["category"], owner=values["owner"], engine=engine
        )
    candidate = InformationSystem(code=code, **{k: v for k, v in values.items() if k != "related"})
    may = may_edit_system(actor, owner=values.get("owner"), builder=values.get("builder"))
    return values, candidate, may


def _changed_candidate(existing: InformationSystem, values: dict, actor: User | None):
    """The system as the row would change it (not saved), and whether ``actor`` may change it
    both as it is and as it would be."""
    values = {k: v for k, v in values.items() if v is not None or k not in {"owner", "builder"}}
    candidate = InformationSystem.objects.get(pk=existing.pk)
    for name, value in values.items():
        if name != "related":
            setattr(candidate, name, value)
    may = may_change_system(actor, existing) and may_change_system(actor, candidate)
    return values, candidate, may


def _leaves_oversight(existing: InformationSystem, candidate: InformationSystem, engine) -> bool:
    if candidate.category == existing.category:
        return False
    overseen = overseen_categories(engine)
    return existing.category in overseen and candidate.category not in overseen


def _add_problems(result: ImportResult, line: int, exc: ValidationError) -> None:
    for column, messages in getattr(exc, "message_dict", {None: exc.messages}).items():
        for message in messages:
            result.problems.append(
                RowProblem(line, None if column == "__all__" else column, message)
            )


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def json_chunks(rows: Iterable[dict]) -> Iterator[str]:
    """A JSON array of ``rows``, one row per chunk (dates and the like as text)."""
    yield "["
    for index, row in enumerate(rows):
        yield ("," if index else "") + json.dumps(row, ensure_ascii=False, default=str)
    yield "]"


def export_csv(
    systems,
    *,
    user: User | None = None,
    bom: bool = False,
    rows_done: Callable[[int], None] | None = None,
) -> Iterator[str]:
    """CSV lines (with header) of ``systems``; the same columns import back (with or without
    the BOM for Excel). ``rows_done`` hears how many rows are written, every 500 rows."""
    rows = (row_of(system, user) for system in _counted(_each(systems), rows_done))
    return csv_chunks(COLUMNS, ([_text(row[c]) for c in COLUMNS] for row in rows), bom=bom)


def export_json(systems, *, user: User | None = None) -> Iterator[str]:
    """A JSON array of ``systems``, streamed."""
    return json_chunks(
        {c: (_text(v) if isinstance(v, dt.date) else v) for c, v in row_of(system, user).items()}
        for system in _each(systems)
    )


def _each(systems) -> Iterator[InformationSystem]:
    return systems.prefetch_related("related_systems").iterator(chunk_size=2000)


def _counted(
    systems: Iterator[InformationSystem], rows_done: Callable[[int], None] | None
) -> Iterator[InformationSystem]:
    done = 0
    for done, system in enumerate(systems, start=1):
        yield system
        if rows_done is not None and done % 500 == 0:
            rows_done(done)
    if rows_done is not None:
        rows_done(done)


MIGRATION_COLUMNS = [
    "code",
    "name",
    "name_en",
    "owner",
    "owner_name",
    "prefecture",
    "standard_business",
    "migration_status",
    "migration_target",
    "special_support_deadline",
    "behind_target",
]


def export_migration_csv(rows: Iterable[dict], *, bom: bool = False) -> Iterator[str]:
    """CSV of ``selectors.migration_list`` rows: the migration fields and nothing else."""
    return csv_chunks(
        MIGRATION_COLUMNS,
        (
            [
                row["code"],
                row["name"],
                row["name_en"],
                row["owner__code"],
                row["owner__name"],
                row["owner__parent__code"] or "",
                row["standard_business"],
                row["migration_status"],
                _text(row["migration_target"]),
                _text(row["special_support_deadline"]),
                _text(bool(row["behind_target"])),
            ]
            for row in rows
        ),
        bom=bom,
    )
