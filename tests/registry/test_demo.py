"""The demo's oversight: five years of the single budget, ratings (some stale) and a
recommendation in every state, so each part of the control tower has something to show."""

import pytest
from django.utils import timezone

from shireito.demo.dataset import load_demo_data
from shireito.registry.choices import BudgetStatus, RecommendationStatus
from shireito.registry.models import BudgetLine, InformationSystem, Recommendation
from shireito.registry.selectors import current_fiscal_year, ratings_due

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_mode, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        load_demo_data()


def test_the_demo_has_five_years_of_budget_for_each_ministrys_systems(demo):
    this_year = current_fiscal_year()
    owners = set(
        InformationSystem.objects.filter(category="ministry_system").values_list(
            "owner__code", flat=True
        )
    )
    # enough ministries for an anonymised median beside a ministry's own figures
    assert len(owners) >= 5
    years = set(BudgetLine.objects.values_list("fiscal_year", flat=True))
    assert years == set(range(this_year - 4, this_year + 1))
    # past years are decided and spent; this year's requests are at several stages
    past = BudgetLine.objects.filter(fiscal_year__lt=this_year)
    assert not past.filter(development_executed__isnull=True).exists()
    assert past.filter(status=BudgetStatus.REDUCED).exists()
    this = set(BudgetLine.objects.filter(fiscal_year=this_year).values_list("status", flat=True))
    assert {BudgetStatus.REQUESTED, BudgetStatus.REVIEWED} <= this


def test_the_demo_has_stale_ratings_and_every_state_of_recommendation(demo):
    assert ratings_due(InformationSystem.objects.all()).exists()  # past their schedule
    states = set(Recommendation.objects.values_list("status", flat=True))
    assert states == set(RecommendationStatus.values)
    today = timezone.localdate()
    assert any(r.is_overdue(today) for r in Recommendation.objects.all())


def test_loading_the_demo_again_adds_no_oversight_twice(demo):
    counts = (BudgetLine.objects.count(), Recommendation.objects.count())
    load_demo_data()
    assert (BudgetLine.objects.count(), Recommendation.objects.count()) == counts
