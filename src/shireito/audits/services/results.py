"""Control results, recorded by both sides of an audit: in bulk, or one at a time.

Result writes record one audit-trail event per save on the audit, listing every control
changed with its old and new value: a save of a thousand results stays one chained write.
One result (``result_record``) goes through the same checks as a bulk save of one entry,
but reads only that result and moves the tallies by the difference instead of recounting
the audit, so that an inline edit stays a few milliseconds on a whole catalog.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shireito.audits.choices import (
    AuditStatus,
    ResultStatus,
)
from shireito.audits.models import (
    Audit,
    ControlResult,
)
from shireito.audits.permissions import (
    acts_as_auditee,
    acts_as_auditor,
)
from shireito.audits.services.lifecycle import require_open
from shireito.audits.tallies import adjust_audit_tallies, refresh_audit_tallies
from shireito.core import concurrency
from shireito.core.choices import AuditAction
from shireito.core.problems import Problem, ProblemsError
from shireito.core.services import is_unstorable, record_audit_event

if TYPE_CHECKING:
    from shireito.accounts.models import User

# --- control results -------------------------------------------------------------------

RESULT_FIELDS = {"status", "note", "claimed", "claim_note"}
CLAIM_FIELDS = {"claimed", "claim_note"}
NOTE_LIMIT = 10_000
# Up to this many changed results move the tallies by the difference; more are recounted.
TALLY_DELTA_LIMIT = 20
# What a save may have changed on a result since its caller read it.
_MUTABLE = ("version", *sorted(RESULT_FIELDS), "updated_at")


def results_record(
    *, actor: User | None, audit: Audit, entries: Sequence[dict], location: str = "body"
):
    """Record many results at once: each entry names a result by ``id`` or by ``system`` code
    and ``control`` id, and sets any of status, note (the auditor's) and claimed, claim_note
    (the auditee's self-assessment). An entry may say what it expects each field to hold now
    (``expected``): a value changed meanwhile by someone else is a problem, not overwritten.
    All or nothing; returns how many results changed.
    Problems are named by JSON path (``$[3].status``), or by the ``_where`` an importer put
    in the entry (``row 4.status``)."""
    with transaction.atomic():
        # The audit's row lock serialises saves of one audit, so what is compared with
        # ``expected`` and recorded as "old" is what the write replaces.
        Audit.objects.select_for_update().filter(pk=audit.pk).first()
        audit.refresh_from_db(fields=["status"])
        return _record_results(actor, audit, entries, location)


def result_record(
    *, actor: User | None, audit: Audit, result: ControlResult, values: dict
) -> ControlResult:
    """Record one result: ``values`` sets any of status, note, claimed and claim_note, checked
    exactly as one entry of ``results_record`` (problems named ``$.status``…). ``result``
    may carry the version its editor read (``core.concurrency.expect_version``): a result
    saved since raises ``Conflict`` and nothing is written. Someone who acts for neither side
    of the audit is refused outright. Returns the result as stored now."""
    auditor_side, auditee_side = acts_as_auditor(actor, audit), acts_as_auditee(actor, audit)
    if not (auditor_side or auditee_side):
        raise PermissionDenied(_("You may not record results in this audit."))
    entry = {**{k: v for k, v in values.items() if k in RESULT_FIELDS}, "id": result.pk}
    entry["_where"] = "$"
    with transaction.atomic():
        # The same lock as a bulk save: the two never interleave on one audit.
        audit.status = (
            Audit.objects.select_for_update()
            .filter(pk=audit.pk)
            .values_list("status", flat=True)
            .get()
        )
        require_open(audit)
        # The result as stored now (under the lock), into the instance the caller read: its
        # control and system come with it, and its version expectation stays on it.
        rows = ControlResult.objects.filter(pk=result.pk, audit=audit).values(*_MUTABLE)
        stored = next(iter(rows[:1]), None)
        if stored is None:  # deleted since the caller read it
            raise ProblemsError([Problem("$", _("No such result in this audit."))])
        concurrency.check_expected(result, stored["version"])
        for name, value in stored.items():
            setattr(result, name, value)
        sheet = _Sheet(
            audit=audit,
            results={result.pk: result},
            by_name={},
            auditor_side=auditor_side,
            auditee_side=auditee_side,
        )
        _check_entries(sheet, [entry])
        if sheet.problems:
            raise ProblemsError(sheet.problems, location="body", status=422)
        if sheet.changed:
            _write_changes(actor, sheet)
        return result


@dataclass
class _Sheet:
    """One save's working state: the audit's results by id and by name, who is saving, and
    what has been found so far (problems, changes)."""

    audit: Audit
    results: dict[int, ControlResult]
    by_name: dict[tuple[str, str], ControlResult]
    auditor_side: bool
    auditee_side: bool
    problems: list[Problem] = field(default_factory=list)
    changed: dict[int, dict] = field(default_factory=dict)
    stale: int = 0
    first_seen: dict[int, str] = field(default_factory=dict)

    def problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))


def _record_results(
    actor: User | None, audit: Audit, entries: Sequence[dict], location: str
) -> int:
    require_open(audit)
    sheet = _load_sheet(actor, audit)
    _check_entries(sheet, entries)
    if sheet.problems:
        only_stale = sheet.stale == len(sheet.problems)
        raise ProblemsError(sheet.problems, location=location, status=409 if only_stale else 422)
    if not sheet.changed:
        return 0
    _write_changes(actor, sheet)
    return len(sheet.changed)


def _check_entries(sheet: _Sheet, entries: Sequence[dict]) -> None:
    """Check every entry against the sheet: problems and changes go into it."""
    for index, entry in enumerate(entries):
        path = f"$[{index}]"
        if isinstance(entry, dict) and entry.get("_where"):
            # An importer names where in its file the entry came from (a row, a JSON path).
            path = str(entry["_where"])
        if not isinstance(entry, dict):
            sheet.problem(path, _("Expected an object."))
            continue
        result = _entry_result(sheet, entry, path)
        if result is None:
            continue
        if _stale(sheet, entry, result, path):
            continue
        values = _entry_values(sheet, entry, result, path)
        if values:
            sheet.changed.setdefault(result.pk, {}).update(values)


def _load_sheet(actor: User | None, audit: Audit, only: int | None = None) -> _Sheet:
    """The audit's results (or ``only`` the one with that id), with the saver's sides."""
    rows = ControlResult.objects.filter(audit=audit).select_related("system", "control")
    if only is not None:
        rows = rows.filter(pk=only)
    results = {r.pk: r for r in rows}
    by_name: dict[tuple[str, str], ControlResult] = {}
    for r in results.values():
        by_name[(r.system.code, r.control.label)] = r
        by_name.setdefault((r.system.code, r.control.oscal_id), r)
    return _Sheet(
        audit=audit,
        results=results,
        by_name=by_name,
        auditor_side=acts_as_auditor(actor, audit),
        auditee_side=acts_as_auditee(actor, audit),
    )


def _entry_result(sheet: _Sheet, entry: dict, path: str) -> ControlResult | None:
    """The result an entry names (by id, or by system code and control id), once per save."""
    result = None
    if entry.get("id") not in (None, ""):
        try:
            result = sheet.results.get(int(entry["id"]))
        except (TypeError, ValueError):
            result = None
        if result is None:
            sheet.problem(f"{path}.id", _("No such result in this audit."))
            return None
    else:
        key = (str(entry.get("system", "")).strip(), str(entry.get("control", "")).strip())
        result = sheet.by_name.get(key)
        if result is None:
            sheet.problem(
                f"{path}.control",
                _("No result for system %(system)s and control %(control)s in this audit.")
                % {"system": key[0] or "—", "control": key[1] or "—"},
            )
            return None
    if result.pk in sheet.first_seen:
        sheet.problem(
            path, _("The same result as %(first)s.") % {"first": sheet.first_seen[result.pk]}
        )
        return None
    sheet.first_seen[result.pk] = path
    return result


def _stale(sheet: _Sheet, entry: dict, result: ControlResult, path: str) -> bool:
    """An entry that names the version it was made against refuses a result saved since
    (optimistic locking, as on every editable record); the audit's row lock makes the
    comparison and the write one step."""
    version = entry.get("version")
    if version in (None, ""):
        return False
    try:
        same = int(version) == result.version
    except (TypeError, ValueError):
        sheet.problem(f"{path}.version", _("A version is a whole number."))
        return True
    if not same:
        sheet.stale += 1
        sheet.problem(
            f"{path}.version",
            _("Changed by someone else since you read it (now version %(version)s).")
            % {"version": result.version},
        )
    return not same


def _entry_values(sheet: _Sheet, entry: dict, result: ControlResult, path: str) -> dict:
    """The fields an entry changes, each checked; a refused field is a problem."""
    values = {}
    for name in RESULT_FIELDS & set(entry):
        value = "" if entry[name] is None else str(entry[name])
        if name in ("status", "claimed"):
            value = value.strip()
            if value == "":
                continue
        refusal = _refusal(sheet, entry, result, name, value)
        if refusal:
            sheet.problem(f"{path}.{name}", refusal)
        elif getattr(result, name) != value:
            values[name] = value
    return values


def _refusal(
    sheet: _Sheet, entry: dict, result: ControlResult, name: str, value: str
) -> str | None:
    """Why one field's new value may not be recorded, or None."""
    if name in ("status", "claimed"):
        if value not in ResultStatus.values:
            return _("Unknown status %(value)r; use one of %(choices)s.") % {
                "value": value[:40],
                "choices": ", ".join(ResultStatus.values),
            }
    elif len(value) > NOTE_LIMIT:
        return _("At most %d characters.") % NOTE_LIMIT
    elif is_unstorable(value):
        return _("Null characters and unpaired surrogates are not allowed.")
    expected = entry.get("expected")
    if isinstance(expected, dict) and name in expected:
        was = "" if expected[name] is None else str(expected[name])
        if getattr(result, name) != was:
            return _("Changed by someone else since you loaded it (now %(value)s).") % {
                "value": getattr(result, name)[:80] or "—"
            }
    if getattr(result, name) == value:
        # Unchanged values are fine from anyone: a whole sheet can be sent back.
        return None
    if name in CLAIM_FIELDS and not sheet.auditee_side:
        return _("Only the audited organization records its self-assessment.")
    if name not in CLAIM_FIELDS and not sheet.auditor_side:
        return _("Only the auditors record results.")
    if name in CLAIM_FIELDS and sheet.audit.status == AuditStatus.REPORTING:
        return _("The self-assessment is closed once reporting has begun.")
    return None


def _write_changes(actor: User | None, sheet: _Sheet) -> None:
    now = timezone.now()
    trail = {}
    by_fields: dict[tuple[str, ...], list[ControlResult]] = {}
    before = []
    for pk, values in sheet.changed.items():
        result = sheet.results[pk]
        before.append((result, result.status, result.claimed))
        label = f"{result.system.code}/{result.control.label}"
        for name, value in values.items():
            trail[f"{label}.{name}"] = [getattr(result, name), value]
            setattr(result, name, value)
        result.updated_at = now
        result.version += 1
        by_fields.setdefault(tuple(sorted(values)), []).append(result)
    # Only the fields each entry changes: the other side's fields are never written back.
    for names, rows in by_fields.items():
        if len(rows) == 1:  # one row: a plain UPDATE, cheaper to build than bulk_update's CASE
            row = rows[0]
            changed = {name: getattr(row, name) for name in names}
            ControlResult.objects.filter(pk=row.pk).update(
                **changed, updated_at=now, version=row.version
            )
            continue
        ControlResult.objects.bulk_update(rows, [*names, "updated_at", "version"], batch_size=1000)
    # The tower's counts change with the results, in this same transaction: moved by the
    # difference for a few results, recounted for a sheet.
    if len(before) > TALLY_DELTA_LIMIT or not adjust_audit_tallies(sheet.audit, before, now):
        refresh_audit_tallies([sheet.audit.pk])
    record_audit_event(actor=actor, action=AuditAction.UPDATE, instance=sheet.audit, changes=trail)
