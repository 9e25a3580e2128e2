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


def budget_rollup(
    *, user, group_by: str, years: list[int], categories: list[str] | None = None
) -> list[dict]:
    """Sums of requested, approved and executed yen per group (owner or category) and fiscal
    year, with the change of the approved amount from the year before. The change is given
    only when both years are fully decided (no line still requested or in review), so a
    partial total is never compared. Exact integers throughout. ``user=None`` is the command
    line (or open data, with ``categories``) and sums everything."""
    from django.db.models import Count, F, Q, Sum
    from django.utils.translation import get_language

    from shireito.registry.models import BudgetLine

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
    result = []
    for group in groups.values():
        group["label"] = labels.get(group["group"], group["group"])
        previous = None
        for year in years:
            cell = group["years"].setdefault(
                year, {"requested": 0, "approved": None, "executed": None, "undecided": 0}
            )
            comparable = (
                previous is not None and not previous["undecided"] and not cell["undecided"]
            )
            base = previous["approved"] if comparable else None
            now = cell["approved"]
            cell["change"] = (
                None if not base or now is None else round((now - base) * 100 / base, 1)
            )
            previous = cell
        result.append(group)
    return result


def _group_labels(group_by: str, keys: list[str], language: str) -> dict[str, str]:
    from shireito.organizations.choices import SystemCategory
    from shireito.organizations.models import Organization

    if group_by == "category":
        return {key: str(SystemCategory(key).label) for key in keys if key in SystemCategory.values}
    return {
        code: (name_en if language == "en" and name_en else name)
        for code, name, name_en in Organization.objects.filter(code__in=keys).values_list(
            "code", "name", "name_en"
        )
    }


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


def open_data_budget(years: list[int], group_by: str = "ministry") -> list[dict]:
    """Approved and executed budget per owner (or category) and fiscal year for the published
    categories, with the era label and the change on the year before."""
    from django.conf import settings
    from django.utils.translation import get_language

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
    from django.conf import settings

    names = {
        f.name: f.verbose_name
        for f in InformationSystem._meta.get_fields()
        if hasattr(f, "verbose_name")
    }
    return [str(names.get(field, field)) for field in settings.SHIREITO_OPEN_DATA_FIELDS]


def open_data_display(system) -> list:
    """The published fields of a system as people read them (labels, not codes)."""
    from django.conf import settings
    from django.utils.translation import gettext as _

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


def recommendations_visible(user):
    from shireito.registry.models import Recommendation

    return visible_to(user, Recommendation.objects.all()).values("pk")


def _shown(user, systems):
    from shireito.core.scoping import ALL, visible_organization_ids

    ids = visible_organization_ids(user, InformationSystem)
    return [s for s in systems if ids is ALL or s.owner_id in ids]


def related_shown(user, system) -> list:
    """The related systems ``user`` may see (links to others stay, unnamed)."""
    return _shown(user, system.related_systems.all())


def related_kept(user, system, chosen: list) -> list:
    """``chosen`` plus the existing links ``user`` cannot see: saving a form never drops what
    the user was not shown."""
    shown = {s.pk for s in related_shown(user, system)}
    hidden = [s for s in system.related_systems.all() if s.pk not in shown]
    return [*chosen, *hidden]


def ratings_of(*, user, system):
    """A system's risk ratings the user may see (the owner's and the overseer's), newest first."""
    from shireito.registry.models import OversightRating

    return visible_to(user, OversightRating.objects.filter(system=system)).order_by(
        "-rated_on", "-id"
    )


def redact_related(user, changes: dict) -> dict:
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
