"""Writes to audits. Every channel (pages, API, command line, demo) goes through these, so the
mandate check, the stage rules and the audit trail hold everywhere.

Bulk result writes record one audit-trail event per save on the audit, listing every control
changed with its old and new value: a save of a thousand results stays one chained write.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shireito.audits.bulk import insert_results
from shireito.audits.choices import (
    STAGE_OWNED_BY_AUDITEE,
    STATUS_BACK,
    STATUS_NEXT,
    ActionStatus,
    AuditKind,
    AuditStatus,
    FindingStatus,
    NonconformityGrade,
    ResultStatus,
    Severity,
    StageKind,
)
from shireito.audits.models import (
    Audit,
    AuditCycleRule,
    AuditStage,
    ControlResult,
    CorrectiveAction,
    Finding,
    Milestone,
    ScopeItem,
)
from shireito.audits.selectors import (
    acts_as_auditee,
    acts_as_auditor,
    acts_for_a_party,
    may_start_audits,
    may_start_self_assessment,
)
from shireito.core.choices import AuditAction
from shireito.core.models import AuditChainHead
from shireito.core.problems import Problem, ProblemsError
from shireito.core.services import (
    audited_create,
    audited_delete,
    audited_update,
    is_unstorable,
    record_audit_event,
)
from shireito.organizations.mandates import MandateEngine, SystemRef, active_engine
from shireito.standards.models import Catalog, CatalogNode


@dataclass(frozen=True)
class ScopeEntry:
    system: object  # registry.InformationSystem
    baseline: Catalog
    selection: tuple[str, ...] = ()


# --- mandates --------------------------------------------------------------------------


@dataclass(frozen=True)
class MandateFinding:
    """What the engine allowed for an audit: under which mandate, and who entrusted it."""

    mandate_key: str
    rule: str
    auditor: object
    entrusting: object | None


def check_mandate(
    *, kind: str, auditor, systems: Sequence, engine: MandateEngine | None = None
) -> MandateFinding:
    """Refuse, naming the rule, unless one audit mandate lets ``auditor`` audit every system
    with an audit of ``kind``. When the holder of an entrusted mandate (the national centre)
    plans the audit, the body it is entrusted to carries it out."""
    engine = engine or active_engine()
    decisions = []
    for system in systems:
        ref = SystemRef(owner=system.owner, category=system.category, builder=system.builder)
        decision = engine.may_audit(auditor, ref, kind)
        if not decision.allowed:
            available = sorted({str(d.kind) for d in engine.audit_decisions(auditor, ref)})
            message = _(
                "%(system)s: no mandate lets %(auditor)s carry out a %(kind)s (%(rule)s)"
            ) % {
                "system": system.code,
                "auditor": auditor.code,
                "kind": AuditKind(kind).label,
                "rule": decision.rule,
            }
            if available:
                message += " " + _("Mandates it holds for this system: %s.") % ", ".join(
                    str(AuditKind(k).label) for k in available
                )
            raise ValidationError({"systems": message})
        decisions.append(decision)
    keys = sorted({d.mandate for d in decisions})
    first = decisions[0]
    mandate = next((m for m in engine.audit_mandates if m.key == first.mandate), None)
    entrusting = None
    if first.capacity == "entrusting" and mandate and mandate.entrusted_to:
        holders = engine.holders(mandate.entrusted_to.split(":", 1)[1])
        if not holders:
            raise ValidationError(
                {
                    "auditor": _("Nobody holds the role this audit is entrusted to (%s).")
                    % first.rule
                }
            )
        entrusting, auditor = auditor, holders[0]
    elif first.capacity == "entrusted" and mandate:
        holders = engine.holders(mandate.auditor.split(":", 1)[1])
        entrusting = holders[0] if holders else None
    return MandateFinding(", ".join(keys), first.rule, auditor, entrusting)


# --- creating audits -------------------------------------------------------------------


def _controls_of(entry: ScopeEntry) -> list[tuple[int, int]]:
    """(id, position) of the baseline's controls, or of the selected ones."""
    controls = list(
        CatalogNode.objects.filter(catalog=entry.baseline, is_group=False)
        .order_by("position")
        .values_list("id", "position", "label", "oscal_id")
    )
    if entry.selection:
        wanted = set(entry.selection)
        controls = [c for c in controls if c[2] in wanted or c[3] in wanted]
        known = {c[2] for c in controls} | {c[3] for c in controls}
        unknown = sorted(wanted - known)
        if unknown:
            raise ValidationError(
                {
                    "selection": _("Not controls of %(catalog)s: %(ids)s")
                    % {"catalog": entry.baseline.key, "ids": ", ".join(unknown[:20])}
                }
            )
    if not controls:
        raise ValidationError(
            {"baseline": _("%s holds no controls to assess.") % entry.baseline.key}
        )
    return [(c[0], c[1]) for c in controls]


