"""The recommendations section: open, overdue, answered and escalated per ministry, each count
leading to the recommendation list filtered to it; a ministry sees only its own."""

from urllib.parse import parse_qs, urlsplit

import pytest

from shireito.dashboard.sections import recommendations
from shireito.registry import selectors
from tests.dashboard import portfolio_world as world
from tests.organizations.conftest import government  # noqa: F401 - the small government

pytestmark = pytest.mark.django_db


def _listed(user, href: str) -> int:
    parts = urlsplit(href)
    assert parts.path == "/systems/recommendations/"
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    overdue = query.pop("overdue", "") == "1"
    return selectors.recommendation_list(
        user=user, overdue=overdue, today=world.TODAY, **query
    ).count()


def test_counts_per_ministry_lead_to_the_filtered_list(government, platform_admin):  # noqa: F811
    # Given two recommendations to MHLW (one 40 days overdue) and one to METI
    world.national(government)
    world.recommendations(government)
    viewer = world.viewer(government, user=platform_admin)
    # When the whole government's section is built
    section = recommendations.build(viewer)
    # Then MHLW has two open, one overdue (flagged as long overdue), METI one open
    table = section.table("recommendations_by_ministry")
    rows = {row[0].value: row for row in table.rows}
    keys = [column.key for column in table.columns]
    mhlw = dict(zip(keys, rows["mhlw"], strict=True))
    assert (mhlw["open"].value, mhlw["overdue"].value) == (2, 1)
    assert mhlw["overdue"].flag == "danger"
    assert mhlw["overdue"].href == "/systems/recommendations/?overdue=1&ministry=mhlw"
    # and every count equals the list its link leads to
    for _column, cell in world.count_cells(table):
        assert _listed(viewer.user, cell.href) == cell.value
    figures = {f.key: f for f in section.figures}
    assert figures["overdue"].value == 1
    assert _listed(viewer.user, figures["open"].href) == 3


def test_a_ministry_sees_only_its_own_recommendations(government):  # noqa: F811
    world.national(government)
    world.recommendations(government)
    section = recommendations.build(world.viewer(government, "meti"))
    table = section.table("recommendations_by_ministry")
    assert [row[0].value for row in table.rows] == ["meti"]
    assert government["mhlw"].name not in world.text_of(section)


def test_the_list_page_takes_the_filters(government, client):  # noqa: F811
    world.national(government)
    world.recommendations(government)
    client.force_login(world.viewer(government, "mhlw").user)
    page = client.get("/systems/recommendations/?overdue=1&ministry=mhlw")
    assert page.status_code == 200
    assert page.context["page"].paginator.count == 1
