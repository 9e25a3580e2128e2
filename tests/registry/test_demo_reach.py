"""The demo shows the control tower's reach: a municipality's officer, a quasi-public body's
officer, and the Digital Agency coordinating one and overseeing the other."""

from io import StringIO

import pytest
from django.core.management import call_command

from shireito.accounts.models import User
from shireito.registry import selectors
from shireito.registry.choices import MigrationStatus, StandardBusiness
from tests.kit.demo import loaded_once

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo, loaded once for the module by ``shireito demo load`` and rolled back at its
    end (``tests.kit.demo``); each test starts from it as loaded."""
    with loaded_once(
        django_db_blocker,
        tmp_path_factory.mktemp("media"),
        load=lambda: call_command("demo", "load", stdout=StringIO()),
    ):
        yield


@pytest.mark.usefixtures("demo_data", "demo_mode")
def test_the_demo_holds_a_municipality_and_quasi_public_bodies_in_reach():
    # given the demo data (loaded by ``shireito demo load``)
    da = User.objects.get(username="da-officer")
    city = User.objects.get(username="city-officer")
    tokyo = User.objects.get(username="tokyo-officer")
    qp = User.objects.get(username="qp-officer")

    # then the city officer reads their own migration: one system under special support
    own = list(selectors.migration_list(user=city))
    assert {row["owner__code"] for row in own} == {"shibuya"}
    assert {row["migration_status"] for row in own} >= {"special_support", "migrated"}
    assert any(row["special_support_deadline"] for row in own)
    # and Tokyo and the Digital Agency coordinate it without reaching its systems' pages
    for coordinator in (tokyo, da):
        codes = {row["code"] for row in selectors.migration_list(user=coordinator)}
        assert {"shibuya-family-register", "shibuya-resident-tax"} <= codes
    assert selectors.system_get(user=da, code="shibuya-family-register") is None
    # and the Digital Agency oversees the quasi-public bodies' systems, which their officer owns
    quasi = selectors.system_list(user=da, category="quasi_public_system")
    assert {"demo-health-records", "demo-learning-platform"} <= {s.code for s in quasi}
    assert [s.code for s in selectors.system_list(user=qp)] == ["demo-health-records"]


@pytest.mark.usefixtures("demo_data", "demo_mode")
def test_the_demo_municipalities_are_at_every_stage_of_migration():
    # given the demo data (loaded by ``shireito demo load``)
    da = User.objects.get(username="da-officer")
    tokyo = User.objects.get(username="tokyo-officer")

    # then the Digital Agency coordinates municipalities in several prefectures, each with
    # a system for every one of the 20 standardised businesses
    rows = list(selectors.migration_list(user=da))
    prefectures = {row["owner__parent__code"] for row in rows if row["owner__parent__code"]}
    assert len(prefectures) >= 4
    per_city: dict[str, set[str]] = {}
    for row in rows:
        per_city.setdefault(row["owner__code"], set()).add(row["standard_business"])
    complete = [code for code, done in per_city.items() if done == set(StandardBusiness.values)]
    assert len(complete) >= 8
    # and at every stage, some behind their target and some with an extended deadline
    assert {row["migration_status"] for row in rows} == set(MigrationStatus.values)
    assert any(row["special_support_deadline"] for row in rows)
    assert any(row["behind_target"] for row in rows)
    # and Tokyo coordinates only its own municipalities
    assert {row["owner__parent__code"] for row in selectors.migration_list(user=tokyo)} <= {
        "tokyo",
        None,
    }