FIRST_YEAR, LAST_YEAR = 2000, 2100


def check_period(period_start: dt.date, period_end: dt.date, fiscal_year: int | None) -> None:
    """A period that ends after it starts, within this century, and near its fiscal year (an
    audit runs in its year; the report may come in the next)."""
    for name, day in (("period_start", period_start), ("period_end", period_end)):
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise ValidationError(
                {
                    name: _("Give a date between %(first)d and %(last)d.")
                    % {"first": FIRST_YEAR, "last": LAST_YEAR}
                }
            )
    if period_end < period_start:
        raise ValidationError({"period_end": _("The period ends before it starts.")})
    if fiscal_year is not None and not (
        fiscal_year - 1 <= period_start.year <= fiscal_year + 1
        and period_end.year <= fiscal_year + 2
    ):
        raise ValidationError(
            {"period_start": _("The period lies far from the fiscal year %d.") % fiscal_year}
        )


def may_lead(user, *, kind: str, auditor) -> bool:
    """An audit is led by an auditor of the auditing body; a self-assessment by any active
    member of the organisation."""
    if not user.is_active or user.organization_id != auditor.pk:
        return False
    return kind == AuditKind.SELF_ASSESSMENT or user.has_role("auditor")


def _next_number(prefix: str) -> str:
    # Under the audit chain head's lock (the audited write takes it anyway), so two planners
    # never draw the same number; after the highest in use, so a deleted audit's number is
    # never drawn again.
    AuditChainHead.objects.select_for_update().filter(id=1).first()
    highest = 0
    for number in Audit.objects.filter(number__startswith=prefix).values_list("number", flat=True):
        suffix = number[len(prefix) :]
        if suffix.isdigit():
            highest = max(highest, int(suffix))
    return f"{prefix}{highest + 1:04d}"


