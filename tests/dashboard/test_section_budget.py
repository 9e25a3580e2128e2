"""The single budget section: per ministry with the bodies it supervises, fiscal years in the
era and in digits, and for a ministry only its own figure beside the anonymous spread."""

import pytest

from shireito.dashboard.sections import budget
from tests.dashboard import portfolio_world as world
from tests.organizations.conftest import government  # noqa: F401 - the small government

pytestmark = pytest.mark.django_db


def test_the_whole_government_by_ministry_and_year(government, platform_admin):  # noqa: F811
    # Given two years of budget for seven ministries, the platform's view
    world.national(government)
    section = budget.build(world.viewer(government, user=platform_admin))
    # Then FY2026 (令和8年度) is summed per ministry
    assert section is not None
    ministries = section.table("budget_ministries")
    by_code = {row[0].value: row for row in ministries.rows}
    assert by_code["mhlw"][1].value == 1100 + 5000
    assert by_code["meti"][1].value == 2 * 2200
    # and the approved amount's change is given where both years are decided
    assert by_code["meti"][4].value == round((2 * 2000 - 2 * 1800) * 100 / (2 * 1800), 1)
    assert by_code["mhlw"][4].value is None  # its joint system's FY2026 line is undecided
    years = section.table("budget_years")
    assert years.rows[-1][0].display == "令和8年度（FY2026）"
    assert all(cell.href.startswith("/systems/budget/") for cell in years.rows[-1][1:4])
    assert ministries.rows[0][0].href.startswith("/systems/?ministry=")
    assert section.table("budget_movements") is not None


def test_a_ministry_never_sees_another_ministrys_named_budget(government):  # noqa: F811
    # Given seven ministries' budgets, MHLW's viewer
    world.national(government)
    section = budget.build(world.viewer(government, "mhlw"))
    # Then the only named ministry is MHLW
    ministries = section.table("budget_ministries")
    assert [row[0].value for row in ministries.rows] == ["mhlw"]
    assert section.table("budget_movements") is None
    shown = world.text_of(section)
    for other in ["meti", "mic", *world.EXTRA_MINISTRIES]:
        assert government[other].name not in shown
    # and its requested FY2026 budget is set beside the seven ministries' spread, unnamed
    spread = section.table("budget_benchmark")
    requested = spread.rows[0]
    assert requested[1].value == 6100
    assert requested[5].value == 7
    # (4,400 · 6,100 · 9,900 · 17,600 · 27,500 · 39,600 · 53,900)
    assert requested[3].value == 17600


def test_no_budget_is_no_section(government):  # noqa: F811
    # Given a prefecture, whose systems have no single budget
    world.local(government)
    # Then it gets no budget section
    assert budget.build(world.viewer(government, "tokyo")) is None
