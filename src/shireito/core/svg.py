"""Helpers of the server-drawn SVG charts, shared by the control tower's charts
(``dashboard.charts``) and the priority plan's KPI charts (``plans.charts``): text widths
estimated without a browser, marker shapes (each series its own, so no meaning rests on
colour alone), the series styles and round axis steps."""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass

FONT = 14  # px at the SVG's natural size; the chart never draws text smaller than 12 px


@dataclass(frozen=True)
class Series:
    """How one value column is drawn: colour, fill pattern, line dash and marker."""

    colour: str
    pattern: str  # "solid", "diagonal", "dots", "cross", "horizontal", "vertical"
    dash: str
    marker: str  # "circle", "square", "triangle", "diamond", "down", "cross"


# Okabe–Ito hues darkened until each has 3:1 or more against white; patterns and markers
# carry the difference for those who cannot tell the hues apart.
SERIES: tuple[Series, ...] = (
    Series("#0017c1", "solid", "", "circle"),
    Series("#c2410c", "diagonal", "8 4", "square"),
    Series("#00795a", "dots", "2 4", "triangle"),
    Series("#a8407f", "cross", "10 4 2 4", "diamond"),
    Series("#6e5600", "horizontal", "4 4", "down"),
    Series("#4d4d4d", "vertical", "12 4", "cross"),
)


def text_width(text: str, size: float = FONT) -> float:
    """An estimate of ``text``'s width: a full-width character is 1 em, others about 0.6."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else size * 0.6 for ch in str(text))


def fit(text: str, width: float, size: float = FONT) -> str:
    """``text`` cut with an ellipsis to fit ``width``; the accessible name keeps it whole."""
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text + "…"


def nice_step(span: float, ticks: int = 5) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) that cuts ``span`` in about
    ``ticks`` parts."""
    raw = span / ticks if span > 0 else 1
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)


def marker_path(shape: str, cx: float, cy: float, r: float = 6) -> str:
    """SVG path data of a marker centred on (cx, cy): each series has its own shape."""
    if shape == "square":
        return f"M{cx - r:.1f},{cy - r:.1f}h{2 * r:.1f}v{2 * r:.1f}h{-2 * r:.1f}z"
    if shape == "triangle":
        return f"M{cx:.1f},{cy - r * 1.2:.1f}L{cx + r * 1.1:.1f},{cy + r * 0.8:.1f}L{cx - r * 1.1:.1f},{cy + r * 0.8:.1f}z"  # noqa: E501
    if shape == "down":
        return f"M{cx:.1f},{cy + r * 1.2:.1f}L{cx + r * 1.1:.1f},{cy - r * 0.8:.1f}L{cx - r * 1.1:.1f},{cy - r * 0.8:.1f}z"  # noqa: E501
    if shape == "diamond":
        return f"M{cx:.1f},{cy - r * 1.3:.1f}L{cx + r * 1.3:.1f},{cy:.1f}L{cx:.1f},{cy + r * 1.3:.1f}L{cx - r * 1.3:.1f},{cy:.1f}z"  # noqa: E501
    if shape == "cross":
        a, b = r * 0.45, r * 1.1
        return (
            f"M{cx - b:.1f},{cy - a:.1f}h{b - a:.1f}v{a - b:.1f}h{2 * a:.1f}v{b - a:.1f}"
            f"h{b - a:.1f}v{2 * a:.1f}h{a - b:.1f}v{b - a:.1f}h{-2 * a:.1f}v{a - b:.1f}"
            f"h{a - b:.1f}z"
        )
    return f"M{cx - r:.1f},{cy:.1f}a{r:.1f},{r:.1f} 0 1,0 {2 * r:.1f},0a{r:.1f},{r:.1f} 0 1,0 {-2 * r:.1f},0z"  # noqa: E501
