from __future__ import annotations

from django.db.models import Q, QuerySet

from shireito.core.scoping import visible_to
from shireito.registry.models import InformationSystem

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


def system_list(
    *,
    user,
    search: str = "",
    owner: str = "",
    category: str = "",
    phase: str = "",
    hosting: str = "",
    important: bool | None = None,
    standard_business: str = "",
    migration_status: str = "",
    sort: str = "code",
) -> QuerySet[InformationSystem]:
    """The systems ``user`` may see, filtered and sorted; ``search`` matches the id and both
    names (case-insensitive)."""
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
    if important is not None:
        systems = systems.filter(important=important)
    return systems.order_by(SORTS.get(sort, "code"), "pk")


def system_get(*, user, code: str) -> InformationSystem | None:
    return (
        visible_to(user, InformationSystem.objects.select_related("owner", "builder"))
        .filter(code=code)
        .first()
    )


def may_edit_system(user, *, owner, builder=None) -> bool:
    """Editors and organisation admins of the owner or of the builder; platform admins.
    ``user=None`` is the command line."""
    if user is None:
        return True
    if not user.is_authenticated:
        return False
    if user.is_platform_admin:
        return True
    if not (user.has_role("editor") or user.has_role("org_admin")):
        return False
    return user.organization_id in {getattr(owner, "pk", None), getattr(builder, "pk", None)}


def fiscal_year_label(year: int, language: str = "ja") -> str:
    """令和8年度 (FY2026): the Japanese fiscal year (April to March) in the era and in digits."""
    if language == "en":
        return f"FY{year}"
    if year >= 2019:
        era_year = year - 2018
        return f"令和{'元' if era_year == 1 else era_year}年度"
    return f"平成{year - 1988}年度"


def current_fiscal_year(today=None) -> int:
    from django.utils import timezone

    today = today or timezone.localdate()
    return today.year if today.month >= 4 else today.year - 1


def budget_lines(*, user, system=None):
    from shireito.registry.models import BudgetLine

    lines = visible_to(user, BudgetLine.objects.select_related("system", "system__owner"))
    return lines.filter(system=system) if system is not None else lines


def budget_rollup(*, user, group_by: str, years: list[int]) -> list[dict]:
    """Sums of requested, approved and executed yen per group (owner or category) and fiscal
    year, with the change of the approved amount from the year before (None where there is no
    base). Exact integers throughout. ``user=None`` is the command line and sums everything."""
    from django.db.models import F, Sum

    from shireito.registry.models import BudgetLine

    key = {"ministry": "system__owner__code", "category": "system__category"}[group_by]
    lines = BudgetLine.objects.all() if user is None else visible_to(user, BudgetLine.objects.all())
    rows = (
        lines.filter(fiscal_year__in=years)
        .values(key, "fiscal_year")
        .annotate(
            requested=Sum(F("development_requested") + F("operation_requested")),
            approved=Sum(F("development_approved") + F("operation_approved")),
            executed=Sum(F("development_executed") + F("operation_executed")),
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
        }
    result = []
    for group in groups.values():
        previous = None
        for year in years:
            cell = group["years"].setdefault(
                year, {"requested": 0, "approved": None, "executed": None}
            )
            base = previous["approved"] if previous else None
            now = cell["approved"]
            cell["change"] = (
                None if not base or now is None else round((now - base) * 100 / base, 1)
            )
            previous = cell
        result.append(group)
    return result


def open_data_systems():
    """The one read that needs no user: the systems open data publishes (configured categories),
    to be shown only through ``open_data_row`` (configured fields)."""
    from django.conf import settings

    return (
        InformationSystem.objects.select_related("owner", "builder")
        .filter(category__in=settings.SHIREITO_OPEN_DATA_CATEGORIES)
        .exclude(phase="retired")
        .order_by("code")
    )


def open_data_row(system) -> dict:
    from django.conf import settings

    from shireito.registry.transfer import row_of

    row = row_of(system)
    return {field: row[field] for field in settings.SHIREITO_OPEN_DATA_FIELDS}


def open_data_budget(years: list[int]) -> list[dict]:
    """Approved and executed budget per owner and fiscal year, for the published categories."""
    from django.conf import settings
    from django.db.models import F, Sum

    from shireito.registry.models import BudgetLine

    rows = (
        BudgetLine.objects.filter(
            system__category__in=settings.SHIREITO_OPEN_DATA_CATEGORIES, fiscal_year__in=years
        )
        .values("system__owner__code", "system__owner__name", "fiscal_year")
        .annotate(
            approved=Sum(F("development_approved") + F("operation_approved")),
            executed=Sum(F("development_executed") + F("operation_executed")),
        )
        .order_by("system__owner__code", "fiscal_year")
    )
    return [
        {
            "owner": row["system__owner__code"],
            "owner_name": row["system__owner__name"],
            "fiscal_year": row["fiscal_year"],
            "approved": row["approved"],
            "executed": row["executed"],
        }
        for row in rows
    ]


def recommendations_visible(user):
    from shireito.registry.models import Recommendation

    return visible_to(user, Recommendation.objects.all()).values("pk")
