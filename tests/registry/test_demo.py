"""The demo's oversight: five years of the single budget, ratings (some stale) and a
recommendation in every state, so each part of the control tower has something to show."""

import pytest
from django.utils import timezone

from shireito.demo.dataset import load_demo_data
from shireito.registry.choices import BudgetStatus, RecommendationStatus
from shireito.registry.models import (
    BudgetLine,
    InformationSystem,
    OversightRating,
    Recommendation,
)
from shireito.registry.selectors import current_fiscal_year, overseen_categories, ratings_due
from tests.kit.demo import loaded_once

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo loaded once for the module, rolled back at its end (``tests.kit.demo``);
    each test starts from it as loaded, its own writes rolled back after it."""
    with loaded_once(
        django_db_blocker, tmp_path_factory.mktemp("media"), plan=False, cocreation=False
    ):
        yield


@pytest.fixture
def demo(demo_loaded, demo_mode):
    """The demo, read in demo mode."""


def test_the_demo_has_five_years_of_budget_for_each_ministrys_systems(demo):
    # given the demo loaded
    this_year = current_fiscal_year()
    national = InformationSystem.objects.filter(category__in=overseen_categories())
    owners = set(
        InformationSystem.objects.filter(category="ministry_system").values_list(
            "owner__code", flat=True
        )
    )
    # then tens of national systems across the ministries are under oversight, enough
    # ministries for an anonymised median beside a ministry's own figures
    assert national.count() >= 30
    assert len(owners) >= 8
    # and the Digital Agency builds important systems of its own and the joint systems
    own = national.filter(category="digital_agency_system", important=True)
    assert own.count() >= 5
    joint = national.filter(category="joint_system")
    assert joint.count() >= 3
    assert {s.builder.code for s in joint} == {"digital-agency"}
    assert len({s.owner_id for s in joint}) >= 3
    assert national.filter(category="quasi_public_system").count() >= 2
    # and each has the five fiscal years the tower shows (four spent and this year's) and
    # next year's request
    years = set(BudgetLine.objects.values_list("fiscal_year", flat=True))
    assert years == set(range(this_year - 4, this_year + 2))
    assert all(s.budget_lines.count() == 6 for s in national)
    # past years are decided and spent, some reduced with the reason
    past = BudgetLine.objects.filter(fiscal_year__lt=this_year)
    assert not past.filter(development_executed__isnull=True).exists()
    reduced = past.filter(status=BudgetStatus.REDUCED)
    assert reduced.exists()
    assert not reduced.filter(review_note="").exists()
    # this year's budget is decided, and next year's requests are at every stage
    decided = {BudgetStatus.APPROVED, BudgetStatus.REDUCED}
    this = set(BudgetLine.objects.filter(fiscal_year=this_year).values_list("status", flat=True))
    assert this <= decided
    next_year = BudgetLine.objects.filter(fiscal_year=this_year + 1)
    stages = set(next_year.values_list("status", flat=True))
    assert {BudgetStatus.REQUESTED, BudgetStatus.REVIEWED} <= stages and stages & decided


def test_the_demo_has_stale_ratings_and_every_state_of_recommendation(demo):
    # given the demo loaded
    national = InformationSystem.objects.filter(category__in=overseen_categories())
    # then every national system is rated with a reason, some past their schedule
    assert not national.filter(ratings__isnull=True).exists()
    assert not OversightRating.objects.filter(reason="").exists()
    assert ratings_due(InformationSystem.objects.all()).count() >= 5
    # and ratings span low to high risk
    assert set(OversightRating.objects.values_list("risk", flat=True)) == {1, 2, 3, 4, 5}
    # and recommendations are in every state, several open past their due date
    states = set(Recommendation.objects.values_list("status", flat=True))
    assert states == set(RecommendationStatus.values)
    today = timezone.localdate()
    assert sum(r.is_overdue(today) for r in Recommendation.objects.all()) >= 2


def test_loading_the_demo_again_adds_no_oversight_twice(demo):
    # given the demo loaded once
    def counts():
        return (
            InformationSystem.objects.count(),
            BudgetLine.objects.count(),
            OversightRating.objects.count(),
            Recommendation.objects.count(),
        )

    before = counts()
    # when it is loaded again
    load_demo_data(plan=False, cocreation=False)
    # then nothing is added
    assert counts() == before
