"""Planning audits: a new one, its scope widened, next year's cycle, the cycle rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from shireito.audits.bulk import insert_results
from shireito.audits.choices import (
    STAGE_OWNED_BY_AUDITEE,
    AuditKind,
    AuditStatus,
    ResultStatus,
    StageKind,
)
from shireito.audits.models import (
    Audit,
    AuditCycleRule,
    AuditStage,
    ControlResult,
    ScopeItem,
)
from shireito.audits.permissions import (
    may_lead,
    may_plan_for,
    may_start_audits,
    may_start_self_assessment,
    require_auditor,
)
from shireito.audits.services.mandates import MandateFinding, ScopeEntry, check_mandate
from shireito.audits.tallies import (
    PARTY_FIELDS,
    areas_of,
    insert_tallies_of,
    refresh_audit_tallies,
)
from shireito.core.choices import AuditAction
from shireito.core.models import AuditChainHead
from shireito.core.services import (
    Rules,
    audited_create,
    audited_delete,
    audited_update,
    record_audit_event,
)
from shireito.organizations.mandates import MandateEngine
from shireito.organizations.rules import rule_label
from shireito.registry.selectors import fiscal_year_label
from shireito.standards.models import Catalog, CatalogNode
from shireito.standards.selectors import catalog_visible

if TYPE_CHECKING:
    from shireito.accounts.models import User
    from shireito.organizations.models import Organization

# --- creating audits -------------------------------------------------------------------


def _controls_of(entry: ScopeEntry, cache: dict | None = None) -> list[tuple[int, int]]:
    """(id, position) of the baseline's controls, or of the selected ones. ``cache`` keeps
    them by baseline and selection, so checking a plan and writing it read them once."""
    key = (entry.baseline.pk, entry.selection)
    if cache is not None and key in cache:
        return cache[key]
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
    found = [(c[0], c[1]) for c in controls]
    if cache is not None:
        cache[key] = found
    return found


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


def _check_scope(auditee: Organization, entries: Sequence[ScopeEntry], actor: User | None) -> None:
    if not entries:
        raise ValidationError({"systems": _("Name at least one system.")})
    foreign = [e.system.code for e in entries if e.system.owner_id != auditee.pk]
    if foreign:
        raise ValidationError(
            {"systems": _("Not systems of the auditee: %s") % ", ".join(sorted(foreign))}
        )
    if actor is not None:
        visible = set(catalog_visible(actor).values_list("pk", flat=True))
        hidden = sorted({e.baseline.key for e in entries if e.baseline.pk not in visible})
        if hidden:
            raise ValidationError({"baseline": _("No such catalog: %s") % ", ".join(hidden)})


def _make_results(
    audit: Audit, entries: Sequence[ScopeEntry], previous: Audit | None, known: dict | None
) -> int:
    """One not-assessed result per system and control; ``known`` is None when the audit has
    results (and tallies) already, as when its scope is widened."""
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
        for control_id, position in _controls_of(entry, known):
            last_status = last.get((system_id, control_id), "")
            # In bulk.RESULT_FIELDS order: claim and result not assessed, no notes yet.
            row = (audit.pk, system_id, control_id, position, unassessed, "", unassessed, "")
            rows.append((*row, last_status, None))
    insert_results(rows)
    if known is None:
        refresh_audit_tallies([audit.pk])
        return len(rows)
    # The tower's counts of this audit, in the transaction that made its results, counted
    # from the rows in hand rather than read back: a new audit has no tallies yet.
    area_of: dict[int, int] = {}
    for catalog_id in {entry.baseline.pk for entry in entries}:
        area_of |= areas_of(catalog_id)
    head = tuple(getattr(audit, name) for name in PARTY_FIELDS)
    insert_tallies_of(rows, area_of=area_of, heads={audit.pk: head})
    return len(rows)


def audit_check(
    *,
    actor: User | None,
    kind: str | None = None,
    auditee: Organization | None = None,
    systems: Iterable | None = None,
    baseline: Catalog | None = None,
    selection: Sequence[str] = (),
    scope: Sequence[ScopeEntry] | None = None,
    fiscal_year: int | None = None,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    auditor: Organization | None = None,
    lead: User | None = None,
    engine: MandateEngine | None = None,
    known_controls: dict | None = None,
) -> tuple[MandateFinding | None, Organization | None]:
    """Every rule a plan must meet, without writing, on what is known of it (``None`` is
    unknown, and the rules that need it wait): the kind, the period, the scope (the auditee's
    systems, visible baselines, controls that exist), the mandate and the lead. One
    ``ValidationError`` names every problem; a refusal to plan at all is ``PermissionDenied``.
    Returns the mandate found and the auditing body. ``audit_create`` calls it before it
    writes, the planning form with the fields it could read."""
    rules = Rules()
    if scope is None and systems is not None and baseline is not None:
        scope = [ScopeEntry(s, baseline, tuple(selection)) for s in systems]
    if kind is not None and kind not in AuditKind.values:
        rules.add("kind", _("Unknown kind of audit."))
        kind = None
    if period_start is not None and period_end is not None:
        rules.check(check_period, period_start, period_end, fiscal_year)
    planner = None
    if kind is not None and auditee is not None:
        planner = rules.check(_planning_auditor, actor, kind=kind, auditee=auditee, auditor=auditor)
    found = None
    if scope is not None and auditee is not None:
        scope = list(scope)
        rules.check(_check_scope, auditee, scope, actor)
        for entry in {(e.baseline.pk, e.selection): e for e in scope}.values():
            rules.check(_controls_of, entry, known_controls)
        if planner is not None and kind != AuditKind.SELF_ASSESSMENT and scope:
            found = rules.check(
                check_mandate,
                kind=kind,
                auditor=planner,
                systems=[e.system for e in scope],
                engine=engine,
            )
    body = planner if kind == AuditKind.SELF_ASSESSMENT else getattr(found, "auditor", None)
    # An entrusted audit planned by the centre is led by the entrusted body's auditor.
    if lead and kind and body and not may_lead(lead, kind=kind, auditor=body):
        rules.add("lead", _("The lead is an auditor of the auditing body."))
    rules.raise_all()
    return found, body


def audit_create(
    *,
    actor: User | None,
    kind: str,
    auditee: Organization,
    systems: Iterable | None = None,
    baseline: Catalog | None = None,
    selection: Sequence[str] = (),
    scope: Sequence[ScopeEntry] | None = None,
    fiscal_year: int,
    period_start: dt.date,
    period_end: dt.date,
    title: str = "",
    auditor: Organization | None = None,
    lead: User | None = None,
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
    known: dict = {}
    found, auditor = audit_check(
        actor=actor,
        kind=kind,
        auditee=auditee,
        scope=scope,
        fiscal_year=fiscal_year,
        period_start=period_start,
        period_end=period_end,
        auditor=auditor,
        lead=lead,
        engine=engine,
        known_controls=known,
    )
    prefix = ("S" if kind == AuditKind.SELF_ASSESSMENT else "A") + f"{fiscal_year}-"
    with transaction.atomic():
        audit = audited_create(
            actor=actor,
            instance=Audit(
                number=_next_number(prefix),
                title=title.strip() or _default_title(kind, auditee, fiscal_year),
                kind=kind,
                mandate_key=found.mandate_key if found else "",
                mandate_rule=found.rule if found else "",
                auditor=auditor,
                entrusting=found.entrusting if found else None,
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
        dues = default_stage_dues(period_start, period_end) | (stage_dues or {})
        _make_stages(audit, dues)
        _record_scope(actor, audit, scope, _make_results(audit, scope, previous, known))
    return audit


def _planning_auditor(
    actor: User | None, *, kind: str, auditee: Organization, auditor: Organization | None
) -> Organization:
    """Who audits, once the planner may plan it: the organisation itself for a
    self-assessment; else the auditor named, or the planner's own organisation."""
    if kind == AuditKind.SELF_ASSESSMENT:
        if not may_start_self_assessment(actor) or not may_plan_for(actor, auditee):
            raise PermissionDenied(_("An organization assesses only itself."))
        return auditee
    if not may_start_audits(actor):
        raise PermissionDenied(_("Only auditors plan audits."))
    if auditor is None:
        auditor = getattr(actor, "organization", None)
    if auditor is None:
        raise ValidationError({"auditor": _("Name the auditing organization.")})
    if not may_plan_for(actor, auditor):
        raise PermissionDenied(_("You plan audits only for your own organization."))
    return auditor


