"""A KPI's chart: well-formed SVG with a title and a description, every kind of point its own
marker, the same numbers in the table beside it; internal readers also see values entered and
not yet accepted, marked so, and the public never does."""

import datetime as dt
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.utils import translation

from shireito.plans.charts import STYLE, kpi_chart, number_text
from shireito.plans.views.sections import kpi_charts

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


def _svg(html: str) -> ET.Element:
    found = re.search(
        r"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart__svg\".*?</svg>", html, re.S
    )
    assert found, "no chart"
    return ET.fromstring(found.group(0))  # noqa: S314 (our own output)


def _table(html: str) -> list[tuple[str, str, str]]:
    """(kind, date, value) of the chart's table rows."""
    return re.findall(
        r'<tr data-kind="(\w+)"><th scope="row"><time datetime="([\d-]+)">.*?</time></th>'
        r'<td>.*?</td><td class="number">([^<]+)</td></tr>',
        html,
    )


def _drawn(svg: ET.Element) -> list[tuple[str, str, str]]:
    out = [
        (el.get("data-kind"), el.get("data-date"), el.get("data-value"))
        for el in svg.iter()
        if el.get("data-kind")
    ]
    out += [
        ("trajectory", el.get("data-date"), el.get("data-value"))
        for el in svg.iter(f"{SVG}line")
        if el.get("class") == "kpi-chart__trajectory"
    ]
    return out


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_public_chart_is_wellformed_and_its_table_has_the_same_numbers(world, language):
    # given K-1 with two accepted values, one entered, one returned, an interim target
    client = Client()
    client.cookies["django_language"] = language
    # when the public measure page is read
    html = client.get("/priority-plan/2026/measures/M-1/").content.decode()
    svg = _svg(html)
    # then the SVG parses, is one image named by its title and description
    assert svg.get("role") == "img"
    title = svg.find(f"{SVG}title")
    desc = svg.find(f"{SVG}desc")
    assert title is not None and title.text and desc is not None and desc.text
    assert svg.get("aria-labelledby") == title.get("id")
    assert svg.get("aria-describedby") == desc.get("id")
    # and it draws exactly the numbers of its table: accepted values only
    drawn = sorted(_drawn(svg))
    table = sorted(_table(html))
    assert drawn == table
    assert ("measurement", "2025-10-01", "150") in table
    assert ("measurement", "2026-04-01", "210") in table
    assert ("interim", "2026-03-31", "250") in table
    assert ("baseline", "2025-04-01", "100") in table
    assert ("target", "2028-03-31", "500") in table
    assert not [row for row in table if row[0] == "pending"]
    assert "98765" not in html and "87654" not in html
    # the table has a caption and headers with scope
    assert "<caption>" in html and '<th scope="col">' in html
    words = {"ja": "基準値", "en": "baseline"}[language]
    assert words in html


def test_each_kind_of_point_differs_by_shape_not_only_colour():
    # given the chart's styles
    shapes = {kind: (style[1], style[2], style[3]) for kind, style in STYLE.items()}
    # then no two kinds are drawn alike but for their colour
    assert len(set(shapes.values())) == len(shapes)


def test_the_trajectory_is_the_least_squares_line_to_the_target_date():
    # given a KPI from 0 to 100 over 2 years with values on a straight line reaching 60
    kpi = SimpleNamespace(
        pk=1,
        display_name="KPI",
        display_unit="%",
        baseline_date=dt.date(2024, 4, 1),
        baseline_value=Decimal(0),
        target_date=dt.date(2026, 4, 1),
        target_value=Decimal(100),
        direction="up",
        interim_targets=SimpleNamespace(all=lambda: []),
    )
    points = [(dt.date(2025, 4, 1), Decimal(30))]
    # when charted
    with translation.override("en"):
        chart = kpi_chart(kpi, points)
    # then the line's end is the projection (60 at the target date), said to be off track
    assert chart["trajectory"]["value"] == "60"
    assert "off track" in chart["description"]
    assert chart["rows"][-1] == {
        "kind": "trajectory",
        "label": "trajectory at the target date",
        "date": dt.date(2026, 4, 1),
        "iso": "2026-04-01",
        "value": "60",
        "pending": False,
    }


def test_a_kpi_without_values_has_no_line_and_says_so():
    kpi = SimpleNamespace(
        pk=2,
        display_name="KPI",
        display_unit="件",
        baseline_date=dt.date(2024, 4, 1),
        baseline_value=Decimal(10),
        target_date=dt.date(2026, 4, 1),
        target_value=Decimal(0),
        direction="down",
        interim_targets=SimpleNamespace(all=lambda: []),
    )
    with translation.override("en"):
        chart = kpi_chart(kpi, [])
    assert chart["trajectory"] is None and chart["line"] == ""
    assert "No accepted measurement yet." in chart["description"]
    svg = _svg(render_to_string("plans/partials/_kpi_chart.html", {"chart": chart}))
    assert svg.get("role") == "img"


@pytest.mark.parametrize(
    ("who", "sees_entered"),
    [("da-viewer", True), ("mhlw-viewer", True), ("tokyo-viewer", False)],
)
def test_internal_readers_see_entered_values_marked_as_not_yet_accepted(
    world,
    planners,
    who,
    sees_entered,
):
    # given the signed-in measure page's chart hook, for a reader of each kind
    request = RequestFactory().get("/")
    request.user = planners[who]
    k1 = world["k1"]
    # when the charts are made
    with translation.override("en"):
        charts = kpi_charts(request, world["health"], [k1])
        html = render_to_string("plans/partials/_kpi_chart.html", {"chart": charts[k1.pk]})
    # then the Digital Agency and the responsible ministry see the entered value, marked;
    # others see the accepted values only; a returned value nobody sees here
    table = _table(html)
    assert (("pending", "2026-07-01", "98,765") in table) is sees_entered
    assert ("measurement (not yet accepted)" in html) is sees_entered
    assert "87654" not in html and "87,654" not in html
    assert sorted(_drawn(_svg(html))) == sorted(table)


def test_numbers_are_read_with_separators_and_without_trailing_zeros():
    assert number_text(Decimal("1234.5000")) == "1,234.5"
    assert number_text(Decimal("500.0000")) == "500"
    assert number_text(60.25, 1) in {"60.2", "60.3"}
