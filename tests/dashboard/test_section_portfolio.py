"""The portfolio section: every count scoped as the system list is, leading to that list; a
ministry sees its own bodies beside an anonymous spread, never another ministry by name."""

from urllib.parse import parse_qs, urlsplit

import pytest

from shireito.dashboard.sections import portfolio
from shireito.registry import selectors
from tests.dashboard import portfolio_world as world
from tests.organizations.conftest import government  # noqa: F401 - the small government

pytestmark = pytest.mark.django_db

LIST_FILTERS = {"category", "phase", "hosting", "owner", "important", "ministry", "sort"}


def _listed(user, href: str) -> int:
    """How many systems the list an href leads to shows ``user``."""
    parts = urlsplit(href)
    assert parts.path == "/systems/"
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    assert set(query) <= LIST_FILTERS
    important = {"yes": True, "no": False}.get(query.pop("important", ""))
    query.pop("sort", None)
    return selectors.system_list(user=user, important=important, **query).count()


def test_every_count_leads_to_the_list_that_produces_it(government):  # noqa: F811
    # Given the national systems and a ministry's viewer
    world.national(government)
    viewer = world.viewer(government, "mhlw")
    # When the section is built
    section = portfolio.build(viewer)
    # Then each count in every table equals the list its link leads to
    assert section is not None
    checked = 0
    for table in section.tables:
        for _column, cell in world.count_cells(table):
            if cell.href and table.key not in {"systems_benchmark", "ratings"}:
                assert _listed(viewer.user, cell.href) == cell.value, (table.key, cell.href)
                checked += 1
    assert checked > 10
    figures = {f.key: f for f in section.figures}
    assert _listed(viewer.user, figures["systems"].href) == figures["systems"].value
    assert _listed(viewer.user, figures["important"].href) == figures["important"].value
    # and the systems due a rating are those the oversight page lists
    due = selectors.ratings_due(selectors.system_list(user=viewer.user), world.TODAY)
    assert figures["ratings_due"].value == due.count()
    assert figures["ratings_due"].href == "/systems/oversight/"


def test_a_ministry_sees_its_bodies_and_an_anonymous_spread(government):  # noqa: F811
    # Given seven ministries' systems, MHLW with two and its agency PMDA with one
    world.national(government)
    # When MHLW's viewer builds the section
    section = portfolio.build(world.viewer(government, "mhlw"))
    # Then it counts MHLW's and PMDA's systems only, and names no other body
    assert {f.key: f.value for f in section.figures}["systems"] == 3
    owners = section.table("by_owner")
    assert sorted(row[0].value for row in owners.rows) == ["mhlw", "pmda"]
    shown = world.text_of(section)
    for other in ["meti", "mic", *world.EXTRA_MINISTRIES]:
        assert government[other].name not in shown
        assert f"{other}-" not in shown
    # and its own count sits beside the median and quartiles of all seven ministries
    spread = section.table("systems_benchmark")
    (row,) = spread.rows
    own, lower, median, upper, peers = (cell.value for cell in row[1:])
    assert (own, peers) == (3, 7)
    assert lower <= median <= upper
    assert median == 4  # ministries hold 3 (MHLW with PMDA), 2, 3, …, 7 systems


def test_the_digital_agency_sees_what_its_portfolio_scope_gives(government):  # noqa: F811
    # Given the systems of seven ministries, an agency and a local government
    world.national(government)
    world.local(government)
    viewer = world.viewer(government, "da")
    section = portfolio.build(viewer)
    # Then the Digital Agency counts exactly the systems its list shows, with no benchmark
    assert section is not None
    assert section.figures[0].value == selectors.system_list(user=viewer.user).count()
    assert section.table("systems_benchmark") is None


def test_nothing_to_show_is_no_section(government):  # noqa: F811
    assert portfolio.build(world.viewer(government, "power")) is None
