"""The incident tallies (``IncidentTally``, ``IncidentTiming``): what the control tower counts
of incident reports, kept current in the transaction of every write that moves a report.

A report is seen by its parties only (the reporter and the organisations on the route it has
reached), so each report adds one to the tally of each party, and once more to the "every
report" rows (``party`` empty) that platform admins read. A service takes the report's
contributions before and after its write (``tallied``) and adds the difference: every
service gets the same arithmetic, whatever it changed. ``rebuild_incident_tallies`` computes
them from scratch (the scale generator; a check that nothing drifted).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from shireito.incidents import deadlines
from shireito.incidents.bulk import insert
from shireito.incidents.choices import HopStatus, ReportStage, ReportStatus, TimingMeasure
from shireito.incidents.models import (
    TIMING_BUCKET_HOURS,
    IncidentReport,
    IncidentTally,
    IncidentTiming,
    ReportParty,
    RouteHop,
)

TALLY_FIELDS = ("party", "category", "sector", "stage", "place", "month")
TIMING_FIELDS = ("party", "route_key", "position", "measure", "bucket")
CHUNK = 5_000

_REPORT_COLUMNS = (
    "pk",
    "reporter_id",
    "reporter__sector__code",
    "status",
    "category",
    "aware_at",
    "submitted_at",
    "closed_at",
    "route_key",
)


@dataclass
class Contributions:
    """What some reports add to the tallies: a count per tally key, and a (count, seconds)
    pair per timing key."""

    counts: Counter = field(default_factory=Counter)
    timings: dict[tuple, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))


def month_of(moment: dt.datetime | None) -> int:
    """YYYYMM of a time in Japan (the tally's month); 0 for none."""
    if moment is None:
        return 0
    local = timezone.localtime(moment)
    return local.year * 100 + local.month


def bucket_of(seconds: int) -> int:
    hours = seconds / 3600
    return next(
        (i for i, bound in enumerate(TIMING_BUCKET_HOURS) if hours <= bound),
        len(TIMING_BUCKET_HOURS),
    )


def stage_of(status: str, hops: list[tuple]) -> tuple[str, str]:
    """The report's stage and the place of the hop that has it (open reports only)."""
    if status == ReportStatus.DRAFT:
        return ReportStage.DRAFT, ""
    if status == ReportStatus.CLOSED:
        return ReportStage.CLOSED, ""
    for _position, place, hop_status, _received, _acknowledged in hops:
        if hop_status in (HopStatus.RECEIVED, HopStatus.ACKNOWLEDGED):
            return str(hop_status), place
    return ReportStage.RECEIVED, ""


def _seconds(start: dt.datetime, end: dt.datetime) -> int:
    return max(0, int((end - start).total_seconds()))


def _add(into: Contributions, row: tuple, parties: set[int], hops: list[tuple]) -> None:
    _pk, reporter_id, sector, status, category, aware_at, submitted_at, closed_at, route = row
    stage, place = stage_of(status, hops)
    key = (category, sector or "", stage, place, month_of(aware_at))
    audience: list[int | None] = [None, *sorted(parties | {reporter_id})]
    for party in audience:
        into.counts[(party, *key)] += 1
    timed: list[tuple[tuple, int]] = [
        ((route, position, TimingMeasure.ACKNOWLEDGE), _seconds(received, acknowledged))
        for position, _place, _status, received, acknowledged in hops
        if received and acknowledged
    ]
    if status == ReportStatus.CLOSED and submitted_at and closed_at:
        timed.append(((route, 0, TimingMeasure.CLOSE), _seconds(submitted_at, closed_at)))
    for (route_key, position, measure), seconds in timed:
        for party in audience:
            pair = into.timings[(party, route_key, position, str(measure), bucket_of(seconds))]
            pair[0] += 1
            pair[1] += seconds


def contributions(reports: QuerySet[IncidentReport]) -> Contributions:
    """What ``reports`` add to the tallies, read in chunks of ``CHUNK`` reports."""
    found = Contributions()
    for chunk in _chunks(reports):
        _collect(found, chunk)
    return found


def _chunks(reports: QuerySet[IncidentReport]) -> Iterator[list[tuple]]:
    last = 0
    while True:
        chunk = list(
            reports.filter(pk__gt=last).order_by("pk").values_list(*_REPORT_COLUMNS)[:CHUNK]
        )
        if not chunk:
            return
        yield chunk
        last = chunk[-1][0]


def _collect(into: Contributions, chunk: list[tuple]) -> None:
    ids = [row[0] for row in chunk]
    low, high = ids[0], ids[-1]
    wanted = set(ids)
    # A dense chunk (a rebuild) reads its id range; a sparse one (one body's reports spread
    # over the years, in a drill-down) only its own reports, not everything in between.
    dense = high - low < 2 * len(ids)
    mine = {"report_id__gte": low, "report_id__lte": high} if dense else {"report_id__in": ids}
    parties: dict[int, set[int]] = defaultdict(set)
    for report_id, organization_id in ReportParty.objects.filter(**mine).values_list(
        "report_id", "organization_id"
    ):
        parties[report_id].add(organization_id)
    hops: dict[int, list[tuple]] = defaultdict(list)
    for report_id, *hop in (
        RouteHop.objects.filter(**mine)
        .order_by("report_id", "position")
        .values_list("report_id", "position", "place", "status", "received_at", "acknowledged_at")
    ):
        hops[report_id].append(tuple(hop))
    for row in chunk:
        if row[0] in wanted:
            _add(into, row, parties[row[0]], hops[row[0]])


def of_report(report_id: int | None) -> Contributions:
    if report_id is None:
        return Contributions()
    return contributions(IncidentReport.objects.filter(pk=report_id))


# --- keeping them current ------------------------------------------------------------------


def settle(report_id: int, before: Contributions) -> None:
    """Add to the tallies the difference between the report's contributions ``before`` a
    write and now (in the write's transaction)."""
    after = of_report(report_id)
    for key in before.counts.keys() | after.counts.keys():
        delta = after.counts[key] - before.counts[key]
        if delta:
            _bump(IncidentTally, TALLY_FIELDS, key, delta, 0)
    for key in before.timings.keys() | after.timings.keys():
        old = before.timings.get(key, [0, 0])
        new = after.timings.get(key, [0, 0])
        if new != old:
            _bump(IncidentTiming, TIMING_FIELDS, key, new[0] - old[0], new[1] - old[1])


@contextmanager
def tallied(report_id: int) -> Iterator[None]:
    """Keep the tallies and the report's open stage deadlines current across a write to one
    report (inside its transaction): the report is locked first, so no other write moves it
    between the two readings."""
    list(IncidentReport.objects.select_for_update().filter(pk=report_id).values_list("pk"))
    before = of_report(report_id)
    yield
    settle(report_id, before)
    deadlines.refresh(report_id)


def _bump(model, fields: tuple[str, ...], key: tuple, delta: int, seconds: int) -> None:
    where = {("party_id" if f == "party" else f): v for f, v in zip(fields, key, strict=True)}
    changes = {"reports": F("reports") + delta}
    if model is IncidentTiming:
        changes["seconds"] = F("seconds") + seconds
    rows = model.objects.filter(**where)
    if rows.update(**changes):
        if delta < 0:
            rows.filter(reports__lte=0).delete()
        return
    if delta <= 0:
        return  # nothing counted there: a rebuild has already settled it
    extra = {"seconds": seconds} if model is IncidentTiming else {}
    try:
        with transaction.atomic():
            model.objects.create(reports=delta, **where, **extra)
    except IntegrityError:  # another write made the row meanwhile
        rows.update(**changes)


# --- from scratch --------------------------------------------------------------------------


def rebuild_incident_tallies(
    progress: Callable[[str, int, int], None] | None = None,
) -> tuple[int, int]:
    """Recompute both tallies from the reports (in the caller's transaction, if any).
    Returns how many tally and timing rows there are."""
    with transaction.atomic():
        IncidentTally._default_manager.all().delete()
        IncidentTiming._default_manager.all().delete()
        found = Contributions()
        total = IncidentReport.objects.count()
        done = 0
        for chunk in _chunks(IncidentReport.objects.all()):
            _collect(found, chunk)
            done += len(chunk)
            if progress and done < total:
                progress("incident tallies", done, total)
        tallies = insert(
            IncidentTally,
            (*TALLY_FIELDS, "reports"),
            ((*key, n) for key, n in found.counts.items()),
        )
        timings = insert(
            IncidentTiming,
            (*TIMING_FIELDS, "reports", "seconds"),
            ((*key, n, s) for key, (n, s) in found.timings.items()),
        )
        if progress:
            progress("incident tallies", total, total)
    return tallies, timings
