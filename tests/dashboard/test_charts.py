"""The tower's charts are SVG a screen reader and a keyboard can use: named, described,
linked where a figure has records behind it, patterned as well as coloured, and escaped."""

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from shireito.dashboard import charts, prefectures
from shireito.dashboard.charts import SERIES, STEPS, render_chart
from shireito.dashboard.figures import Cell, Chart, Column, Table
from shireito.dashboard.formatting import format_cell, format_value
from tests.dashboard import chart_samples

SVG = "{http://www.w3.org/2000/svg}"


def parse(html: str) -> ET.Element:
    return ET.fromstring(html)  # noqa: S314 (our own output)


def chart_svg(figure: ET.Element) -> ET.Element:
    return figure.find(f"./div/{SVG}svg")


def links(svg: ET.Element) -> list[ET.Element]:
    return list(svg.iter(f"{SVG}a"))


def contrast(a: str, b: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted([luminance(a), luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("table", chart_samples.all_tables(), ids=lambda t: t.chart.kind)
@pytest.mark.parametrize("language", ["ja", "en"])
def test_every_chart_is_a_named_described_group_in_a_figure(table, language):
    # given a sample table of each kind
    # when it is drawn
    figure = parse(render_chart(table, language=language))

    # then the figure carries a visible caption and the SVG is a group (it holds links), named
    # by its <title> and described by its <desc>
    assert figure.tag == "figure"
    assert figure.find("figcaption").find("span").text == table.title
    svg = chart_svg(figure)
    assert svg.get("role") == "group"
    title = svg.find(f"{SVG}title")
    assert svg.get("aria-labelledby") == title.get("id")
    assert title.text == table.title
    if table.description:
        desc = svg.find(f"{SVG}desc")
        assert svg.get("aria-describedby") == desc.get("id")
        assert desc.text == table.description
    # and every link has a name and a target
    for link in links(svg):
        assert link.get("href")
        assert link.get("aria-label")


def test_bar_chart_links_each_linked_row_with_its_name_and_value():
    # given four owners, three of them with a list behind their count
    table = chart_samples.bar_table()

    # when drawn in Japanese
    svg = chart_svg(parse(render_chart(table, language="ja")))

    # then each linked row is one <a> to its list, named with owner, column and value
    anchors = links(svg)
    assert [a.get("href") for a in anchors] == [
        "/registry/systems/?owner=mhlw",
        "/registry/systems/?owner=da",
        "/registry/systems/?owner=mlit&phase=run",
    ]
    assert anchors[0].get("aria-label") == "厚生労働省、システム数：1,234"
    # and a flag is said in words, with its note, and shown beside the value
    assert anchors[1].get("aria-label") == "デジタル庁、システム数：987（要確認: 監査が古い）"
    texts = ["".join(t.itertext()) for t in svg.iter(f"{SVG}text")]
    assert "987 要確認" in texts
    # and the row without a list is a named image, not a link
    unlinked = [g for g in svg.iter(f"{SVG}g") if g.get("role") == "img"]
    assert [g.get("aria-label") for g in unlinked] == [
        "<script>alert(1)</script>省、システム数：12"
    ]


def test_text_is_escaped_and_stays_text():
    # given a label that is markup
    table = chart_samples.bar_table()

    # when drawn (and as its data table)
    html = render_chart(table, language="ja")
    table_html = Template('{% include "dashboard/components/table.html" with table=t %}').render(
        Context({"t": table})
    )

    # then no element is made of it: it is text in the SVG and in the table
    assert "<script>" not in html
    assert "<script>" not in table_html
    svg = chart_svg(parse(html))
    assert not list(svg.iter("script")) and not list(svg.iter(f"{SVG}script"))
    assert any("<script>alert(1)</script>省" in (t.text or "") for t in svg.iter(f"{SVG}text"))


def test_stacked_segments_use_a_defined_pattern_each_and_a_legend_names_them():
    # given migration status in four columns for three prefectures
    table = chart_samples.stacked_table()

    # when drawn
    figure = parse(render_chart(table, language="ja"))
    svg = chart_svg(figure)

    # then each series has its own pattern, defined in the SVG
    patterns = {p.get("id"): p for p in svg.iter(f"{SVG}pattern")}
    assert len(patterns) == 4
    drawings = {
        ET.tostring(p.find(f"{SVG}path") if p.find(f"{SVG}path") is not None else p)
        for p in patterns.values()
    }
    assert len(drawings) == 4
    # and every segment is filled with one of them
    segments = [r for r in svg.iter(f"{SVG}rect") if r.get("class") == "chart__segment"]
    used = {s.get("fill").removeprefix("url(#").removesuffix(")") for s in segments}
    assert used == set(patterns)
    # and the links name the prefecture, the status, the count and its share
    names = [a.get("aria-label") for a in links(svg)]
    assert "北海道、移行済み：120（64.9%）" in names
    # and the legend lists the four statuses, each beside a swatch in its pattern
    items = figure.find("ul").findall("li")
    assert ["".join(li.itertext()).strip() for li in items] == [
        "移行済み",
        "目標どおり",
        "遅れ",
        "特定移行支援",
    ]
    swatch_fills = {li.find(f"{SVG}svg/{SVG}rect").get("fill") for li in items}
    assert swatch_fills == {f"url(#{key})" for key in patterns}


def test_series_colours_contrast_with_the_background_and_steps_with_their_text():
    for series in SERIES:
        assert contrast(series.colour, "#ffffff") >= 3
    assert len({s.pattern for s in SERIES}) == len(SERIES)
    assert len({s.marker for s in SERIES}) == len(SERIES)
    for step in STEPS:
        assert contrast(step.ink, step.fill) >= 4.5
    assert len({s.pattern for s in STEPS}) == len(STEPS)


def test_trend_draws_a_line_per_series_with_distinct_markers_axes_and_legend():
    # given three budget series over five fiscal years, one year missing a figure
    table = chart_samples.trend_table()

    # when drawn in English
    figure = parse(render_chart(table, language="en"))
    svg = chart_svg(figure)

    # then the axes are labelled: fiscal years below, yen amounts at the side
    texts = ["".join(t.itertext()) for t in svg.iter(f"{SVG}text")]
    assert "FY2021" in texts and "FY2025" in texts
    assert "年度" in texts  # the column's own label is the x axis title
    assert "¥80,000 million" in texts and "¥0" in texts
    assert "amount (yen)" in texts
    # and each series has its marker shape; the missing year breaks the line
    series = [g for g in svg.iter(f"{SVG}g") if g.get("class") == "chart__series"]
    assert len(series) == 3
    assert [len(g.findall(f"{SVG}polyline")) for g in series] == [1, 2, 1]
    shapes = {g.find(f".//{SVG}path").get("d")[:12] for g in series}
    assert len(shapes) == 3
    # and only the points with a list behind them are links
    assert len(links(svg)) == 5
    assert links(svg)[0].get("aria-label") == "FY2021, 要求額: ¥41,000 million"
    assert len(figure.find("ul").findall("li")) == 3


def test_tile_map_has_47_tiles_in_distinct_places_with_values_and_links():
    # given the share of every prefecture but Tokyo
    table = chart_samples.tiles_table()

    # when drawn
    figure = parse(render_chart(table, language="ja"))
    svg = chart_svg(figure)

    # then there are 47 tiles, one per JIS code, none on another's square
    tiles = [e for e in svg.iter() if e.get("data-code")]
    assert sorted(t.get("data-code") for t in tiles) == [f"{n:02d}" for n in range(1, 48)]
    places = {(r.get("x"), r.get("y")) for t in tiles for r in t.findall(f"{SVG}rect")[:1]}
    assert len(places) == 47
    # and each prefecture with data links to its list with its value and step in its name
    anchors = links(svg)
    assert len(anchors) == 46
    hokkaido = next(a for a in anchors if a.get("data-code") == "01")
    assert hokkaido.get("aria-label") == "北海道：37%（20%以上40%未満）"
    assert "37%" in [t.text for t in hokkaido.iter(f"{SVG}text")]
    # and the one without data says so, and links nowhere
    tokyo = next(t for t in tiles if t.get("data-code") == "13")
    assert tokyo.tag == f"{SVG}g" and tokyo.get("aria-label") == "東京都：データなし"
    # and a flagged figure says so in its name
    okinawa = next(a for a in anchors if a.get("data-code") == "47")
    assert "要確認: 期限が近い" in okinawa.get("aria-label")
    # and the legend names the five steps and "no data"
    assert len(figure.find("ul").findall("li")) == 7  # five steps, no data, the flag mark


def test_tile_map_layout_keeps_the_country_shape():
    by_code = prefectures.BY_CODE
    assert len(prefectures.PREFECTURES) == 47
    assert len({(p.col, p.row) for p in prefectures.PREFECTURES}) == 47
    hokkaido, okinawa = by_code[1], by_code[47]
    assert hokkaido.row == 0 and hokkaido.col == prefectures.COLUMNS - 1
    assert okinawa.col == 0 and okinawa.row == prefectures.ROWS - 1
    assert prefectures.prefecture_code("131016") == 13
    assert prefectures.prefecture_code("01") == 1
    assert prefectures.prefecture_code("48") is None


@pytest.mark.parametrize(
    ("kind", "value", "ja", "en"),
    [
        ("count", 1234567, "1,234,567", "1,234,567"),
        ("yen", 123_456_789_000, "1,234.6億円", "¥123,456.8 million"),
        ("yen", Decimal("45600000"), "46百万円", "¥45.6 million"),
        ("yen", 987_000, "987,000円", "¥987,000"),
        ("yen", -250_000_000, "-2.5億円", "-¥250 million"),
        ("percent", 45.3, "45.3%", "45.3%"),
        ("percent", 50.0, "50%", "50%"),
        ("days", 3, "3日", "3 days"),
        ("risk", 4, "5段階中4", "4 of 5"),
        ("fiscal_year", 2025, "令和7年度", "FY2025"),
        ("count", None, "—", "—"),
    ],
)
def test_values_read_in_each_language(kind, value, ja, en):
    assert format_value(kind, value, "ja") == ja
    assert format_value(kind, value, "en") == en


def test_a_cell_display_text_wins_over_its_value():
    column = Column("owner", "府省", "count")
    assert format_cell(column, Cell(3, display="三つ"), "en") == "三つ"


def test_template_tag_draws_the_chart_in_the_page_language():
    table = chart_samples.budget_bar_table()
    template = Template("{% load charts %}{% chart table %}")
    with translation.override("en"):
        html = template.render(Context({"table": table}))
    assert "¥123,456.8 million" in html
    assert parse(html).tag == "figure"


def test_a_table_without_chart_or_rows_draws_nothing():
    empty = chart_samples.bar_table()
    empty.rows = []
    unchartered = chart_samples.bar_table()
    unchartered.chart = None
    assert render_chart(empty) == ""
    assert charts.render_chart(unchartered) == ""


def test_data_table_has_caption_headers_links_and_flags_in_words():
    # given the owners' table
    table = chart_samples.bar_table()

    # when rendered by the shared table component in Japanese
    with translation.override("ja"):
        html = Template('{% include "dashboard/components/table.html" with table=t %}').render(
            Context({"t": table})
        )
    root = parse(f"<div>{html}</div>")
    element = root.find(".//table")

    # then it has a caption, column headers and a row header per row
    assert element.find("caption").text.strip() == "府省別のシステム数"
    assert [th.get("scope") for th in element.find("thead").iter("th")] == ["col", "col"]
    body_rows = element.find("tbody").findall("tr")
    assert [r.find("th").get("scope") for r in body_rows] == ["row"] * 4
    # and formatted, linked values; the flag is a word with its note
    cell = body_rows[1].find("td")
    assert cell.find("a").text == "987" and cell.find("a").get("href").endswith("owner=da")
    assert cell.find("strong").text == "要確認"
    assert "監査が古い" in "".join(cell.itertext())


def test_data_table_says_when_it_is_empty():
    table = Table(
        key="empty",
        title="空の表",
        columns=[Column("a", "A")],
        chart=Chart("bar", label="a", values=["a"]),
    )
    with translation.override("ja"):
        html = Template('{% include "dashboard/components/table.html" with table=t %}').render(
            Context({"t": table})
        )
    assert "<table" not in html
    assert "表示するものはありません。" in html


def test_a_stacked_row_with_nothing_in_it_is_still_named():
    # given a prefecture with no business counted yet
    table = chart_samples.stacked_table()
    for cell in table.rows[1][1:]:
        cell.value, cell.href = 0, ""

    # when drawn
    svg = chart_svg(parse(render_chart(table, language="ja")))

    # then it draws no segment but says its total
    named = [e.get("aria-label") for e in svg.iter() if e.get("role") == "img"]
    assert "東京都：計 0" in named
    assert not any(a.get("aria-label", "").startswith("東京都") for a in links(svg))
