"""A KPI's chart, drawn on the server as SVG: its measurements (points joined by a line), its
baseline, interim targets and target (each its own marker, labelled), and its trajectory (the
least-squares line of ``plans.trajectory`` through the baseline and the measurements, drawn
dashed to the target date). Values entered but not yet accepted are drawn, for the readers
who may see them, as hollow squares without a line and are marked so in the table.

Accessible as the control tower's charts are (``core.svg`` holds the shared helpers): the
SVG is one ``role="img"`` with a title and a description that says in words where the KPI
stands; every kind of point differs by shape and line pattern, not only by colour; the same
numbers are in a table beside it (``plans/partials/_kpi_chart.html``). The geometry is
worked out here; the markup, escaped, is in the template.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from shireito.core.svg import SERIES, marker_path, nice_step, text_width
from shireito.plans import trajectory

WIDTH, HEIGHT = 720, 320
TOP, BOTTOM = 24, 264  # the plot's top and its x axis
RIGHT_MARGIN = 24

# What each kind of point is drawn with: colour, marker, filled or hollow, line dash.
STYLE = {
    "measurement": (SERIES[0].colour, "circle", True, ""),
    "pending": (SERIES[1].colour, "square", False, ""),
    "trajectory": (SERIES[2].colour, "", False, "8 4"),
    "target": (SERIES[3].colour, "diamond", True, ""),
    "interim": (SERIES[4].colour, "down", False, ""),
    "baseline": (SERIES[5].colour, "cross", True, ""),
}

Point = tuple[dt.date, Decimal]


def number_text(value: Decimal | float, places: int | None = None) -> str:
    """A value as read: thousands separators, no trailing zeros (``1,234.5``)."""
    number = Decimal(str(value)) if isinstance(value, float) else value
    if places is not None:
        number = round(number, places)
    text = f"{number:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def _places(values: Iterable[Decimal]) -> int:
    """The decimals the KPI's own figures use, for the projection to be shown alike."""
    most = 0
    for value in values:
        exponent = value.normalize().as_tuple().exponent
        if isinstance(exponent, int):
            most = max(most, -exponent)
    return most


def _scale(values: Sequence[float]) -> tuple[float, float, list[float]]:
    """A y range on round numbers: from zero when the values are positive and zero is near
    enough to read the changes, else around the values."""
    low, high = min(values), max(values)
    if low >= 0 and low <= high / 2:
        low = 0.0
    if high == low:
        high, low = high + 1, low - (1 if low else 0)
    step = nice_step(high - low)
    low, high = math.floor(low / step) * step, math.ceil(high / step) * step
    count = round((high - low) / step)
    return low, high, [low + i * step for i in range(count + 1)]


def _fiscal_ticks(start: dt.date, end: dt.date) -> list[tuple[dt.date, str]]:
    """1 April of each fiscal year in the range (every other one when there are many)."""
    first = start.year if start <= dt.date(start.year, 4, 1) else start.year + 1
    years = list(range(first, end.year + 1 if end >= dt.date(end.year, 4, 1) else end.year))
    every = max(1, math.ceil(len(years) / 8))
    return [(dt.date(y, 4, 1), _("FY%(year)s") % {"year": y}) for y in years[::every]]


def _beside(y: float) -> float:
    """Where a point's label goes: below it, clear of the line rising to the right, unless
    that would fall on the axis's own labels."""
    return y + 20 if y + 20 <= BOTTOM - 4 else y - 10


