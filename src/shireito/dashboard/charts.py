"""Charts of the control tower, drawn on the server as SVG from a figures ``Table``.

No JavaScript draws them and none is needed to use them: each bar, segment, point or tile that
has records behind it is an ``<a>`` reachable by keyboard with a name that says what it is and
how much ("厚生労働省、システム数：1,234"). Series differ by colour AND by pattern or marker
shape, so a chart reads in greyscale and for colour-blind readers; every colour a series is
drawn in has at least 3:1 contrast with the background (WCAG 1.4.11). The geometry is worked
out here; the markup is in ``dashboard/components/chart*.html`` (escaped by the templates).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _

from shireito.core.svg import SERIES, fit, marker_path, text_width
from shireito.core.svg import nice_step as _nice_step
from shireito.dashboard import prefectures
from shireito.dashboard.figures import Cell, Column, Table
from shireito.dashboard.formatting import (
    flag_label,
    format_cell,
    format_value,
    is_english,
    numeric,
)

__all__ = ["SERIES", "STEPS", "format_cell", "render_chart"]

BACKGROUND = "#ffffff"
TEXT = "#333333"
MUTED = "#4d4d4d"
GRID = "#cccccc"
WIDTH = 720


@dataclass(frozen=True)
class Step:
    """One of the tile map's five shares: a shade, a pattern and the text colour on it."""

    low: int
    high: int
    fill: str
    pattern: str
    ink: str  # text and pattern colour, 4.5:1 or more against ``fill``


STEPS: tuple[Step, ...] = (
    Step(0, 20, "#e8f1fe", "solid", "#1a1a1a"),
    Step(20, 40, "#c5d7fb", "dots", "#1a1a1a"),
    Step(40, 60, "#7096f8", "diagonal", "#1a1a1a"),
    Step(60, 80, "#264af4", "cross", "#ffffff"),
    Step(80, 100, "#000071", "horizontal", "#ffffff"),
)


def render_chart(table: Table, *, language: str | None = None, id: str = "") -> SafeString:
    """The table's chart as an accessible ``<figure>`` with an SVG; empty when the table has
    no chart or nothing to draw."""
    chart = table.chart
    if chart is None or (not table.rows and chart.kind != "tiles"):
        return mark_safe("")
    language = language or translation.get_language() or "ja"
    chart_id = id or f"chart-{slugify(table.key) or 'figure'}"
    builders = {"bar": _bar, "stacked": _stacked, "trend": _trend, "tiles": _tiles}
    with translation.override(language):
        context = builders[chart.kind](table, language, chart_id)
        context.update(
            id=chart_id,
            kind=chart.kind,
            title=str(table.title),
            description=str(table.description),
            template=f"dashboard/components/chart_{chart.kind}.html",
        )
        return render_to_string("dashboard/components/chart.html", _coordinates(context))


def _coordinates(value: Any) -> Any:
    """Numbers as SVG attributes want them: never localised (no "1,234.5"), one decimal."""
    if isinstance(value, dict):
        return {k: _coordinates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_coordinates(v) for v in value]
    if isinstance(value, float):
        return f"{value:.1f}".removesuffix(".0")
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


# -- text measures ---------------------------------------------------------------------------


def _name(*parts: str) -> str:
    """An accessible name: "label、series：value" in Japanese, "label, series: value"."""
    label, series, value = parts
    if series:
        return _("%(label)s, %(series)s: %(value)s") % {
            "label": label,
            "series": series,
            "value": value,
        }
    return _("%(label)s: %(value)s") % {"label": label, "value": value}


def _with(value: str, part: str) -> str:
    """A value with what qualifies it: "120（64.9%）", "120 (64.9%)"."""
    return _("%(value)s (%(part)s)") % {"value": value, "part": part}


def _flagged(name: str, cell: Cell, language: str) -> str:
    if not cell.flag:
        return name
    words = flag_label(cell.flag, language)
    if cell.note:
        words = f"{words}: {cell.note}"
    return _("%(name)s (%(flag)s)") % {"name": name, "flag": words}


def _patterns(chart_id: str, series: list[tuple[str, str, str, str]]) -> list[dict[str, Any]]:
    """Pattern definitions: (suffix, fill colour, pattern name, ink) → ids and path data."""
    defs = []
    for suffix, fill, pattern, ink in series:
        defs.append(
            {
                "id": f"{chart_id}-{suffix}",
                "fill": fill,
                "ink": ink,
                "path": _PATTERN_PATHS[pattern],
                "dots": pattern == "dots",
            }
        )
    return defs


