"""The local-government migration list: what coordinators read (the migration fields, nothing
else), what a municipality reads (its own), the filters the control tower links with, the
page in both languages, its CSV and its API."""

import csv
import datetime as dt
import io

import pytest

from shireito.registry import selectors
from shireito.registry.forms import MigrationFilter
from shireito.registry.models import InformationSystem
from shireito.registry.oversight import rating_add
from shireito.registry.permissions import may_see_migration
from shireito.registry.services import system_create
from tests.factories import make_organization, make_user

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 7)


@pytest.fixture
def local(government):
    """Tokyo and Shibuya, Osaka and its city, with systems in different migration states."""
    g = dict(government)
    g["osaka"] = make_organization(
        code="osaka",
        kind="local_government",
        local_government_level="prefecture",
        local_government_code="270008",
    )
    g["osaka-city"] = make_organization(
        code="osaka-city",
        kind="local_government",
        local_government_level="municipality",
        parent=g["osaka"],
        local_government_code="271004",
    )
    for code, owner, business, status, extra in [
        ("tokyo-juki", "tokyo", "resident_registry", "migrated", {}),
        (
            "shibuya-koseki",
            "shibuya",
            "family_register",
            "special_support",
            {"special_support_deadline": dt.date(2030, 3, 31)},
        ),
        (
            "shibuya-tax",
            "shibuya",
            "individual_resident_tax",
            "in_progress",
            {"migration_target": dt.date(2026, 3, 31)},
        ),
        (
            "shibuya-pension",
            "shibuya",
            "national_pension",
            "in_progress",
            {"migration_target": dt.date(2027, 3, 31)},
        ),
        ("osaka-nhi", "osaka-city", "national_health_insurance", "not_started", {}),
    ]:
        system_create(
            actor=None,
            code=code,
            name=f"{code} システム",
            owner=g[owner],
            category="local_government_system",
            standard_business=business,
            migration_status=status,
            contact_name="担当 太郎",
            confidentiality=3,
            **extra,
        )
    # a local system outside the standardised businesses, and a ministry's system
    system_create(
        actor=None,
        code="shibuya-web",
        name="区ウェブ",
        owner=g["shibuya"],
        category="local_government_system",
    )
    system_create(
        actor=None, code="mhlw-app", name="厚労", owner=g["mhlw"], category="ministry_system"
    )
    return g


def codes(rows):
    return sorted(row["code"] for row in rows)


ALL_STANDARD = ["osaka-nhi", "shibuya-koseki", "shibuya-pension", "shibuya-tax", "tokyo-juki"]


# --- who reads what ------------------------------------------------------------------


@pytest.mark.parametrize("who", ["da", "mic"])
def test_the_digital_agency_and_mic_read_every_local_migration_but_not_the_systems(local, who):
    # given an officer of a national coordinator
    officer = make_user(organization=local[who], roles=["editor"])

    # when they read the migration list and the portfolio
    rows = list(selectors.migration_list(user=officer, today=TODAY))
    portfolio = selectors.system_list(user=officer)

    # then they read every local system of a standard business, its migration fields only,
    assert codes(rows) == ALL_STANDARD
    assert set(rows[0]) == {*selectors.MIGRATION_FIELDS, "behind_target"}
    assert not {"confidentiality", "contact_name", "contact_email", "owner_id"} & set(rows[0])
    # and none of those systems, their budgets or ratings through the portfolio's doors
    assert not portfolio.filter(category="local_government_system").exists()
    assert selectors.system_get(user=officer, code="shibuya-tax") is None
    assert not selectors.budget_lines(user=officer).filter(system__owner=local["shibuya"])
    assert not selectors.oversight_visible(officer, InformationSystem.objects.get(code="osaka-nhi"))


def test_a_prefecture_reads_its_municipalities_migration_and_its_own_systems(local):
    # given a Tokyo official
    official = make_user(organization=local["tokyo"], roles=["viewer"])

    # when they read the migration list and the portfolio
    rows = selectors.migration_list(user=official, today=TODAY)

    # then Tokyo's own and Shibuya's systems, never Osaka's
    assert codes(rows) == ["shibuya-koseki", "shibuya-pension", "shibuya-tax", "tokyo-juki"]
    # and Shibuya's systems stay out of its portfolio: no detail, no contacts
    assert selectors.system_get(user=official, code="shibuya-tax") is None
    assert selectors.system_get(user=official, code="tokyo-juki") is not None


def test_a_municipality_reads_only_its_own(local):
    officer = make_user(organization=local["osaka-city"], roles=["editor"])
    assert codes(selectors.migration_list(user=officer, today=TODAY)) == ["osaka-nhi"]


def test_a_ministry_reads_no_local_migration_and_may_not_open_the_list(local):
    officer = make_user(organization=local["mhlw"], roles=["editor"])
    assert codes(selectors.migration_list(user=officer, today=TODAY)) == []
    assert not may_see_migration(officer)
    for who in ("da", "mic", "tokyo", "shibuya"):
        assert may_see_migration(make_user(organization=local[who], roles=["viewer"]))