def default_stage_dues(period_start: dt.date, period_end: dt.date) -> dict[str, dt.date]:
    """Stages spread over the period: scope at its start, the self-assessment by 40 %, the
    review by 75 %, the report at its end and the improvement plan 90 days after."""
    span = (period_end - period_start).days
    return {
        StageKind.SCOPE: period_start,
        StageKind.SELF_ASSESSMENT: period_start + dt.timedelta(days=span * 40 // 100),
        StageKind.REVIEW: period_start + dt.timedelta(days=span * 75 // 100),
        StageKind.REPORT: period_end,
        StageKind.IMPROVEMENT: period_end + dt.timedelta(days=90),
    }


def _check_scope(auditee, entries: Sequence[ScopeEntry], actor) -> None:
    if not entries:
        raise ValidationError({"systems": _("Name at least one system.")})
    foreign = [e.system.code for e in entries if e.system.owner_id != auditee.pk]
    if foreign:
        raise ValidationError(
            {"systems": _("Not systems of the auditee: %s") % ", ".join(sorted(foreign))}
        )
    if actor is not None:
        from shireito.standards.selectors import catalog_visible

        visible = set(catalog_visible(actor).values_list("pk", flat=True))
        hidden = sorted({e.baseline.key for e in entries if e.baseline.pk not in visible})
        if hidden:
            raise ValidationError({"baseline": _("No such catalog: %s") % ", ".join(hidden)})


def _make_results(audit: Audit, entries: Sequence[ScopeEntry], previous: Audit | None) -> int:
    last = {}
    if previous is not None:
        last = {
            (s, c): status
            for s, c, status in ControlResult.objects.filter(audit=previous).values_list(
                "system_id", "control_id", "status"
            )
        }
    rows = []
    unassessed = ResultStatus.NOT_ASSESSED
    for entry in entries:
        ScopeItem.objects.create(
            audit=audit,
            system=entry.system,
            baseline=entry.baseline,
            selection=list(entry.selection),
        )
        system_id = entry.system.pk
        for control_id, position in _controls_of(entry):
            previous = last.get((system_id, control_id), "")
            # In bulk.RESULT_FIELDS order: claim and result not assessed, no notes yet.
            row = (audit.pk, system_id, control_id, position, unassessed, "", unassessed, "")
            rows.append((*row, previous, None))
    insert_results(rows)
    return len(rows)


def audit_create(
    *,
    actor,
    kind: str,
    auditee,
    systems: Iterable | None = None,
    baseline: Catalog | None = None,
    selection: Sequence[str] = (),
    scope: Sequence[ScopeEntry] | None = None,
    fiscal_year: int,
    period_start: dt.date,
    period_end: dt.date,
    title: str = "",
    auditor=None,
    lead=None,
    method: str = "",
    stage_dues: dict[str, dt.date] | None = None,
    previous: Audit | None = None,
    engine: MandateEngine | None = None,
) -> Audit:
    """Plan an audit (or a self-assessment): check the mandate for every system, then write
    the audit, its scope, the five stages of the cycle and one not-assessed result per system
    and control, all in one transaction."""
    if scope is None:
        if baseline is None:
            raise ValidationError({"baseline": _("Choose the baseline.")})
        scope = [ScopeEntry(s, baseline, tuple(selection)) for s in systems or []]
    scope = list(scope)
    if kind not in AuditKind.values:
        raise ValidationError({"kind": _("Unknown kind of audit.")})
    check_period(period_start, period_end, fiscal_year)
    entrusting = None
    mandate_key = mandate_rule = ""
    if kind == AuditKind.SELF_ASSESSMENT:
        if not may_start_self_assessment(actor) or (
            actor is not None
            and not actor.is_platform_admin
            and actor.organization_id != auditee.pk
        ):
            raise PermissionDenied(_("An organization assesses only itself."))
        auditor = auditee
    else:
        if not may_start_audits(actor):
            raise PermissionDenied(_("Only auditors plan audits."))
        if auditor is None:
            auditor = getattr(actor, "organization", None)
        if auditor is None:
            raise ValidationError({"auditor": _("Name the auditing organization.")})
        if (
            actor is not None
            and not actor.is_platform_admin
            and actor.organization_id != auditor.pk
        ):
            raise PermissionDenied(_("You plan audits only for your own organization."))
    _check_scope(auditee, scope, actor)
    if kind != AuditKind.SELF_ASSESSMENT:
        found = check_mandate(
            kind=kind, auditor=auditor, systems=[e.system for e in scope], engine=engine
        )
        auditor, entrusting = found.auditor, found.entrusting
        mandate_key, mandate_rule = found.mandate_key, found.rule
    if lead is not None and not may_lead(lead, kind=kind, auditor=auditor):
        # An entrusted audit planned by the centre is led by the entrusted body's auditor.
        raise ValidationError({"lead": _("The lead is an auditor of the auditing body.")})
    dues = default_stage_dues(period_start, period_end) | (stage_dues or {})
    prefix = ("S" if kind == AuditKind.SELF_ASSESSMENT else "A") + f"{fiscal_year}-"
    with transaction.atomic():
        audit = audited_create(
            actor=actor,
            instance=Audit(
                number=_next_number(prefix),
                title=title.strip() or _default_title(kind, auditee, fiscal_year),
                kind=kind,
                mandate_key=mandate_key,
                mandate_rule=mandate_rule,
                auditor=auditor,
                entrusting=entrusting,
                auditee=auditee,
                lead=lead,
                baseline=scope[0].baseline,
                fiscal_year=fiscal_year,
                period_start=period_start,
                period_end=period_end,
                method=method.strip(),
                previous=previous,
            ),
        )
        AuditStage.objects.bulk_create(
            AuditStage(
                audit=audit,
                stage=stage,
                position=position,
                owner=auditee if stage in STAGE_OWNED_BY_AUDITEE else auditor,
                due_date=dues.get(stage),
            )
            for position, stage in enumerate(StageKind.values)
        )
        count = _make_results(audit, scope, previous)
        record_audit_event(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=audit,
            changes={
                "scope": [
                    [],
                    [f"{e.system.code} ← {e.baseline.key}" for e in scope],
                ],
                "results": [0, count],
            },
        )
    return audit


def _default_title(kind: str, auditee, fiscal_year: int) -> str:
    from django.conf import settings
    from django.utils import translation

    from shireito.registry.selectors import fiscal_year_label

    # Stored text, so in the deployment's language (Japanese) whoever plans the audit.
    with translation.override(settings.LANGUAGE_CODE):
        label = fiscal_year_label(fiscal_year, settings.LANGUAGE_CODE)
        return f"{label} {AuditKind(kind).label}：{auditee.name}"


def audit_widen(
    *, actor, audit: Audit, systems: Iterable, baseline: Catalog | None = None
) -> Audit:
    """Add systems to an audit's scope, under the same mandate check as creating one."""
    _require_auditor(actor, audit)
    if audit.status in (AuditStatus.REPORTING, AuditStatus.CLOSED):
        raise ValidationError({"systems": _("The scope is fixed once reporting has begun.")})
    existing = set(audit.scope_items.values_list("system_id", flat=True))
    scope = [ScopeEntry(s, baseline or audit.baseline) for s in systems if s.pk not in existing]
    _check_scope(audit.auditee, scope, actor)
    if not audit.is_self_assessment:
        found = check_mandate(
            kind=audit.kind,
            auditor=audit.entrusting
            if audit.kind == AuditKind.ENTRUSTED_SECURITY_AUDIT and audit.entrusting
            else audit.auditor,
            systems=[e.system for e in scope],
        )
        if found.auditor.pk != audit.auditor_id:
            raise ValidationError({"systems": found.rule})
    with transaction.atomic():
        count = _make_results(audit, scope, audit.previous)
        record_audit_event(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=audit,
            changes={
                "scope": [[], [f"{e.system.code} ← {e.baseline.key}" for e in scope]],
                "results": [0, count],
            },
        )
    return audit


def audit_next_cycle(
    *,
    actor,
    previous: Audit,
    fiscal_year: int | None = None,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    lead=None,
) -> Audit:
    """Start next year's cycle from the last one: the same scope and baselines, every status
    reset, the last result kept beside each control. Mandates are checked again (the
    governance model may have changed in a year)."""
    if not previous.is_closed:
        # The new cycle keeps each result as "last cycle's result": only final ones are.
        raise ValidationError(_("A new cycle starts from a closed audit."))
    if previous.next_cycles.exists():
        raise ValidationError(_("The next cycle of this audit has already started."))
    shift = 1 if fiscal_year is None else fiscal_year - previous.fiscal_year
    if shift < 1:
        raise ValidationError({"fiscal_year": _("The next cycle is for a later fiscal year.")})

    if previous.fiscal_year + shift > LAST_YEAR:
        raise ValidationError({"fiscal_year": _("The next cycle is for a later fiscal year.")})

    def later(day: dt.date) -> dt.date:
        try:
            return day.replace(year=day.year + shift)
        except ValueError:  # 29 February
            return day.replace(year=day.year + shift, day=28)

    scope = [
        ScopeEntry(item.system, item.baseline, tuple(item.selection))
        for item in previous.scope_items.select_related("system", "baseline")
    ]
    auditor = (
        previous.entrusting
        if (
            previous.kind == AuditKind.ENTRUSTED_SECURITY_AUDIT
            and previous.entrusting
            and actor is not None
            and actor.organization_id == previous.entrusting_id
        )
        else previous.auditor
    )
    return audit_create(
        actor=actor,
        kind=previous.kind,
        auditee=previous.auditee,
        scope=scope,
        fiscal_year=previous.fiscal_year + shift,
        period_start=period_start or later(previous.period_start),
        period_end=period_end or later(previous.period_end),
        title=previous.title.replace(str(previous.fiscal_year), str(previous.fiscal_year + shift)),
        auditor=auditor,
        lead=lead or _still_lead(previous),
        method=previous.method,
        previous=previous,
    )


def _still_lead(previous: Audit):
    """Last cycle's lead, if they may still lead it (roles change in a year)."""
    lead = previous.lead
    if lead is not None and may_lead(lead, kind=previous.kind, auditor=previous.auditor):
        return lead
    return None


# --- the engagement's life ---------------------------------------------------------------


def _require_auditor(actor, audit: Audit) -> None:
    if not acts_as_auditor(actor, audit):
        raise PermissionDenied(_("Only the auditors of this audit may do this."))


def _require_auditee(actor, audit: Audit) -> None:
    if not acts_as_auditee(actor, audit):
        raise PermissionDenied(_("Only the audited organization may do this."))


def _require_open(audit: Audit) -> None:
    if audit.is_closed:
        raise ValidationError(_("This audit is closed."))


AUDIT_EDITABLE = ("title", "lead", "period_start", "period_end", "method", "conclusion")


def audit_update(*, actor, audit: Audit, **fields) -> Audit:
    _require_auditor(actor, audit)
    _require_open(audit)
    unknown = set(fields) - set(AUDIT_EDITABLE)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in unknown})
    lead = fields.get("lead")
    if "period_start" in fields or "period_end" in fields:
        check_period(
            fields.get("period_start", audit.period_start),
            fields.get("period_end", audit.period_end),
            audit.fiscal_year,
        )
    changes_lead = lead is not None and lead.pk != audit.lead_id
    if changes_lead and not may_lead(lead, kind=audit.kind, auditor=audit.auditor):
        raise ValidationError({"lead": _("The lead is an auditor of the auditing body.")})
    audit, _changes = audited_update(actor=actor, instance=audit, **fields)
    return audit


