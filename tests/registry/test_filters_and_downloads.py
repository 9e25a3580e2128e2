"""The list's filter form, the add links and the downloads, after the move onto core.pages."""

import pytest

from shireito.registry.forms import SystemFilter
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_the_system_filter_ignores_what_it_cannot_read():
    # given a query with a wrong category, an unknown sort and a reversed sort link
    wrong = SystemFilter({"category": "colour", "sort": "size", "important": "maybe"})
    reversed_ = SystemFilter({"sort": "-name", "important": "no", "search": "  portal  "})

    # when the list reads them
    # then wrong values fall back to their defaults and valid ones are kept
    assert wrong.values()["category"] == ""
    assert wrong.values()["sort"] == "code"
    assert wrong.values()["important"] is None
    assert reversed_.values()["sort"] == "-name"
    assert reversed_.values()["important"] is False
    assert reversed_.values()["search"] == "portal"


def test_the_list_renders_the_shared_filter_form_with_its_labels(client, government, systems):
    # given a viewer
    client.force_login(make_user(organization=government["mhlw"], roles=["viewer"]))

    # when they open the list filtered by phase
    html = client.get("/systems/?phase=planning&sort=name").content.decode()

    # then the one filter component is there, each field labelled by its id
    assert 'role="search"' in html
    for name in ("search", "owner", "category", "phase", "hosting", "important", "sort"):
        assert f'for="id_{name}"' in html and f'id="id_{name}"' in html
    # and a viewer is not offered pages that would refuse them
    assert "/systems/new/" not in html and "/systems/import/" not in html


def test_the_budget_page_groups_through_its_filter_form(client, government):
    # given a Digital Agency editor
    client.force_login(make_user(organization=government["da"], roles=["editor"]))

    # when they ask for a grouping that does not exist, and then for an htmx refresh
    page = client.get("/systems/budget/?group_by=colour")
    partial = client.get("/systems/budget/?group_by=category", HTTP_HX_REQUEST="true")

    # then the page falls back to ministries, and htmx gets only the results
    assert page.context["group_by"] == "ministry" and 'for="id_group_by"' in page.content.decode()
    assert "<html" not in partial.content.decode() and 'id="results"' in partial.content.decode()


def test_exports_are_downloads_never_sniffed_or_kept(client, government, systems):
    # given an editor
    client.force_login(make_user(organization=government["mhlw"], roles=["editor"]))

    # when they export the list, and anyone fetches open data
    export = client.get("/systems/export.json?category=ministry_system")
    open_data = client.get("/open-data/budget.csv")

    # then both are files with the safe headers
    assert export["Content-Disposition"] == 'attachment; filename="systems.json"'
    assert b"".join(export.streaming_content).decode().startswith('[{"code": "mhlw-app"')
    for response in (export, open_data):
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cache-Control"] == "private, no-store"
    assert open_data.content.decode().startswith("group,label,fiscal_year")
