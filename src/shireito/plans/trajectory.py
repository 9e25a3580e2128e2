"""Where a KPI is heading: a straight line fitted (least squares) through its baseline and
its measurements, read at the target date. A KPI whose line misses its target there is off
track. Pure functions, so the rule is tested with fixed dates and with hypothesis."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

# Values are compared with a tolerance relative to their size: a line through the target
# computed in floating point lands a hair beside it.
_RELATIVE = 1e-9


@dataclass(frozen=True)
class Projection:
    """The fitted line: ``value_at(day)``; ``projected`` at the target date."""

    origin: dt.date
    intercept: float
    slope_per_day: float
    projected: float

    def value_at(self, day: dt.date) -> float:
        return self.intercept + self.slope_per_day * (day - self.origin).days


def project(
    points: Iterable[tuple[dt.date, Decimal | float]], target_date: dt.date
) -> Projection | None:
    """The least-squares line through ``points`` (date, value), read at ``target_date``;
    ``None`` with fewer than two distinct dates (no line to draw). Several values on one date
    all count."""
    pairs = [(day, float(value)) for day, value in points]
    if len({day for day, _ in pairs}) < 2:
        return None
    origin = min(day for day, _ in pairs)
    xs = [(day - origin).days for day, _ in pairs]
    ys = [value for _, value in pairs]
    count = len(pairs)
    mean_x = sum(xs) / count
    mean_y = sum(ys) / count
    spread = sum((x - mean_x) ** 2 for x in xs)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread
    intercept = mean_y - slope * mean_x
    projected = intercept + slope * (target_date - origin).days
    return Projection(origin, intercept, slope, projected)


def reaches(value: float, target: Decimal | float, direction: str, scale: float = 0.0) -> bool:
    """Whether ``value`` meets ``target`` for a KPI that should go ``direction`` (up/down).
    ``scale``: the size of the values ``value`` was computed from (a projection from values
    near a million carries a million's rounding, even when it lands near zero)."""
    goal = float(target)
    tolerance = _RELATIVE * max(1.0, abs(goal), abs(value), abs(scale))
    if direction == "down":
        return value <= goal + tolerance
    return value >= goal - tolerance


def is_off_track(
    *,
    baseline: tuple[dt.date, Decimal | float],
    measurements: Iterable[tuple[dt.date, Decimal | float]],
    target_value: Decimal | float,
    target_date: dt.date,
    direction: str,
) -> bool:
    """A KPI is off track when it has measurements, the latest has not yet reached the
    target, and the line through the baseline and the measurements misses the target at its
    date. Without any measurement nothing is known, so nothing is flagged.

    The line starts at the baseline: values dated before it (an earlier edition's, on the
    same series) are not on it. Counting them let a better value put a KPI off track (a
    value before the baseline raised flattens the line after it), which the property test
    found."""
    values = sorted((day, value) for day, value in measurements if day >= baseline[0])
    if not values:
        return False
    if reaches(float(values[-1][1]), target_value, direction):
        return False
    line = project([baseline, *values], target_date)
    if line is None:
        # Every value on the baseline's day: nothing to project.
        return False
    scale = max(abs(float(value)) for _day, value in [baseline, *values])
    return not reaches(line.projected, target_value, direction, scale)