def audit_advance(*, actor, audit: Audit, status: str) -> Audit:
    """Move the engagement on (planned → fieldwork → reporting → closed) or back from
    reporting to fieldwork. Closing needs a conclusion and no results left unassessed."""
    _require_auditor(actor, audit)
    allowed = {STATUS_NEXT.get(audit.status), STATUS_BACK.get(audit.status)} - {None}
    if status not in allowed:
        raise ValidationError(
            {
                "status": _("From %(current)s an audit moves only to %(allowed)s.")
                % {
                    "current": AuditStatus(audit.status).label,
                    "allowed": " / ".join(str(AuditStatus(s).label) for s in allowed) or "—",
                }
            }
        )
    fields: dict = {"status": status}
    if status == AuditStatus.CLOSED:
        if not audit.conclusion.strip():
            raise ValidationError({"conclusion": _("Write the conclusion before closing.")})
        left = audit.results.filter(status=ResultStatus.NOT_ASSESSED).count()
        if left:
            raise ValidationError({"status": _("%d control results are not assessed yet.") % left})
        fields["closed_on"] = timezone.localdate()
    with transaction.atomic():
        audit, _changes = audited_update(actor=actor, instance=audit, **fields)
        stage_for = {
            AuditStatus.REPORTING: StageKind.REVIEW,
            AuditStatus.CLOSED: StageKind.REPORT,
        }.get(status)
        if stage_for:
            for stage in audit.stages.filter(stage=stage_for, completed_on__isnull=True):
                audited_update(actor=actor, instance=stage, completed_on=timezone.localdate())
    return audit


