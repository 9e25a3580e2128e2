"""The portfolio's figures for the control tower, read from the summary tables (tallies).

Each figure is scoped with the same organisation ids as the rows behind it: systems under the
portfolio scope, budgets under oversight, migration under the portfolio and coordination
scopes together (a body that may list a system may count its migration). The ``*_spread``
functions are the one exception: they give the government-wide values with no body named,
for an anonymised median and quartiles, and never a name or an id.

Owners roll up to their ministry through the organisation's parent (an independent agency's
budget is its supervising ministry's), and to their prefecture likewise (a municipality's
migration is its prefecture's), when the figures are read: the directory may move a body.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, When
from django.utils import timezone
from django.utils.translation import get_language

from shireito.core.scoping import ALL, visible_organization_ids
from shireito.organizations.choices import LocalGovernmentLevel, OrganizationKind, ScopeClass
from shireito.organizations.models import Organization
from shireito.registry import selectors
from shireito.registry.choices import MigrationStatus, RecommendationStatus, StandardBusiness
from shireito.registry.models import (
    BudgetLine,
    BudgetTally,
    InformationSystem,
    MigrationTally,
    OversightRating,
    SystemTally,
)

if TYPE_CHECKING:
    from shireito.accounts.models import User

# The national target: local governments' 20 businesses on standard-conformant systems by the
# end of FY2025 (令和7年度). A system without a target date of its own is held to it.
NATIONAL_TARGET_FISCAL_YEAR = 2025
# A recommendation unanswered this many days after its due date is long overdue.
LONG_OVERDUE_DAYS = 30

PORTFOLIO_GROUPS = {"category", "owner", "phase", "hosting"}


def _scoped(queryset: QuerySet, ids) -> QuerySet:
    if ids is ALL:
        return queryset
    return queryset.filter(owner_id__in=ids) if ids else queryset.none()


def _union(*answers):
    if any(answer is ALL for answer in answers):
        return ALL
    return set().union(*answers)


def migration_ids(user: User | None):
    """Whose migration ``user`` may count: the systems they may list, and the local
    governments they coordinate."""
    return _union(
        visible_organization_ids(user, InformationSystem),
        visible_organization_ids(user, InformationSystem, scope_class=ScopeClass.COORDINATION),
    )


def _names(ids) -> dict[int, dict[str, str]]:
    english = (get_language() or "ja").startswith("en")
    return {
        pk: {"code": code, "label": (name_en if english and name_en else name), "lg_code": lg}
        for pk, code, name, name_en, lg in Organization.objects.filter(pk__in=ids).values_list(
            "pk", "code", "name", "name_en", "local_government_code"
        )
    }


# The ministry an owner's figures count under: its supervising ministry, or itself.
MINISTRY_OF = Case(
    When(owner__parent__kind=OrganizationKind.MINISTRY, then=F("owner__parent_id")),
    default=F("owner_id"),
    output_field=IntegerField(),
)
# The prefecture a local government's figures count under: itself, or its parent.
PREFECTURE_OF = Case(
    When(owner__local_government_level=LocalGovernmentLevel.PREFECTURE, then=F("owner_id")),
    default=F("owner__parent_id"),
    output_field=IntegerField(),
)


# --- the portfolio ---------------------------------------------------------------------------


def portfolio_counts(user: User | None, by: str = "category", **filters: Any) -> list[dict]:
    """Systems ``user`` may list per category, owner, phase or hosting (``filters`` narrow
    the tally: ``category=``, ``important=True`` …), largest first; owners with their code and
    name."""
    if by not in PORTFOLIO_GROUPS:
        raise ValueError(by)
    field = "owner_id" if by == "owner" else by
    rows = (
        _scoped(SystemTally.objects.filter(**filters), visible_organization_ids(user, SystemTally))
        .values(field)
        .annotate(n=Sum("systems"), important=Sum("systems", filter=Q(important=True)))
        .order_by("-n", field)
    )
    found = [
        {"key": row[field], "systems": row["n"], "important": row["important"] or 0} for row in rows
    ]
    if by == "owner":
        names = _names([row["key"] for row in found])
        for row in found:
            row.update(id=row["key"], **names.get(row["key"], {}))
            row["key"] = row.get("code", "")
    return found


def important_count(user: User | None) -> int:
    tally = _scoped(
        SystemTally.objects.filter(important=True), visible_organization_ids(user, SystemTally)
    )
    return tally.aggregate(n=Sum("systems"))["n"] or 0


def portfolio_spread() -> list[int]:
    """How many systems each ministry has with the bodies it supervises: values only."""
    rows = (
        SystemTally.objects.annotate(ministry=MINISTRY_OF)
        .filter(
            Q(owner__kind=OrganizationKind.MINISTRY)
            | Q(owner__parent__kind=OrganizationKind.MINISTRY)
        )
        .values("ministry")
        .annotate(n=Sum("systems"))
    )
    return sorted(row["n"] for row in rows)


def ministry_systems(user: User | None, ministry_id: int) -> int:
    """How many systems ``user`` may list of ``ministry_id`` and the bodies it supervises."""
    tally = _scoped(SystemTally.objects.all(), visible_organization_ids(user, SystemTally))
    found = tally.filter(Q(owner_id=ministry_id) | Q(owner__parent_id=ministry_id))
    return found.aggregate(n=Sum("systems"))["n"] or 0


# --- the single budget -----------------------------------------------------------------------


def _budget_cells(queryset: QuerySet, group: Any) -> QuerySet:
    return queryset.values(*([group] if group else []), "fiscal_year").annotate(
        requested=Sum("requested"),
        approved=Sum("approved"),
        executed=Sum("executed"),
        lines=Sum("lines"),
        approved_lines=Sum("approved_lines"),
        executed_lines=Sum("executed_lines"),
    )


def _cell(row: dict) -> dict:
    return {
        "requested": row["requested"] or 0,
        "approved": row["approved"] if row["approved_lines"] else None,
        "executed": row["executed"] if row["executed_lines"] else None,
        "lines": row["lines"],
        "undecided": row["lines"] - row["approved_lines"],
    }


def _fill_years(cells: dict[int, dict], years: list[int]) -> None:
    """Every year present (a year without lines is zero requested, nothing decided), then
    each year's change on the one before."""
    for year in years:
        cells.setdefault(
            year,
            {"requested": 0, "approved": None, "executed": None, "lines": 0, "undecided": 0},
        )
    selectors._year_on_year(cells, years)


