"""A KPI's values for its chart on the signed-in measure page: the accepted ones for every
reader, and those entered and awaiting review for the readers who may see internal tracking
(``permissions.reads_internal``, asked by the caller). Returned values are left out: they
are being corrected."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from shireito.plans.choices import MeasurementStatus
from shireito.plans.models import Measurement

Values = dict[int, list[tuple[dt.date, Decimal]]]


def chart_values(series_ids, *, with_entered: bool) -> tuple[Values, Values]:
    """(accepted, entered) values per series id, oldest first; ``entered`` stays empty
    unless asked for."""
    statuses = [MeasurementStatus.ACCEPTED]
    if with_entered:
        statuses.append(MeasurementStatus.ENTERED)
    accepted: Values = defaultdict(list)
    entered: Values = defaultdict(list)
    rows = (
        Measurement.objects.filter(series_id__in=series_ids, status__in=statuses)
        .order_by("series_id", "measured_on")
        .values_list("series_id", "measured_on", "value", "status")
    )
    for series_id, day, value, status in rows:
        (accepted if status == MeasurementStatus.ACCEPTED else entered)[series_id].append(
            (day, value)
        )
    return accepted, entered
