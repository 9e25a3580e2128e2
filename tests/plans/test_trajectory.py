"""Properties of the off-track rule (``plans/trajectory.py``), with hypothesis: values on a
line that reaches the target are on track, one that misses it is off track, raising an "up"
KPI's values (or lowering a "down" KPI's) never puts it off track, and the order the values
come in does not matter. Pure functions: no database."""

import datetime as dt

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from shireito.plans import trajectory

BASELINE_DAY = dt.date(2025, 4, 1)

days = st.integers(min_value=1, max_value=3650)
amounts = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
directions = st.sampled_from(["up", "down"])


@st.composite
def kpis(draw):
    """A baseline, a target the right way from it, a target date after the baseline."""
    direction = draw(directions)
    baseline = draw(amounts)
    gap = draw(st.floats(min_value=1, max_value=1e6, allow_nan=False))
    target = baseline + gap if direction == "up" else baseline - gap
    target_day = BASELINE_DAY + dt.timedelta(days=draw(days))
    return direction, baseline, target, target_day


@st.composite
def series(draw, target_day, *, before_target=False):
    """Values on distinct days, any of them before the baseline, after the target, the same
    day as the baseline."""
    last = (target_day - BASELINE_DAY).days if before_target else 4000
    offsets = draw(
        st.lists(st.integers(min_value=-400, max_value=last), min_size=1, max_size=12, unique=True)
    )
    return [(BASELINE_DAY + dt.timedelta(days=o), draw(amounts)) for o in offsets]


def off_track(kpi, values) -> bool:
    direction, baseline, target, target_day = kpi
    return trajectory.is_off_track(
        baseline=(BASELINE_DAY, baseline),
        measurements=values,
        target_value=target,
        target_date=target_day,
        direction=direction,
    )


@settings(max_examples=300, deadline=None)
@given(kpi=kpis(), data=st.data())
def test_values_on_a_line_that_reaches_the_target_are_on_track(kpi, data):
    # given values lying on the straight line from the baseline to the target
    _direction, baseline, target, target_day = kpi
    span = (target_day - BASELINE_DAY).days
    offsets = data.draw(
        st.lists(st.integers(min_value=1, max_value=span), min_size=1, max_size=12, unique=True)
    )
    values = [
        (BASELINE_DAY + dt.timedelta(days=o), baseline + (target - baseline) * o / span)
        for o in offsets
    ]
    # then the KPI is on track
    assert not off_track(kpi, values)


@settings(max_examples=300, deadline=None)
@given(kpi=kpis(), data=st.data(), shortfall=st.floats(min_value=0.01, max_value=0.99))
def test_values_on_a_line_that_misses_the_target_are_off_track(kpi, data, shortfall):
    # given values on a line from the baseline that, at the target date, covers only part of
    # the way (and no value has reached the target yet)
    _direction, baseline, target, target_day = kpi
    span = (target_day - BASELINE_DAY).days
    assume((target - baseline) * (1 - shortfall) != 0)
    offsets = data.draw(
        st.lists(st.integers(min_value=1, max_value=span), min_size=1, max_size=12, unique=True)
    )
    reach = (target - baseline) * shortfall
    assume(abs(target - baseline) * (1 - shortfall) > 1e-6 * max(1.0, abs(target)))
    values = [(BASELINE_DAY + dt.timedelta(days=o), baseline + reach * o / span) for o in offsets]
    # then the KPI is off track
    assert off_track(kpi, values)


@settings(max_examples=500, deadline=None)
@given(
    kpi=kpis(),
    data=st.data(),
    raise_by=st.floats(min_value=0, max_value=1e6, allow_nan=False),
)
def test_doing_better_on_every_value_never_puts_a_kpi_off_track(kpi, data, raise_by):
    # given a KPI on track with its values
    direction, _baseline, _target, target_day = kpi
    values = data.draw(series(target_day))
    assume(not off_track(kpi, values))
    # when every value is better (higher for "up", lower for "down")
    step = raise_by if direction == "up" else -raise_by
    better = [(day, value + step) for day, value in values]
    # then it is still on track
    assert not off_track(kpi, better)


@settings(max_examples=300, deadline=None)
@given(kpi=kpis(), data=st.data())
def test_the_order_of_the_values_does_not_matter(kpi, data):
    _direction, _baseline, _target, target_day = kpi
    values = data.draw(series(target_day))
    shuffled = data.draw(st.permutations(values))
    assert off_track(kpi, values) == off_track(kpi, shuffled)


def test_without_values_nothing_is_flagged():
    kpi = ("up", 0.0, 100.0, dt.date(2028, 3, 31))
    assert not off_track(kpi, [])


def test_a_value_that_has_reached_the_target_is_on_track_whatever_the_line():
    # given a KPI that went well past its target, then fell back a little
    kpi = ("up", 0.0, 100.0, dt.date(2028, 3, 31))
    values = [(dt.date(2025, 5, 1), 50.0), (dt.date(2026, 5, 1), 120.0)]
    assert not off_track(kpi, values)