def budget_by_ministry(user: User | None, years: list[int]) -> list[dict]:
    """Requested, approved and executed yen per ministry (with the bodies it supervises) and
    fiscal year, of the budgets ``user`` may see; each year's change of the approved amount
    where both years are fully decided (as ``selectors.budget_rollup``). Largest first."""
    tally = _scoped(
        BudgetTally.objects.filter(fiscal_year__in=years),
        visible_organization_ids(user, BudgetLine),
    ).annotate(ministry=MINISTRY_OF)
    groups: dict[int, dict] = {}
    for row in _budget_cells(tally, "ministry").order_by("ministry", "fiscal_year"):
        group = groups.setdefault(row["ministry"], {"id": row["ministry"], "years": {}})
        group["years"][row["fiscal_year"]] = _cell(row)
    names = _names(list(groups))
    for group in groups.values():
        group.update(names.get(group["id"], {"code": "", "label": ""}))
        _fill_years(group["years"], years)
    latest = years[-1]
    return sorted(groups.values(), key=lambda g: (-(g["years"][latest]["requested"]), g["code"]))


def budget_totals(user: User | None, years: list[int]) -> dict[int, dict]:
    """The whole of what ``user`` may see per fiscal year, with the change on the year before."""
    tally = _scoped(
        BudgetTally.objects.filter(fiscal_year__in=years),
        visible_organization_ids(user, BudgetLine),
    )
    cells = {row["fiscal_year"]: _cell(row) for row in _budget_cells(tally, None)}
    _fill_years(cells, years)
    return cells


def largest_movements(rows: list[dict], year: int, limit: int = 5) -> list[dict]:
    """The ministries whose approved budget moved most (in yen) from the year before."""
    moved = []
    for row in rows:
        now, before = row["years"].get(year), row["years"].get(year - 1)
        if not now or not before or now["change"] is None:
            continue
        moved.append({**row, "movement": now["approved"] - before["approved"]})
    return sorted(moved, key=lambda r: (-abs(r["movement"]), r["code"]))[:limit]