def _make_stages(audit: Audit, dues: dict[str, dt.date]) -> None:
    """The five stages of the yearly cycle, each owned by the side that does it."""
    AuditStage.objects.bulk_create(
        AuditStage(
            audit=audit,
            stage=stage,
            position=position,
            owner=audit.auditee if stage in STAGE_OWNED_BY_AUDITEE else audit.auditor,
            due_date=dues.get(stage),
        )
        for position, stage in enumerate(StageKind.values)
    )


def _record_scope(
    actor: User | None, audit: Audit, scope: Sequence[ScopeEntry], count: int
) -> None:
    """One audit-trail event for the scope added and the results made for it."""
    record_audit_event(
        actor=actor,
        action=AuditAction.UPDATE,
        instance=audit,
        changes={
            "scope": [[], [f"{e.system.code} ← {e.baseline.key}" for e in scope]],
            "results": [0, count],
        },
    )


def _default_title(kind: str, auditee: Organization, fiscal_year: int) -> str:
    # Stored text, so in the deployment's language (Japanese) whoever plans the audit.
    with translation.override(settings.LANGUAGE_CODE):
        label = fiscal_year_label(fiscal_year, settings.LANGUAGE_CODE)
        return f"{label} {AuditKind(kind).label}：{auditee.name}"


def audit_widen(
    *, actor: User | None, audit: Audit, systems: Iterable, baseline: Catalog | None = None
) -> Audit:
    """Add systems to an audit's scope, under the same mandate check as creating one."""
    require_auditor(actor, audit)
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
            raise ValidationError({"systems": rule_label(found.rule)})
    with transaction.atomic():
        _record_scope(actor, audit, scope, _make_results(audit, scope, audit.previous, None))
    return audit


def audit_next_cycle(
    *,
    actor: User | None,
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


# --- the audit plan ------------------------------------------------------------------------


def cycle_rule_set(
    *, actor: User | None, organization_kind: str, interval_years: int | None
) -> None:
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