def stage_update(
    *, actor, stage: AuditStage, due_date: dt.date | None = None, completed: bool | None = None
) -> AuditStage:
    """The stage's owner marks it done (or not); the auditor sets due dates."""
    audit = stage.audit
    if audit.is_closed and stage.stage != StageKind.IMPROVEMENT:
        # Only the improvement plan goes on after the report.
        raise ValidationError(_("This audit is closed."))
    auditee_stage = stage.stage in STAGE_OWNED_BY_AUDITEE
    if completed is not None:
        (_require_auditee if auditee_stage else _require_auditor)(actor, audit)
    if due_date is not None:
        _require_auditor(actor, audit)
    fields = {}
    if due_date is not None:
        fields["due_date"] = due_date
    if completed is not None:
        fields["completed_on"] = timezone.localdate() if completed else None
    with transaction.atomic():
        stage, _changes = audited_update(actor=actor, instance=stage, **fields)
    return stage


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
    _require_open(audit)
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


# --- findings and corrective actions ------------------------------------------------------

FINDING_FIELDS = ("title", "severity", "grade", "risk", "root_cause", "recommendation")


def _finding_links(audit: Audit, controls, systems) -> tuple[list, list]:
    scope_ids = set(audit.scope_items.values_list("system_id", flat=True))
    systems = list(systems or [])
    outside = [s.code for s in systems if s.pk not in scope_ids]
    if outside:
        raise ValidationError(
            {"systems": _("Not in this audit's scope: %s") % ", ".join(sorted(outside))}
        )
    controls = list(controls or [])
    catalogs = set(audit.scope_items.values_list("baseline_id", flat=True))
    stray = [c.label for c in controls if c.catalog_id not in catalogs]
    if stray:
        raise ValidationError(
            {"controls": _("Not controls of this audit's baselines: %s") % ", ".join(stray)}
        )
    return controls, systems