def test_coordination_hands_out_no_rating_or_incident_reach(local):
    # given a rating the Digital Agency made on a ministry system and a Tokyo official
    da = make_user(organization=local["da"], roles=["editor"])
    rating_add(actor=da, system=InformationSystem.objects.get(code="mhlw-app"), risk=2, reason="r")
    official = make_user(organization=local["tokyo"], roles=["viewer"])

    # when the official reads ratings
    # then coordination gives nothing of the portfolio's oversight data
    shibuya_system = InformationSystem.objects.get(code="shibuya-tax")
    assert list(selectors.ratings_of(user=official, system=shibuya_system)) == []


# --- the filters ------------------------------------------------------------------------


def test_the_filters_the_control_tower_links_with(local):
    da = make_user(organization=local["da"], roles=["editor"])

    def listed(**filters):
        return codes(selectors.migration_list(user=da, today=TODAY, **filters))

    assert listed(prefecture="tokyo") == [
        "shibuya-koseki",
        "shibuya-pension",
        "shibuya-tax",
        "tokyo-juki",
    ]
    assert listed(prefecture="osaka") == ["osaka-nhi"]
    assert listed(owner="shibuya") == ["shibuya-koseki", "shibuya-pension", "shibuya-tax"]
    assert listed(standard_business="family_register") == ["shibuya-koseki"]
    assert listed(migration_status="in_progress") == ["shibuya-pension", "shibuya-tax"]
    assert listed(special_support=True) == ["shibuya-koseki"]
    # behind target: not migrated and past its target, the end of FY2025 when it has none
    assert listed(behind_target=True) == ["osaka-nhi", "shibuya-tax"]
    assert listed(search="koseki") == ["shibuya-koseki"]
    # under special support, behind once its extended deadline has passed
    later = selectors.migration_list(user=da, today=dt.date(2030, 4, 1), behind_target=True)
    assert "shibuya-koseki" in codes(later)


def test_the_filter_form_reads_the_towers_query_and_ignores_wrong_values(local):
    query = {
        "prefecture": "tokyo",
        "standard_business": "family_register",
        "migration_status": "special_support",
        "behind_target": "1",
        "special_support": "1",
        "owner": "shibuya",
    }
    assert MigrationFilter(query).values() == {
        **query,
        "behind_target": True,
        "special_support": True,
        "search": "",
    }
    wrong = MigrationFilter({"prefecture": "atlantis", "migration_status": "lost"}).values()
    assert wrong["prefecture"] == "" and wrong["migration_status"] == ""
    assert wrong["behind_target"] is False


# --- the page, the CSV and the API --------------------------------------------------------


def test_the_page_in_japanese_and_english_links_owners_never_systems(client, local):
    # given a Digital Agency officer
    client.force_login(make_user(organization=local["da"], roles=["editor"]))

    # when they open the list in Japanese and in English
    japanese = client.get("/systems/migration/?prefecture=tokyo").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/systems/migration/?prefecture=tokyo").content.decode()

    # then it names the businesses and states in words, links the owners' pages
    assert "標準準拠システムへの移行" in japanese
    assert "戸籍" in japanese and "特定移行支援" in japanese and "移行目標未達" in japanese
    assert "Local-government migration" in english and "Family register" in english
    assert 'href="/organizations/shibuya/"' in japanese
    # and never a system's page, which would answer 404
    assert "/systems/shibuya-koseki/" not in japanese
    assert "osaka-nhi" not in japanese
    assert "special_support" not in japanese.split("<main")[1].split("<form")[0]
    # and the portfolio's list offers the page
    assert "/systems/migration/" in client.get("/systems/").content.decode()


def test_the_page_is_refused_to_those_it_is_not_for(client, local):
    client.force_login(make_user(organization=local["mhlw"], roles=["editor"]))
    assert client.get("/systems/migration/").status_code == 403
    assert client.get("/systems/migration/export.csv").status_code == 403
    assert "/systems/migration/" not in client.get("/systems/").content.decode()


def test_the_csv_holds_the_migration_fields_of_the_filtered_rows(client, local):
    client.force_login(make_user(organization=local["tokyo"], roles=["viewer"]))
    response = client.get("/systems/migration/export.csv?owner=shibuya&behind_target=1")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["code"] for row in rows] == ["shibuya-tax"]
    assert rows[0]["prefecture"] == "tokyo" and rows[0]["migration_target"] == "2026-03-31"
    assert rows[0]["behind_target"] == "true"
    assert "contact" not in text and "confidentiality" not in text


def test_the_api_lists_the_migration_fields_paginated(api, local):
    da = make_user(organization=local["da"], roles=["editor"])
    body = api(da, "get", "/api/v1/portfolio/migration", prefecture="tokyo").json()
    assert body["count"] == 4
    first = body["items"][0]
    assert set(first) == {
        "code",
        "name",
        "name_en",
        "owner",
        "owner_name",
        "owner_name_en",
        "prefecture",
        "standard_business",
        "migration_status",
        "migration_target",
        "special_support_deadline",
        "behind_target",
    }
    special = api(da, "get", "/api/v1/portfolio/migration", special_support="true").json()
    assert [item["code"] for item in special["items"]] == ["shibuya-koseki"]
    assert special["items"][0]["special_support_deadline"] == "2030-03-31"
    officer = make_user(organization=local["mhlw"], roles=["editor"])
    assert api(officer, "get", "/api/v1/portfolio/migration").status_code == 403
