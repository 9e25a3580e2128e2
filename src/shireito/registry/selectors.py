"""Reads of the portfolio, each scoped to what the user may see: the one door to
``core.scoping`` in this app. ``user=None`` is the command line (or open data) where said."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    Max,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from shireito.core.scoping import may_see_organization, visible_organization_ids, visible_to
from shireito.organizations.choices import ScopeClass, SystemCategory
from shireito.organizations.mandates import active_engine
from shireito.organizations.models import Organization
from shireito.registry.choices import MigrationStatus, StandardBusiness
from shireito.registry.models import (
    BudgetLine,
    InformationSystem,
    OversightRating,
    OversightSchedule,
    Recommendation,
)

if TYPE_CHECKING:
    from shireito.accounts.models import User

# The orders a list may be sorted by (public name → model ordering).
SORTS = {
    "code": "code",
    "-code": "-code",
    "name": "name",
    "-name": "-name",
    "owner": "owner__code",
    "-owner": "-owner__code",
    "category": "category",
    "phase": "phase",
    "updated": "-updated_at",
}


# --- systems -------------------------------------------------------------------------------


def system_list(
    *,
    user: User | None,
    search: str = "",
    owner: str = "",
    category: str = "",
    phase: str = "",
    hosting: str = "",
    important: bool | None = None,
    standard_business: str = "",
    migration_status: str = "",
    ministry: str = "",
    sort: str = "code",
) -> QuerySet[InformationSystem]:
    """The systems ``user`` may see, filtered and sorted; ``search`` matches the id and both
    names (case-insensitive); ``ministry`` takes a ministry's systems with those of the bodies
    it supervises (as the tower counts them)."""
    systems = visible_to(user, InformationSystem.objects.select_related("owner", "builder"))
    if search:
        systems = systems.filter(
            Q(code__icontains=search) | Q(name__icontains=search) | Q(name_en__icontains=search)
        )
    filters = {
        "owner__code": owner,
        "category": category,
        "phase": phase,
        "hosting": hosting,
        "standard_business": standard_business,
        "migration_status": migration_status,
    }
    systems = systems.filter(**{field: value for field, value in filters.items() if value})
    if ministry:
        systems = systems.filter(Q(owner__code=ministry) | Q(owner__parent__code=ministry))
    if important is not None:
        systems = systems.filter(important=important)
    return systems.order_by(SORTS.get(sort, "code"), "pk")


def system_get(*, user: User | None, code: str) -> InformationSystem | None:
    return (
        visible_to(user, InformationSystem.objects.select_related("owner", "builder"))
        .filter(code=code)
        .first()
    )


def systems_in_reach(user: User | None) -> QuerySet[InformationSystem]:
    """The systems an import may update or link: all of them for the command line."""
    systems = InformationSystem.objects.select_related("owner", "builder")
    return systems if user is None else visible_to(user, systems)


def systems_named(*, user: User | None, codes: list[str], field: str) -> list[InformationSystem]:
    """The systems ``codes`` name, as ``user`` sees them; an unknown or invisible id is an
    error on ``field`` (the same answer for both, so an id never tells it exists)."""
    found = {s.code: s for s in system_list(user=user).filter(code__in=codes)}
    missing = [code for code in codes if code not in found]
    if missing:
        raise ValidationError({field: _("Unknown system ids: %s") % ", ".join(missing)})
    return list(found.values())


def related_shown(user: User | None, system: InformationSystem) -> list[InformationSystem]:
    """The related systems ``user`` may see (links to others stay, unnamed). Filtered in
    memory: exports call this per row over prefetched links."""
    ids = visible_organization_ids(user, InformationSystem)
    if not isinstance(ids, set):  # ALL
        return list(system.related_systems.all())
    return [s for s in system.related_systems.all() if s.owner_id in ids]


def related_kept(
    user: User | None, system: InformationSystem, chosen: list[InformationSystem]
) -> list[InformationSystem]:
    """``chosen`` plus the existing links ``user`` cannot see: saving a form never drops what
    the user was not shown."""
    shown = {s.pk for s in related_shown(user, system)}
    hidden = [s for s in system.related_systems.all() if s.pk not in shown]
    return [*chosen, *hidden]


def redact_related(user: User | None, changes: dict) -> dict:
    """In recorded changes of related systems, ids of systems the reader may not see become
    "[hidden]"."""
    if not isinstance(changes, dict) or "related_systems" not in changes:
        return changes
    pair = changes["related_systems"]
    codes = {c for side in pair for c in (side if isinstance(side, list) else [side]) if c}
    visible = set(
        visible_to(user, InformationSystem.objects.filter(code__in=codes)).values_list(
            "code", flat=True
        )
    )

    def hide(side):
        if isinstance(side, list):
            return [c if c in visible else "[hidden]" for c in side]
        return side if side is None or side in visible else "[hidden]"

    return {**changes, "related_systems": [hide(side) for side in pair]}


def row_of(system: InformationSystem, user: User | None = None) -> dict[str, Any]:
    """A system's values as exported; related systems only those ``user`` may see
    (``user=None``: the command line, all of them)."""
    related = system.related_systems.all() if user is None else related_shown(user, system)
    return {
        "code": system.code,
        "name": system.name,
        "name_en": system.name_en,
        "owner": system.owner.code,
        "category": system.category,
        "builder": system.builder.code,
        "important": system.important,
        "phase": system.phase,
        "phase_since": system.phase_since,
        "operation_start": system.operation_start,
        "retirement_date": system.retirement_date,
        "hosting": system.hosting,
        "cloud_provider": system.cloud_provider,
        "confidentiality": system.confidentiality,
        "integrity": system.integrity,
        "availability": system.availability,
        "people_served": system.people_served,
        "contact_name": system.contact_name,
        "contact_email": system.contact_email,
        "standard_business": system.standard_business,
        "migration_status": system.migration_status,
        "migration_target": system.migration_target,
        "special_support_deadline": system.special_support_deadline,
        "related": sorted(other.code for other in related),
    }


# --- local governments' migration to standard-conformant systems -------------------------

# The national target: every standard business migrated by the end of FY2025.
MIGRATION_DEADLINE = dt.date(2026, 3, 31)

# What coordination reads of a system, and nothing else (ADR 0003, addendum): a page, an
# export or the API built on ``migration_list`` cannot reach the other fields.
MIGRATION_FIELDS = (
    "code",
    "name",
    "name_en",
    "owner__code",
    "owner__name",
    "owner__name_en",
    "owner__parent__code",
    "owner__parent__name",
    "owner__parent__name_en",
    "standard_business",
    "migration_status",
    "migration_target",
    "special_support_deadline",
)


def behind_target_condition(today: dt.date) -> Q:
    """Not migrated and past its target (the end of FY2025 when it has none); under special
    support, past its extended deadline instead."""
    return Q(
        ~Q(migration_status__in=[MigrationStatus.MIGRATED, MigrationStatus.SPECIAL_SUPPORT]),
        effective_target__lt=today,
    ) | Q(migration_status=MigrationStatus.SPECIAL_SUPPORT, special_support_deadline__lt=today)


def migration_list(
    *,
    user: User | None,
    prefecture: str = "",
    owner: str = "",
    standard_business: str = "",
    migration_status: str = "",
    behind_target: bool = False,
    special_support: bool = False,
    search: str = "",
    today: dt.date | None = None,
) -> QuerySet:
    """Local-government systems serving a standard business, as rows of ``MIGRATION_FIELDS``
    (plus ``behind_target``): those the user coordinates (the coordination scope class) and
    those of their ordinary portfolio. ``prefecture`` is a prefecture's code: its own systems
    and its municipalities'; ``owner`` one organisation's code."""
    local = InformationSystem.objects.filter(
        category=SystemCategory.LOCAL_GOVERNMENT_SYSTEM
    ).exclude(standard_business="")
    if user is not None:
        local = visible_to(user, local, scope_class=ScopeClass.COORDINATION) | visible_to(
            user, local
        )
    if prefecture:
        local = local.filter(Q(owner__code=prefecture) | Q(owner__parent__code=prefecture))
    if owner:
        local = local.filter(owner__code=owner)
    if standard_business:
        local = local.filter(standard_business=standard_business)
    if migration_status:
        local = local.filter(migration_status=migration_status)
    if special_support:
        local = local.filter(migration_status=MigrationStatus.SPECIAL_SUPPORT)
    if search:
        local = local.filter(
            Q(code__icontains=search)
            | Q(name__icontains=search)
            | Q(name_en__icontains=search)
            | Q(owner__name__icontains=search)
            | Q(owner__name_en__icontains=search)
        )
    today = today or timezone.localdate()
    local = local.annotate(effective_target=Coalesce("migration_target", Value(MIGRATION_DEADLINE)))
    if behind_target:
        local = local.filter(behind_target_condition(today))
    return (
        local.annotate(
            behind_target=ExpressionWrapper(
                behind_target_condition(today), output_field=BooleanField()
            )
        )
        .values(*MIGRATION_FIELDS, "behind_target")
        .order_by("code")
    )


def migration_shown(rows) -> list[dict[str, Any]]:
    """Rows of ``migration_list`` with what a person reads: names in the active language and
    the business and status as words."""
    english = get_language() == "en"

    def named(row: dict, prefix: str) -> str:
        return (english and row[f"{prefix}name_en"]) or row[f"{prefix}name"] or ""

    return [
        {
            **row,
            "system_name": named(row, ""),
            "owner_name": named(row, "owner__"),
            "prefecture_name": named(row, "owner__parent__"),
            "business_label": StandardBusiness(row["standard_business"]).label,
            "status_label": MigrationStatus(row["migration_status"]).label
            if row["migration_status"]
            else _("not recorded"),
        }
        for row in rows
    ]


# --- oversight: who is overseen, ratings -----------------------------------------------------


def overseen_categories(engine=None) -> set[str]:
    engine = engine or active_engine()
    return {str(c) for o in engine.model.oversight for c in o.categories}


def is_overseen(system: InformationSystem, engine=None) -> bool:
    return system.category in overseen_categories(engine)


def oversight_visible(user: User | None, system: InformationSystem) -> bool:
    """Whether ``user`` may see the oversight data (budget, ratings) of ``system``'s owner."""
    return may_see_organization(user, BudgetLine, system.owner_id)


