"""Control results from a file: a spreadsheet (CSV or XLSX) or an OSCAL assessment-results
document. The importers only read the file into entries, each naming where in the file it
came from; ``services.results_record`` then checks permissions and values and writes all or
nothing with one audit-trail event, so every channel keeps the same rules.

A blank cell (or an absent OSCAL value) leaves the result's value as it is.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from shireito.audits import selectors, services
from shireito.audits.choices import ResultStatus
from shireito.audits.models import Audit
from shireito.audits.permissions import acts_for_a_party
from shireito.core.parsing import json_problem
from shireito.core.problems import ProblemsError
from shireito.standards.importers import (
    CatalogImportError,
    Problem,
    load_json,
    read_upload,
    refuse_oversized,
)
from shireito.standards.spreadsheet import read_sheet, sheet_place

if TYPE_CHECKING:
    from shireito.accounts.models import User

FORMATS = ("csv", "xlsx", "oscal")
SHEET_COLUMNS = ("system", "control", "status", "note", "claimed", "claim_note")
VALUE_COLUMNS = ("status", "note", "claimed", "claim_note")
TEXT_COLUMNS = ("note", "claim_note")
MAX_ROWS = 20_000
# The title of the results sheet in our workbook (``audits.spreadsheets``), which the import
# looks for among a workbook's sheets.
RESULTS_SHEET = pgettext_lazy("workbook sheet", "Results")


def results_sheet_titles() -> list[str]:
    """The titles under which the import finds a workbook's results sheet: the title our
    workbook gives it in every language, and the column keys' own word."""
    titles = ["results"]
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            titles.append(str(RESULTS_SHEET))
    return list(dict.fromkeys(titles))


def read_results_upload(upload) -> bytes:
    """An uploaded file's bytes, refused by size before it is read into memory."""
    try:
        return read_upload(upload)
    except CatalogImportError as exc:
        raise ProblemsError(exc.problems, location="file") from exc


def results_import(*, actor: User | None, audit: Audit, raw: bytes, fmt: str) -> int:
    """Record the results a file holds; returns how many results changed. Problems are named
    by row and column (``row 4.status``) or JSON path, and nothing is written when there is
    one. Only the audit's parties who record results get as far as reading the file."""
    if not acts_for_a_party(actor, audit):
        raise PermissionDenied(_("Only the audit's parties record results."))
    if audit.is_closed:
        raise ValidationError(_("This audit is closed."))
    if fmt not in FORMATS:
        raise ProblemsError(
            [Problem("$", _("Unknown format %s; use csv, xlsx or oscal.") % fmt)], location="file"
        )
    try:
        refuse_oversized(len(raw))
        if fmt == "oscal":
            entries, fields = _oscal_entries(audit, _load_json(raw))
        else:
            entries, fields = _sheet_entries(audit, raw, fmt), {}
    except CatalogImportError as exc:
        raise ProblemsError(exc.problems, location="file") from exc
    try:
        return services.results_record(actor=actor, audit=audit, entries=entries, location="file")
    except ProblemsError as exc:
        if not fields:
            raise
        # The service names an entry's fields by our names; point at the file's own keys.
        raise ProblemsError(
            [_in_file(problem, fields) for problem in exc.problems], location="file"
        ) from exc


def _load_json(raw: bytes) -> object:
    try:
        return load_json(raw)
    except RecursionError as exc:
        raise ProblemsError(
            [Problem("$", _("The document is nested too deeply."))], location="file"
        ) from exc
    except CatalogImportError:
        raise
    except ValueError as exc:  # e.g. a number with more digits than Python reads
        raise ProblemsError([Problem("$", json_problem(exc))], location="file") from exc


def _scope_codes(audit: Audit) -> list[str]:
    return list(audit.scope_items.order_by("system__code").values_list("system__code", flat=True))


# --- spreadsheets --------------------------------------------------------------------------