def kpi_chart(
    kpi, points: Sequence[Point], *, pending: Sequence[Point] = (), id: str = ""
) -> dict[str, Any]:
    """What ``_kpi_chart.html`` draws for ``kpi``: ``points`` are its accepted values (date,
    value), oldest first; ``pending`` the values entered and not yet accepted (only for the
    readers allowed to see them)."""
    chart_id = id or f"kpi-{kpi.pk}"
    unit = kpi.display_unit
    baseline: Point = (kpi.baseline_date, kpi.baseline_value)
    target: Point = (kpi.target_date, kpi.target_value)
    interims: list[Point] = [(t.due_on, t.value) for t in kpi.interim_targets.all()]
    line = trajectory.project([baseline, *points], kpi.target_date) if points else None
    places = _places([kpi.baseline_value, kpi.target_value, *(v for _d, v in points)])

    days = [baseline[0], target[0], *(d for d, _v in points), *(d for d, _v in pending)]
    days += [d for d, _v in interims]
    start, end = min(days), max(days)
    numbers = [float(v) for _d, v in [baseline, target, *points, *pending, *interims]]
    if line is not None:
        numbers += [line.value_at(start), line.value_at(kpi.target_date)]
    low, high, ticks = _scale(numbers)
    tick_texts = [number_text(t) for t in ticks]
    x0 = max(text_width(t, 12) for t in tick_texts) + 44
    label_room = max(
        text_width(f"{pgettext('plan', 'target')} {number_text(kpi.target_value)}", 12) + 16, 60
    )
    x1 = WIDTH - max(RIGHT_MARGIN, label_room)
    span = max((end - start).days, 1)

    def px(day: dt.date) -> float:
        return x0 + (day - start).days / span * (x1 - x0)

    def py(value: float | Decimal) -> float:
        return BOTTOM - (float(value) - low) / (high - low) * (BOTTOM - TOP)

    def marker(kind: str, day: dt.date, value: Decimal, r: float = 6) -> dict[str, Any]:
        colour, shape, filled, _dash = STYLE[kind]
        return {
            "kind": kind,
            "path": marker_path(shape, px(day), py(value), r),
            "fill": colour if filled else "#ffffff",
            "stroke": "#ffffff" if filled else colour,
            "date": day.isoformat(),
            "value": number_text(value),
        }

    markers = [marker("baseline", *baseline), marker("target", *target, r=7)]
    markers += [marker("interim", d, v) for d, v in interims]
    markers += [marker("measurement", d, v) for d, v in points]
    markers += [marker("pending", d, v) for d, v in pending]

    projected = None
    trajectory_line = None
    if line is not None:
        begin = baseline[0]
        projected = Decimal(str(round(line.projected, places)))
        trajectory_line = {
            "x1": f"{px(begin):.1f}",
            "y1": f"{py(line.value_at(begin)):.1f}",
            "x2": f"{px(kpi.target_date):.1f}",
            "y2": f"{py(line.projected):.1f}",
            "value": number_text(projected),
            "date": kpi.target_date.isoformat(),
        }

    labels = [
        {
            "x": f"{px(target[0]) + 10:.1f}",
            "y": f"{py(target[1]) + 4:.1f}",
            "text": f"{pgettext('plan', 'target')} {number_text(target[1])}",
        },
        {
            "x": f"{px(baseline[0]) + 10:.1f}",
            "y": f"{_beside(py(baseline[1])):.1f}",
            "text": f"{pgettext('plan', 'baseline')} {number_text(baseline[1])}",
        },
    ]
    if points:
        day, value = points[-1]
        labels.append(
            {
                "x": f"{px(day) + 10:.1f}",
                "y": f"{_beside(py(value)):.1f}",
                "text": number_text(value),
            }
        )

    rows = _table_rows(baseline, target, interims, points, pending, projected, kpi.target_date)
    return {
        "id": chart_id,
        "width": WIDTH,
        "height": HEIGHT,
        "title": _("%(name)s: values against the target") % {"name": kpi.display_name},
        "description": _description(kpi, points, projected),
        "unit": unit,
        "x0": f"{x0:.1f}",
        "x1": f"{x1:.1f}",
        "top": TOP,
        "bottom": BOTTOM,
        "y_ticks": [
            {"y": f"{py(t):.1f}", "text": text} for t, text in zip(ticks, tick_texts, strict=True)
        ],
        "x_ticks": [
            {"x": f"{px(d):.1f}", "text": text}
            for d, text in _fiscal_ticks(start, end)
            if start <= d <= end
        ],
        "y_title": unit,
        "mid_y": f"{(TOP + BOTTOM) / 2:.1f}",
        "line": " ".join(f"{px(d):.1f},{py(v):.1f}" for d, v in points),
        "line_colour": STYLE["measurement"][0],
        "trajectory": trajectory_line,
        "trajectory_colour": STYLE["trajectory"][0],
        "trajectory_dash": STYLE["trajectory"][3],
        "markers": markers,
        "labels": labels,
        "legend": _legend(bool(points), bool(pending), bool(interims), line is not None),
        "rows": rows,
        "has_pending": bool(pending),
    }


