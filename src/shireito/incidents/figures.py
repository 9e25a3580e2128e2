"""The control tower's figures of incident reports, scoped to the user exactly as the report
list each figure links to.

Counts and timings come from the tallies (``incidents.tallies``): the rows of the user's own
organisation (the reports it is party to), or the "every report" rows for platform admins. If
a rule ever let a user see reports of several organisations, a sum over their rows would
count a report once per party, so those figures are counted from the visible reports instead
(slower, never wrong). The overdue stages are read from the stored open deadlines
(``incidents.deadlines``, a range scan on the due time), the queue from the route's hops.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Sum

from shireito.core.scoping import ALL, narrowing_of, visible_organization_ids
from shireito.incidents.choices import ReportStage
from shireito.incidents.models import (
    TIMING_BUCKET_HOURS,
    IncidentReport,
    IncidentTally,
    IncidentTiming,
)
from shireito.incidents.selectors import overdue_counts, reports_visible_to, waiting_on
from shireito.incidents.tallies import TALLY_FIELDS, TIMING_FIELDS, contributions
from shireito.organizations.relations import token_label
from shireito.organizations.selectors import sector_list

if TYPE_CHECKING:
    from shireito.accounts.models import User
    from shireito.incidents.regimes import StageClock

SUBMITTED = (ReportStage.RECEIVED, ReportStage.ACKNOWLEDGED, ReportStage.CLOSED)


def _source(user: User, model):
    """The tally rows the user reads; None when only a count of the reports is right."""
    narrowing = narrowing_of(user)
    if narrowing is not None and user.organization_id not in narrowing:
        # A drill-down to another body: the reports the user may see that concern it,
        # counted from the reports (the tally rows are the user's own, whatever they concern).
        return None
    ids = visible_organization_ids(user, IncidentReport)
    if ids is ALL or not isinstance(ids, set):
        return model.objects.filter(party__isnull=True)
    if not ids:
        return model.objects.none()
    if len(ids) == 1:
        return model.objects.filter(party_id=next(iter(ids)))
    return None


# Where a drill-down's counts from the reports are kept on the user for the request: every
# figure of the section reads them, and they are the same for the same narrowing.
CONTRIBUTIONS_KEY = "_shireito_incident_contributions"


def _contributions(user: User):
    narrowing = narrowing_of(user)
    cached = user.__dict__.get(CONTRIBUTIONS_KEY)
    if cached is None or cached[0] != narrowing:
        cached = (narrowing, contributions(reports_visible_to(user)))
        user.__dict__[CONTRIBUTIONS_KEY] = cached
    return cached[1]


def _matches(row: dict, filters: dict[str, Any]) -> bool:
    for lookup, wanted in filters.items():
        name, _sep, op = lookup.partition("__")
        value = row[name]
        if (
            (op == "" and value != wanted)
            or (op == "in" and value not in wanted)
            or (op == "gte" and value < wanted)
            or (op == "lt" and value >= wanted)
        ):
            return False
    return True


def _grouped(user: User, model, by: tuple[str, ...], **filters) -> list[dict]:
    """Tally rows summed by ``by`` (``reports``, and ``seconds`` for timings)."""
    timing = model is IncidentTiming
    source = _source(user, model)
    if source is not None:
        sums = {"n": Sum("reports"), **({"s": Sum("seconds")} if timing else {})}
        rows = source.filter(**filters).values(*by).annotate(**sums).order_by(*by)
        return [
            {**{k: row[k] for k in by}, "reports": row["n"], "seconds": row.get("s") or 0}
            for row in rows
        ]
    found = _contributions(user)
    fields = TIMING_FIELDS if timing else TALLY_FIELDS
    items = found.timings.items() if timing else ((k, [n, 0]) for k, n in found.counts.items())
    totals: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for key, (count, seconds) in items:
        if key[0] is not None:
            continue  # the "every report" key holds each visible report once
        row = dict(zip(fields, key, strict=True))
        if _matches(row, filters):
            total = totals[tuple(row[k] for k in by)]
            total[0] += count
            total[1] += seconds
    return [
        {**dict(zip(by, key, strict=True)), "reports": n, "seconds": s}
        for key, (n, s) in sorted(totals.items())
    ]


def fiscal_year_months(year: int) -> tuple[int, int]:
    """The tally's month keys of a fiscal year (April to March): start inclusive, end not."""
    return year * 100 + 4, (year + 1) * 100 + 4


def fiscal_year_of_month(month: int) -> int:
    year, number = divmod(month, 100)
    return year if number >= 4 else year - 1