def _sheet_entries(audit: Audit, raw: bytes, fmt: str) -> list[dict]:
    """A sheet's rows as entries. In a workbook of several sheets the results sheet is found
    by its title and every place is named with it (``評価結果!row 4.status``); columns other
    than ``SHEET_COLUMNS`` (our export's read-only ones) are ignored."""
    problems: list[Problem] = []

    def problem(path, message):
        problems.append(Problem(path, message))

    read = read_sheet(
        raw,
        fmt,
        problem,
        required=("control",),
        max_rows=MAX_ROWS,
        titles=results_sheet_titles() if fmt == "xlsx" else (),
    )
    if read is None:
        raise ProblemsError(problems, location="file")
    sheet, rows = read
    codes = _scope_codes(audit)
    only = codes[0] if len(codes) == 1 else ""
    entries = []
    for number, row in enumerate(rows, start=2):
        if not any(row.get(column) for column in SHEET_COLUMNS):
            continue
        where = sheet_place(sheet, f"row {number}")
        system = row.get("system", "") or only
        if not system:
            problem(
                f"{where}.system",
                _("Name the system: this audit covers %s.") % ", ".join(codes),
            )
            continue
        if not row.get("control"):
            problem(f"{where}.control", _("Name the control."))
            continue
        entry = {"_where": where, "system": system, "control": row["control"]}
        entry |= {name: row[name] for name in VALUE_COLUMNS if row.get(name)}
        entries.append(entry)
    if problems:
        raise ProblemsError(problems, location="file")
    if not entries:
        raise ProblemsError([Problem("$", _("The file has no rows."))], location="file")
    _drop_unchanged_texts(audit, entries)
    return entries


def _drop_unchanged_texts(audit: Audit, entries: list[dict]) -> None:
    """A note the sheet holds as exported is no change: a sheet trims its cells and an XLSX
    cell holds line ends as LF, so a stored note with surrounding spaces or CRLF comes back
    different in form only, and re-importing an untouched export must change nothing."""
    stored = selectors.result_texts(audit)
    for entry in entries:
        texts = stored.get((entry["system"], entry["control"]))
        if texts is None:
            continue  # the service names the row that matches no result
        for name in TEXT_COLUMNS:
            if name in entry and _plain(entry[name]) == _plain(texts[name]):
                del entry[name]


