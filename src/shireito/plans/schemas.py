"""What the plan's API reads and answers. Content names what it refers to by code (an area's,
an organisation's, a system's, a catalog's key and a control's label) and principles by their
number, as the import files do."""

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from shireito.core.schemas import VersionedOut, VersionedPatch
from shireito.plans.choices import Direction, EditionStatus, MeasureStatus

CODE = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$"


# --- editions ------------------------------------------------------------------------------


class EditionOut(VersionedOut):
    year: int
    title: str
    title_en: str
    status: EditionStatus
    author: str = Field(alias="author.code")
    decided_on: dt.date | None
    published_at: dt.datetime | None
    based_on: int | None = Field(None, description="The year of the edition it was copied from")
    report_due_days: int

    @staticmethod
    def resolve_based_on(obj) -> int | None:
        return obj.based_on.year if obj.based_on_id else None


class EditionIn(Schema):
    year: int = Field(ge=2000, le=2100)
    title: str = Field(min_length=1, max_length=200)
    title_en: str = Field("", max_length=200)
    report_due_days: int = Field(30, ge=1, le=120)
    decided_on: dt.date | None = None
    copy_from: int | None = Field(
        None, description="Start as a copy of this edition (its year): areas, measures, KPIs…"
    )


class EditionPatch(VersionedPatch):
    title: str | None = Field(None, min_length=1, max_length=200)
    title_en: str | None = Field(None, max_length=200)
    report_due_days: int | None = Field(None, ge=1, le=120)
    decided_on: dt.date | None = None


class EditionPublishIn(Schema):
    decided_on: dt.date | None = Field(
        None, description="The day the Cabinet decided the edition (default: as stored)"
    )


# --- areas ---------------------------------------------------------------------------------


class AreaOut(Schema):
    code: str
    parent: str | None = Field(None, description="The code of the area it lies within")
    name: str
    name_en: str
    position: int

    @staticmethod
    def resolve_parent(obj) -> str | None:
        return obj.parent.code if obj.parent_id else None


class AreaIn(Schema):
    code: str = Field(pattern=CODE)
    parent: str | None = None
    name: str = Field(min_length=1, max_length=300)
    name_en: str = Field("", max_length=300)
    position: int = Field(0, ge=0, le=1_000_000)


class AreaPatch(Schema):
    parent: str | None = None
    name: str | None = Field(None, min_length=1, max_length=300)
    name_en: str | None = Field(None, max_length=300)
    position: int | None = Field(None, ge=0, le=1_000_000)


# --- measures ------------------------------------------------------------------------------


class InterimTargetIn(Schema):
    due_on: dt.date
    value: Decimal = Field(max_digits=20, decimal_places=4)


class InterimTargetOut(Schema):
    """Apart from ``InterimTargetIn``: ninja documents a decimal differently for reading and
    writing, and one name cannot carry both."""

    due_on: dt.date
    value: Decimal


class KpiOut(VersionedOut):
    code: str
    name: str
    name_en: str
    unit: str
    unit_en: str
    direction: Direction
    baseline_value: Decimal
    baseline_date: dt.date
    target_value: Decimal
    target_date: dt.date
    source: str
    position: int
    interim_targets: list[InterimTargetOut]

    @staticmethod
    def resolve_interim_targets(obj) -> list:
        return list(obj.interim_targets.all())


class KpiIn(Schema):
    code: str = Field(pattern=CODE)
    name: str = Field(min_length=1, max_length=300)
    name_en: str = Field("", max_length=300)
    unit: str = Field(min_length=1, max_length=40)
    unit_en: str = Field("", max_length=40)
    direction: Direction = Direction.UP
    baseline_value: Decimal = Field(max_digits=20, decimal_places=4)
    baseline_date: dt.date
    target_value: Decimal = Field(max_digits=20, decimal_places=4)
    target_date: dt.date
    source: str = Field("", max_length=300)
    position: int = Field(0, ge=0, le=1_000_000)
    interim_targets: list[InterimTargetIn] = Field(default_factory=list, max_length=200)


class KpiPatch(VersionedPatch):
    name: str | None = Field(None, min_length=1, max_length=300)
    name_en: str | None = Field(None, max_length=300)
    unit: str | None = Field(None, min_length=1, max_length=40)
    unit_en: str | None = Field(None, max_length=40)
    direction: Direction | None = None
    baseline_value: Decimal | None = Field(None, max_digits=20, decimal_places=4)
    baseline_date: dt.date | None = None
    target_value: Decimal | None = Field(None, max_digits=20, decimal_places=4)
    target_date: dt.date | None = None
    source: str | None = Field(None, max_length=300)
    position: int | None = Field(None, ge=0, le=1_000_000)
    interim_targets: list[InterimTargetIn] | None = Field(
        None, max_length=200, description="Replaces the KPI's interim targets"
    )


class PlanMilestoneOut(VersionedOut):
    id: int
    name: str
    name_en: str
    fiscal_year: int
    quarter: int
    planned_on: dt.date
    done_on: dt.date | None
    position: int


class PlanMilestoneIn(Schema):
    name: str = Field(min_length=1, max_length=300)
    name_en: str = Field("", max_length=300)
    fiscal_year: int = Field(ge=2000, le=2100)
    quarter: int = Field(ge=1, le=4)
    planned_on: dt.date
    position: int = Field(0, ge=0, le=1_000_000)


class PlanMilestonePatch(VersionedPatch):
    name: str | None = Field(None, min_length=1, max_length=300)
    name_en: str | None = Field(None, max_length=300)
    fiscal_year: int | None = Field(None, ge=2000, le=2100)
    quarter: int | None = Field(None, ge=1, le=4)
    planned_on: dt.date | None = None
    position: int | None = Field(None, ge=0, le=1_000_000)