def budget_spread(year: int, amount: str = "approved") -> list[int]:
    """Each ministry's ``amount`` (with its supervised bodies) for ``year``: values only,
    no names, for the anonymised median and quartiles."""
    rows = (
        BudgetTally.objects.filter(fiscal_year=year)
        .filter(
            Q(owner__kind=OrganizationKind.MINISTRY)
            | Q(owner__parent__kind=OrganizationKind.MINISTRY)
        )
        .annotate(ministry=MINISTRY_OF)
        .values("ministry")
        .annotate(total=Sum(amount))
    )
    return sorted(row["total"] or 0 for row in rows)


# --- local governments' migration ------------------------------------------------------------


def behind_target(today: dt.date) -> Q:
    """Tally rows of systems not migrated and past their target date (the end of the national
    FY2025 target when they have none); under special support, past the extended deadline
    instead. The same condition as the migration list's "behind target" filter."""
    national_end = dt.date(NATIONAL_TARGET_FISCAL_YEAR + 1, 3, 31)
    own_target = Q(migration_target__lt=today)
    if national_end < today:
        own_target |= Q(migration_target__isnull=True)
    ordinary = ~Q(migration_status__in=[MigrationStatus.MIGRATED, MigrationStatus.SPECIAL_SUPPORT])
    return (ordinary & own_target) | Q(
        migration_status=MigrationStatus.SPECIAL_SUPPORT, special_support_deadline__lt=today
    )


def _migration_sums(today: dt.date) -> dict[str, Any]:
    sums: dict[str, Any] = {"total": Sum("systems")}
    for status in MigrationStatus.values:
        sums[status] = Sum("systems", filter=Q(migration_status=status))
    sums["behind_target"] = Sum("systems", filter=behind_target(today))
    return sums


def _migration_row(row: Mapping[str, Any]) -> dict:
    found = {key: row.get(key) or 0 for key in ["behind_target", *MigrationStatus.values]}
    total = found["systems"] = row.get("total") or 0
    found["migrated_share"] = round(100 * found["migrated"] / total, 1) if total else None
    return found


def _migration_tally(user: User | None) -> QuerySet[MigrationTally]:
    return _scoped(MigrationTally.objects.all(), migration_ids(user))


def local_government(user: User | None, code: str) -> dict | None:
    """A local government whose migration ``user`` may count (for a drill-down), or None."""
    ids = migration_ids(user)
    found = Organization.objects.filter(code=code, kind=OrganizationKind.LOCAL_GOVERNMENT)
    if ids is not ALL:
        found = found.filter(Q(pk__in=ids) | Q(children__pk__in=ids)).distinct()
    row = found.values("pk", "code", "name", "name_en", "local_government_level").first()
    if row is None:
        return None
    english = (get_language() or "ja").startswith("en")
    return {
        "id": row["pk"],
        "code": row["code"],
        "label": row["name_en"] if english and row["name_en"] else row["name"],
        "level": row["local_government_level"],
    }


def migration_by_prefecture(user: User | None, today: dt.date) -> list[dict]:
    """Per prefecture (with its municipalities): systems by migration status, those behind
    target and the share migrated, in the order of the prefectures' codes."""
    return migration_overview(user, today)["prefectures"]


def migration_by_municipality(user: User | None, prefecture_id: int, today: dt.date) -> list[dict]:
    """Per local government of one prefecture (the prefecture's own systems too)."""
    return migration_overview(user, today, prefecture_id=prefecture_id)["municipalities"]


def migration_by_business(
    user: User | None,
    today: dt.date,
    *,
    prefecture_id: int | None = None,
    owner_id: int | None = None,
) -> list[dict]:
    """Per standardised business, for everything ``user`` may count, one prefecture or one
    local government: systems by status and those behind target, in the businesses' order."""
    found = migration_overview(user, today, prefecture_id=prefecture_id, owner_id=owner_id)
    return found["businesses"]


def special_support(user: User | None, today: dt.date | None = None) -> list[dict]:
    """Systems under special migration support per fiscal year of their extended deadline."""
    return migration_overview(user, today or timezone.localdate())["deadlines"]


def migration_spread(today: dt.date) -> list[float]:
    """Each prefecture's share migrated (with its municipalities): values only."""
    rows = (
        MigrationTally.objects.annotate(prefecture=PREFECTURE_OF)
        .values("prefecture")
        .annotate(**_migration_sums(today))
    )
    shares = (_migration_row(row)["migrated_share"] for row in rows)
    return sorted(share for share in shares if share is not None)


