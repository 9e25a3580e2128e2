import datetime as dt
from typing import Literal

from django.utils import timezone
from ninja import Field, Schema

from shireito.audits.choices import (
    ActionStatus,
    AuditKind,
    AuditStatus,
    NonconformityGrade,
    ResultStatus,
    Severity,
)
from shireito.core.schemas import ReadAsOut, VersionedOut, VersionedPatch

# A bulk write names at most this many results (a whole catalog on a dozen systems).
MAX_RESULT_ENTRIES = 20_000


def _code(organization) -> str | None:
    return organization.code if organization is not None else None


# --- audits --------------------------------------------------------------------------------


class ScopeItemOut(Schema):
    system: str = Field(alias="system.code")
    baseline: str = Field(alias="baseline.key")
    selection: list[str]


class StageOut(Schema):
    stage: str
    owner: str = Field(alias="owner.code")
    due_date: dt.date | None
    completed_on: dt.date | None


class AuditOut(Schema):
    number: str
    title: str
    kind: AuditKind
    status: AuditStatus
    mandate: str = Field(alias="mandate_key")
    mandate_rule: str
    auditor: str = Field(alias="auditor.code")
    auditee: str = Field(alias="auditee.code")
    entrusting: str | None
    lead: str | None
    baseline: str = Field(alias="baseline.key")
    fiscal_year: int
    period_start: dt.date
    period_end: dt.date
    method: str
    conclusion: str
    closed_on: dt.date | None
    previous: str | None
    scope: list[ScopeItemOut]

    @staticmethod
    def resolve_entrusting(obj) -> str | None:
        return _code(obj.entrusting)

    @staticmethod
    def resolve_lead(obj) -> str | None:
        return obj.lead.username if obj.lead_id else None

    @staticmethod
    def resolve_previous(obj) -> str | None:
        return obj.previous.number if obj.previous_id else None

    @staticmethod
    def resolve_scope(obj) -> list:
        return list(obj.scope_items.all())


class AuditDetailOut(AuditOut, VersionedOut):
    stages: list[StageOut]

    @staticmethod
    def resolve_stages(obj) -> list:
        return list(obj.stages.select_related("owner").order_by("position"))


class AuditFilters(Schema):
    search: str = Field("", description="Part of the number, the title or the auditee")
    status: AuditStatus | None = None
    kind: AuditKind | None = None
    fiscal_year: int | None = Field(None, ge=2000, le=2100)
    self_assessment: bool = Field(
        False, description="true lists self-assessments instead of audits"
    )


class AuditIn(Schema):
    kind: AuditKind
    auditee: str = Field(description="The audited organization's code")
    systems: list[str] = Field(min_length=1, max_length=500, description="System ids in scope")
    baseline: str = Field(description="The catalog (key) the systems are held to")
    selection: list[str] = Field(
        default_factory=list, description="Only these controls (ids); empty: all of them"
    )
    fiscal_year: int = Field(ge=2000, le=2100)
    period_start: dt.date
    period_end: dt.date
    title: str = Field("", max_length=200)
    auditor: str | None = Field(
        None, description="The auditing organization's code; empty: your own"
    )
    lead: str | None = Field(None, description="The lead auditor's user name")
    method: str = Field("", max_length=10_000)


class AuditPatch(VersionedPatch):
    title: str | None = Field(None, min_length=1, max_length=200)
    method: str | None = Field(None, max_length=10_000)
    conclusion: str | None = Field(None, max_length=20_000)
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    lead: str | None = Field(None, description="The lead auditor's user name; null: none")


class StatusIn(Schema):
    status: AuditStatus


class ScopeIn(Schema):
    systems: list[str] = Field(min_length=1, max_length=500)
    baseline: str | None = Field(None, description="Default: the audit's baseline")


class NextCycleIn(Schema):
    fiscal_year: int | None = Field(None, ge=2000, le=2100)


class PlanEntryOut(Schema):
    organization: str
    name: str
    kind: str
    interval_years: int
    last_year: int | None
    due: bool
    covered: bool
    gap: bool
    audits: list[str]
    systems: int
    systems_covered: int