def finding_create(*, actor, audit: Audit, controls=(), systems=(), **fields) -> Finding:
    _require_auditor(actor, audit)
    _require_open(audit)
    unknown = set(fields) - set(FINDING_FIELDS)
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in unknown})
    if fields.get("severity") not in Severity.values:
        raise ValidationError({"severity": _("Choose a severity.")})
    if fields.get("grade") not in NonconformityGrade.values:
        raise ValidationError({"grade": _("Choose a grade.")})
    controls, systems = _finding_links(audit, controls, systems)
    with transaction.atomic():
        Audit.objects.select_for_update().filter(pk=audit.pk).first()
        number = (
            audit.findings.order_by("-number").values_list("number", flat=True).first() or 0
        ) + 1
        finding = audited_create(
            actor=actor,
            instance=Finding(
                audit=audit,
                number=number,
                **{k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()},
            ),
        )
        finding.controls.set(controls)
        finding.systems.set(systems)
        record_audit_event(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=finding,
            changes={
                "controls": [[], [c.label for c in controls]],
                "systems": [[], [s.code for s in systems]],
            },
        )
    return finding


def finding_update(*, actor, finding: Finding, controls=None, systems=None, **fields) -> Finding:
    audit = finding.audit
    _require_auditor(actor, audit)
    _require_open(audit)
    unknown = set(fields) - set(FINDING_FIELDS)
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in unknown})
    with transaction.atomic():
        finding, _changes = audited_update(actor=actor, instance=finding, **fields)
        links = {}
        if controls is not None or systems is not None:
            new_controls, new_systems = _finding_links(
                audit,
                controls if controls is not None else finding.controls.all(),
                systems if systems is not None else finding.systems.all(),
            )
            old_c = sorted(c.label for c in finding.controls.all())
            old_s = sorted(s.code for s in finding.systems.all())
            finding.controls.set(new_controls)
            finding.systems.set(new_systems)
            if old_c != sorted(c.label for c in new_controls):
                links["controls"] = [old_c, sorted(c.label for c in new_controls)]
            if old_s != sorted(s.code for s in new_systems):
                links["systems"] = [old_s, sorted(s.code for s in new_systems)]
        if links:
            record_audit_event(
                actor=actor, action=AuditAction.UPDATE, instance=finding, changes=links
            )
    return finding