# --- oversight: recommendations and ratings --------------------------------------------------


def recommendation_counts(user: User | None, today: dt.date) -> list[dict]:
    """Per ministry: recommendations open, answered, escalated and closed, and the open ones
    past their due date (overdue) and more than ``LONG_OVERDUE_DAYS`` past it."""
    overdue = Q(status=RecommendationStatus.OPEN, due_date__lt=today)
    long_overdue = Q(
        status=RecommendationStatus.OPEN,
        due_date__lt=today - dt.timedelta(days=LONG_OVERDUE_DAYS),
    )
    sums: dict[str, Any] = {
        status: _count(Q(status=status)) for status in RecommendationStatus.values
    }
    rows = (
        selectors.recommendation_list(user=user)
        .order_by()
        .values("ministry_id", "ministry__code", "ministry__name", "ministry__name_en")
        .annotate(**sums, overdue=_count(overdue), long_overdue=_count(long_overdue))
    )
    english = (get_language() or "ja").startswith("en")
    return sorted(
        (
            {
                "id": row["ministry_id"],
                "code": row["ministry__code"],
                "label": row["ministry__name_en"]
                if english and row["ministry__name_en"]
                else row["ministry__name"],
                **{
                    key: plain[key]
                    for key in [*RecommendationStatus.values, "overdue", "long_overdue"]
                },
            }
            for row in rows
            for plain in [dict(row)]
        ),
        key=lambda r: (-r["overdue"], -r["open"], r["code"]),
    )


def _count(condition: Q | None = None):
    return Count("pk", filter=condition)


def ratings_overview(user: User | None, today: dt.date) -> dict[str, int]:
    """Systems under oversight ``user`` may list and see the ratings of: how many, how many
    with a current rating, how many whose rating is older than the schedule, never rated."""
    overseen = selectors.system_list(user=user).filter(category__in=selectors.overseen_categories())
    overseen = _scoped(overseen, visible_organization_ids(user, OversightRating))
    cutoff = selectors.stale_before(today)
    counts = selectors.with_latest_rating(overseen).aggregate(
        overseen=_count(),
        never=_count(Q(last_rated__isnull=True)),
        stale=_count(Q(last_rated__lt=cutoff)),
    )
    counts["current"] = counts["overseen"] - counts["never"] - counts["stale"]
    return counts


# --- one read per section ---------------------------------------------------------------------
# At national scale each owner holds about twenty systems, so the tallies keyed by owner hold
# nearly as many rows as there are local systems. A section therefore reads its tally rows once
# and adds them up in every way it shows, instead of one GROUP BY per table.


def portfolio_overview(user: User | None, owners: int = 15) -> dict[str, Any]:
    """Systems ``user`` may list, added up by category, phase, hosting and the ``owners``
    owners with the most (each ``{"key", "systems", "important"}``, largest first), with the
    total, the important ones and how many owners there are."""
    rows = _scoped(SystemTally.objects.all(), visible_organization_ids(user, SystemTally))
    groups: dict[str, dict[Any, list[int]]] = {
        "category": {},
        "phase": {},
        "hosting": {},
        "owner": {},
    }
    total = important = 0
    for category, phase, hosting, is_important, systems in (
        rows.values("category", "phase", "hosting", "important")
        .annotate(n=Sum("systems"))
        .values_list("category", "phase", "hosting", "important", "n")
    ):
        total += systems
        extra = systems if is_important else 0
        important += extra
        for name, key in (("category", category), ("phase", phase), ("hosting", hosting)):
            counts = groups[name].setdefault(key, [0, 0])
            counts[0] += systems
            counts[1] += extra
    by_owner = rows.values("owner_id").annotate(
        n=Sum("systems"), i=Sum("systems", filter=Q(important=True))
    )
    for row in by_owner.order_by("-n", "owner_id").values_list("owner_id", "n", "i")[:owners]:
        groups["owner"][row[0]] = [row[1], row[2] or 0]
    found: dict[str, Any] = {
        "systems": total,
        "important": important,
        "owners": by_owner.count() if len(groups["owner"]) == owners else len(groups["owner"]),
    }
    for group, sums in groups.items():
        found[group] = sorted(
            ({"key": key, "systems": n, "important": i} for key, (n, i) in sums.items()),
            key=lambda row: (-row["systems"], str(row["key"])),
        )
    names = _names([row["key"] for row in found["owner"]])
    for row in found["owner"]:
        row.update(id=row["key"], **names.get(row["key"], {"code": "", "label": ""}))
        row["key"] = row["code"]
    return found