class PlanOut(Schema):
    fiscal_year: int
    items: list[PlanEntryOut]
    count: int


# --- results -------------------------------------------------------------------------------


class ResultOut(Schema):
    id: int
    system: str
    control: str = Field(description="The control's published id (label)")
    control_id: str = Field(description="The control's OSCAL id")
    title: str
    status: str
    note: str
    claimed: str
    claim_note: str
    previous_status: str
    updated_at: dt.datetime | None
    version: int = Field(description="Goes up with every saved change of the result")


class ResultsPage(Schema):
    items: list[ResultOut]
    count: int


class ResultFilters(Schema):
    system: str = Field("", description="A system id")
    status: ResultStatus | None = None
    claimed: ResultStatus | None = None
    search: str = Field("", description="Part of the control's id or title")
    limit: int = Field(2000, ge=1, le=5000)
    offset: int = Field(0, ge=0)


class ResultEntryIn(Schema):
    """One result to change: by ``id``, or by ``system`` and ``control``."""

    id: int | None = None
    system: str | None = None
    control: str | None = None
    status: str | None = None
    note: str | None = None
    claimed: str | None = None
    claim_note: str | None = None
    version: int | None = Field(
        None,
        ge=0,
        description=(
            "The result's version as you read it: a result changed meanwhile is refused "
            "(409 when every problem is one of these) instead of overwritten"
        ),
    )
    expected: dict[Literal["status", "note", "claimed", "claim_note"], str | None] | None = Field(
        None,
        description=(
            "What the fields you change hold now, as you read them; a value changed meanwhile "
            "by someone else is refused instead of overwritten."
        ),
    )


class ResultPatch(VersionedPatch):
    """One result's fields to change, checked as one entry of the bulk save."""

    status: str | None = Field(None, description="The auditors' result")
    note: str | None = Field(None, description="The auditors' note")
    claimed: str | None = Field(None, description="The audited organization's self-assessment")
    claim_note: str | None = Field(None, description="The self-assessment's note")


class ResultsIn(Schema):
    results: list[ResultEntryIn] = Field(max_length=MAX_RESULT_ENTRIES)


class ChangedOut(Schema):
    changed: int


class ResultsImportOut(ChangedOut, ReadAsOut):
    """How many results an imported file changed, and how a CSV file was read."""


class ResultsImportIn(Schema):
    format: Literal["csv", "xlsx", "oscal"] = "csv"


class SummaryRowOut(Schema):
    system: str
    counts: dict[str, int]
    total: int


class SummaryOut(Schema):
    by_system: list[SummaryRowOut]
    totals: dict[str, int]
    count: int
    assessed: int


class AuditSummaryOut(Schema):
    results: SummaryOut = Field(description="The auditors' results")
    claims: SummaryOut = Field(description="The audited organization's self-assessment")


# --- findings and corrective actions -------------------------------------------------------


class FindingOut(VersionedOut):
    number: int
    label: str
    title: str
    severity: Severity
    grade: NonconformityGrade
    risk: str
    root_cause: str
    recommendation: str
    status: str
    controls: list[str]
    systems: list[str]
    follow_up: str | None
    actions: int

    @staticmethod
    def resolve_controls(obj) -> list[str]:
        return [c.label for c in sorted(obj.controls.all(), key=lambda c: c.position)]

    @staticmethod
    def resolve_systems(obj) -> list[str]:
        return sorted(s.code for s in obj.systems.all())

    @staticmethod
    def resolve_follow_up(obj) -> str | None:
        return obj.follow_up.number if obj.follow_up_id else None

    @staticmethod
    def resolve_actions(obj) -> int:
        return len(obj.actions.all())


class FindingIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    severity: Severity
    grade: NonconformityGrade
    risk: str = Field(min_length=1, max_length=20_000)
    root_cause: str = Field("", max_length=20_000)
    recommendation: str = Field("", max_length=20_000)
    controls: list[str] = Field(default_factory=list, max_length=500)
    systems: list[str] = Field(default_factory=list, max_length=500)