# --- counts --------------------------------------------------------------------------------


def stage_counts(user: User) -> list[dict]:
    """Reports by stage and, for open ones, the place on the route that has them."""
    return _grouped(user, IncidentTally, ("stage", "place"))


def counts_by(user: User, field: str, *, fiscal_year: int | None = None) -> list[dict]:
    """Submitted reports by ``field`` (``category`` or ``sector``): open, closed and total,
    largest first; within one fiscal year of awareness if given."""
    filters: dict[str, Any] = {"stage__in": SUBMITTED}
    if fiscal_year is not None:
        filters["month__gte"], filters["month__lt"] = fiscal_year_months(fiscal_year)
    table: dict[str, dict] = {}
    for row in _grouped(user, IncidentTally, (field, "stage"), **filters):
        entry = table.setdefault(row[field], {field: row[field], "open": 0, "closed": 0})
        entry["closed" if row["stage"] == ReportStage.CLOSED else "open"] += row["reports"]
    rows = [{**entry, "total": entry["open"] + entry["closed"]} for entry in table.values()]
    return sorted(rows, key=lambda r: (-r["total"], r[field]))


def trend(user: User) -> dict[str, list[dict]]:
    """Submitted reports by month of awareness and by fiscal year (oldest first)."""
    months = [
        {"month": row["month"], "reports": row["reports"]}
        for row in _grouped(user, IncidentTally, ("month",), stage__in=SUBMITTED)
        if row["month"]
    ]
    years: dict[int, int] = defaultdict(int)
    for row in months:
        years[fiscal_year_of_month(row["month"])] += row["reports"]
    return {
        "months": months,
        "fiscal_years": [{"fiscal_year": y, "reports": n} for y, n in sorted(years.items())],
    }


# --- timings -------------------------------------------------------------------------------


@dataclass
class Timing:
    """How long one hop of one route took to acknowledge (or, at position 0, the route to
    close) over the reports the user may see."""

    route_key: str
    position: int
    measure: str
    reports: int
    mean_hours: float
    # The bucket holding the median: its upper bound in hours (None: beyond the last).
    median_within_hours: int | None


def timings(user: User) -> list[Timing]:
    buckets: dict[tuple, list[dict]] = defaultdict(list)
    for row in _grouped(user, IncidentTiming, TIMING_FIELDS[1:]):
        buckets[(row["route_key"], row["position"], row["measure"])].append(row)
    found = []
    for (route_key, position, measure), rows in sorted(buckets.items()):
        count = sum(r["reports"] for r in rows)
        if not count:
            continue
        seconds = sum(r["seconds"] for r in rows)
        running, median = 0, None
        for row in sorted(rows, key=lambda r: r["bucket"]):
            running += row["reports"]
            if running * 2 >= count:
                median = row["bucket"]
                break
        last = len(TIMING_BUCKET_HOURS)
        bound = TIMING_BUCKET_HOURS[median] if median is not None and median < last else None
        found.append(
            Timing(route_key, position, measure, count, round(seconds / count / 3600, 1), bound)
        )
    return found


# --- overdue stages and the queue ----------------------------------------------------------


@dataclass
class OverdueSummary:
    stages: int
    reports: int
    earliest_due: dt.datetime | None
    # (regime, reports with an overdue stage of it, earliest due), in the order of due
    by_regime: list[tuple[Any, int, dt.datetime | None]]
    first: list[tuple[IncidentReport, StageClock]]


def overdue_summary(user: User, *, now: dt.datetime | None = None, rows: int = 20):
    """The overdue stages of the reports the user may see, earliest due first."""
    counts = overdue_counts(user, now=now, rows=rows)
    return OverdueSummary(
        stages=counts.stages,
        reports=counts.reports,
        earliest_due=min((due for _r, _n, due in counts.by_regime), default=None),
        by_regime=list(counts.by_regime),
        first=counts.first,
    )


def place_label(place: str) -> str:
    """A place on a route in words (its role, or its relation to the reporter)."""
    return token_label(place)


def route_label(places: list[str]) -> str:
    """A route in words: its places in order."""
    return " → ".join(token_label(place) for place in places)


def sector_names(user: User) -> dict[str, str]:
    """The sectors' names by code, in the active language."""
    return {sector.code: str(sector) for sector in sector_list(user=user)}


def queue(user: User, *, rows: int = 20) -> tuple[int, list]:
    """How many reports wait for the user's organisation, and the longest-waiting hops."""
    if not user.organization_id:
        return 0, []
    hops = waiting_on(user)
    return hops.count(), list(hops[:rows])
