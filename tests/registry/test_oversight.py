"""The Digital Agency's oversight: the single budget, ratings, recommendations."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from shireito.core.models import AuditEvent
from shireito.registry import oversight, selectors
from shireito.registry.models import BudgetLine, InformationSystem, Recommendation
from shireito.registry.selectors import budget_rollup, fiscal_year_label
from shireito.registry.services import system_create, system_update
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(government):
    return {
        "da": make_user(organization=government["da"], roles=["editor"]),
        "mhlw": make_user(organization=government["mhlw"], roles=["editor"]),
        "meti": make_user(organization=government["meti"], roles=["editor"]),
        "nisc": make_user(organization=government["nisc"], roles=["editor", "auditor"]),
    }


def test_fiscal_years_read_in_the_era():
    assert fiscal_year_label(2026) == "令和8年度"
    assert fiscal_year_label(2019) == "令和元年度"
    assert fiscal_year_label(2018) == "平成30年度"
    assert fiscal_year_label(2026, "en") == "FY2026"


def test_the_budget_goes_requested_reviewed_then_approved_or_reduced(systems, people):
    system = systems["mhlw-app"]
    line = oversight.budget_request(
        actor=people["mhlw"],
        system=system,
        fiscal_year=2026,
        development=100_000_000,
        operation=50_000_000,
    )
    assert line.status == "requested" and line.requested == 150_000_000
    with pytest.raises(PermissionDenied):
        oversight.budget_review(actor=people["mhlw"], line=line)
    with pytest.raises(PermissionDenied):
        oversight.budget_review(actor=people["nisc"], line=line)
    line = oversight.budget_review(actor=people["da"], line=line, note="見直し")
    with pytest.raises(ValidationError) as error:
        oversight.budget_decide(actor=people["da"], line=line, development=200_000_000, operation=0)
    assert "development_approved" in error.value.message_dict
    line = oversight.budget_decide(
        actor=people["da"], line=line, development=80_000_000, operation=50_000_000
    )
    assert line.status == "reduced" and line.approved == 130_000_000
    with pytest.raises(ValidationError):
        oversight.budget_request(
            actor=people["mhlw"], system=system, fiscal_year=2026, development=1, operation=1
        )
    line = oversight.budget_record_execution(
        actor=people["mhlw"], line=line, development=70_000_000, operation=49_000_000
    )
    assert line.executed == 119_000_000
    actions = list(
        AuditEvent.objects.filter(object_type="registry.budgetline").values_list(
            "changes", flat=True
        )
    )
    assert len(actions) == 4
    assert any("status" in c and c["status"][1] == "reduced" for c in actions)


def test_only_national_systems_are_in_the_single_budget(systems, government):
    tokyo_editor = make_user(organization=government["tokyo"], roles=["editor"])
    with pytest.raises(ValidationError) as error:
        oversight.budget_request(
            actor=tokyo_editor,
            system=systems["tokyo-app"],
            fiscal_year=2026,
            development=1,
            operation=1,
        )
    assert "system" in error.value.message_dict


def test_rollup_sums_exactly_with_year_on_year_change(systems, people):
    for year, amount in [(2024, 100), (2025, 150)]:
        for code in ["mhlw-app", "joint"]:
            line = oversight.budget_request(
                actor=people["mhlw"],
                system=systems[code],
                fiscal_year=year,
                development=amount,
                operation=0,
            )
            line = oversight.budget_review(actor=people["da"], line=line)
            oversight.budget_decide(actor=people["da"], line=line, development=amount, operation=0)
    rows = {
        r["group"]: r
        for r in budget_rollup(user=people["da"], group_by="ministry", years=[2024, 2025, 2026])
    }
    mhlw = rows["mhlw"]["years"]
    assert mhlw[2024]["approved"] == 200 and mhlw[2025]["approved"] == 300
    assert mhlw[2025]["change"] == 50.0 and mhlw[2024]["change"] is None
    assert mhlw[2026] == {
        "requested": 0,
        "approved": None,
        "executed": None,
        "undecided": 0,
        "change": None,
    }
    by_category = {
        r["group"] for r in budget_rollup(user=people["da"], group_by="category", years=[2025])
    }
    assert by_category == {"ministry_system", "joint_system"}
    assert budget_rollup(user=people["meti"], group_by="ministry", years=[2025]) == []


def test_ratings_are_kept_and_stale_ones_are_due(systems, people):
    system = systems["meti-app"]
    long_ago = timezone.localdate() - dt.timedelta(days=400)
    oversight.rating_add(actor=people["da"], system=system, risk=4, reason="古い基盤", on=long_ago)

    due = set(selectors.ratings_due(InformationSystem.objects.all()).values_list("code", flat=True))
    assert "meti-app" in due and "tokyo-app" not in due
    oversight.rating_add(actor=people["da"], system=system, risk=2, reason="更改済み")
    assert "meti-app" not in set(
        selectors.ratings_due(InformationSystem.objects.all()).values_list("code", flat=True)
    )
    assert [r.risk for r in system.ratings.all()] == [2, 4]
    with pytest.raises(PermissionDenied):
        oversight.rating_add(actor=people["meti"], system=system, risk=1, reason="自己評価")
    with pytest.raises(ValidationError):
        oversight.rating_add(actor=people["da"], system=system, risk=6, reason="x")
    oversight.schedule_set(actor=people["da"], rating_interval_days=30)
    assert selectors.schedule().rating_interval_days == 30


def test_leaving_oversight_by_reclassification_needs_an_audited_reason(government, people):
    system = system_create(
        actor=None, code="mv", name="移管", owner=government["da"], category="digital_agency_system"
    )
    # (a quasi-public system stays under oversight now: the move is to an operator's system)
    operator = government["power"]
    move = {"category": "ci_system", "owner": operator, "builder": operator}
    with pytest.raises(ValidationError) as error:
        system_update(actor=None, system=system, **move)
    assert error.value.message_dict["category"] == [
        "デジタル庁の統括・監理の対象外にするには理由が必要です。"
    ]
    system.refresh_from_db()
    system_update(actor=None, system=system, reason="事業者へ移管", **move)
    event = AuditEvent.objects.filter(
        object_id=str(system.pk), changes__has_key="left_oversight_because"
    ).get()
    assert event.changes["left_oversight_because"] == ["digital_agency_system", "事業者へ移管"]


def test_recommendations_open_answered_closed_or_escalated(systems, people, government):
    due = timezone.localdate() + dt.timedelta(days=30)
    with pytest.raises(PermissionDenied):
        oversight.recommendation_issue(
            actor=people["mhlw"],
            ministry=government["mhlw"],
            systems=[systems["mhlw-app"]],
            reason="r",
            due_date=due,
        )
    with pytest.raises(ValidationError) as error:
        oversight.recommendation_issue(
            actor=people["da"],
            ministry=government["mhlw"],
            systems=[systems["meti-app"]],
            reason="r",
            due_date=due,
        )
    assert "systems" in error.value.message_dict
    rec = oversight.recommendation_issue(
        actor=people["da"],
        ministry=government["mhlw"],
        systems=[systems["mhlw-app"]],
        reason="更改計画の見直し",
        due_date=due,
    )
    assert rec.status == "open" and not rec.is_overdue(timezone.localdate())
    assert rec.is_overdue(due + dt.timedelta(days=1))
    with pytest.raises(PermissionDenied):
        oversight.recommendation_answer(actor=people["meti"], recommendation=rec, answer="x")
    rec = oversight.recommendation_answer(
        actor=people["mhlw"], recommendation=rec, answer="計画を見直します"
    )
    with pytest.raises(ValidationError):
        oversight.recommendation_answer(actor=people["mhlw"], recommendation=rec, answer="again")
    rec = oversight.recommendation_conclude(actor=people["da"], recommendation=rec, escalate=False)
    assert rec.status == "closed"
    other = oversight.recommendation_issue(
        actor=people["da"],
        ministry=government["mhlw"],
        systems=[systems["joint"]],
        reason="r",
        due_date=due,
    )
    assert (
        oversight.recommendation_conclude(
            actor=people["da"], recommendation=other, escalate=True
        ).status
        == "escalated"
    )


def test_the_ministry_and_the_digital_agency_see_recommendations_others_do_not(
    api, systems, people, government
):
    due = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    issued = api(
        people["da"],
        "post",
        "/api/v1/portfolio/recommendations",
        {"ministry": "mhlw", "systems": ["mhlw-app"], "reason": "r", "due_date": due},
    )
    assert issued.status_code == 201, issued.content
    number = issued.json()["number"]
    assert (
        api(people["mhlw"], "get", f"/api/v1/portfolio/recommendations/{number}").status_code == 200
    )
    assert (
        api(people["meti"], "get", f"/api/v1/portfolio/recommendations/{number}").status_code == 404
    )
    answered = api(
        people["mhlw"],
        "post",
        f"/api/v1/portfolio/recommendations/{number}/answer",
        {"answer": "対応します"},
    )
    assert answered.json()["status"] == "answered"
    bad = api(
        people["da"],
        "post",
        "/api/v1/portfolio/recommendations",
        {"ministry": "mhlw", "systems": ["nope"], "reason": "r", "due_date": due},
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "systems"


def test_a_decision_on_a_stale_copy_is_checked_against_the_row_as_it_is(systems, people):
    line = oversight.budget_request(
        actor=people["mhlw"],
        system=systems["mhlw-app"],
        fiscal_year=2027,
        development=100,
        operation=0,
    )
    oversight.budget_review(actor=people["da"], line=line)
    stale = BudgetLine.objects.get(pk=line.pk)
    oversight.budget_decide(
        actor=people["da"], line=BudgetLine.objects.get(pk=line.pk), development=50, operation=0
    )
    with pytest.raises(ValidationError):
        oversight.budget_decide(actor=people["da"], line=stale, development=100, operation=0)
    assert BudgetLine.objects.get(pk=line.pk).status == "reduced"


def test_budgets_are_the_owners_and_the_overseers_only(api, systems, people, government):
    line = oversight.budget_request(
        actor=people["mhlw"],
        system=systems["mhlw-app"],
        fiscal_year=2027,
        development=1,
        operation=1,
    )
    oversight.rating_add(actor=people["da"], system=systems["mhlw-app"], risk=2, reason="r")
    for who, sees in [("mhlw", True), ("da", True), ("nisc", False), ("meti", False)]:
        budget = api(people[who], "get", "/api/v1/portfolio/systems/mhlw-app/budget")
        ratings = api(people[who], "get", "/api/v1/portfolio/systems/mhlw-app/ratings")
        if sees:
            assert [b["fiscal_year"] for b in budget.json()] == [line.fiscal_year]
            assert len(ratings.json()) == 1
        elif who == "nisc":  # NISC sees the system (it audits it) but not its budget or ratings
            assert budget.json() == [] and ratings.json() == []
        else:
            assert budget.status_code == 404


def test_overdue_recommendations_are_flagged_in_the_api(api, systems, people, government):
    rec = oversight.recommendation_issue(
        actor=people["da"],
        ministry=government["mhlw"],
        systems=[systems["mhlw-app"]],
        reason="r",
        due_date=timezone.localdate() + dt.timedelta(days=2),
    )

    Recommendation.objects.filter(pk=rec.pk).update(
        due_date=timezone.localdate() - dt.timedelta(days=1)
    )
    listed = api(people["mhlw"], "get", "/api/v1/portfolio/recommendations").json()["items"]
    assert listed[0]["overdue"] is True and listed[0]["systems"] == ["mhlw-app"]


def test_reclassification_reason_through_the_api(api, government, people):
    system_create(
        actor=None,
        code="mv2",
        name="移管",
        owner=government["da"],
        category="digital_agency_system",
    )
    admin = make_user(organization=government["da"], roles=["platform_admin"])
    operator = government["power"].code
    body = {"category": "ci_system", "owner": operator, "builder": operator}
    refused = api(admin, "patch", "/api/v1/portfolio/systems/mv2", body)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "category"
    assert (
        api(admin, "patch", "/api/v1/portfolio/systems/mv2", {**body, "reason": "移管"}).status_code
        == 200
    )