def _plain(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


# --- OSCAL assessment results --------------------------------------------------------------

ROOT = "$.assessment-results"
_OSCAL_STATE = {"satisfied": ResultStatus.SATISFIED, "not-satisfied": ResultStatus.NOT_SATISFIED}
# Where each entry field sits in an OSCAL finding, for problems the service reports.
_FINDING_KEYS = {
    "system": "props",
    "control": "target.target-id",
    "status": "target.status",
    "note": "description",
}


class _Wrong:
    """A value of the wrong JSON type (already reported as a problem)."""

    def __bool__(self) -> bool:
        return False


WRONG = _Wrong()


class _Reader:
    """Reads values out of the parsed document, each checked for its JSON type: a value of
    the wrong type is a problem at its JSON path and then counts as absent (``null`` counts as
    absent too). Problems are kept once each, in the order found."""

    def __init__(self):
        self._problems: dict[tuple[str, str], Problem] = {}

    @property
    def problems(self) -> list[Problem]:
        return list(self._problems.values())

    def problem(self, path: str, message: str) -> None:
        self._problems.setdefault((path, message), Problem(path, message))

    def text(self, element: dict, key: str, path: str):
        """A string, None when absent, or WRONG."""
        value = element.get(key)
        if value is None or isinstance(value, str):
            return value
        self.problem(f"{path}.{key}", _("Expected a string."))
        return WRONG

    def object(self, element: dict, key: str, path: str):
        """An object, None when absent, or WRONG."""
        value = element.get(key)
        if value is None or isinstance(value, dict):
            return value
        self.problem(f"{path}.{key}", _("Expected an object."))
        return WRONG

    def objects(self, element: dict, key: str, path: str) -> list[tuple[str, dict]]:
        """The objects of a list, each with its path; a list that is not one, or an item that
        is not an object, is a problem."""
        value = element.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(f"{path}.{key}", _("Expected a list."))
            return []
        found = []
        for index, item in enumerate(value):
            where = f"{path}.{key}[{index}]"
            if isinstance(item, dict):
                found.append((where, item))
            else:
                self.problem(where, _("Expected an object."))
        return found

    def props(self, element: dict, path: str) -> list[tuple[str, str]]:
        """An element's properties as (name, value) pairs, both stripped."""
        pairs = []
        for where, prop in self.objects(element, "props", path):
            name, value = self.text(prop, "name", where), self.text(prop, "value", where)
            if isinstance(name, str) and isinstance(value, str):
                pairs.append((name.strip(), value.strip()))
        return pairs


def _prop_values(props: list[tuple[str, str]], *names: str) -> list[str]:
    return [value for name, value in props if name in names and value]


def _precise_status(*props: list[tuple[str, str]]) -> str:
    """Our five-valued result where the document carries it: a property named ``result``
    (our exporter's), ``shireito-status`` or any name ending in ``status``, whose value is
    one of ours."""
    for pairs in props:
        for name, value in pairs:
            if (name == "result" or name.endswith("status")) and value in ResultStatus.values:
                return value
    return ""


def _status_from_oscal(state: str, implementation) -> str:
    """OSCAL's two-valued objective state, refined by the implementation status where it says
    more (partial, not applicable)."""
    if state == "satisfied" and implementation == "not-applicable":
        return ResultStatus.NOT_APPLICABLE
    if state == "not-satisfied" and implementation == "partial":
        return ResultStatus.PARTIALLY
    return _OSCAL_STATE[state]


def _status_labels() -> set[str]:
    """Our exporter describes a result with no note by its status in English."""
    with translation.override("en"):
        return {str(label) for label in ResultStatus.labels}


def _component_systems(read: _Reader, element: dict, path: str, codes: set[str]) -> dict:
    """Component UUID → system id, from the components' ``system-id`` (or ``system``)
    property, or a title that is a system id in scope."""
    found: dict = {}
    definitions = read.object(element, "local-definitions", path)
    if not definitions:
        return found
    for where, component in read.objects(definitions, "components", f"{path}.local-definitions"):
        uuid = read.text(component, "uuid", where)
        values = _prop_values(read.props(component, where), "system-id", "system")
        title = read.text(component, "title", where)
        if not uuid:
            continue
        if values:
            found[uuid] = values[0]
        elif isinstance(title, str) and title.strip() in codes:
            found[uuid] = title.strip()
    return found


def _observation_subjects(read: _Reader, result: dict, path: str) -> dict[str, list[str]]:
    """Observation UUID → the UUIDs of its subjects."""
    found: dict[str, list[str]] = {}
    for where, observation in read.objects(result, "observations", path):
        uuid = read.text(observation, "uuid", where)
        subjects = [
            read.text(subject, "subject-uuid", at)
            for at, subject in read.objects(observation, "subjects", where)
        ]
        if uuid:
            found[uuid] = [s for s in subjects if isinstance(s, str) and s]
    return found


def _oscal_entries(audit: Audit, data: object) -> tuple[list[dict], dict[str, str]]:
    if not isinstance(data, dict) or not isinstance(data.get("assessment-results"), dict):
        raise ProblemsError(
            [
                Problem(
                    "$",
                    _(
                        "An OSCAL assessment-results document has a top-level "
                        "'assessment-results' object."
                    ),
                )
            ],
            location="file",
        )
    document = data["assessment-results"]
    results = document.get("results")
    if not isinstance(results, list) or not results:
        raise ProblemsError(
            [Problem(f"{ROOT}.results", _("Required: a list of results."))], location="file"
        )
    read = _Reader()
    codes = _scope_codes(audit)
    only = codes[0] if len(codes) == 1 else ""
    labels = _status_labels()
    shared_systems = _component_systems(read, document, ROOT, set(codes))
    entries = []
    for r_index, result in enumerate(results):
        r_path = f"{ROOT}.results[{r_index}]"
        if not isinstance(result, dict):
            read.problem(r_path, _("Expected an object."))
            continue
        findings = result.get("findings", [])
        if not isinstance(findings, list):
            read.problem(f"{r_path}.findings", _("Expected a list."))
            continue
        systems_of = shared_systems | _component_systems(read, result, r_path, set(codes))
        subjects_of = _observation_subjects(read, result, r_path)
        for f_index, finding in enumerate(findings):
            where = f"{r_path}.findings[{f_index}]"
            if not isinstance(finding, dict):
                read.problem(where, _("Expected an object."))
                continue
            entry = _finding_entry(read, finding, where, systems_of, subjects_of, only, labels)
            if entry is not None:
                entries.append(entry)
    if read.problems:
        raise ProblemsError(read.problems, location="file")
    if not entries:
        raise ProblemsError(
            [Problem(f"{ROOT}.results", _("No findings about controls to import."))],
            location="file",
        )
    return entries, _FINDING_KEYS


def _finding_entry(
    read: _Reader,
    finding: dict,
    where: str,
    systems_of: dict[str, str],
    subjects_of: dict[str, list[str]],
    only: str,
    labels: set[str],
) -> dict | None:
    """One OSCAL finding as a service entry, or None (a problem is reported, or the finding
    is one of the audit's own findings rather than a control result)."""
    props = read.props(finding, where)
    if _prop_values(props, "finding-number"):
        return None  # one of the audit's own findings, not a control result
    target = read.object(finding, "target", where)
    if target is WRONG:
        return None
    t_path = f"{where}.target"
    target_id = read.text(target, "target-id", t_path) if target else None
    if target_id is WRONG:
        return None
    if not target_id or not target_id.strip():
        read.problem(f"{t_path}.target-id", _("Required."))
        return None
    status_element = read.object(target, "status", t_path)
    state = read.text(status_element, "state", f"{t_path}.status") if status_element else None
    implementation_element = read.object(target, "implementation-status", t_path)
    implementation = (
        read.text(implementation_element, "state", f"{t_path}.implementation-status")
        if implementation_element
        else None
    )
    status = _precise_status(read.props(target, t_path), props)
    if not status and isinstance(state, str) and state in _OSCAL_STATE:
        status = _status_from_oscal(state, implementation)
    if status_element is WRONG or state is WRONG or implementation is WRONG:
        return None
    if not status:
        read.problem(f"{t_path}.status.state", _("Required: satisfied or not-satisfied."))
        return None
    system = _finding_system(read, finding, where, props, systems_of, subjects_of) or only
    if not system:
        read.problem(
            f"{where}.props",
            _("Name the system (a system-id property or an observation's subject)."),
        )
        return None
    entry = {"_where": where, "system": system, "control": target_id.strip(), "status": status}
    for key in ("description", "remarks"):
        note = read.text(finding, key, where)
        if isinstance(note, str) and note.strip() and note.strip() not in labels:
            entry["note"] = note
            break
    return entry


def _finding_system(
    read: _Reader,
    finding: dict,
    where: str,
    props: list[tuple[str, str]],
    systems_of: dict[str, str],
    subjects_of: dict[str, list[str]],
) -> str:
    values = _prop_values(props, "system-id", "system")
    found = values[0] if values else ""
    for at, related in read.objects(finding, "related-observations", where):
        uuid = read.text(related, "observation-uuid", at)
        if found or not isinstance(uuid, str):
            continue  # every value is still checked, though the first system found counts
        for subject in subjects_of.get(uuid, []):
            if systems_of.get(subject):
                found = systems_of[subject]
                break
    return found


_FIELD_AT_END = re.compile(r"\.(system|control|status|note|claimed|claim_note)$")


def _in_file(problem: Problem, fields: dict[str, str]) -> Problem:
    match = _FIELD_AT_END.search(problem.path)
    if match is None or match.group(1) not in fields:
        return problem
    return Problem(problem.path[: match.start()] + "." + fields[match.group(1)], problem.message)
