import pytest

from shireito.organizations.identifiers import validate_local_government_code
from shireito.organizations.models import Organization
from shireito.registry.models import BudgetLine, InformationSystem
from shireito.registry.scale import generate
from shireito.registry.selectors import overseen_categories

pytestmark = pytest.mark.django_db


def test_scale_data_is_deterministic_and_valid(government):
    generate(systems=400, seed=7)
    first = list(
        InformationSystem.objects.filter(code__startswith="scale-")
        .order_by("code")
        .values_list("code", "owner__code", "category")
    )
    generate(systems=400, seed=7)
    again = list(
        InformationSystem.objects.filter(code__startswith="scale-")
        .order_by("code")
        .values_list("code", "owner__code", "category")
    )
    assert first == again and len(first) == 400
    locals_ = Organization.objects.filter(code__startswith="scale-", kind="local_government")
    assert locals_.count() == 1_788
    for code in locals_.exclude(local_government_code="").values_list(
        "local_government_code", flat=True
    )[:500]:
        validate_local_government_code(code)
    for system in InformationSystem.objects.filter(code__startswith="scale-")[:50]:
        system.full_clean()


def test_scale_data_has_five_years_of_budget_for_national_systems(government):
    result = generate(systems=300, seed=3)
    national = InformationSystem.objects.filter(
        code__startswith="scale-", category__in=overseen_categories()
    ).count()
    assert (
        result.budget_lines
        == BudgetLine.objects.filter(system__code__startswith="scale-").count()
        == national * 5
    )
    for line in BudgetLine.objects.filter(system__code__startswith="scale-")[:200]:
        assert line.development_approved <= line.development_requested
        assert (
            line.development_executed is None
            or line.development_executed <= line.development_approved
        )


def test_scale_data_has_ratings_recommendations_and_tallies(government):
    from shireito.registry import tallies
    from shireito.registry.models import OversightRating, Recommendation

    # Given a national-scale set of 2,000 systems
    result = generate(systems=2000, seed=5)
    # Then national systems carry ratings (some stale), recommendations span every state
    assert result.ratings == OversightRating.objects.filter(rated_by="scale").count() > 0
    statuses = set(
        Recommendation.objects.filter(number__startswith="scale-").values_list("status", flat=True)
    )
    assert statuses == {"open", "answered", "closed", "escalated"}
    assert all(r.systems.exists() for r in Recommendation.objects.all()[:20])
    # and the summary tables equal a direct count
    assert tallies.tallies_disagree() == []
