"""A deterministic national-scale data set for benchmarks and load: 1,788 local governments
with valid codes, ~25 ministries, ~90 independent agencies, ~500 critical-infrastructure
operators, ~60 quasi-public bodies and N information systems (each municipality one per
standard business, with its migration) with five fiscal years of budget, loaded with bulk
inserts in one transaction. ``shireito.demo.scale`` adds the audits on top
(``shireito.audits.scale``) and clears them first, since their results hold the systems.

It is synthetic: names are numbered ("サンプル市 0201"), prefectures carry their real names
and codes. Loaded only in demo mode, next to the demo data, under codes starting ``scale-``.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction

from shireito.organizations.choices import OrganizationKind, SystemCategory
from shireito.organizations.identifiers import (
    local_government_code_check_digit,
    local_government_corporate_number,
)
from shireito.organizations.models import Organization, RoleHolding, Sector
from shireito.registry.choices import (
    BudgetStatus,
    Hosting,
    LifecyclePhase,
    MigrationStatus,
    RecommendationStatus,
    StandardBusiness,
)
from shireito.registry.models import (
    BudgetLine,
    InformationSystem,
    OversightRating,
    Recommendation,
)
from shireito.registry.selectors import current_fiscal_year, overseen_categories
from shireito.registry.tallies import rebuild_tallies

PREFECTURES = [
    "北海道",
    "青森県",
    "岩手県",
    "宮城県",
    "秋田県",
    "山形県",
    "福島県",
    "茨城県",
    "栃木県",
    "群馬県",
    "埼玉県",
    "千葉県",
    "東京都",
    "神奈川県",
    "新潟県",
    "富山県",
    "石川県",
    "福井県",
    "山梨県",
    "長野県",
    "岐阜県",
    "静岡県",
    "愛知県",
    "三重県",
    "滋賀県",
    "京都府",
    "大阪府",
    "兵庫県",
    "奈良県",
    "和歌山県",
    "鳥取県",
    "島根県",
    "岡山県",
    "広島県",
    "山口県",
    "徳島県",
    "香川県",
    "愛媛県",
    "高知県",
    "福岡県",
    "佐賀県",
    "長崎県",
    "熊本県",
    "大分県",
    "宮崎県",
    "鹿児島県",
    "沖縄県",
]
MUNICIPALITIES = 1_741
MINISTRIES = 25
AGENCIES = 90
OPERATORS = 500
QUASI_PUBLIC_BODIES = 60
PREFIX = "scale-"


@dataclass
class ScaleResult:
    organizations: int
    systems: int
    budget_lines: int = 0
    ratings: int = 0
    recommendations: int = 0


def _code(prefecture: int, number: int) -> str:
    first_five = f"{prefecture:02d}{number:03d}"
    return f"{first_five}{local_government_code_check_digit(first_five)}"


def clear_scale_data() -> None:
    """Remove the portfolio's scale data (what other apps hold of it goes first: see
    ``shireito.demo.scale``)."""
    Recommendation.objects.filter(number__startswith=PREFIX).delete()
    Recommendation.objects.filter(systems__code__startswith=PREFIX).delete()
    OversightRating.objects.filter(system__code__startswith=PREFIX).delete()
    BudgetLine.objects.filter(system__code__startswith=PREFIX).delete()
    InformationSystem.objects.filter(code__startswith=PREFIX).delete()
    # children first: municipalities, agencies; then the rest
    Organization.objects.filter(code__startswith=PREFIX, parent__code__startswith=PREFIX).delete()
    Organization.objects.filter(code__startswith=PREFIX).delete()


Progress = Callable[[str, int, int], None]


def generate(
    *,
    systems: int = 40_000,
    seed: int = 1,
    progress: Progress | None = None,
) -> ScaleResult:
    """Replace the scale data with a fresh set from ``seed``. The random draws happen in a
    fixed order (organisations, systems, budgets), so one seed always gives the same data."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets

    def report(stage: str, done: int, total: int) -> None:
        if progress:
            progress(stage, done, total)

    with transaction.atomic():
        clear_scale_data()
        local_governments = _local_governments()
        report("local governments", local_governments, local_governments)
        ministries, extra_ministries = _ministries()
        _agencies(rng, ministries)
        _operators(rng)
        _quasi_public_bodies()
        organizations = (
            local_governments + extra_ministries + AGENCIES + OPERATORS + QUASI_PUBLIC_BODIES
        )
        report("organizations", organizations, organizations)
        _systems(rng, systems, ministries, report)
        report("systems", systems, systems)
        budget_lines = _budgets(rng)
        report("budget lines", budget_lines, budget_lines)
        ratings = _ratings(rng)
        report("oversight ratings", ratings, ratings)
        recommendations = _recommendations(rng)
        report("recommendations", recommendations, recommendations)
        rebuild_tallies()
    return ScaleResult(
        organizations=organizations,
        systems=systems,
        budget_lines=budget_lines,
        ratings=ratings,
        recommendations=recommendations,
    )


