"""The demo's oversight: a few more ministries' systems, so a ministry sees its figures beside
a government median of at least five ministries; five fiscal years of the single budget taken
through request, review, decision and spending; risk ratings (some past their schedule); and
recommendations in every state. Written through the services, as a person would; safe to run
again (what exists is left alone)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from shireito.registry import oversight
from shireito.registry.choices import BudgetStatus
from shireito.registry.models import BudgetLine, InformationSystem, OversightRating, Recommendation
from shireito.registry.selectors import current_fiscal_year, is_overseen
from shireito.registry.services import system_create

# code, name, English name, owner, phase, hosting, provider, important
MINISTRY_SYSTEMS = [
    (
        "mof-customs",
        "デモ通関手続システム",
        "Demo customs procedures system",
        "mof",
        "operation",
        "government_cloud",
        "aws",
        True,
    ),
    (
        "moj-registry",
        "デモ登記情報システム",
        "Demo registration information system",
        "moj",
        "renewal",
        "on_premises",
        "",
        True,
    ),
    (
        "mic-statistics",
        "デモ統計調査システム",
        "Demo statistical survey system",
        "mic",
        "operation",
        "government_cloud",
        "azure",
        False,
    ),
    (
        "maff-subsidies",
        "デモ補助金申請システム",
        "Demo subsidy application system",
        "maff",
        "development",
        "government_cloud",
        "google",
        False,
    ),
    (
        "env-permits",
        "デモ許認可管理システム",
        "Demo permits management system",
        "env",
        "operation",
        "other_cloud",
        "",
        False,
    ),
    (
        "mofa-consular",
        "デモ領事業務システム",
        "Demo consular services system",
        "mofa",
        "procurement",
        "on_premises",
        "",
        True,
    ),
]

# Yen per system and year: development and operation, as requested in the first demo year.
BASE_REQUEST = {
    "da-portal": (1_800_000_000, 2_400_000_000),
    "mhlw-joint-benefits": (3_200_000_000, 900_000_000),
    "mhlw-case-records": (150_000_000, 420_000_000),
    "meti-statistics": (380_000_000, 260_000_000),
}
DEFAULT_REQUEST = (240_000_000, 310_000_000)


def load_demo_oversight(by_code: dict) -> None:
    for code, name, name_en, owner, phase, hosting, provider, important in MINISTRY_SYSTEMS:
        if not InformationSystem.objects.filter(code=code).exists():
            system_create(
                actor=None,
                code=code,
                name=name,
                name_en=name_en,
                owner=by_code[owner],
                category="ministry_system",
                phase=phase,
                hosting=hosting,
                cloud_provider=provider,
                important=important,
            )
    systems = [s for s in InformationSystem.objects.order_by("code") if is_overseen(s)]
    today = timezone.localdate()
    for index, system in enumerate(systems):
        _budget(system, index, today)
        _ratings(system, index, today)
    _recommendations(by_code, today)


def _budget(system: InformationSystem, index: int, today: dt.date) -> None:
    """Four decided and spent years, and this year's request at a different stage per
    system (requested, reviewed, decided)."""
    development, operation = BASE_REQUEST.get(system.code, DEFAULT_REQUEST)
    this_year = current_fiscal_year(today)
    for offset, year in enumerate(range(this_year - 4, this_year + 1)):
        if BudgetLine.objects.filter(system=system, fiscal_year=year).exists():
            continue
        growth = 100 + 6 * offset + (index % 3) * 4
        asked_dev, asked_op = development * growth // 100, operation * growth // 100
        line = oversight.budget_request(
            actor=None, system=system, fiscal_year=year, development=asked_dev, operation=asked_op
        )
        stage = 3 if year < this_year else index % 3
        if stage >= 1:
            line = oversight.budget_review(actor=None, line=line)
        if stage >= 2:
            reduced = (index + offset) % 4 == 0
            line = oversight.budget_decide(
                actor=None,
                line=line,
                development=asked_dev * 85 // 100 if reduced else asked_dev,
                operation=asked_op,
                note="査定により開発経費を減額" if reduced else "",
            )
        if stage == 3 and line.status in (BudgetStatus.APPROVED, BudgetStatus.REDUCED):
            oversight.budget_record_execution(
                actor=None,
                line=line,
                development=(line.development_approved or 0) * (88 + index % 10) // 100,
                operation=(line.operation_approved or 0) * 97 // 100,
            )


REASONS = [
    "稼働中の重要システムで、更改計画が未確定のため",
    "ガバメントクラウドへの移行が完了し、運用体制も整っているため",
    "調達手続中で、要件定義の遅れが見られるため",
]


def _ratings(system: InformationSystem, index: int, today: dt.date) -> None:
    """A rating a year and a half ago for every system, and a recent one for most: the rest
    are past their schedule, as the tower should show."""
    if OversightRating.objects.filter(system=system).exists():
        return
    oversight.rating_add(
        actor=None,
        system=system,
        risk=2 + index % 3,
        reason=REASONS[index % len(REASONS)],
        on=today - dt.timedelta(days=540 + 7 * index),
    )
    if index % 4 != 3:
        oversight.rating_add(
            actor=None,
            system=system,
            risk=1 + (index + 1) % 5,
            reason=REASONS[(index + 1) % len(REASONS)],
            on=today - dt.timedelta(days=20 + 11 * index),
        )


def _recommendations(by_code: dict, today: dt.date) -> None:
    """One recommendation in each state: open, open and past its due date, answered, closed
    and escalated."""
    if Recommendation.objects.exists():
        return
    plans = [
        ("mhlw", ["mhlw-case-records"], "更改計画と予算要求の整合について説明を求める", None),
        ("moj", ["moj-registry"], "更改の遅れについて改善計画の提出を求める", "overdue"),
        ("meti", ["meti-statistics"], "クラウド移行計画の具体化を求める", "answered"),
        ("mof", ["mof-customs"], "障害発生時の報告体制の見直しを求める", "closed"),
        ("mofa", ["mofa-consular"], "調達仕様へのセキュリティ要件の反映を求める", "escalated"),
    ]
    for ministry, codes, reason, state in plans:
        recommendation = oversight.recommendation_issue(
            actor=None,
            ministry=by_code[ministry],
            systems=InformationSystem.objects.filter(code__in=codes),
            reason=reason,
            due_date=today + dt.timedelta(days=45),
        )
        if state == "overdue":
            # The demo's past: this one was issued months ago and its answer is late. No
            # service moves a due date backwards, so the demo sets it directly.
            Recommendation.objects.filter(pk=recommendation.pk).update(
                due_date=today - dt.timedelta(days=40)
            )
        if state in ("answered", "closed"):
            recommendation = oversight.recommendation_answer(
                actor=None,
                recommendation=recommendation,
                answer="計画を見直し、次年度予算要求に反映します。",
            )
        if state in ("closed", "escalated"):
            oversight.recommendation_conclude(
                actor=None, recommendation=recommendation, escalate=state == "escalated"
            )
