"""The control results of an audit: the bulk sheet (the auditee's claim and the auditors'
result side by side, each side editable only by its party) and its import from a file."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from shireito.audits import importers, permissions, selectors, services
from shireito.audits.choices import ResultStatus
from shireito.audits.forms import ResultsFilter
from shireito.audits.forms_work import ResultsImportForm
from shireito.audits.models import ControlResult
from shireito.audits.views.common import audit_or_404
from shireito.core.forms import add_service_errors
from shireito.core.htmx import paginate
from shireito.core.pagination import parse_id
from shireito.core.parsing import load_json
from shireito.core.problems import Problem
from shireito.core.services import rehearse
from shireito.core.textfiles import encoding_notice
from shireito.standards.importers import CatalogImportError, read_upload

RESULTS_PER_PAGE = 200
ROW_FIELD = re.compile(r"^r-([0-9]+)-(claimed|claim_note|status|note)$")
WAS = "-was"
PROBLEM_PATH = re.compile(r"^\$\[(\d+)\]\.(\w+)$")
IMPORT_COLUMNS = ("system", "control", "status", "note", "claimed", "claim_note")
RESULT_FIELDS = ("claimed", "claim_note", "status", "note")

logger = logging.getLogger(__name__)


@dataclass
class ResultRow:
    result: ControlResult
    claimed: str
    claim_note: str
    status: str
    note: str
    evidence: int = 0
    errors: dict[str, list[str]] = field(default_factory=dict)
    # Each field's value as the page was loaded (for its hidden ``-was`` input), JSON-encoded.
    was: dict[str, str] = field(default_factory=dict)


@dataclass
class Refusal:
    """A refused save: what was posted (kept on the page), errors by row, and the summary."""

    posted: dict[int, dict] = field(default_factory=dict)
    row_errors: dict[int, dict[str, list[str]]] = field(default_factory=dict)
    summary: list[dict] = field(default_factory=list)


def _lines(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n")


def _as_loaded(value: str) -> str:
    """A value for a hidden ``-was`` input: JSON, so it comes back exactly as stored (a form
    submission would turn its line breaks into CRLF)."""
    return json.dumps(value, ensure_ascii=False)


def _loaded(raw: str | None) -> str | None:
    if raw is None:
        return None
    try:
        value = load_json(raw)
    except ValueError:
        return None
    return value if isinstance(value, str) else None


def _entries_from_post(post) -> list[dict]:
    """The rows of the sheet as service entries. Only what the user changed is sent: a field
    whose posted value is the one it was loaded with (its hidden ``-was`` twin) is left out,
    and a changed one carries that value in ``expected``, so that saving an old copy of the
    page never overwrites what someone else saved meanwhile (the service refuses the field).
    A field posted without its twin is passed on as it is. Every changed field is passed on,
    so one the user may not change is refused by the service, not silently dropped."""
    rows: dict[int, dict] = {}
    expected: dict[int, dict] = {}
    for key in post:
        match = ROW_FIELD.match(key)
        if not match:
            continue
        # A row id that cannot be one goes on as 0, which the service names as no such result.
        pk, name = parse_id(match[1]) or 0, match[2]
        value = _lines(post.get(key, ""))
        was = _loaded(post.get(key + WAS))
        if was is not None:
            if _lines(was) == value:
                continue
            expected.setdefault(pk, {})[name] = was
        rows.setdefault(pk, {})[name] = value
    entries = []
    for pk, values in sorted(rows.items()):
        entry = {"id": pk, **values}
        if pk in expected:
            entry["expected"] = expected[pk]
        entries.append(entry)
    return entries


def _save(request, audit) -> tuple[int | None, Refusal]:
    """Record the posted sheet: how many results changed, or None and why not."""
    entries = _entries_from_post(request.POST)
    refusal = Refusal()
    try:
        count = services.results_record(actor=request.user, audit=audit, entries=entries)
    except services.ProblemsError as exc:
        refusal.posted = {entry["id"]: entry for entry in entries}
        for problem in exc.problems:
            match = PROBLEM_PATH.match(problem.path)
            if match and int(match[1]) < len(entries):
                pk, name = entries[int(match[1])]["id"], match[2]
                refusal.row_errors.setdefault(pk, {}).setdefault(name, []).append(problem.message)
                refusal.summary.append({"pk": pk, "field": name, "message": problem.message})
            else:
                refusal.summary.append({"pk": None, "field": "", "message": str(problem)})
        return None, refusal
    except ValidationError as exc:
        refusal.posted = {entry["id"]: entry for entry in entries}
        refusal.summary = [{"pk": None, "field": "", "message": m} for m in exc.messages]
        return None, refusal
    return count, refusal


def _row(result: ControlResult, values: dict, errors: dict, evidence: int) -> ResultRow:
    # A refused save keeps what the user changed, against the value it was changed from;
    # where the field has an error (someone else saved it meanwhile) against the value it
    # holds now, which the error names: saving again then overwrites it on purpose.
    was = {}
    for name in RESULT_FIELDS:
        loaded = values.get("expected", {}).get(name)
        if name in errors or name not in values or not isinstance(loaded, str):
            loaded = getattr(result, name)
        was[name] = _as_loaded(loaded)
    return ResultRow(
        result=result,
        claimed=values.get("claimed", result.claimed),
        claim_note=values.get("claim_note", result.claim_note),
        status=values.get("status", result.status),
        note=values.get("note", result.note),
        evidence=evidence,
        errors=errors,
        was=was,
    )


def _label_summary(summary: list[dict], labels: dict[int, str], editable: set[str]) -> None:
    """Name each problem's control and field, and where on the page to jump to."""
    names = {
        "claimed": _("Self-assessment"),
        "claim_note": _("Self-assessment note"),
        "status": _("Result"),
        "note": _("Note"),
    }
    for item in summary:
        item["label"] = labels.get(item["pk"], "")
        item["field_label"] = names.get(item["field"], item["field"])
        item["anchor"] = (
            f"r-{item['pk']}-{item['field']}"
            if item["pk"] in labels and item["field"] in editable
            else (f"row-{item['pk']}" if item["pk"] in labels else "")
        )