# 8×8 tiles; "dots" draws two circles instead of a path.
_PATTERN_PATHS = {
    "solid": "",
    "diagonal": "M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4",
    "dots": "",
    "cross": "M0,0 L8,8 M8,0 L0,8",
    "horizontal": "M0,2 H8 M0,6 H8",
    "vertical": "M2,0 V8 M6,0 V8",
}


def _row_label(table: Table, row: list[Cell], language: str) -> str:
    assert table.chart is not None
    index = table.column(table.chart.label)
    return format_cell(table.columns[index], row[index], language)


def _values(table: Table) -> list[tuple[int, Column]]:
    assert table.chart is not None
    return [(table.column(key), table.columns[table.column(key)]) for key in table.chart.values]


def _scale(low: float, high: float) -> tuple[float, float, list[float]]:
    """A range from 0 (or below) that ends on round numbers, and its ticks."""
    low, high = min(0.0, low), max(0.0, high)
    if high == low:
        high = low + 1
    step = _nice_step(high - low)
    low, high = math.floor(low / step) * step, math.ceil(high / step) * step
    count = round((high - low) / step)
    return low, high, [low + i * step for i in range(count + 1)]


# -- bar --------------------------------------------------------------------------------------


def _bar(table: Table, language: str, chart_id: str) -> dict[str, Any]:
    index, column = _values(table)[0]
    items = []
    for row in table.rows:
        cell = row[index]
        label = _row_label(table, row, language)
        value_text = format_cell(column, cell, language)
        shown = f"{value_text} {flag_label(cell.flag, language)}".strip()
        items.append((label, cell, numeric(cell.value), value_text, shown))
    label_w = min(max(text_width(i[0]) for i in items) + 12, 260)
    value_w = max(text_width(i[4]) for i in items) + 16
    x0, x1 = label_w, WIDTH - value_w
    drawn = [i[2] for i in items if i[2] is not None]
    low, high, _ticks = _scale(min(drawn, default=0), max(drawn, default=0))

    def x(v: float) -> float:
        return x0 + (v - low) / (high - low) * (x1 - x0)

    pitch, height, top = 36, 24, 8
    bars = []
    for n, (label, cell, value, value_text, shown) in enumerate(items):
        y = top + n * pitch
        start, end = (x(0), x(value)) if value is not None else (x(0), x(0))
        bars.append(
            {
                "href": cell.href,
                "name": _flagged(_name(label, str(column.label), value_text), cell, language),
                "label": fit(label, label_w - 12),
                "label_x": x0 - 8,
                "y": y,
                "text_y": y + height / 2 + 5,
                "x": min(start, end),
                "width": max(abs(end - start), 1 if value else 0),
                "height": height,
                "value": shown,
                "value_x": max(start, end) + 6,
                "flag": cell.flag,
            }
        )
    return {
        "width": WIDTH,
        "height": top * 2 + len(items) * pitch,
        "bars": bars,
        "colour": SERIES[0].colour,
        "zero_x": x(0),
        "patterns": [],
        "legend": [],
    }


# -- stacked ---------------------------------------------------------------------------------


