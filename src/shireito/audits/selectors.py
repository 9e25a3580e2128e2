"""Reads of audits, always through the one scoping layer: an audit and all it holds are seen
only by its parties (auditee, auditor, the entrusting body) and platform admins."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from shireito.accounts.selectors import user_list
from shireito.audits.choices import (
    ActionStatus,
    AuditKind,
    AuditStatus,
    ResultStatus,
)
from shireito.audits.models import (
    AreaTally,
    Audit,
    AuditCycleRule,
    AuditStage,
    ComplianceTally,
    ControlResult,
    CorrectiveAction,
    Evidence,
    EvidenceRevision,
    Finding,
    Milestone,
    ScopeItem,
)
from shireito.core.models import AuditEvent
from shireito.core.scoping import visible_organization_ids, visible_to
from shireito.core.selectors import may_read_history
from shireito.organizations.models import Organization
from shireito.registry.models import InformationSystem
from shireito.standards.models import CatalogNode

if TYPE_CHECKING:
    from shireito.accounts.models import User


# A baseline's OSCAL metadata and back matter (70 kB of JSON for NIST SP 800-53), which no
# audit page or answer shows: decoded for every audit read, they cost more than the audit.
BASELINE_DOCUMENT = ("baseline__metadata", "baseline__back_matter")


def audit_list(
    *,
    user: User,
    self_assessment: bool | None = False,
    status: str = "",
    kind: str = "",
    fiscal_year: int | None = None,
    search: str = "",
    auditor_id: int | None = None,
    overdue_on: dt.date | None = None,
) -> QuerySet[Audit]:
    """Audits the user is a party to. Self-assessments are kept apart: ``self_assessment``
    False lists audits only, True self-assessments only, None both. ``auditor_id``: only
    those one organisation carries out; ``overdue_on``: only those with a stage not done by
    its due date on that day (the tower's counts link here)."""
    audits = visible_to(
        user,
        Audit.objects.select_related("auditor", "auditee", "entrusting", "baseline", "lead").defer(
            *BASELINE_DOCUMENT
        ),
    )
    if self_assessment is True:
        audits = audits.filter(kind=AuditKind.SELF_ASSESSMENT)
    elif self_assessment is False:
        audits = audits.exclude(kind=AuditKind.SELF_ASSESSMENT)
    if status:
        audits = audits.filter(status=status)
    if kind:
        audits = audits.filter(kind=kind)
    if fiscal_year:
        audits = audits.filter(fiscal_year=fiscal_year)
    if auditor_id:
        audits = audits.filter(auditor_id=auditor_id)
    if overdue_on:
        audits = audits.filter(
            pk__in=AuditStage.objects.filter(
                completed_on__isnull=True, due_date__lt=overdue_on
            ).values("audit_id")
        )
    if search:
        audits = audits.filter(
            Q(number__icontains=search)
            | Q(title__icontains=search)
            | Q(auditee__name__icontains=search)
            | Q(auditee__name_en__icontains=search)
            | Q(auditee__code__icontains=search)
        )
    return audits.order_by("-fiscal_year", "-number")


def compliance_tallies(*, user: User) -> QuerySet[ComplianceTally]:
    """The results counted per audit and system, of the audits the user is a party to
    (the tally carries the audit's parties: the same rule as the audits themselves)."""
    return visible_to(user, ComplianceTally.objects.all())


def area_tallies(*, user: User) -> QuerySet[AreaTally]:
    """The results counted per audit and catalog area, scoped as ``compliance_tallies``."""
    return visible_to(user, AreaTally.objects.all())


def audit_get(*, user: User, number: str) -> Audit | None:
    return audit_list(user=user, self_assessment=None).filter(number=number).first()


def scope_of(audit: Audit) -> list[ScopeItem]:
    return list(audit.scope_items.select_related("system", "baseline").order_by("system__code"))


def stages_of(audit: Audit) -> list[AuditStage]:
    return list(audit.stages.select_related("owner").order_by("position"))


def result_get(*, user: User, number: str, result_id: int) -> ControlResult | None:
    """One control result of the audit with this number, with its audit, control and system,
    in one query: a result's visibility is its audit's (the same parties), so a result of an
    audit the user may not see is not found."""
    found = visible_to(user, ControlResult.objects.filter(audit__number=number, pk=result_id))
    # At most one row: no ORDER BY for ``first()`` to add.
    return next(iter(found.select_related("audit", "control", "system")[:1]), None)


def results_of(
    *,
    user: User,
    audit: Audit,
    system: str = "",
    status: str = "",
    claimed: str = "",
    search: str = "",
) -> QuerySet[ControlResult]:
    """One audit's control results, in catalog order; filters by system code, result, the
    auditee's claim and control id or title."""
    results = visible_to(user, ControlResult.objects.filter(audit=audit)).select_related(
        "control", "system"
    )
    if system:
        results = results.filter(system__code=system)
    if status:
        results = results.filter(status=status)
    if claimed:
        results = results.filter(claimed=claimed)
    if search:
        results = results.filter(
            Q(control__label__icontains=search) | Q(control__title__icontains=search)
        )
    return results.order_by("system__code", "position", "pk")


def result_texts(audit: Audit) -> dict[tuple[str, str], dict[str, str]]:
    """Each result's notes by (system code, control id), the control named by its published
    id and by its OSCAL id, as an imported sheet names them: one query."""
    found: dict[tuple[str, str], dict[str, str]] = {}
    rows = ControlResult.objects.filter(audit=audit).values_list(
        "system__code", "control__label", "control__oscal_id", "note", "claim_note"
    )
    for code, label, oscal_id, note, claim_note in rows:
        texts = {"note": note, "claim_note": claim_note}
        found[(code, label)] = texts
        found.setdefault((code, oscal_id), texts)
    return found


@dataclass
class ResultSummary:
    """Counts of results per status, per system and in all."""

    by_system: dict[str, Counter] = field(default_factory=dict)
    total: Counter = field(default_factory=Counter)

    @property
    def assessed(self) -> int:
        return sum(self.total.values()) - self.total[ResultStatus.NOT_ASSESSED]

    @property
    def count(self) -> int:
        return sum(self.total.values())

    def rows(self) -> list[tuple[str, list[int], int]]:
        """(system code, counts in ResultStatus order, total): for a table beside a chart."""
        return [
            (code, [counts[s] for s in ResultStatus.values], sum(counts.values()))
            for code, counts in sorted(self.by_system.items())
        ]

    def totals(self) -> list[int]:
        return [self.total[s] for s in ResultStatus.values]


def result_summary(audit: Audit, *, column: str = "status") -> ResultSummary:
    """One grouped query, however many results: fast on an audit of a whole catalog."""
    summary = ResultSummary()
    rows = (
        ControlResult.objects.filter(audit=audit)
        .values("system__code", column)
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        counts = summary.by_system.setdefault(row["system__code"], Counter())
        counts[row[column]] += row["n"]
        summary.total[row[column]] += row["n"]
    return summary


def baseline_controls(*, user: User, audit: Audit, ids) -> tuple[list, list[str]]:
    """The controls of the audit's baselines named by ``ids`` (published id or OSCAL id), in
    catalog order without repeats, and the ids that name none."""
    ids = list(ids)
    if not ids:
        return [], []
    baselines = audit.scope_items.values("baseline_id")
    nodes = visible_to(
        user, CatalogNode.objects.filter(catalog_id__in=baselines, is_group=False)
    ).filter(Q(label__in=ids) | Q(oscal_id__in=ids))
    found = list(nodes.order_by("catalog_id", "position"))
    known = {n.label for n in found} | {n.oscal_id for n in found}
    return found, [i for i in dict.fromkeys(ids) if i not in known]


def findings_of(*, user: User, audit: Audit) -> QuerySet[Finding]:
    return (
        visible_to(user, Finding.objects.filter(audit=audit))
        .prefetch_related("controls", "systems", "actions__milestones", "actions__owner")
        .select_related("follow_up")
        .order_by("number")
    )


def finding_list(
    *,
    user: User,
    grade: str = "",
    status: str = "",
    raised_from: dt.date | None = None,
    raised_until: dt.date | None = None,
    search: str = "",
) -> QuerySet[Finding]:
    """Findings of every audit the user is a party to, oldest first; filters by grade,
    status, the day raised (an age band of the tower) and audit number or title."""
    findings = visible_to(user, Finding.objects.select_related("audit", "audit__auditee"))
    if grade:
        findings = findings.filter(grade=grade)
    if status:
        findings = findings.filter(status=status)
    if raised_from:
        findings = findings.filter(created_at__date__gte=raised_from)
    if raised_until:
        findings = findings.filter(created_at__date__lte=raised_until)
    if search:
        findings = findings.filter(Q(title__icontains=search) | Q(audit__number__icontains=search))
    return findings.order_by("created_at", "pk")


def action_list(
    *, user: User, status: str = "", overdue_on: dt.date | None = None, search: str = ""
) -> QuerySet[CorrectiveAction]:
    """Corrective actions of every audit the user is a party to, by due date; ``overdue_on``
    keeps those not closed and past due on that day."""
    actions = actions_of(user=user)
    if status:
        actions = actions.filter(status=status)
    if overdue_on:
        actions = actions.exclude(status=ActionStatus.CLOSED).filter(due_date__lt=overdue_on)
    if search:
        actions = actions.filter(
            Q(title__icontains=search) | Q(finding__audit__number__icontains=search)
        )
    return actions


def finding_get(*, user: User, audit: Audit, number: int) -> Finding | None:
    return findings_of(user=user, audit=audit).filter(number=number).first()


def actions_of(*, user: User, audit: Audit | None = None) -> QuerySet[CorrectiveAction]:
    actions = visible_to(
        user,
        CorrectiveAction.objects.select_related("finding__audit", "owner", "verified_by"),
    ).prefetch_related("milestones")
    if audit is not None:
        actions = actions.filter(finding__audit=audit)
    return actions.order_by("due_date", "pk")


def overdue_actions(*, user: User, today: dt.date | None = None) -> QuerySet[CorrectiveAction]:
    today = today or timezone.localdate()
    return actions_of(user=user).exclude(status=ActionStatus.CLOSED).filter(due_date__lt=today)


def evidence_of(*, user: User, audit: Audit) -> QuerySet[Evidence]:
    return (
        visible_to(user, Evidence.objects.filter(audit=audit))
        .select_related("result__control", "result__system", "finding")
        .prefetch_related("revisions")
        .order_by("title", "pk")
    )


def evidence_revision_get(*, user: User, audit: Audit, evidence_id: int, number: int | None = None):
    """A revision the user may download (the latest when ``number`` is None)."""
    revisions = visible_to(
        user, EvidenceRevision.objects.filter(evidence__audit=audit, evidence_id=evidence_id)
    ).select_related("evidence")
    if number is not None:
        revisions = revisions.filter(number=number)
    return revisions.order_by("-number").first()


def evidence_counts(*, user: User, audit: Audit, result_ids: Iterable[int]) -> dict[int, int]:
    """Evidence per control result, in one grouped query."""
    rows = (
        visible_to(user, Evidence.objects.filter(audit=audit, result_id__in=list(result_ids)))
        .values("result_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["result_id"]: row["n"] for row in rows}


def revisions_of(*, user: User, evidence: Evidence) -> QuerySet[EvidenceRevision]:
    """A piece of evidence's revisions, newest first."""
    return (
        visible_to(user, EvidenceRevision.objects.filter(evidence=evidence))
        .select_related("uploaded_by")
        .order_by("-number")
    )


def revisions_in(*, user: User, audit: Audit) -> QuerySet[EvidenceRevision]:
    """Every revision of the audit's evidence the user may download, piece by piece in the
    evidence list's order and oldest first, with what a manifest says of each."""
    return (
        visible_to(user, EvidenceRevision.objects.filter(evidence__audit=audit))
        .select_related(
            "evidence__result__system",
            "evidence__result__control",
            "evidence__finding",
            "uploaded_by",
        )
        .order_by("evidence__title", "evidence_id", "number")
    )


def evidence_item_get(*, user: User, audit: Audit, evidence_id: int) -> Evidence | None:
    return (
        evidence_of(user=user, audit=audit)
        .prefetch_related("revisions__uploaded_by")
        .filter(pk=evidence_id)
        .first()
    )


def result_find(
    *,
    user: User,
    audit: Audit,
    result_id: int | None = None,
    system: str = "",
    control: str = "",
) -> ControlResult | None:
    """One result of the audit, by id or by system code and control id (published or OSCAL);
    ``None`` when none or more than one match."""
    results = visible_to(user, ControlResult.objects.filter(audit=audit))
    if result_id is not None:
        return results.filter(pk=result_id).first()
    matches = results.filter(Q(control__label=control) | Q(control__oscal_id=control))
    if system:
        matches = matches.filter(system__code=system)
    found = list(matches[:2])
    return found[0] if len(found) == 1 else None


def finding_choices(*, user: User, audit: Audit) -> list[tuple[int, str]]:
    """(number, label and title) of the audit's findings, for a form's choice."""
    findings = visible_to(user, audit.findings.all()).order_by("number")
    return [(f.number, f"{f.label} {f.title}") for f in findings]


def finding_visible(*, user: User | None, finding: Finding) -> bool:
    """Whether the user (``None``: the system) may see this finding."""
    return user is None or visible_to(user, Finding.objects.filter(pk=finding.pk)).exists()


def action_get(*, user: User, audit: Audit, action_id: int) -> CorrectiveAction | None:
    return actions_of(user=user, audit=audit).filter(pk=action_id).first()


def stage_get(*, audit: Audit, stage: str) -> AuditStage | None:
    """A stage of an audit the user has already been allowed to see."""
    return audit.stages.filter(stage=stage).select_related("audit").first()


# --- the annual audit plan -----------------------------------------------------------------


# The cycle rules are about security audits (directly or entrusted): a service-assurance
# verification or a non-security audit does not stand in for one.
PLAN_KINDS = (AuditKind.SECURITY_AUDIT, AuditKind.ENTRUSTED_SECURITY_AUDIT)


@dataclass
class PlanEntry:
    organization: Organization
    interval_years: int
    last_year: int | None
    due: bool
    audits: list[Audit]  # this year's audits the user is a party to
    other_audits: int  # this year's audits by others: counted, not shown
    systems: int
    systems_covered: int

    @property
    def covered(self) -> bool:
        return bool(self.audits) or self.other_audits > 0

    @property
    def gap(self) -> bool:
        return self.due and not self.covered


def audit_plan(*, user: User, fiscal_year: int) -> list[PlanEntry]:
    """Which organisations are due a security audit in ``fiscal_year`` under the cycle rules
    (due when their last audit that went ahead is ``interval`` or more years back, or never),
    which are covered by an audit of that year, and so the gaps. Lists the organisations whose
    systems the user may see, systems or not; names only the audits the user is a party to
    (others are counted)."""
    rules = dict(AuditCycleRule.objects.values_list("organization_kind", "interval_years"))
    if not rules or not (user and user.is_authenticated):
        return []
    today = timezone.localdate()
    visible_ids = visible_organization_ids(user, InformationSystem)
    candidates = Organization.objects.filter(kind__in=list(rules)).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=today)
    )
    if isinstance(visible_ids, set):
        candidates = candidates.filter(pk__in=visible_ids)
    organizations = list(candidates.order_by("kind", "code"))
    ids = [o.pk for o in organizations]
    audits = Audit.objects.filter(
        kind__in=PLAN_KINDS, auditee_id__in=ids, fiscal_year__lte=fiscal_year
    ).values_list("pk", "auditee_id", "fiscal_year", "status")
    last: dict[int, int] = {}
    this_year: dict[int, list[int]] = defaultdict(list)
    for pk, auditee_id, year, status in audits:
        if year == fiscal_year:
            this_year[auditee_id].append(pk)
        elif status != AuditStatus.PLANNED:
            last[auditee_id] = max(last.get(auditee_id, 0), year)
    # This year's audits the user is a party to, with what the page shows of them.
    shown = {
        a.pk: a
        for a in audit_list(user=user, self_assessment=False).filter(
            pk__in=[pk for pks in this_year.values() for pk in pks]
        )
    }
    systems = visible_to(user, InformationSystem.objects.filter(owner_id__in=ids))
    system_counts = dict(
        systems.values_list("owner_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("owner_id", "n")
    )
    covered_counts = dict(
        ScopeItem.objects.filter(
            audit__fiscal_year=fiscal_year,
            audit__kind__in=PLAN_KINDS,
            system__owner_id__in=ids,
        )
        .values_list("system__owner_id")
        .annotate(n=Count("system_id", distinct=True))
        .order_by()
        .values_list("system__owner_id", "n")
    )
    entries = []
    for organization in organizations:
        interval = rules[organization.kind]
        previous = last.get(organization.pk)
        due = previous is None or fiscal_year - previous >= interval
        pks = this_year.get(organization.pk, [])
        entries.append(
            PlanEntry(
                organization=organization,
                interval_years=interval,
                last_year=previous,
                due=due,
                audits=[shown[pk] for pk in pks if pk in shown],
                other_audits=sum(1 for pk in pks if pk not in shown),
                systems=system_counts.get(organization.pk, 0),
                systems_covered=covered_counts.get(organization.pk, 0),
            )
        )
    return entries


def audit_history(*, user: User, audit: Audit) -> QuerySet:
    """The audit trail of one audit and what it holds (findings, actions, milestones,
    evidence), for its parties who may read history. Its events belong to the auditee in the
    log; the audit's other parties read them here, as the audit is theirs too."""
    if not may_read_history(user) or audit_get(user=user, number=audit.number) is None:
        return AuditEvent.objects.none()
    findings = list(audit.findings.values_list("pk", flat=True))
    actions = list(
        CorrectiveAction.objects.filter(finding__audit=audit).values_list("pk", flat=True)
    )
    parts = {
        "audits.audit": [audit.pk],
        "audits.auditstage": list(audit.stages.values_list("pk", flat=True)),
        "audits.finding": findings,
        "audits.correctiveaction": actions,
        "audits.milestone": list(
            Milestone.objects.filter(action_id__in=actions).values_list("pk", flat=True)
        ),
        "audits.evidence": list(audit.evidence.values_list("pk", flat=True)),
    }
    condition = Q()
    for object_type, pks in parts.items():
        if pks:
            condition |= Q(object_type=object_type, object_id__in=[str(pk) for pk in pks])
    return AuditEvent.objects.filter(condition).order_by("-sequence")


def cycle_rules(user: User) -> dict[str, int]:
    """How often each kind of organisation is due an audit (years), by kind."""
    if not (user and user.is_authenticated):
        return {}
    return dict(AuditCycleRule.objects.values_list("organization_kind", "interval_years"))


@dataclass
class ControlAcrossAudits:
    """How one control has fared in the audits the user is a party to."""

    totals: list[tuple[str, int]]  # (status label, count) in ResultStatus order
    recent: list[ControlResult]
    count: int


def control_across_audits(*, user: User, control, limit: int = 20) -> ControlAcrossAudits:
    """Results of one catalog control in every audit the user may see: counts by status and
    the latest ones (newest fiscal year first). Two queries whatever the number of audits."""
    results = visible_to(user, ControlResult.objects.filter(control=control))
    counts = dict(results.values_list("status").annotate(n=Count("id")).order_by())
    recent = list(
        results.select_related("audit", "system").order_by(
            "-audit__fiscal_year", "-audit__number", "system__code"
        )[:limit]
    )
    totals = [(str(label), counts.get(value, 0)) for value, label in ResultStatus.choices]
    return ControlAcrossAudits(totals=totals, recent=recent, count=sum(counts.values()))


def scope_systems(audit: Audit) -> QuerySet[InformationSystem]:
    """The systems in the audit's scope, by code."""
    return InformationSystem.objects.filter(pk__in=audit.scope_items.values("system_id")).order_by(
        "code"
    )


def lead_choices(
    *,
    user: User,
    organization: Organization,
    self_assessment: bool = False,
    keep: int | None = None,
) -> QuerySet:
    """Who may lead: the auditing body's active auditors; for a self-assessment, any active
    member. (An audit NISC entrusts to IPA is led by an IPA auditor whom IPA names on the
    audit's edit page: NISC does not see IPA's people.) ``keep`` (the current lead's id)
    stays choosable even after losing the role, so saving other fields never drops them."""
    role = "" if self_assessment else "auditor"
    leads = user_list(user=user, organization_code=organization.code, role=role).filter(
        is_active=True
    )
    if keep is None:
        return leads
    return leads.model.objects.filter(Q(pk__in=leads.values("pk")) | Q(pk=keep)).order_by(
        "username"
    )
