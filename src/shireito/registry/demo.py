"""The demo's oversight: some forty national systems across the ministries (the Digital
Agency's important systems, joint systems, the ministries' and quasi-public bodies' own), five
fiscal years of the single budget taken through request, review, decision (some reduced, with
the reason) and spending, and next year's request; risk ratings with their reasons (some past
their schedule, some at odds with the owner's own self-assessment); and recommendations open,
overdue, answered, closed and escalated. Written through the services, as a person would; safe
to run again (what exists is left alone). The tables are in ``registry.demo_data``."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from shireito.registry import oversight
from shireito.registry.choices import BudgetStatus
from shireito.registry.demo_data import (
    ANSWERS,
    BASE_REQUEST,
    DEFAULT_REQUEST,
    MINISTRY_SYSTEMS,
    NATIONAL_SYSTEMS,
    RATING_REASONS,
    RATINGS_CHOSEN,
    RECOMMENDATIONS,
    REDUCTION_NOTES,
)
from shireito.registry.models import BudgetLine, InformationSystem, OversightRating, Recommendation
from shireito.registry.selectors import current_fiscal_year, overseen_categories
from shireito.registry.services import system_create

# The recent rating's risk, one per system in turn: most systems low to middling, a few high.
RISKS = [2, 3, 2, 1, 3, 4, 2, 3, 5, 2, 1, 3]


def load_demo_oversight(by_code: dict) -> None:
    requests = dict(BASE_REQUEST)
    for code, name, name_en, owner, category, fields, request in [
        *MINISTRY_SYSTEMS,
        *NATIONAL_SYSTEMS,
    ]:
        requests[code] = request
        if not InformationSystem.objects.filter(code=code).exists():
            system_create(
                actor=None,
                code=code,
                name=name,
                name_en=name_en,
                owner=by_code[owner],
                category=category,
                **fields,
            )
    systems = list(
        InformationSystem.objects.filter(category__in=overseen_categories()).order_by("code")
    )
    today = timezone.localdate()
    for index, system in enumerate(systems):
        _budget(system, index, today, requests.get(system.code, DEFAULT_REQUEST))
        _ratings(system, index, today)
    _recommendations(by_code, today)


def _budget(
    system: InformationSystem, index: int, today: dt.date, request: tuple[int, int]
) -> None:
    """The five fiscal years the tower shows, four decided and spent and this year's decided
    (its spending is recorded when the year closes), and next year's request at a different
    stage per system (requested, reviewed, decided), as in the autumn's budget round. About
    one decided line in four is reduced, with the reason."""
    development, operation = request
    this_year = current_fiscal_year(today)
    step = (8, -5, 3, 12, 0)[index % 5]
    present = set(BudgetLine.objects.filter(system=system).values_list("fiscal_year", flat=True))
    for offset, year in enumerate(range(this_year - 4, this_year + 2)):
        if year in present:
            continue
        growth = max(40, 100 + step * offset + (index % 3) * 4)
        asked_dev, asked_op = development * growth // 100, operation * (100 + 3 * offset) // 100
        line = oversight.budget_request(
            actor=None, system=system, fiscal_year=year, development=asked_dev, operation=asked_op
        )
        stage = 3 if year < this_year else 2 if year == this_year else index % 3
        if stage >= 1:
            line = oversight.budget_review(actor=None, line=line)
        if stage >= 2:
            reduced = (index + offset) % 4 == 0
            line = oversight.budget_decide(
                actor=None,
                line=line,
                development=asked_dev * (80 + index % 3 * 5) // 100 if reduced else asked_dev,
                operation=asked_op * 95 // 100 if reduced and index % 2 else asked_op,
                note=REDUCTION_NOTES[(index + offset) % len(REDUCTION_NOTES)] if reduced else "",
            )
        if stage == 3 and line.status in (BudgetStatus.APPROVED, BudgetStatus.REDUCED):
            oversight.budget_record_execution(
                actor=None,
                line=line,
                development=(line.development_approved or 0) * (84 + (index + offset) % 14) // 100,
                operation=(line.operation_approved or 0) * (95 + index % 5) // 100,
            )


def _ratings(system: InformationSystem, index: int, today: dt.date) -> None:
    """A rating a year and a half ago or more for every system, and a recent one for three in
    four: the rest are past their schedule, as the tower should show. Some systems are rated
    as chosen in ``RATINGS_CHOSEN``."""
    if OversightRating.objects.filter(system=system).exists():
        return
    chosen = RATINGS_CHOSEN.get(system.code)
    if chosen is not None:
        for days_ago, risk, reason in chosen:
            oversight.rating_add(
                actor=None,
                system=system,
                risk=risk,
                reason=reason,
                on=today - dt.timedelta(days=days_ago),
            )
        return
    old_risk = 2 + index % 3
    oversight.rating_add(
        actor=None,
        system=system,
        risk=old_risk,
        reason=RATING_REASONS[old_risk][index % 2],
        on=today - dt.timedelta(days=540 + 7 * index),
    )
    if index % 4 != 3:
        risk = RISKS[index % len(RISKS)]
        oversight.rating_add(
            actor=None,
            system=system,
            risk=risk,
            reason=RATING_REASONS[risk][(index + 1) % 2],
            on=today - dt.timedelta(days=10 + (index * 37) % 300),
        )


def _recommendations(by_code: dict, today: dt.date) -> None:
    """Recommendations in each state: open, open and past their due date, answered, closed
    and escalated. One already there (same ministry and reason) is left as it is."""
    for ministry, codes, reason, state, due_in in RECOMMENDATIONS:
        if Recommendation.objects.filter(ministry=by_code[ministry], reason=reason).exists():
            continue
        recommendation = oversight.recommendation_issue(
            actor=None,
            ministry=by_code[ministry],
            systems=InformationSystem.objects.filter(code__in=codes),
            reason=reason,
            due_date=today + dt.timedelta(days=max(due_in, 1)),
        )
        if state == "overdue":
            # The demo's past: this one was issued months ago and its answer is late. No
            # service moves a due date backwards, so the demo sets it directly.
            Recommendation.objects.filter(pk=recommendation.pk).update(
                due_date=today + dt.timedelta(days=due_in)
            )
        if state in ("answered", "closed"):
            recommendation = oversight.recommendation_answer(
                actor=None,
                recommendation=recommendation,
                answer=ANSWERS[codes[0]],
            )
        if state in ("closed", "escalated"):
            oversight.recommendation_conclude(
                actor=None, recommendation=recommendation, escalate=state == "escalated"
            )