def is_behind_target(status: str, target, deadline, today: dt.date) -> bool:
    """``behind_target`` for one tally row, in Python."""
    if status == MigrationStatus.SPECIAL_SUPPORT:
        return deadline is not None and deadline < today
    if status == MigrationStatus.MIGRATED:
        return False
    if target is None:
        return dt.date(NATIONAL_TARGET_FISCAL_YEAR + 1, 3, 31) < today
    return target < today


def migration_overview(
    user: User | None,
    today: dt.date,
    *,
    prefecture_id: int | None = None,
    owner_id: int | None = None,
) -> dict[str, Any]:
    """Everything the local governments' section shows, from one read: the rows of
    ``migration_by_prefecture``, ``migration_by_municipality`` (of ``prefecture_id``),
    ``migration_by_business`` and ``special_support`` (as ``deadlines``), and the totals."""
    tally = _migration_tally(user).annotate(prefecture=PREFECTURE_OF)
    if prefecture_id is not None:
        tally = tally.filter(Q(owner_id=prefecture_id) | Q(owner__parent_id=prefecture_id))
    if owner_id is not None:
        tally = tally.filter(owner_id=owner_id)
    statuses = MigrationStatus.values
    groups: dict[str, dict[Any, dict[str, int]]] = {"prefecture": {}, "owner": {}, "business": {}}
    deadlines: dict[int | None, int] = {}
    total = {"total": 0, "behind_target": 0, **dict.fromkeys(statuses, 0)}
    # One GROUP BY to what the tables need: by owner too only when drilled down (few rows).
    keys = [
        "owner_id" if prefecture_id or owner_id else "prefecture",
        "prefecture",
        "standard_business",
        "migration_status",
        "migration_target",
        "special_support_deadline",
    ]
    rows = tally.values(*keys[1:], *(["owner_id"] if keys[0] == "owner_id" else []))
    for owner, prefecture, business, status, target, deadline, systems in rows.annotate(
        n=Sum("systems")
    ).values_list(*keys, "n"):
        behind = systems if is_behind_target(status, target, deadline, today) else 0
        for name, key in (("prefecture", prefecture), ("owner", owner), ("business", business)):
            counts = groups[name].setdefault(
                key, {"total": 0, "behind_target": 0, **dict.fromkeys(statuses, 0)}
            )
            counts["total"] += systems
            counts[status] = counts.get(status, 0) + systems
            counts["behind_target"] += behind
        total["total"] += systems
        total[status] = total.get(status, 0) + systems
        total["behind_target"] += behind
        if status == MigrationStatus.SPECIAL_SUPPORT:
            year = selectors.current_fiscal_year(deadline) if deadline else None
            deadlines[year] = deadlines.get(year, 0) + systems
    places = _names([*groups["prefecture"], *groups["owner"]])
    blank = {"code": "", "label": "", "lg_code": ""}
    prefectures = []
    for key, sums in groups["prefecture"].items():
        place = places.get(key, blank)
        prefectures.append(
            {
                "id": key,
                **_migration_row(sums),
                "code": place["code"],
                "label": place["label"],
                "prefecture_code": place["lg_code"][:2],
            }
        )
    municipalities = [
        {"id": key, **_migration_row(sums), **places.get(key, blank)}
        for key, sums in groups["owner"].items()
    ]
    labels = dict(StandardBusiness.choices)
    return {
        **_migration_row(total),
        "prefectures": sorted(prefectures, key=lambda r: (r["prefecture_code"] or "99", r["code"])),
        "municipalities": sorted(municipalities, key=lambda r: (r["lg_code"] or "z", r["code"])),
        "businesses": [
            {"business": business, "label": str(labels[business]), **_migration_row(by_business)}
            for business in StandardBusiness.values
            if (by_business := groups["business"].get(business))
        ],
        "deadlines": [
            {"deadline_year": year, "systems": deadlines[year]}
            for year in sorted(deadlines, key=lambda y: y or 9999)
        ],
    }