@login_required
def results_entry(request, number: str):
    """The bulk sheet: 200 controls a page, the auditee's claim and the auditor's result side by
    side, each side editable only by its party."""
    user = request.user
    audit = audit_or_404(user, number)
    scope = selectors.scope_of(audit)
    filters = ResultsFilter(
        request.GET,
        systems=[(item.system.code, f"{item.system.code} {item.system.name}") for item in scope],
    )
    values = filters.values()
    auditor_side = permissions.may_assess(user, audit)
    auditee_side = permissions.may_claim(user, audit)
    refusal = Refusal()
    if request.method == "POST":
        if not permissions.acts_for_a_party(user, audit):
            raise PermissionDenied
        count, refusal = _save(request, audit)
        if count is not None:
            messages.success(
                request,
                ngettext("%(count)d result saved", "%(count)d results saved", count)
                % {"count": count},
            )
            return redirect(request.get_full_path())
    results = selectors.results_of(user=user, audit=audit, **values)
    page = paginate(request, results, per_page=RESULTS_PER_PAGE)
    evidence = selectors.evidence_counts(
        user=user, audit=audit, result_ids=(r.pk for r in page.object_list)
    )
    rows = [
        _row(
            result,
            refusal.posted.get(result.pk, {}),
            refusal.row_errors.get(result.pk, {}),
            evidence.get(result.pk, 0),
        )
        for result in page.object_list
    ]
    editable = set()
    if auditee_side:
        editable |= {"claimed", "claim_note"}
    if auditor_side:
        editable |= {"status", "note"}
    _label_summary(refusal.summary, {r.result.pk: r.result.control.label for r in rows}, editable)
    return render(
        request,
        "audits/results_entry.html",
        {
            "audit": audit,
            "filter_form": filters,
            "current": next((i for i in scope if i.system.code == values["system"]), None),
            "filtering": bool(values["status"] or values["claimed"] or values["search"]),
            "page": page,
            "rows": rows,
            "auditor_side": auditor_side,
            "auditee_side": auditee_side,
            "editable": bool(editable),
            "summary": refusal.summary,
            "may_import": bool(editable),
            "statuses": [(value, str(label)) for value, label in ResultStatus.choices],
        },
    )


@login_required
def results_import(request, number: str):
    """Results from a sheet or an OSCAL file, all or nothing, problems named by row or path.
    "Check the file" runs the import and rolls it back; "Import" writes."""
    audit = audit_or_404(request.user, number)
    if not permissions.acts_for_a_party(request.user, audit):
        raise PermissionDenied
    form = ResultsImportForm(request.POST or None, request.FILES or None)
    problems: list[Problem] = []
    read_as: list[str] = []
    checking = request.POST.get("action") == "check"
    checked = ""
    if request.method == "POST" and form.is_valid():
        count = _import(request, audit, form, problems, read_as, checking=checking)
        if count is not None and checking:
            checked = ngettext(
                "Importing it changes %(count)d result.",
                "Importing it changes %(count)d results.",
                count,
            ) % {"count": count}
        elif count is not None:
            imported = ngettext(
                "The file is imported: %(count)d result changed.",
                "The file is imported: %(count)d results changed.",
                count,
            ) % {"count": count}
            messages.success(request, " ".join([imported, *read_as]))
            return redirect("audits:results", number=audit.number)
    return render(
        request,
        "audits/results_import.html",
        {
            "audit": audit,
            "form": form,
            "problems": problems[:500],
            "columns": IMPORT_COLUMNS,
            "results_sheet": importers.RESULTS_SHEET,
            "may_import": True,
            "checked": checked,
            "read_as": " ".join(read_as),
        },
    )


def _import(
    request,
    audit,
    form: ResultsImportForm,
    problems: list[Problem],
    read_as: list[str],
    *,
    checking: bool,
) -> int | None:
    """Import the uploaded file (or, ``checking``, import it and roll back): how many results
    change, or None with the reasons on the form (or in ``problems``, by row or path). A CSV
    file says in ``read_as`` how it was read."""
    try:
        raw = read_upload(form.cleaned_data["file"])
    except CatalogImportError as exc:
        form.add_error("file", "; ".join(problem.message for problem in exc.problems))
        return None
    fmt = form.cleaned_data["format"]
    if fmt == "csv":
        read_as[:] = [encoding_notice(raw)]

    def run() -> int:
        return importers.results_import(actor=request.user, audit=audit, raw=raw, fmt=fmt)

    try:
        return rehearse(run) if checking else run()
    except (services.ProblemsError, CatalogImportError) as exc:
        for problem in exc.problems:
            if problem.path in form.fields:
                form.add_error(problem.path, problem.message)
            else:
                problems.append(problem)
    except ValidationError as exc:
        add_service_errors(form, exc)
    except PermissionDenied as exc:
        form.add_error(None, str(exc) or _("You may not record results in this audit."))
    except Exception:
        # A file the importers did not foresee is the user's problem to see, not a 500.
        logger.exception("Results import of %s failed", audit.number)
        form.add_error("file", _("The file could not be read; nothing was written."))
    return None