def _stacked(table: Table, language: str, chart_id: str) -> dict[str, Any]:
    values = _values(table)
    styles = [SERIES[n % len(SERIES)] for n in range(len(values))]
    patterns = _patterns(
        chart_id, [(f"s{n}", s.colour, s.pattern, BACKGROUND) for n, s in enumerate(styles)]
    )
    total_word = _("total")
    rows = []
    labels = [_row_label(table, row, language) for row in table.rows]
    totals = [sum(numeric(row[i].value) or 0 for i, _c in values) for row in table.rows]
    total_texts = [f"{total_word} {format_value(values[0][1].kind, t, language)}" for t in totals]
    label_w = min(max(text_width(label) for label in labels) + 12, 260)
    x0, x1 = label_w, WIDTH - max(text_width(t) for t in total_texts) - 16
    pitch, height, top = 40, 28, 8
    for n, row in enumerate(table.rows):
        y = top + n * pitch
        segments: list[dict[str, Any]] = []
        x = float(x0)
        for (index, column), pattern in zip(values, patterns, strict=True):
            cell = row[index]
            value = numeric(cell.value) or 0
            share = 100 * value / totals[n] if totals[n] else 0
            width = (x1 - x0) * share / 100
            value_text = format_cell(column, cell, language)
            share_text = format_value("percent", round(share, 1), language)
            name = _name(labels[n], str(column.label), _with(value_text, share_text))
            chip = text_width(share_text, 12) + 8
            segments.append(
                {
                    "href": cell.href if value else "",
                    "name": _flagged(name, cell, language),
                    "x": x,
                    "width": width,
                    "fill": f"url(#{pattern['id']})",
                    "chip": width >= chip + 4,
                    "chip_x": x + (width - chip) / 2,
                    "chip_w": chip,
                    "chip_y": y + (height - 20) / 2,
                    "text": share_text,
                    "text_x": x + width / 2,
                }
            )
            x += width
        rows.append(
            {
                "label": fit(labels[n], label_w - 12),
                "label_x": x0 - 8,
                "y": y,
                "height": height,
                "text_y": y + height / 2 + 5,
                "segments": [s for s in segments if s["width"] > 0],
                "total": total_texts[n],
                "total_x": x1 + 8,
                # A row with nothing to stack still says so to a screen reader.
                "empty_name": "" if totals[n] else _name(labels[n], "", total_texts[n]),
            }
        )
    legend = [
        {"label": str(column.label), "fill": f"url(#{p['id']})", "colour": s.colour}
        for (_i, column), p, s in zip(values, patterns, styles, strict=True)
    ]
    return {
        "width": WIDTH,
        "height": top * 2 + len(rows) * pitch,
        "rows": rows,
        "patterns": patterns,
        "legend": legend,
        "x0": x0,
        "x1": x1,
    }


# -- trend -----------------------------------------------------------------------------------


def _axis_title(values: list[tuple[int, Column]]) -> str:
    if len(values) == 1:
        return str(values[0][1].label)
    titles = {
        "count": _("count"),
        "yen": _("amount (yen)"),
        "percent": _("share in percent"),
        "days": _("days"),
    }
    return titles.get(values[0][1].kind, "")


def _trend(table: Table, language: str, chart_id: str) -> dict[str, Any]:
    assert table.chart is not None
    values = _values(table)
    label_column = table.columns[table.column(table.chart.label)]
    labels = [_row_label(table, row, language) for row in table.rows]
    numbers = [numeric(row[i].value) for row in table.rows for i, _c in values]
    drawn = [v for v in numbers if v is not None]
    low, high, ticks = _scale(min(drawn, default=0), max(drawn, default=0))
    kind = values[0][1].kind
    tick_texts = [format_value(kind, t, language) for t in ticks]
    x0 = max(text_width(t, 12) for t in tick_texts) + 40
    x1, y0, y1 = WIDTH - 24, 16, 300
    height = y1 + 64
    count = len(table.rows)
    pitch = (x1 - x0) / max(count, 1)

    def px(n: int) -> float:
        return x0 + pitch * (n + 0.5)

    def py(v: float) -> float:
        return y1 - (v - low) / (high - low) * (y1 - y0)

    lines = []
    for s, (index, column) in enumerate(values):
        style = SERIES[s % len(SERIES)]
        points: list[dict[str, Any]] = []
        runs: list[list[str]] = []
        run: list[str] = []
        for n, row in enumerate(table.rows):
            cell = row[index]
            value = numeric(cell.value)
            if value is None:
                if run:
                    runs.append(run)
                run = []
                continue
            run.append(f"{px(n):.1f},{py(value):.1f}")
            text = format_cell(column, cell, language)
            points.append(
                {
                    "href": cell.href,
                    "name": _flagged(_name(labels[n], str(column.label), text), cell, language),
                    "path": marker_path(style.marker, px(n), py(value)),
                    "focus_x": px(n) - 12,
                    "focus_y": py(value) - 12,
                }
            )
        if run:
            runs.append(run)
        lines.append(
            {
                "colour": style.colour,
                "dash": style.dash,
                "runs": [" ".join(r) for r in runs],
                "points": points,
            }
        )
    legend = [
        {
            "label": str(column.label),
            "colour": s.colour,
            "dash": s.dash,
            "marker": marker_path(s.marker, 20, 10, 5),
        }
        for (_i, column), s in zip(values, [SERIES[n % 6] for n in range(len(values))], strict=True)
    ]
    return {
        "width": WIDTH,
        "height": height,
        "x0": x0,
        "x1": x1,
        "y0": y0,
        "y1": y1,
        "ticks": [{"y": py(t), "text": text} for t, text in zip(ticks, tick_texts, strict=True)],
        "categories": [
            {"x": px(n), "text": fit(label, pitch - 4, 12)} for n, label in enumerate(labels)
        ],
        "lines": lines,
        "x_title": str(label_column.label),
        "x_title_y": y1 + 52,
        "y_title": _axis_title(values),
        "mid_x": (x0 + x1) / 2,
        "mid_y": (y0 + y1) / 2,
        "patterns": [],
        "legend": legend,
        "legend_lines": True,
    }