def finding_raise_recommendation(
    *, actor, finding: Finding, reason: str = "", due_date: dt.date
) -> Finding:
    """Follow a finding up with a formal Digital Agency recommendation to the audited ministry
    about the finding's systems, where the governance model gives the agency that power (the
    recommendation service checks who acts for the agency and over whom)."""
    from shireito.registry.oversight import recommendation_issue

    if finding.follow_up_id:
        raise ValidationError(_("This finding has already been followed up."))
    if not acts_as_auditor(actor, finding.audit) and not _sees(actor, finding):
        raise PermissionDenied(_("Only the audit's parties may follow a finding up."))
    systems = list(finding.systems.all()) or [i.system for i in finding.audit.scope_items.all()]
    with transaction.atomic():
        recommendation = recommendation_issue(
            actor=actor,
            ministry=finding.audit.auditee,
            systems=systems,
            reason=reason.strip() or _follow_up_reason(finding),
            due_date=due_date,
        )
        finding, _changes = audited_update(actor=actor, instance=finding, follow_up=recommendation)
    return finding


def _follow_up_reason(finding: Finding) -> str:
    head = f"{finding.audit.number} {finding.label} {finding.title}"
    return f"{head}\n\n{finding.recommendation}" if finding.recommendation else head


def _sees(actor, finding: Finding) -> bool:
    from shireito.core.scoping import visible_to

    return actor is None or visible_to(actor, Finding.objects.filter(pk=finding.pk)).exists()


ACTION_FIELDS = ("title", "description", "owner_contact", "due_date")


def action_create(*, actor, finding: Finding, milestones: Sequence[dict] = (), **fields):
    """A corrective action answering a finding: planned by the audited organisation (or by
    the auditors with it); owned by the auditee."""
    audit = finding.audit
    if not acts_for_a_party(actor, audit):
        raise PermissionDenied(_("Only the audit's parties plan corrective actions."))
    unknown = set(fields) - set(ACTION_FIELDS)
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in unknown})
    if not fields.get("due_date"):
        raise ValidationError({"due_date": _("Set a due date.")})
    fields = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}
    if not fields.get("title"):
        raise ValidationError({"title": _("Name the corrective action.")})
    with transaction.atomic():
        action = audited_create(
            actor=actor,
            instance=CorrectiveAction(finding=finding, owner=audit.auditee, **fields),
        )
        if finding.status == FindingStatus.CLOSED:
            # A new action reopens the finding until the auditors verify it too.
            audited_update(actor=actor, instance=finding, status=FindingStatus.OPEN)
        for index, milestone in enumerate(milestones):
            try:
                milestone_add(actor=actor, action=action, **milestone)
            except ValidationError as error:
                raise ValidationError({f"milestones[{index}]": error.messages}) from error
    return action


