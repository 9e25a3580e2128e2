import datetime as dt

from django.utils import timezone
from ninja import Field, Schema

from shireito.core.schemas import ReadAsOut, VersionedOut, VersionedPatch
from shireito.organizations.choices import SystemCategory
from shireito.registry.choices import (
    CloudProvider,
    Hosting,
    LifecyclePhase,
    MigrationStatus,
    StandardBusiness,
)
from shireito.registry.selectors import related_shown


class SystemOut(VersionedOut):
    code: str
    name: str
    name_en: str
    owner: str = Field(alias="owner.code")
    category: SystemCategory
    builder: str = Field(alias="builder.code")
    important: bool
    phase: LifecyclePhase
    phase_since: dt.date | None
    operation_start: dt.date | None
    retirement_date: dt.date | None
    hosting: Hosting
    cloud_provider: str
    confidentiality: int
    integrity: int
    availability: int
    people_served: int | None
    contact_name: str
    contact_email: str
    standard_business: str
    migration_status: str
    migration_target: dt.date | None
    special_support_deadline: dt.date | None
    related: list[str]

    @staticmethod
    def resolve_related(obj, context):
        return sorted(other.code for other in related_shown(context["request"].auth, obj))


class SystemFilters(Schema):
    search: str = Field("", description="Part of the id or either name")
    owner: str = Field("", description="Owner's organization code")
    category: SystemCategory | None = None
    phase: LifecyclePhase | None = None
    hosting: Hosting | None = None
    important: bool | None = None
    standard_business: StandardBusiness | None = None
    migration_status: MigrationStatus | None = None
    sort: str = Field("code", pattern="^-?(code|name|owner|category|phase|updated)$")


class SystemIn(Schema):
    code: str = Field(min_length=2, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    name_en: str = Field("", max_length=200)
    owner: str = Field(description="Owner's organization code")
    category: SystemCategory
    builder: str | None = Field(
        None, description="Builder's code; empty: the one the governance model names"
    )
    important: bool = False
    phase: LifecyclePhase = LifecyclePhase.PLANNING
    phase_since: dt.date | None = None
    operation_start: dt.date | None = None
    retirement_date: dt.date | None = None
    hosting: Hosting = Hosting.ON_PREMISES
    cloud_provider: CloudProvider | None = None
    confidentiality: int = Field(2, ge=1, le=3)
    integrity: int = Field(2, ge=1, le=2)
    availability: int = Field(2, ge=1, le=2)
    people_served: int | None = Field(None, ge=0)
    contact_name: str = Field("", max_length=150)
    contact_email: str = Field("", max_length=254)
    standard_business: StandardBusiness | None = None
    migration_status: MigrationStatus | None = None
    migration_target: dt.date | None = None
    special_support_deadline: dt.date | None = None
    related: list[str] = Field(default_factory=list, description="Ids of related systems")


class SystemPatch(VersionedPatch):
    """Only the fields sent are changed."""

    name: str | None = Field(None, min_length=1, max_length=200)
    name_en: str | None = Field(None, max_length=200)
    owner: str | None = None
    category: SystemCategory | None = None
    builder: str | None = None
    important: bool | None = None
    phase: LifecyclePhase | None = None
    phase_since: dt.date | None = None
    operation_start: dt.date | None = None
    retirement_date: dt.date | None = None
    hosting: Hosting | None = None
    cloud_provider: CloudProvider | None = None
    confidentiality: int | None = Field(None, ge=1, le=3)
    integrity: int | None = Field(None, ge=1, le=2)
    availability: int | None = Field(None, ge=1, le=2)
    people_served: int | None = Field(None, ge=0)
    contact_name: str | None = Field(None, max_length=150)
    contact_email: str | None = Field(None, max_length=254)
    standard_business: StandardBusiness | None = None
    migration_status: MigrationStatus | None = None
    migration_target: dt.date | None = None
    special_support_deadline: dt.date | None = None
    related: list[str] | None = Field(None, description="Ids of related systems (replaces them)")
    reason: str = Field(
        "", description="Why, when a change of category takes the system out of oversight"
    )


class ImportProblemOut(Schema):
    row: int
    column: str | None
    message: str


class ImportResultOut(ReadAsOut):
    rows: int
    created: int
    updated: int
    written: bool
    problems: list[ImportProblemOut]


class BudgetLineOut(Schema):
    system: str = Field(alias="system.code")
    fiscal_year: int
    status: str
    development_requested: int
    operation_requested: int
    development_approved: int | None
    operation_approved: int | None
    development_executed: int | None
    operation_executed: int | None
    review_note: str


class BudgetRequestIn(Schema):
    fiscal_year: int = Field(ge=2000, le=2100)
    development: int = Field(ge=0, le=10**15, description="yen")
    operation: int = Field(ge=0, le=10**15, description="yen")


class BudgetReviewIn(Schema):
    note: str = ""


class BudgetDecisionIn(Schema):
    development_approved: int = Field(ge=0, le=10**15)
    operation_approved: int = Field(ge=0, le=10**15)
    note: str = ""


class BudgetExecutionIn(Schema):
    development_executed: int = Field(ge=0, le=10**15)
    operation_executed: int = Field(ge=0, le=10**15)


class RollupCell(Schema):
    requested: int
    approved: int | None
    executed: int | None
    undecided: int = Field(description="Budget lines still requested or in review")
    change: float | None = Field(
        description="Percent change of the approved amount on the year before (both decided)"
    )


class RollupRow(Schema):
    group: str
    label: str
    years: dict[int, RollupCell]


class RatingOut(Schema):
    system: str = Field(alias="system.code")
    risk: int
    reason: str
    rated_by: str
    rated_on: dt.date


class RatingIn(Schema):
    risk: int = Field(ge=1, le=5)
    reason: str = Field(min_length=1)


class RecommendationOut(Schema):
    number: str
    ministry: str = Field(alias="ministry.code")
    systems: list[str]
    reason: str
    due_date: dt.date
    status: str
    answer: str
    answered_on: dt.date | None
    closed_on: dt.date | None
    overdue: bool

    @staticmethod
    def resolve_systems(obj):
        return sorted(system.code for system in obj.systems.all())

    @staticmethod
    def resolve_overdue(obj):
        return obj.is_overdue(timezone.localdate())


class RecommendationIn(Schema):
    ministry: str
    systems: list[str] = Field(min_length=1)
    reason: str = Field(min_length=1)
    due_date: dt.date


class AnswerIn(Schema):
    answer: str = Field(min_length=1)


class MigrationFilters(Schema):
    search: str = Field("", description="Part of the system's id or names, or the owner's name")
    prefecture: str = Field(
        "", description="A prefecture's organization code: its own systems and its municipalities'"
    )
    owner: str = Field("", description="The owning local government's organization code")
    standard_business: StandardBusiness | None = None
    migration_status: MigrationStatus | None = None
    behind_target: bool = Field(
        False,
        description="Only systems past their target (end of FY2025 when none) or, under "
        "special support, past their extended deadline",
    )
    special_support: bool = Field(False, description="Only systems under special support")


class MigrationRowOut(Schema):
    """What coordination reads of a local-government system, and nothing more."""

    code: str
    name: str
    name_en: str
    owner: str = Field(alias="owner__code")
    owner_name: str = Field(alias="owner__name")
    owner_name_en: str = Field(alias="owner__name_en")
    prefecture: str | None = Field(alias="owner__parent__code")
    standard_business: StandardBusiness
    migration_status: str
    migration_target: dt.date | None
    special_support_deadline: dt.date | None
    behind_target: bool
