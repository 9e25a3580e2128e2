"""Open statistics: the aggregates the governance model publishes, read without signing in,
as a page, CSV and JSON at stable addresses; equal to the tower's own figures."""

import csv
import io

import pytest

from shireito.organizations.services import governance_configure
from tests.dashboard import portfolio_world as world
from tests.organizations.conftest import government  # noqa: F401 - the small government

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(government):  # noqa: F811
    governance_configure(actor=None, active_model="digital-agency", open_question="none")
    world.local(government)
    return government


def test_the_index_lists_what_the_model_publishes_without_sign_in(client, published):
    # when someone who has not signed in opens the open statistics
    response = client.get("/open-data/statistics/")
    # then every statistic the model publishes is there, with its CSV and JSON
    assert response.status_code == 200
    html = response.content.decode()
    for key in (
        "migration-by-prefecture",
        "budget-by-ministry",
        "systems-by-category",
        "systems-by-hosting",
    ):
        assert f'href="/open-data/statistics/{key}/"' in html
        assert f'href="/open-data/statistics/{key}.csv"' in html
        assert f'href="/open-data/statistics/{key}.json"' in html


def test_migration_by_prefecture_as_page_csv_and_json(client, published):
    # the page draws the tile map and its table, in Japanese
    page = client.get("/open-data/statistics/migration-by-prefecture/").content.decode()
    assert "<svg" in page and published["tokyo"].name in page
    # the JSON carries each prefecture's figures with the prefecture's name
    body = client.get("/open-data/statistics/migration-by-prefecture.json").json()
    tokyo = next(row for row in body["rows"] if row["prefecture"] == "tokyo")
    assert tokyo["prefecture_label"] == published["tokyo"].name
    assert (tokyo["systems"], tokyo["migrated"], tokyo["migrated_share"]) == (4, 1, 25.0)
    # and the CSV the same, with the column labels in the reader's language
    client.cookies["django_language"] = "en"
    response = client.get("/open-data/statistics/migration-by-prefecture.csv")
    assert response["Cache-Control"].startswith("public")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows and "Share migrated" in rows[0]


def test_the_figures_equal_the_towers(client, published, platform_admin):
    from shireito.dashboard.sections import local

    tower = local.build(world.viewer(published, user=platform_admin))
    towers = {row[0].value: row for row in tower.table("local_prefectures").rows}
    body = client.get("/open-data/statistics/migration-by-prefecture.json").json()
    for row in body["rows"]:
        mine = towers[row["prefecture"]]
        assert [c.value for c in mine[2:]] == [
            row["systems"],
            row["migrated"],
            row["in_progress"],
            row["not_started"],
            row["special_support"],
            row["behind_target"],
            row["migrated_share"],
        ]


def test_what_the_model_does_not_publish_is_not_there(client, published, monkeypatch):
    from shireito.dashboard import statistics

    monkeypatch.setattr(statistics, "published", lambda: [])
    assert client.get("/open-data/statistics/budget-by-ministry/").status_code == 404
    assert client.get("/open-data/statistics/budget-by-ministry.csv").status_code == 404
    assert client.get("/open-data/statistics/budget-by-ministry.xml").status_code == 404
