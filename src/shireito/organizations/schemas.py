import datetime as dt

from ninja import Field, Schema

from shireito.core.schemas import VersionedOut, VersionedPatch
from shireito.organizations.choices import (
    GovernanceRole,
    LocalGovernmentLevel,
    MandateKind,
    OpenQuestionSetting,
    OrganizationKind,
    SystemCategory,
)


class FormerNameOut(Schema):
    name: str
    name_en: str
    valid_from: dt.date | None
    valid_to: dt.date


class OrganizationOut(Schema):
    code: str
    name: str = Field(description="Official name in Japanese")
    name_en: str
    kind: OrganizationKind
    parent_code: str | None = Field(None, alias="parent.code")
    local_government_level: LocalGovernmentLevel | None = None
    sector_code: str | None = Field(None, alias="sector.code")
    corporate_number: str
    local_government_code: str
    valid_from: dt.date | None
    valid_to: dt.date | None

    @staticmethod
    def resolve_local_government_level(obj):
        return obj.local_government_level or None


class OrganizationDetailOut(OrganizationOut, VersionedOut):
    former_names: list[FormerNameOut]

    @staticmethod
    def resolve_former_names(obj):
        return list(obj.former_names.all())


class OrganizationFilters(Schema):
    search: str = Field("", description="Part of the code or name, or an exact identifier")
    kind: OrganizationKind | None = None
    parent: str = Field("", description="Code of the supervising organization")
    sector: str = Field("", description="Code of the critical-infrastructure sector")


class OrganizationIn(Schema):
    code: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    name_en: str = Field("", max_length=200)
    kind: OrganizationKind
    parent: str | None = Field(None, description="Code of the supervising organization")
    local_government_level: LocalGovernmentLevel | None = None
    sector: str | None = Field(
        None, description="Sector code, for critical-infrastructure operators"
    )
    corporate_number: str = ""
    local_government_code: str = ""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


class OrganizationPatch(VersionedPatch):
    """Only the fields sent are changed. ``null`` clears an optional field (English name,
    parent, level, sector, corporate number, local government code, dates); name and kind
    cannot be cleared."""

    name: str | None = Field(None, min_length=1, max_length=200)
    name_en: str | None = Field(None, max_length=200)
    name_effective_from: dt.date | None = Field(None, description="When a new name takes effect")
    kind: OrganizationKind | None = None
    parent: str | None = None
    local_government_level: LocalGovernmentLevel | None = None
    sector: str | None = None
    corporate_number: str | None = None
    local_government_code: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


class SectorOut(Schema):
    code: str
    name: str
    name_en: str
    supervising_ministry_code: str | None = Field(None, alias="supervising_ministry.code")


class SectorPatch(Schema):
    supervising_ministry: str | None = Field(description="Code of the ministry, or null")


class RoleHoldingOut(Schema):
    role: GovernanceRole
    organization_code: str = Field(alias="organization.code")
    valid_from: dt.date | None
    valid_to: dt.date | None


class RoleHandoverIn(Schema):
    role: GovernanceRole
    organization: str = Field(description="Code of the new holder")
    on: dt.date


class GovernanceModelSummary(Schema):
    key: str
    version: int
    title: str
    title_en: str
    active: bool


class RelationOut(Schema):
    relation: str
    subject: str = Field(
        description="A selector (role:…, kind:…), standard:<key> or category:<category>"
    )
    object: str
    detail: str


class GovernanceModelOut(Schema):
    key: str
    version: int
    title: str
    title_en: str
    open_question: OpenQuestionSetting | None
    definition: dict = Field(description="The model as declared in its file")
    relations: list[RelationOut]


class ComparisonOut(Schema):
    a: str
    b: str
    only_a: list[RelationOut]
    only_b: list[RelationOut]
    common: int


class GovernanceSettingsOut(Schema):
    active_model: str
    open_question: OpenQuestionSetting
    route_choices: dict[str, str]


class GovernanceSettingsIn(Schema):
    active_model: str
    open_question: OpenQuestionSetting
    route_choices: dict[str, str] = Field(
        default_factory=dict,
        description="Default route per reporter, e.g. {'kind:independent_agency': 'via-ipa'}",
    )


class AuditDecisionOut(Schema):
    allowed: bool
    mandate: str | None
    kind: MandateKind | None
    capacity: str = Field(
        description="auditor, entrusting (holds it; IPA carries it out) or entrusted"
    )
    rule: str = Field(
        description="The rule that decided, cited as `<model> v<version> › <section> › <entry>`; "
        "a refusal gives its reason instead, in the request's language"
    )
    rule_label: str = Field(description="The rule in words, in the request's language")


class AuditAnswer(AuditDecisionOut):
    """The first mandate that applies, and every one that does."""

    mandates: list[AuditDecisionOut]


# Named apart from the incident app's route schemas: OpenAPI components share one namespace.
class GovernanceHopOut(Schema):
    place: str = Field(description="The selector of the hop in the model")
    organization_code: str | None


class GovernanceRouteOut(Schema):
    key: str
    default: bool
    complete: bool
    hops: list[GovernanceHopOut]


class RouteAnswer(Schema):
    reporter: str
    routes: list[GovernanceRouteOut]
    rule: str = Field(
        description="The rule that decided, cited as `<model> v<version> › <section> › <entry>`; "
        "a refusal gives its reason instead, in the request's language"
    )
    rule_label: str = Field(description="The rule in words, in the request's language")


class BuilderAnswer(Schema):
    category: SystemCategory
    builders: list[str]
    rule: str = Field(
        description="The rule that decided, cited as `<model> v<version> › <section> › <entry>`; "
        "a refusal gives its reason instead, in the request's language"
    )
    rule_label: str = Field(description="The rule in words, in the request's language")