def _description(kpi, points: Sequence[Point], projected: Decimal | None) -> str:
    """The chart in one or two sentences, for those who do not see it."""
    parts = [
        _("Baseline %(value)s %(unit)s on %(date)s; target %(target)s %(unit)s by %(due)s.")
        % {
            "value": number_text(kpi.baseline_value),
            "unit": kpi.display_unit,
            "date": date_format(kpi.baseline_date),
            "target": number_text(kpi.target_value),
            "due": date_format(kpi.target_date),
        }
    ]
    if not points:
        parts.append(_("No accepted measurement yet."))
    else:
        day, value = points[-1]
        parts.append(
            _("Latest accepted value %(value)s %(unit)s on %(date)s.")
            % {"value": number_text(value), "unit": kpi.display_unit, "date": date_format(day)}
        )
    if projected is not None:
        reaches = trajectory.reaches(float(projected), kpi.target_value, kpi.direction)
        sentence = (
            _("On its trajectory it reaches %(value)s %(unit)s by the target date: on track.")
            if reaches
            else _("On its trajectory it reaches %(value)s %(unit)s by the target date: off track.")
        )
        parts.append(sentence % {"value": number_text(projected), "unit": kpi.display_unit})
    return " ".join(parts)


def _table_rows(baseline, target, interims, points, pending, projected, target_date):
    kinds = {
        "baseline": pgettext("plan", "baseline"),
        "measurement": _("measurement"),
        "pending": _("measurement (not yet accepted)"),
        "interim": _("interim target"),
        "target": pgettext("plan", "target"),
        "trajectory": _("trajectory at the target date"),
    }
    order = {"baseline": 0, "measurement": 1, "pending": 1, "interim": 2, "target": 3}
    rows = [("baseline", *baseline), ("target", *target)]
    rows += [("interim", d, v) for d, v in interims]
    rows += [("measurement", d, v) for d, v in points]
    rows += [("pending", d, v) for d, v in pending]
    rows.sort(key=lambda r: (r[1], order[r[0]]))
    out = [
        {
            "kind": kind,
            "label": kinds[kind],
            "date": day,
            "iso": day.isoformat(),
            "value": number_text(value),
            "pending": kind == "pending",
        }
        for kind, day, value in rows
    ]
    if projected is not None:
        out.append(
            {
                "kind": "trajectory",
                "label": kinds["trajectory"],
                "date": target_date,
                "iso": target_date.isoformat(),
                "value": number_text(projected),
                "pending": False,
            }
        )
    return out


def _legend(points: bool, pending: bool, interims: bool, line: bool) -> list[dict[str, Any]]:
    shown = [("baseline", pgettext("plan", "baseline")), ("target", pgettext("plan", "target"))]
    if interims:
        shown.append(("interim", _("interim target")))
    if points:
        shown.append(("measurement", _("measurement")))
    if pending:
        shown.append(("pending", _("measurement (not yet accepted)")))
    if line:
        shown.append(("trajectory", _("trajectory (least-squares line)")))
    legend = []
    for kind, label in shown:
        colour, shape, filled, dash = STYLE[kind]
        legend.append(
            {
                "label": label,
                "colour": colour,
                "dash": dash,
                "line": kind in {"measurement", "trajectory"},
                "marker": marker_path(shape, 20, 10, 5) if shape else "",
                "fill": colour if filled else "#ffffff",
            }
        )
    return legend