def ratings_of(*, user: User | None, system: InformationSystem) -> QuerySet[OversightRating]:
    """A system's risk ratings the user may see (the owner's and the overseer's), newest first."""
    return visible_to(user, OversightRating.objects.filter(system=system)).order_by(
        "-rated_on", "-id"
    )


def latest_ratings(*, user: User | None, system_ids) -> dict[int, OversightRating]:
    """Each system's latest risk rating the user may see, for many systems in one query."""
    ratings = visible_to(user, OversightRating.objects.filter(system_id__in=list(system_ids)))
    latest: dict[int, OversightRating] = {}
    for rating in ratings.order_by("system_id", "-rated_on", "-id"):
        latest.setdefault(rating.system_id, rating)
    return latest


def schedule() -> OversightSchedule:
    return OversightSchedule.objects.filter(id=1).first() or OversightSchedule()


def stale_before(today: dt.date | None = None) -> dt.date:
    return (today or timezone.localdate()) - dt.timedelta(days=schedule().rating_interval_days)


def with_latest_rating(systems: QuerySet[InformationSystem]) -> QuerySet[InformationSystem]:
    return systems.annotate(last_rated=Max("ratings__rated_on"))


def ratings_due(
    systems: QuerySet[InformationSystem], today: dt.date | None = None, *, user: User | None = None
) -> QuerySet[InformationSystem]:
    """Systems under oversight never rated, or last rated before the schedule says; for a
    ``user``, only systems whose ratings they may see (the owner's and the overseer's)."""
    if user is not None:
        ids = visible_organization_ids(user, OversightRating)
        if isinstance(ids, set):  # not ALL
            systems = systems.filter(owner__in=ids)
    return with_latest_rating(systems.filter(category__in=overseen_categories())).filter(
        Q(last_rated__isnull=True) | Q(last_rated__lt=stale_before(today))
    )