class FindingPatch(VersionedPatch):
    title: str | None = Field(None, min_length=1, max_length=200)
    severity: Severity | None = None
    grade: NonconformityGrade | None = None
    risk: str | None = Field(None, min_length=1, max_length=20_000)
    root_cause: str | None = Field(None, max_length=20_000)
    recommendation: str | None = Field(None, max_length=20_000)
    controls: list[str] | None = Field(None, max_length=500)
    systems: list[str] | None = Field(None, max_length=500)


class FollowUpIn(Schema):
    due_date: dt.date
    reason: str = Field("", max_length=20_000)


class MilestoneOut(Schema):
    id: int
    title: str
    due_date: dt.date
    done_on: dt.date | None


class MilestoneIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    due_date: dt.date


class ActionOut(VersionedOut):
    id: int
    finding: int = Field(alias="finding.number")
    title: str
    description: str
    owner: str = Field(alias="owner.code")
    owner_contact: str
    due_date: dt.date
    status: ActionStatus
    completed_on: dt.date | None
    verified_by: str | None
    verified_on: dt.date | None
    verification_note: str
    overdue: bool
    milestones: list[MilestoneOut]

    @staticmethod
    def resolve_verified_by(obj) -> str | None:
        return obj.verified_by.username if obj.verified_by_id else None

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.is_overdue(timezone.localdate())

    @staticmethod
    def resolve_milestones(obj) -> list:
        return list(obj.milestones.all())


class ActionIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=20_000)
    owner_contact: str = Field("", max_length=150)
    due_date: dt.date
    milestones: list[MilestoneIn] = Field(default_factory=list, max_length=100)


class ActionPatch(VersionedPatch):
    title: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=20_000)
    owner_contact: str | None = Field(None, max_length=150)
    due_date: dt.date | None = None
    status: ActionStatus | None = None


class VerifyIn(Schema):
    accepted: bool
    note: str = Field("", max_length=20_000)


# --- evidence ------------------------------------------------------------------------------


class RevisionOut(Schema):
    number: int
    filename: str
    content_type: str
    size: int
    sha256: str
    effective_date: dt.date
    expiry_date: dt.date | None
    uploaded_at: dt.datetime


class EvidenceOut(Schema):
    id: int
    title: str
    result: int | None = Field(alias="result_id")
    system: str | None
    control: str | None
    finding: int | None
    revisions: int
    latest: RevisionOut | None
    expired: bool

    @staticmethod
    def resolve_system(obj) -> str | None:
        return obj.result.system.code if obj.result_id else None

    @staticmethod
    def resolve_control(obj) -> str | None:
        return obj.result.control.label if obj.result_id else None

    @staticmethod
    def resolve_finding(obj) -> int | None:
        return obj.finding.number if obj.finding_id else None

    @staticmethod
    def resolve_revisions(obj) -> int:
        return len(obj.revisions.all())

    @staticmethod
    def resolve_latest(obj):
        return max(obj.revisions.all(), key=lambda r: r.number, default=None)

    @staticmethod
    def resolve_expired(obj) -> bool:
        latest = max(obj.revisions.all(), key=lambda r: r.number, default=None)
        return bool(latest and latest.is_expired(timezone.localdate()))


class EvidenceIn(Schema):
    title: str = Field("", max_length=200, description="Default: the file's name")
    result: int | None = Field(None, description="The control result's id")
    finding: int | None = Field(None, description="The finding's number")
    effective_date: dt.date | None = None
    expiry_date: dt.date | None = None


class ExportFormat(Schema):
    format: Literal[
        "oscal-ar", "oscal-poam", "pdf", "xlsx", "results-csv", "findings-csv", "actions-csv"
    ] = Field(
        description=(
            "oscal-ar, oscal-poam: OSCAL JSON; pdf: the report; xlsx: one workbook (results, "
            "findings, corrective actions); results-csv, findings-csv, actions-csv: one CSV "
            "(UTF-8 with BOM) each. The results sheet and CSV import back through "
            "results/import."
        )
    )
    language: Literal["ja", "en"] | None = Field(
        None, description="Of the report and the spreadsheets' headers; default: the request's"
    )
