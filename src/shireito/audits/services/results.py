"""Control results, recorded in bulk by both sides of an audit.

Bulk result writes record one audit-trail event per save on the audit, listing every control
changed with its old and new value: a save of a thousand results stays one chained write.
"""

from __future__ import annotations

from collections.abc import Sequence

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
from shireito.core.choices import AuditAction
from shireito.core.problems import Problem, ProblemsError
from shireito.core.services import (
    is_unstorable,
    record_audit_event,
)

# --- control results -------------------------------------------------------------------

RESULT_FIELDS = {"status", "note", "claimed", "claim_note"}
CLAIM_FIELDS = {"claimed", "claim_note"}
NOTE_LIMIT = 10_000


def results_record(*, actor, audit: Audit, entries: Sequence[dict], location: str = "body"):
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


def _record_results(actor, audit: Audit, entries: Sequence[dict], location: str) -> int:
    require_open(audit)
    problems: list[Problem] = []
    results = {
        r.pk: r
        for r in ControlResult.objects.filter(audit=audit).select_related("system", "control")
    }
    first_seen: dict[int, str] = {}
    by_name = {}
    for r in results.values():
        by_name[(r.system.code, r.control.label)] = r
        by_name.setdefault((r.system.code, r.control.oscal_id), r)
    auditor_side = acts_as_auditor(actor, audit)
    auditee_side = acts_as_auditee(actor, audit)
    changed: dict[int, dict] = {}
    for index, entry in enumerate(entries):
        path = f"$[{index}]"
        if isinstance(entry, dict) and entry.get("_where"):
            # An importer names where in its file the entry came from (a row, a JSON path).
            path = str(entry["_where"])

        def problem(name, message, path=path):
            problems.append(Problem(f"{path}.{name}", message))

        if not isinstance(entry, dict):
            problems.append(Problem(path, _("Expected an object.")))
            continue
        result = None
        if entry.get("id") not in (None, ""):
            try:
                result = results.get(int(entry["id"]))
            except (TypeError, ValueError):
                result = None
            if result is None:
                problem("id", _("No such result in this audit."))
                continue
        else:
            key = (str(entry.get("system", "")).strip(), str(entry.get("control", "")).strip())
            result = by_name.get(key)
            if result is None:
                problem(
                    "control",
                    _("No result for system %(system)s and control %(control)s in this audit.")
                    % {"system": key[0] or "—", "control": key[1] or "—"},
                )
                continue
        if result.pk in first_seen:
            problems.append(
                Problem(path, _("The same result as %(first)s.") % {"first": first_seen[result.pk]})
            )
            continue
        first_seen[result.pk] = path
        values = {}
        for name in RESULT_FIELDS & set(entry):
            value = entry[name]
            value = "" if value is None else str(value)
            if name in ("status", "claimed"):
                value = value.strip()
                if value == "":
                    continue
                if value not in ResultStatus.values:
                    problem(
                        name,
                        _("Unknown status %(value)r; use one of %(choices)s.")
                        % {"value": value[:40], "choices": ", ".join(ResultStatus.values)},
                    )
                    continue
            elif len(value) > NOTE_LIMIT:
                problem(name, _("At most %d characters.") % NOTE_LIMIT)
                continue
            elif is_unstorable(value):
                problem(name, _("Null characters and unpaired surrogates are not allowed."))
                continue
            expected = entry.get("expected")
            if isinstance(expected, dict) and name in expected:
                was = "" if expected[name] is None else str(expected[name])
                if getattr(result, name) != was:
                    problem(
                        name,
                        _("Changed by someone else since you loaded it (now %(value)s).")
                        % {"value": getattr(result, name)[:80] or "—"},
                    )
                    continue
            if getattr(result, name) == value:
                # Unchanged values are fine from anyone: a whole sheet can be sent back.
                continue
            if name in CLAIM_FIELDS and not auditee_side:
                problem(name, _("Only the audited organization records its self-assessment."))
                continue
            if name not in CLAIM_FIELDS and not auditor_side:
                problem(name, _("Only the auditors record results."))
                continue
            if name in CLAIM_FIELDS and audit.status == AuditStatus.REPORTING:
                problem(name, _("The self-assessment is closed once reporting has begun."))
                continue
            values[name] = value
        if values:
            changed.setdefault(result.pk, {}).update(values)
    if problems:
        raise ProblemsError(problems, location=location)
    if not changed:
        return 0
    now = timezone.now()
    trail = {}
    by_fields: dict[tuple[str, ...], list[ControlResult]] = {}
    for pk, values in changed.items():
        result = results[pk]
        label = f"{result.system.code}/{result.control.label}"
        for name, value in values.items():
            trail[f"{label}.{name}"] = [getattr(result, name), value]
            setattr(result, name, value)
        result.updated_at = now
        by_fields.setdefault(tuple(sorted(values)), []).append(result)
    # Only the fields each entry changes: the other side's fields are never written back.
    for names, rows in by_fields.items():
        ControlResult.objects.bulk_update(rows, [*names, "updated_at"], batch_size=1000)
    record_audit_event(actor=actor, action=AuditAction.UPDATE, instance=audit, changes=trail)
    return len(changed)