# -- tiles -----------------------------------------------------------------------------------

TILE, GAP, STRIP = 78, 4, 14


def step_of(share: float) -> int:
    """Which of the five steps a share of 0–100 falls in: [0, 20) … [80, 100]."""
    return min(max(int(share // 20), 0), len(STEPS) - 1)


def step_label(step: Step) -> str:
    low, high = f"{step.low}%", f"{step.high}%"
    if step.low == 0:
        return _("under %(high)s") % {"high": high}
    if step.high == 100:
        return _("%(low)s or more") % {"low": low}
    return _("%(low)s to under %(high)s") % {"low": low, "high": high}


def _tiles(table: Table, language: str, chart_id: str) -> dict[str, Any]:
    assert table.chart is not None
    index, column = _values(table)[0]
    key_index = table.column(table.chart.key or table.chart.label)
    english = is_english(language)
    rows_by_code: dict[int, list[Cell]] = {}
    for row in table.rows:
        code = prefectures.prefecture_code(row[key_index].value)
        if code is not None:
            rows_by_code[code] = row
    patterns = _patterns(
        chart_id, [(f"t{n}", s.fill, s.pattern, s.ink) for n, s in enumerate(STEPS)]
    )
    tiles: list[dict[str, Any]] = []
    for prefecture in prefectures.PREFECTURES:
        found = rows_by_code.get(prefecture.code)
        cell = found[index] if found is not None else Cell(None)
        name = _row_label(table, found, language) if found is not None else ""
        name = name or (prefecture.name_en if english else prefecture.name_ja)
        value = numeric(cell.value)
        text = format_cell(column, cell, language)
        if value is None:
            step, fill, strip, ink = None, BACKGROUND, "", TEXT
            accessible = _name(name, "", _("no data"))
        else:
            step = step_of(value)
            fill, strip, ink = STEPS[step].fill, f"url(#{patterns[step]['id']})", STEPS[step].ink
            accessible = _flagged(
                _name(name, "", _with(text, step_label(STEPS[step]))), cell, language
            )
        x, y = prefecture.col * (TILE + GAP), prefecture.row * (TILE + GAP)
        tiles.append(
            {
                "code": f"{prefecture.code:02d}",
                "href": cell.href,
                "name": accessible,
                "x": x,
                "y": y,
                "fill": fill,
                # The step's pattern runs along the tile's foot, clear of the text.
                "strip": strip,
                "strip_y": y + TILE - STRIP,
                "ink": ink,
                "empty": step is None,
                "short": fit(prefecture.name_en if english else prefecture.short_ja, TILE - 4, 13),
                "value": f"{text}{'*' if cell.flag else ''}",
                "cx": x + TILE / 2,
                "name_y": y + 25,
                "value_y": y + 48,
            }
        )
    legend = [
        {"label": step_label(s), "fill": f"url(#{p['id']})", "colour": s.fill}
        for s, p in zip(STEPS, patterns, strict=True)
    ]
    legend.append({"label": _("no data"), "fill": BACKGROUND, "colour": BACKGROUND})
    return {
        "width": prefectures.COLUMNS * (TILE + GAP) - GAP,
        "height": prefectures.ROWS * (TILE + GAP) - GAP,
        "tiles": tiles,
        "tile": TILE,
        "strip": STRIP,
        "patterns": patterns,
        "legend": legend,
        "flag_note": any(t["value"].endswith("*") for t in tiles),
    }
