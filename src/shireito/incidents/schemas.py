"""The incident API's input and output shapes. Times are ISO 8601 with an offset: a time without
one is refused, naming its field."""

import datetime as dt
from typing import Literal

from ninja import Field, Schema
from pydantic import AwareDatetime, field_validator

from shireito.core.schemas import VersionedOut, VersionedPatch
from shireito.incidents import notices, selectors, stix
from shireito.incidents.choices import (
    Impact,
    IncidentCategory,
    IndicatorKind,
    ReportStatus,
)
from shireito.sharing.choices import Tlp

# A request names at most this many indicators or systems.
MAX_ITEMS = 1000


# --- reports -----------------------------------------------------------------------------------


class IndicatorIn(Schema):
    kind: IndicatorKind
    value: str = Field(min_length=1, max_length=2000)
    description: str = Field("", max_length=500)
    shareable: bool = Field(True, description="Whether the national centre may publish it")

    @field_validator("value")
    @classmethod
    def _a_stix_pattern_parses(cls, value: str, info):
        if info.data.get("kind") == IndicatorKind.STIX_PATTERN:
            problem = stix.pattern_problem(IndicatorKind.STIX_PATTERN, value)
            if problem:
                raise ValueError(f"not a STIX 2.1 pattern: {problem}")
        return value


class IndicatorOut(Schema):
    kind: str
    value: str
    description: str
    shareable: bool


class ReportIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    category: IncidentCategory
    impact: Impact | None = None
    impact_description: str = Field("", max_length=20_000)
    detected_at: AwareDatetime | None = None
    aware_at: AwareDatetime | None = None
    personal_data: bool = False
    personal_data_count: int | None = Field(None, ge=0)
    malicious: bool = False
    ransom_paid_at: AwareDatetime | None = None
    tlp: Tlp | None = None
    narrative: str = Field("", max_length=100_000)
    systems: list[str] = Field(
        default_factory=list, max_length=MAX_ITEMS, description="Affected system ids (your own)"
    )
    indicators: list[IndicatorIn] = Field(default_factory=list, max_length=MAX_ITEMS)


class ReportPatch(VersionedPatch):
    """A draft's fields; once the report is open, the reporter's update (with ``note``)."""

    title: str | None = Field(None, min_length=1, max_length=200)
    category: IncidentCategory | None = None
    impact: Impact | None = None
    impact_description: str | None = Field(None, max_length=20_000)
    detected_at: AwareDatetime | None = None
    aware_at: AwareDatetime | None = None
    personal_data: bool | None = None
    personal_data_count: int | None = Field(None, ge=0)
    malicious: bool | None = None
    ransom_paid_at: AwareDatetime | None = None
    tlp: Tlp | None = None
    narrative: str | None = Field(None, max_length=100_000)
    systems: list[str] | None = Field(None, max_length=MAX_ITEMS)
    indicators: list[IndicatorIn] | None = Field(None, max_length=MAX_ITEMS)
    note: str = Field("", max_length=20_000, description="What the update is about")
    expected_updated_at: AwareDatetime | None = Field(
        None,
        description="The report's updated_at as you read it: the change is refused if someone "
        "changed the report since",
    )


class ReportFilters(Schema):
    search: str = Field("", description="Part of the number, the title or the reporter's name")
    status: ReportStatus | None = None
    category: IncidentCategory | None = None
    waiting_for_me: bool = Field(False, description="Only reports waiting for my organization")


class ReportOut(Schema):
    number: str
    title: str
    status: ReportStatus
    category: IncidentCategory
    impact: Impact
    tlp: Tlp
    reporter: str = Field(alias="reporter.code")
    reporter_name: str = Field(alias="reporter.name")
    route: str = Field(alias="route_key")
    created_at: dt.datetime
    updated_at: dt.datetime
    submitted_at: dt.datetime | None
    closed_at: dt.datetime | None


class HopOut(Schema):
    position: int
    place: str
    organization: str = Field(alias="organization.code")
    organization_name: str = Field(alias="organization.name")
    status: str
    received_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    forwarded_at: dt.datetime | None


class EntryOut(Schema):
    id: int
    at: dt.datetime
    kind: str
    organization: str | None
    author: str | None
    hop: int | None = Field(description="The position of the hop that wrote it")
    text: str
    reply_to: int | None = Field(alias="reply_to_id")
    details: dict

    @staticmethod
    def resolve_organization(obj) -> str | None:
        return obj.organization.code if obj.organization_id else None

    @staticmethod
    def resolve_author(obj) -> str | None:
        return obj.author.username if obj.author_id else None

    @staticmethod
    def resolve_hop(obj) -> int | None:
        return obj.hop.position if obj.hop_id else None


class ClockOut(Schema):
    regime: str
    regime_name: str
    regime_name_en: str
    stage: str
    label: str
    label_en: str
    state: str
    starts_at: dt.datetime | None
    due_at: dt.datetime | None
    filed_at: dt.datetime | None

    @staticmethod
    def resolve_regime(obj) -> str:
        return obj.regime.key

    @staticmethod
    def resolve_regime_name(obj) -> str:
        return obj.regime.name

    @staticmethod
    def resolve_regime_name_en(obj) -> str:
        return obj.regime.name_en

    @staticmethod
    def resolve_stage(obj) -> str:
        return obj.stage.key

    @staticmethod
    def resolve_label(obj) -> str:
        return obj.stage.label

    @staticmethod
    def resolve_label_en(obj) -> str:
        return obj.stage.label_en


class AttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    created_at: dt.datetime


class ReportDetailOut(ReportOut, VersionedOut):
    impact_description: str
    detected_at: dt.datetime | None
    aware_at: dt.datetime | None
    personal_data: bool
    personal_data_count: int | None
    malicious: bool
    ransom_paid_at: dt.datetime | None
    narrative: str
    systems: list[str]
    route_rule: str
    regimes: list[str]
    closing_summary: str
    shared_title: str
    shared_summary: str
    shared_tlp: str
    shared_at: dt.datetime | None
    hops: list[HopOut]
    timeline: list[EntryOut]
    clocks: list[ClockOut]
    indicators: list[IndicatorOut]
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_systems(obj) -> list[str]:
        return sorted(system.code for system in obj.systems.all())

    @staticmethod
    def resolve_regimes(obj) -> list[str]:
        return sorted(regime.key for regime in obj.regimes.all())

    @staticmethod
    def resolve_hops(obj) -> list:
        return sorted(obj.hops.all(), key=lambda hop: hop.position)

    @staticmethod
    def resolve_timeline(obj) -> list:
        return list(selectors.timeline_of(obj))

    @staticmethod
    def resolve_clocks(obj) -> list:
        return selectors.clocks_of(obj)

    @staticmethod
    def resolve_indicators(obj) -> list:
        return list(obj.indicators.all())

    @staticmethod
    def resolve_attachments(obj) -> list:
        return list(obj.attachments.all())


# --- steps along the route ------------------------------------------------------------------


class SubmitIn(Schema):
    route_key: str | None = Field(
        None, max_length=64, description="One of the routes the model allows; empty: the default"
    )


class CommentIn(Schema):
    kind: Literal["question", "assessment"]
    text: str = Field(min_length=1, max_length=20_000)


class ReplyIn(Schema):
    question: int = Field(description="The question's timeline entry id")
    text: str = Field(min_length=1, max_length=20_000)


class ForwardIn(Schema):
    note: str = Field("", max_length=20_000)


class CloseIn(Schema):
    summary: str = Field(min_length=1, max_length=20_000)


class StageIn(Schema):
    regime: str = Field(max_length=64, description="The regime's key")
    stage: str = Field(max_length=64, description="The stage's key within the regime")


class FilingOut(Schema):
    regime: str
    stage: str
    filed_at: dt.datetime

    @staticmethod
    def resolve_regime(obj) -> str:
        return obj.stage.regime.key

    @staticmethod
    def resolve_stage(obj) -> str:
        return obj.stage.key


# --- reference data and choices ----------------------------------------------------------------


class RegimeStageOut(Schema):
    key: str
    label: str
    label_en: str
    anchor: str
    offset_hours: float
    condition: str
    required_fields: list[str]
    note: str
    note_en: str

    @staticmethod
    def resolve_offset_hours(obj) -> float:
        return obj.offset.total_seconds() / 3600


class RegimeOut(Schema):
    key: str
    name: str
    name_en: str
    authority: str
    authority_en: str
    description: str
    description_en: str
    all_reporters: bool
    reporter_kinds: list[str]
    sectors: list[str]
    organizations: list[str]
    personal_data_only: bool
    active: bool
    stages: list[RegimeStageOut]

    @staticmethod
    def resolve_organizations(obj) -> list[str]:
        return sorted(org.code for org in obj.organizations.all())

    @staticmethod
    def resolve_stages(obj) -> list:
        return list(obj.stages.all())


class RouteHopOut(Schema):
    place: str
    organization: str | None = Field(description="Who holds the place; null when nobody does")
    name: str | None
    hidden: bool = Field(description="Somebody holds it whom you may not see")


class RouteOut(Schema):
    key: str
    default: bool
    complete: bool = Field(description="Every place on the route is held")
    hops: list[RouteHopOut]


class RoutesOut(Schema):
    rule: str
    items: list[RouteOut]


# --- notices -------------------------------------------------------------------------------


class NoticeFilters(Schema):
    unread: bool = Field(False, description="Only notices not read yet")


class NoticeOut(Schema):
    id: int
    kind: str
    text: str
    report: str | None
    created_at: dt.datetime
    read_at: dt.datetime | None

    @staticmethod
    def resolve_text(obj) -> str:
        return notices.render(obj)

    @staticmethod
    def resolve_kind(obj) -> str:
        return obj.kind.removeprefix("incidents.")

    @staticmethod
    def resolve_report(obj) -> str | None:
        return obj.params.get("number")


class NoticesReadIn(Schema):
    ids: list[int] = Field(min_length=1, max_length=1000)


class NoticesReadOut(Schema):
    changed: int


# --- publication ------------------------------------------------------------------------------


class PublishIn(Schema):
    collection: str = Field(description="The TAXII collection's id")
    shared_title: str = Field(min_length=1, max_length=200)
    shared_summary: str = Field(min_length=1, max_length=20_000)
    shared_tlp: Tlp


class PublicationOut(Schema):
    number: str
    collection: str
    status: str = Field(description="The TAXII status resource of the write")
    objects: int
    shared_title: str
    shared_summary: str
    shared_tlp: str
    shared_at: dt.datetime | None