def action_update(*, actor, action: CorrectiveAction, **fields) -> CorrectiveAction:
    """The owner reports progress; closing is the auditors' verification, never a status the
    owner sets. A due date moves only with the auditors (otherwise an overdue action could
    stop being overdue by its owner's say)."""
    audit = action.finding.audit
    auditor_side = acts_as_auditor(actor, audit)
    moves_due = "due_date" in fields and fields["due_date"] != action.due_date
    if not (auditor_side and set(fields) == {"due_date"}):
        _require_auditee(actor, audit)
        if moves_due and not auditor_side:
            raise ValidationError({"due_date": _("Only the auditors move a due date.")})
    allowed = {*ACTION_FIELDS, "status"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in unknown})
    if action.status == ActionStatus.CLOSED:
        raise ValidationError(_("This corrective action is closed."))
    fields = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}
    if "title" in fields and not fields["title"]:
        raise ValidationError({"title": _("Name the corrective action.")})
    status = fields.get("status")
    if status is not None:
        if status == ActionStatus.CLOSED:
            raise ValidationError(
                {"status": _("Closing a corrective action needs the auditor's verification.")}
            )
        if status not in ActionStatus.values:
            raise ValidationError({"status": _("Unknown status.")})
        fields["completed_on"] = (
            timezone.localdate() if status == ActionStatus.AWAITING_VERIFICATION else None
        )
    with transaction.atomic():
        action, _changes = audited_update(actor=actor, instance=action, **fields)
    return action


def action_verify(
    *, actor, action: CorrectiveAction, accepted: bool, note: str = ""
) -> CorrectiveAction:
    """The auditors verify a done action: accepted closes it (and the finding, once all its
    actions are closed); refused sends it back in progress, with the reason."""
    audit = action.finding.audit
    _require_auditor(actor, audit)
    if action.status != ActionStatus.AWAITING_VERIFICATION:
        raise ValidationError({"status": _("Only an action reported done can be verified.")})
    if not accepted and not note.strip():
        raise ValidationError({"verification_note": _("Say what is still missing.")})
    with transaction.atomic():
        if accepted:
            action, _changes = audited_update(
                actor=actor,
                instance=action,
                status=ActionStatus.CLOSED,
                verified_by=actor,
                verified_on=timezone.localdate(),
                verification_note=note.strip(),
            )
            finding = action.finding
            if not finding.actions.exclude(status=ActionStatus.CLOSED).exists():
                audited_update(actor=actor, instance=finding, status=FindingStatus.CLOSED)
        else:
            action, _changes = audited_update(
                actor=actor,
                instance=action,
                status=ActionStatus.IN_PROGRESS,
                completed_on=None,
                verification_note=note.strip(),
            )
    return action


def milestone_add(*, actor, action: CorrectiveAction, title: str, due_date) -> Milestone:
    audit = action.finding.audit
    if action.status == ActionStatus.CLOSED:
        raise ValidationError(_("This corrective action is closed."))
    if not acts_for_a_party(actor, audit):
        raise PermissionDenied(_("Only the audit's parties plan corrective actions."))
    if not str(title or "").strip():
        raise ValidationError({"title": _("Name the milestone.")})
    if not due_date:
        raise ValidationError({"due_date": _("Set a due date.")})
    return audited_create(
        actor=actor, instance=Milestone(action=action, title=str(title).strip(), due_date=due_date)
    )


def milestone_done(*, actor, milestone: Milestone, done: bool = True) -> Milestone:
    _require_auditee(actor, milestone.action.finding.audit)
    if milestone.action.status == ActionStatus.CLOSED:
        raise ValidationError(_("This corrective action is closed."))
    milestone, _changes = audited_update(
        actor=actor, instance=milestone, done_on=timezone.localdate() if done else None
    )
    return milestone


# --- the audit plan ------------------------------------------------------------------------


def cycle_rule_set(*, actor, organization_kind: str, interval_years: int | None) -> None:
    """Platform admins set how often each kind of organisation is audited; ``None`` removes
    the kind from the plan."""
    if actor is not None and not actor.is_platform_admin:
        raise PermissionDenied(_("Only platform admins change the audit cycle."))
    with transaction.atomic():
        rule = AuditCycleRule.objects.filter(organization_kind=organization_kind).first()
        if interval_years is None:
            if rule:
                audited_delete(actor=actor, instance=rule)
            return
        if rule is None:
            audited_create(
                actor=actor,
                instance=AuditCycleRule(
                    organization_kind=organization_kind, interval_years=interval_years
                ),
            )
        else:
            audited_update(actor=actor, instance=rule, interval_years=interval_years)