class BudgetLinkSchema(Schema):
    system: str
    fiscal_year: int = Field(ge=2000, le=2100)
    share: int = Field(100, ge=1, le=100)


class ControlLinkSchema(Schema):
    catalog: str
    control: str | None = Field(None, description="The control's label; null: the whole catalog")


class MeasureOut(VersionedOut):
    code: str
    area: str = Field(alias="area.code")
    name: str
    name_en: str
    description: str
    description_en: str
    lead: str = Field(alias="lead.code")
    co_responsible: list[str]
    principles: list[int]
    target_state: str
    target_state_en: str
    deadline: dt.date | None
    status: MeasureStatus
    position: int
    kpis: list[KpiOut]
    milestones: list[PlanMilestoneOut]
    systems: list[str]
    budget_lines: list[BudgetLinkSchema]
    controls: list[ControlLinkSchema]
    hidden_links: int = Field(
        0,
        description="Links to systems, budget lines or catalogs you may not see, left out "
        "of the lists above",
    )

    @staticmethod
    def resolve_co_responsible(obj) -> list[str]:
        return sorted(o.code for o in obj.co_responsible.all())

    @staticmethod
    def resolve_principles(obj) -> list[int]:
        return sorted(p.number for p in obj.principles.all())

    @staticmethod
    def resolve_kpis(obj) -> list:
        return list(obj.kpis.all())

    @staticmethod
    def resolve_milestones(obj) -> list:
        return list(obj.milestones.all())

    @staticmethod
    def resolve_systems(obj) -> list[str]:
        return sorted(link.system.code for link in obj.visible_system_links)

    @staticmethod
    def resolve_budget_lines(obj) -> list[dict]:
        return [
            {
                "system": link.budget_line.system.code,
                "fiscal_year": link.budget_line.fiscal_year,
                "share": link.share,
            }
            for link in obj.visible_budget_links
        ]

    @staticmethod
    def resolve_controls(obj) -> list[dict]:
        return [
            {"catalog": link.catalog.key, "control": link.control.label if link.control else None}
            for link in obj.visible_control_links
        ]


class MeasureListOut(Schema):
    code: str
    area: str = Field(alias="area.code")
    name: str
    name_en: str
    lead: str = Field(alias="lead.code")
    deadline: dt.date | None
    status: MeasureStatus
    position: int
    version: int


class _MeasureLinks(Schema):
    co_responsible: list[str] | None = Field(None, max_length=100)
    principles: list[int] | None = Field(None, max_length=10)
    systems: list[str] | None = Field(None, max_length=1000)
    budget_lines: list[BudgetLinkSchema] | None = Field(None, max_length=1000)
    controls: list[ControlLinkSchema] | None = Field(None, max_length=1000)


class MeasureIn(_MeasureLinks):
    code: str = Field(pattern=CODE)
    area: str
    name: str = Field(min_length=1, max_length=300)
    name_en: str = Field("", max_length=300)
    description: str = Field("", max_length=20_000)
    description_en: str = Field("", max_length=20_000)
    lead: str
    target_state: str = Field("", max_length=20_000)
    target_state_en: str = Field("", max_length=20_000)
    deadline: dt.date | None = None
    status: MeasureStatus = MeasureStatus.NOT_STARTED
    position: int = Field(0, ge=0, le=1_000_000)


class MeasurePatch(_MeasureLinks, VersionedPatch):
    area: str | None = None
    name: str | None = Field(None, min_length=1, max_length=300)
    name_en: str | None = Field(None, max_length=300)
    description: str | None = Field(None, max_length=20_000)
    description_en: str | None = Field(None, max_length=20_000)
    lead: str | None = None
    target_state: str | None = Field(None, max_length=20_000)
    target_state_en: str | None = Field(None, max_length=20_000)
    deadline: dt.date | None = None
    status: MeasureStatus | None = None
    position: int | None = Field(None, ge=0, le=1_000_000)


# --- import --------------------------------------------------------------------------------


class EditionImportOut(Schema):
    year: int
    new_edition: bool = Field(description="Whether the import starts a new draft edition")
    written: bool = Field(description="false for a check (dry_run): nothing was written")
    counts: dict[str, int] = Field(description="Rows per table: areas, measures, kpis, …")


# --- what changed between two editions (selectors.diff) ------------------------------------


class DiffFieldOut(Schema):
    field: str
    label: str = Field(description="The field's name in the caller's language")
    old: str = Field(description="As people read it (codes, ISO dates, plain numbers)")
    new: str


class DiffItemOut(Schema):
    """A measure or KPI added or removed."""

    code: str
    name: str
    name_en: str


class DiffKpiChangeOut(Schema):
    code: str
    fields: list[DiffFieldOut]


class DiffMeasureChangeOut(Schema):
    code: str
    name: str = Field(description="The name in the edition compared")
    name_en: str
    fields: list[DiffFieldOut]
    kpis_added: list[DiffItemOut]
    kpis_removed: list[DiffItemOut]
    kpis_changed: list[DiffKpiChangeOut]

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.new.name

    @staticmethod
    def resolve_name_en(obj) -> str:
        return obj.new.name_en


class EditionDiffOut(Schema):
    edition: int = Field(description="The year of the edition compared")
    against: int = Field(description="The year of the edition it is compared against")
    added: list[DiffItemOut]
    removed: list[DiffItemOut]
    changed: list[DiffMeasureChangeOut]

    @staticmethod
    def resolve_edition(obj) -> int:
        return obj.new.year

    @staticmethod
    def resolve_against(obj) -> int:
        return obj.old.year
