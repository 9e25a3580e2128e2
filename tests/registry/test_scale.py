import datetime as dt

import pytest
from django.db import transaction

from shireito.organizations.identifiers import validate_local_government_code
from shireito.organizations.models import Organization
from shireito.registry.choices import StandardBusiness
from shireito.registry.models import BudgetLine, InformationSystem
from shireito.registry.scale import generate
from shireito.registry.selectors import overseen_categories
from tests.organizations.conftest import small_government

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def national_scale(django_db_setup, django_db_blocker):
    """The small government and 2,000 systems of seed 5, generated once for the tests that
    only read them (each ran the same ``generate`` on its own), rolled back at the module's
    end; each test's own writes are rolled back after it. Set up by the first test that asks,
    so the tests that generate their own data come before."""
    with django_db_blocker.unblock(), transaction.atomic():
        small_government()
        yield generate(systems=2000, seed=5)
        transaction.set_rollback(True)


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


def test_scale_data_has_ratings_recommendations_and_tallies(national_scale):
    from shireito.registry import tallies
    from shireito.registry.models import OversightRating, Recommendation

    # Given a national-scale set of 2,000 systems
    result = national_scale
    # Then national systems carry ratings (some stale), recommendations span every state
    assert result.ratings == OversightRating.objects.filter(rated_by="scale").count() > 0
    statuses = set(
        Recommendation.objects.filter(number__startswith="scale-").values_list("status", flat=True)
    )
    assert statuses == {"open", "answered", "closed", "escalated"}
    assert all(r.systems.exists() for r in Recommendation.objects.all()[:20])
    # and the summary tables equal a direct count
    assert tallies.tallies_disagree() == []


def test_scale_data_has_quasi_public_bodies_and_every_local_business_with_its_migration(
    national_scale,
):
    # given national-scale data of 2,000 systems
    generated = InformationSystem.objects.filter(code__startswith="scale-")

    # then quasi-public bodies own quasi-public systems
    bodies = Organization.objects.filter(code__startswith="scale-", kind="quasi_public")
    assert bodies.count() == 60
    quasi = generated.filter(category="quasi_public_system")
    assert quasi.count() == 30 and not quasi.exclude(owner__kind="quasi_public").exists()
    # and every municipality listed has one system per standard business, all 20 of them
    local = generated.filter(category="local_government_system")
    assert local.count() == 1_750
    first = local.order_by("code").first()
    assert first is not None
    assert local.filter(owner=first.owner).count() == 20
    assert set(local.values_list("standard_business", flat=True)) == set(StandardBusiness.values)
    # and the migration is spread: most migrated, some not, ~5% under special support whose
    # extended deadlines reach FY2030 at the latest
    migrated = local.filter(migration_status="migrated").count()
    special = local.filter(migration_status="special_support")
    assert 0.6 * 1_750 < migrated < 0.95 * 1_750
    assert 0.02 * 1_750 < special.count() < 0.08 * 1_750
    assert not special.filter(special_support_deadline__isnull=True).exists()
    assert not special.filter(special_support_deadline__gt=dt.date(2031, 3, 31)).exists()
    assert local.filter(migration_status__in=["in_progress", "not_started"]).exists()
    assert not local.filter(
        migration_status="migrated", migration_target__gt=dt.date(2026, 3, 31)
    ).exists()