# --- budget --------------------------------------------------------------------------------


def fiscal_year_label(year: int, language: str = "ja") -> str:
    """令和8年度 (FY2026): the Japanese fiscal year (April to March) in the era and in digits."""
    if language == "en":
        return f"FY{year}"
    if year >= 2019:
        era_year = year - 2018
        return f"令和{'元' if era_year == 1 else era_year}年度"
    return f"平成{year - 1988}年度"


def current_fiscal_year(today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    return today.year if today.month >= 4 else today.year - 1


def budget_lines(
    *, user: User | None, system: InformationSystem | None = None
) -> QuerySet[BudgetLine]:
    lines = visible_to(user, BudgetLine.objects.select_related("system", "system__owner"))
    return lines.filter(system=system) if system is not None else lines


def budget_line_get(
    *, user: User | None, system: InformationSystem, year: int
) -> BudgetLine | None:
    return budget_lines(user=user, system=system).filter(fiscal_year=year).first()


def budget_rollup(
    *, user: User | None, group_by: str, years: list[int], categories: list[str] | None = None
) -> list[dict]:
    """Sums of requested, approved and executed yen per group (owner or category) and fiscal
    year, with the change of the approved amount from the year before. The change is given
    only when both years are fully decided (no line still requested or in review), so a
    partial total is never compared. Exact integers throughout. ``user=None`` is the command
    line (or open data, with ``categories``) and sums everything."""
    key = {"ministry": "system__owner__code", "category": "system__category"}[group_by]
    lines = BudgetLine.objects.all() if user is None else visible_to(user, BudgetLine.objects.all())
    if categories is not None:
        lines = lines.filter(system__category__in=categories)
    rows = (
        lines.filter(fiscal_year__in=years)
        .values(key, "fiscal_year")
        .annotate(
            requested=Sum(F("development_requested") + F("operation_requested")),
            approved=Sum(F("development_approved") + F("operation_approved")),
            executed=Sum(F("development_executed") + F("operation_executed")),
            undecided=Count("pk", filter=Q(development_approved__isnull=True)),
        )
        .order_by(key, "fiscal_year")
    )
    groups: dict[str, dict] = {}
    for row in rows:
        group = groups.setdefault(row[key], {"group": row[key], "years": {}})
        group["years"][row["fiscal_year"]] = {
            "requested": row["requested"] or 0,
            "approved": row["approved"],
            "executed": row["executed"],
            "undecided": row["undecided"],
        }
    labels = _group_labels(group_by, list(groups), get_language() or "ja")
    for group in groups.values():
        group["label"] = labels.get(group["group"], group["group"])
        _year_on_year(group["years"], years)
    return list(groups.values())


def _year_on_year(cells: dict[int, dict], years: list[int]) -> None:
    """Fill the missing years and each year's change of the approved amount, where both years
    are fully decided."""
    previous: dict | None = None
    for year in years:
        cell = cells.setdefault(
            year, {"requested": 0, "approved": None, "executed": None, "undecided": 0}
        )
        comparable = previous is not None and not previous["undecided"] and not cell["undecided"]
        base = previous["approved"] if previous is not None and comparable else None
        now = cell["approved"]
        cell["change"] = None if not base or now is None else round((now - base) * 100 / base, 1)
        previous = cell


def _group_labels(group_by: str, keys: list[str], language: str) -> dict[str, str]:
    if group_by == "category":
        return {key: str(SystemCategory(key).label) for key in keys if key in SystemCategory.values}
    return {
        code: (name_en if language == "en" and name_en else name)
        for code, name, name_en in Organization.objects.filter(code__in=keys).values_list(
            "code", "name", "name_en"
        )
    }


# --- recommendations -----------------------------------------------------------------------


def recommendation_list(
    *,
    user: User | None,
    status: str = "",
    ministry: str = "",
    overdue: bool = False,
    today: dt.date | None = None,
) -> QuerySet[Recommendation]:
    """The recommendations ``user`` may see; ``overdue``: open and past their due date."""
    found = visible_to(user, Recommendation.objects.select_related("ministry")).order_by(
        "-due_date"
    )
    if status:
        found = found.filter(status=status)
    if ministry:
        found = found.filter(ministry__code=ministry)
    if overdue:
        found = found.filter(status="open", due_date__lt=today or timezone.localdate())
    return found


def recommendation_get(*, user: User | None, number: str) -> Recommendation | None:
    return (
        visible_to(user, Recommendation.objects.select_related("ministry"))
        .filter(number=number)
        .first()
    )


def recommendation_systems(
    *, user: User | None, recommendation: Recommendation
) -> QuerySet[InformationSystem]:
    """The systems a recommendation concerns that ``user`` may see."""
    return system_list(user=user).filter(pk__in=recommendation.systems.all())


def recommendations_of(*, user: User | None, system: InformationSystem) -> QuerySet[Recommendation]:
    """The recommendations about ``system`` that ``user`` may see."""
    return system.recommendations.filter(
        pk__in=visible_to(user, Recommendation.objects.all()).values("pk")
    )


# --- open data (no user) -------------------------------------------------------------------


def open_data_systems() -> QuerySet[InformationSystem]:
    """The one read that needs no user: the systems open data publishes (configured categories),
    to be shown only through ``open_data_row`` (configured fields)."""
    return (
        InformationSystem.objects.select_related("owner", "builder")
        .filter(category__in=settings.SHIREITO_OPEN_DATA_CATEGORIES)
        .exclude(phase="retired")
        .order_by("code")
    )


def open_data_row(system: InformationSystem) -> dict[str, Any]:
    row = row_of(system)
    return {field: row[field] for field in settings.SHIREITO_OPEN_DATA_FIELDS}


def open_data_budget(years: list[int], group_by: str = "ministry") -> list[dict]:
    """Approved and executed budget per owner (or category) and fiscal year for the published
    categories, with the era label and the change on the year before."""
    language = get_language() or "ja"
    rows = []
    for group in budget_rollup(
        user=None, group_by=group_by, years=years, categories=settings.SHIREITO_OPEN_DATA_CATEGORIES
    ):
        for year in years:
            cell = group["years"][year]
            rows.append(
                {
                    "group": group["group"],
                    "label": group["label"],
                    "fiscal_year": year,
                    "fiscal_year_label": fiscal_year_label(year, language),
                    "approved": cell["approved"],
                    "executed": cell["executed"],
                    "change": cell["change"],
                }
            )
    return rows


def open_data_labels() -> list[str]:
    """Headings of the published fields, in the active language."""
    names = {
        f.name: f.verbose_name
        for f in InformationSystem._meta.get_fields()
        if hasattr(f, "verbose_name")
    }
    return [str(names.get(field, field)) for field in settings.SHIREITO_OPEN_DATA_FIELDS]


def open_data_display(system: InformationSystem) -> list:
    """The published fields of a system as people read them (labels, not codes)."""
    shown = []
    for field in settings.SHIREITO_OPEN_DATA_FIELDS:
        display = getattr(system, f"get_{field}_display", None)
        value = display() if display else getattr(system, field, None)
        if field in {"owner", "builder"}:
            value = str(getattr(system, field))
        if isinstance(value, bool):
            value = _("yes") if value else _("no")
        shown.append(value)
    return shown