def _local_governments() -> int:
    """47 prefectures with their real names and codes, and municipalities numbered under
    them; a code a real local government already holds is left empty. Returns how many."""
    existing_codes = set(
        Organization.objects.filter(kind="local_government").values_list(
            "local_government_code", flat=True
        )
    )

    def codes(code: str) -> dict[str, str]:
        if code in existing_codes:
            return {"local_government_code": "", "corporate_number": ""}
        return {
            "local_government_code": code,
            "corporate_number": local_government_corporate_number(code),
        }

    Organization.objects.bulk_create(
        [
            Organization(
                code=f"{PREFIX}pref-{number:02d}",
                name=name,
                name_en=f"Prefecture {number:02d}",
                kind=OrganizationKind.LOCAL_GOVERNMENT,
                local_government_level="prefecture",
                **codes(_code(number, 0)),
            )
            for number, name in enumerate(PREFECTURES, start=1)
        ],
        batch_size=1000,
    )
    prefectures = list(
        Organization.objects.filter(code__startswith=f"{PREFIX}pref-").order_by("code")
    )
    per_prefecture = [MUNICIPALITIES // len(prefectures)] * len(prefectures)
    for index in range(MUNICIPALITIES - sum(per_prefecture)):
        per_prefecture[index] += 1
    municipalities = []
    for prefecture_number, (prefecture, count) in enumerate(
        zip(prefectures, per_prefecture, strict=True), start=1
    ):
        for k in range(count):
            number = 201 + k if k < 20 else 301 + (k - 20)
            code = _code(prefecture_number, number)
            municipalities.append(
                Organization(
                    code=f"{PREFIX}lg-{code}",
                    name=f"{prefecture.name}サンプル市町村{number:03d}",
                    name_en=f"Sample municipality {code}",
                    kind=OrganizationKind.LOCAL_GOVERNMENT,
                    local_government_level="municipality",
                    parent=prefecture,
                    **codes(code),
                )
            )
    Organization.objects.bulk_create(municipalities, batch_size=1000)
    return len(prefectures) + len(municipalities)


def _ministries() -> tuple[list[Organization], int]:
    """The real ministries, topped up with numbered ones to MINISTRIES; and how many were added."""
    real = list(
        Organization.objects.filter(kind=OrganizationKind.MINISTRY).exclude(code__startswith=PREFIX)
    )
    extra = [
        Organization(
            code=f"{PREFIX}ministry-{n:02d}",
            name=f"サンプル省庁{n:02d}",
            name_en=f"Sample ministry {n:02d}",
            kind=OrganizationKind.MINISTRY,
        )
        for n in range(max(0, MINISTRIES - len(real)))
    ]
    Organization.objects.bulk_create(extra)
    return real + list(Organization.objects.filter(code__startswith=f"{PREFIX}ministry-")), len(
        extra
    )


def _agencies(rng: random.Random, ministries: list[Organization]) -> None:
    Organization.objects.bulk_create(
        [
            Organization(
                code=f"{PREFIX}agency-{n:03d}",
                name=f"独立行政法人サンプル機構{n:03d}",
                name_en=f"Sample agency {n:03d}",
                kind=OrganizationKind.INDEPENDENT_AGENCY,
                parent=rng.choice(ministries),
            )
            for n in range(AGENCIES)
        ],
        batch_size=1000,
    )


def _operators(rng: random.Random) -> None:
    sectors = list(Sector.objects.all())
    Organization.objects.bulk_create(
        [
            Organization(
                code=f"{PREFIX}operator-{n:03d}",
                name=f"サンプル事業者{n:03d}株式会社",
                name_en=f"Sample operator {n:03d}",
                kind=OrganizationKind.CI_OPERATOR,
                sector=rng.choice(sectors),
            )
            for n in range(OPERATORS)
        ],
        batch_size=1000,
    )


# Fields of the quasi-public sector (準公共部門), for the bodies' names.
_QUASI_PUBLIC_FIELDS = ["医療", "介護", "教育", "防災", "こども", "インフラ"]


def _quasi_public_bodies() -> None:
    Organization.objects.bulk_create(
        [
            Organization(
                code=f"{PREFIX}quasi-{n:02d}",
                name=f"サンプル{_QUASI_PUBLIC_FIELDS[n % len(_QUASI_PUBLIC_FIELDS)]}"
                f"データ機構{n:02d}",
                name_en=f"Sample quasi-public body {n:02d}",
                kind=OrganizationKind.QUASI_PUBLIC,
            )
            for n in range(QUASI_PUBLIC_BODIES)
        ],
        batch_size=1000,
    )


@dataclass
class _Owners:
    """Who owns the generated systems, and how many of each kind there are."""

    ministries: list[Organization]
    agencies: list[Organization]
    operators: list[Organization]
    locals_: list[Organization]
    quasi_public: list[Organization]
    digital_agency: Organization | None
    national: int
    local: int
    agency_systems: int
    quasi_public_systems: int
    # How far ahead (+) or behind (-) each prefecture's municipalities are, by prefecture id.
    pace: dict[int | None, float]


def _owners(rng: random.Random, ministries: list[Organization], systems: int) -> _Owners:
    locals_ = list(Organization.objects.filter(code__startswith=f"{PREFIX}lg-").order_by("code"))
    prefecture_ids = sorted({lg.parent_id for lg in locals_ if lg.parent_id})
    return _Owners(
        ministries=ministries,
        agencies=list(Organization.objects.filter(code__startswith=f"{PREFIX}agency-")),
        operators=list(Organization.objects.filter(code__startswith=f"{PREFIX}operator-")),
        locals_=locals_,
        quasi_public=list(
            Organization.objects.filter(code__startswith=f"{PREFIX}quasi-").order_by("code")
        ),
        digital_agency=next(
            (
                h.organization
                for h in RoleHolding.objects.select_related("organization").filter(
                    role="digital_agency", valid_to__isnull=True
                )
            ),
            None,
        ),
        national=round(systems * 1_100 / 40_000),
        local=round(systems * 35_000 / 40_000),
        agency_systems=round(systems * 0.05),
        quasi_public_systems=round(systems * 600 / 40_000),
        pace={pk: rng.uniform(-0.12, 0.08) for pk in prefecture_ids},
    )


def _systems(
    rng: random.Random,
    systems: int,
    ministries: list[Organization],
    report: Progress,
) -> None:
    """``systems`` systems: national ones first, then local governments', independent
    agencies' and operators', inserted 2,000 at a time."""
    owners = _owners(rng, ministries, systems)
    batch: list[InformationSystem] = []
    for n in range(systems):
        category, owner, builder = _ownership(rng, n, owners)
        system = _system(rng, n, category, owner, builder)
        if category == SystemCategory.LOCAL_GOVERNMENT_SYSTEM:
            _migration(rng, system, n - owners.national, owners.pace.get(owner.parent_id, 0.0))
        batch.append(system)
        if len(batch) == 2000:
            InformationSystem.objects.bulk_create(batch)
            batch.clear()
            if n + 1 < systems:
                report("systems", n + 1, systems)
    InformationSystem.objects.bulk_create(batch)


def _ownership(
    rng: random.Random, n: int, owners: _Owners
) -> tuple[SystemCategory, Organization, Organization]:
    """The category, owner and builder of the ``n``-th system."""
    da = owners.digital_agency
    if n < owners.national:
        kind = rng.random()
        if da is not None and kind < 0.1:
            return SystemCategory.DIGITAL_AGENCY_SYSTEM, da, da
        owner = rng.choice(owners.ministries)
        if da is not None and kind < 0.2:
            return SystemCategory.JOINT_SYSTEM, owner, da
        return SystemCategory.MINISTRY_SYSTEM, owner, owner
    if n < owners.national + owners.local:
        # Each municipality in turn, one system per standard business.
        index = (n - owners.national) // len(StandardBusiness.values)
        owner = owners.locals_[index % len(owners.locals_)]
        return SystemCategory.LOCAL_GOVERNMENT_SYSTEM, owner, owner
    if n < owners.national + owners.local + owners.agency_systems:
        owner = rng.choice(owners.agencies)
        return SystemCategory.INDEPENDENT_AGENCY_SYSTEM, owner, owner
    quasi_public_end = (
        owners.national + owners.local + owners.agency_systems + owners.quasi_public_systems
    )
    if owners.quasi_public and n < quasi_public_end:
        owner = rng.choice(owners.quasi_public)
        return SystemCategory.QUASI_PUBLIC_SYSTEM, owner, owner
    owner = rng.choice(owners.operators)
    return SystemCategory.CI_SYSTEM, owner, owner


_PHASES = [p for p in LifecyclePhase.values if p != LifecyclePhase.RETIRED]
# Ends of fiscal years: targets up to FY2025 (the national one), extended deadlines of special
# support from FY2026 to FY2030.
_TARGETS = [dt.date(2024, 3, 31), dt.date(2025, 3, 31), dt.date(2026, 3, 31)]
_SPECIAL_DEADLINES = [dt.date(year + 1, 3, 31) for year in range(2026, 2031)]


def _migration(rng: random.Random, system: InformationSystem, index: int, pace: float) -> None:
    """The ``index``-th local system's business (the 20 in turn) and migration: about 5% under
    special support with a deadline up to FY2030, most migrated by their target (FY2025 at
    the latest), the rest in progress or not started, more or fewer by prefecture."""
    system.standard_business = StandardBusiness.values[index % len(StandardBusiness.values)]
    draw = rng.random()
    migrated = 0.80 + pace
    if draw < 0.05:
        system.migration_status = MigrationStatus.SPECIAL_SUPPORT
        system.special_support_deadline = rng.choice(_SPECIAL_DEADLINES)
    elif draw < 0.05 + migrated:
        system.migration_status = MigrationStatus.MIGRATED
        system.migration_target = rng.choice(_TARGETS)
    elif draw < 0.05 + migrated + (0.95 - migrated) * 0.7:
        system.migration_status = MigrationStatus.IN_PROGRESS
        system.migration_target = _TARGETS[-1] if rng.random() < 0.8 else None
    else:
        system.migration_status = MigrationStatus.NOT_STARTED


def _system(
    rng: random.Random,
    n: int,
    category: SystemCategory,
    owner: Organization,
    builder: Organization,
) -> InformationSystem:
    on_cloud = rng.random() < 0.4
    system = InformationSystem(
        code=f"{PREFIX}{n:06d}",
        name=f"サンプルシステム{n:06d}",
        name_en=f"Sample system {n:06d}",
        owner=owner,
        category=category,
        builder=builder,
        important=rng.random() < 0.05,
        phase=rng.choice(_PHASES),
        hosting=Hosting.GOVERNMENT_CLOUD if on_cloud else Hosting.ON_PREMISES,
        cloud_provider=rng.choice(["aws", "azure", "google", "oci", "sakura"]) if on_cloud else "",
        confidentiality=rng.randint(1, 3),
        integrity=rng.randint(1, 2),
        availability=rng.randint(1, 2),
        people_served=rng.randint(100, 10_000_000),
    )
    return system


def _budgets(rng: random.Random) -> int:
    """Five fiscal years of the single budget for every national system: requested, decided
    (some reduced) and, for past years, executed."""
    current = current_fiscal_year()
    national = InformationSystem.objects.filter(
        code__startswith=PREFIX, category__in=overseen_categories()
    ).values_list("pk", flat=True)
    lines = []
    for pk in national:
        base = rng.randint(10, 2_000) * 1_000_000
        for year in range(current - 4, current + 1):
            development = int(base * rng.uniform(0.2, 1.5)) // 1000 * 1000
            operation = int(base * rng.uniform(0.3, 0.8)) // 1000 * 1000
            reduced = rng.random() < 0.3
            dev_ok = development * 9 // 10 if reduced else development
            line = BudgetLine(
                system_id=pk,
                fiscal_year=year,
                status=BudgetStatus.REDUCED if reduced else BudgetStatus.APPROVED,
                development_requested=development,
                operation_requested=operation,
                development_approved=dev_ok,
                operation_approved=operation,
            )
            if year < current:
                line.development_executed = dev_ok * rng.randint(80, 100) // 100
                line.operation_executed = operation * rng.randint(85, 100) // 100
            lines.append(line)
    BudgetLine.objects.bulk_create(lines, batch_size=2000)
    return len(lines)


def _ratings(rng: random.Random) -> int:
    """The Digital Agency's risk ratings of the national systems over the last four years:
    most systems rated once or more a year, about a fifth last rated too long ago, a few never.
    """
    today = dt.date.today()
    national = InformationSystem.objects.filter(
        code__startswith=PREFIX, category__in=overseen_categories()
    ).values_list("pk", flat=True)
    ratings = []
    for pk in national:
        kind = rng.random()
        if kind < 0.05:
            continue  # never rated
        # the newest rating: within the year, or (stale) one to three years ago
        age = rng.randint(400, 1100) if kind < 0.25 else rng.randint(0, 330)
        for k in range(rng.randint(1, 4)):
            ratings.append(
                OversightRating(
                    system_id=pk,
                    risk=rng.randint(1, 5),
                    reason=f"定期評価（サンプル {k + 1}）",
                    rated_by="scale",
                    rated_on=today - dt.timedelta(days=age + 365 * k),
                )
            )
    OversightRating.objects.bulk_create(ratings, batch_size=2000)
    return len(ratings)


RECOMMENDATIONS = 300


def _recommendations(rng: random.Random) -> int:
    """Recommendations to ministries about their own systems, in every state; some open ones
    past their due date (a few long past)."""
    today = dt.date.today()
    by_ministry: dict[int, list[int]] = {}
    for pk, owner in InformationSystem.objects.filter(
        code__startswith=PREFIX,
        category=SystemCategory.MINISTRY_SYSTEM,
        owner__kind=OrganizationKind.MINISTRY,
    ).values_list("pk", "owner_id"):
        by_ministry.setdefault(owner, []).append(pk)
    if not by_ministry:
        return 0
    ministries = sorted(by_ministry)
    made, links = [], []
    for n in range(RECOMMENDATIONS):
        ministry = rng.choice(ministries)
        issued = today - dt.timedelta(days=rng.randint(10, 900))
        due = issued + dt.timedelta(days=rng.choice([30, 60, 90]))
        status = rng.choice(
            [RecommendationStatus.OPEN] * 3
            + [RecommendationStatus.ANSWERED] * 3
            + [RecommendationStatus.CLOSED] * 3
            + [RecommendationStatus.ESCALATED]
        )
        answered = status != RecommendationStatus.OPEN
        made.append(
            Recommendation(
                number=f"{PREFIX}R{issued.year}-{n:04d}",
                ministry_id=ministry,
                reason="サンプル勧告：監理の結果、改善を求める。",
                due_date=due,
                status=status,
                answer="対応方針を回答する。" if answered else "",
                answered_on=min(due, today) if answered else None,
                closed_on=min(due + dt.timedelta(days=30), today)
                if status in (RecommendationStatus.CLOSED, RecommendationStatus.ESCALATED)
                else None,
            )
        )
    Recommendation.objects.bulk_create(made, batch_size=1000)
    through = Recommendation.systems.through
    for recommendation in Recommendation.objects.filter(number__startswith=PREFIX).only(
        "pk", "ministry_id"
    ):
        systems = by_ministry[recommendation.ministry_id]
        for system in rng.sample(systems, min(len(systems), rng.randint(1, 3))):
            links.append(through(recommendation_id=recommendation.pk, informationsystem_id=system))
    through.objects.bulk_create(links, batch_size=2000)
    return len(made)
