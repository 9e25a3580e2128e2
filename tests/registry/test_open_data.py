import json

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from shireito.registry import oversight
from shireito.registry.services import system_update
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_open_data_needs_no_sign_in_and_publishes_only_what_is_configured(
    systems, government, settings
):
    system_update(
        actor=None,
        system=systems["mhlw-app"],
        contact_email="secret@example.go.jp",
        contact_name="担当者",
    )
    da = make_user(organization=government["da"], roles=["editor"])
    line = oversight.budget_request(
        actor=None, system=systems["mhlw-app"], fiscal_year=2025, development=10, operation=5
    )
    line = oversight.budget_review(actor=da, line=line)
    oversight.budget_decide(actor=da, line=line, development=10, operation=5)
    client = Client()
    page = client.get("/open-data/")
    assert page.status_code == 200
    rows = json.loads(b"".join(client.get("/open-data/systems.json").streaming_content))
    assert {r["code"] for r in rows} == {"da-portal", "joint", "mhlw-app", "meti-app"}
    assert set(rows[0]) == set(settings.SHIREITO_OPEN_DATA_FIELDS)
    everything = (
        b"".join(client.get("/open-data/systems.csv").streaming_content).decode()
        + page.content.decode()
    )
    assert "secret@example.go.jp" not in everything and "担当者" not in everything
    assert "tokyo-app" not in everything
    budget = client.get("/open-data/budget.json").json()
    mhlw_2025 = next(r for r in budget if r["group"] == "mhlw" and r["fiscal_year"] == 2025)
    assert mhlw_2025["approved"] == 15 and mhlw_2025["label"] == government["mhlw"].name
    assert mhlw_2025["fiscal_year_label"] == "令和7年度"
    by_category = client.get("/open-data/budget.json?group_by=category").json()
    assert {r["group"] for r in by_category} == {"ministry_system"}
    api = client.get("/api/v1/portfolio/open-data/systems?limit=2").json()
    assert api["count"] == 4 and len(api["items"]) == 2


def test_configured_fields_are_checked(settings):
    settings.SHIREITO_OPEN_DATA_FIELDS = ["code", "contact_email"]
    with pytest.raises(ImproperlyConfigured):
        apps.get_app_config("registry").ready()
