"""The open stage deadlines (``OpenStageDeadline``): every regime stage that applies to a
submitted report and is not filed yet, with the time it falls due, stored so that the control
tower's "overdue" is a range scan on an index rather than every report's clocks computed on
every read.

The clocks themselves stay pure arithmetic (``regimes.stage_clocks``); this module stores
their open ones. A write that moves a report (its times, its regimes, a filing, its parties)
calls ``refresh`` in its transaction; a changed stage deadline shifts the stage's rows
(``shift``); ``rebuild_stage_deadlines`` recomputes them all (the scale generator, and a check
that nothing drifted). Like the tallies, a report has one row per stage for each organisation
that may see it and one with ``party`` empty, so a user of one organisation reads only its
own rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator

from django.db import connection, transaction
from django.db.models import DateTimeField, ExpressionWrapper, F, QuerySet, Value

from shireito.incidents.bulk import insert
from shireito.incidents.models import (
    IncidentReport,
    OpenStageDeadline,
    RegimeStage,
    ReportParty,
    StageFiling,
)
from shireito.incidents.regimes import StageClock, stage_clocks

DEADLINE_FIELDS = ("report", "party", "regime", "stage", "due_at")
CHUNK = 2_000
# Earlier than any due time, so every clock that has one reads as running, not overdue: the
# rows hold the open stages whatever the time of reading.
_NO_TIME = dt.datetime.min.replace(tzinfo=dt.UTC)


def _stages_by_regime() -> dict[int, list[RegimeStage]]:
    stages: dict[int, list[RegimeStage]] = {}
    for stage in RegimeStage.objects.select_related("regime").order_by("regime_id", "position"):
        stages.setdefault(stage.regime_id, []).append(stage)
    return stages


def clocks_in_bulk(
    reports: list[IncidentReport],
    now: dt.datetime,
    stages_of: dict[int, list[RegimeStage]] | None = None,
) -> list[tuple[IncidentReport, StageClock]]:
    """Every clock of each submitted report in ``reports``, from three plain queries (its
    regimes, their stages, its filings) rather than a prefetch per report."""
    ids = [report.pk for report in reports if report.submitted_at is not None]
    through = IncidentReport.regimes.through
    regimes_of: dict[int, list[int]] = {}
    filings_of: dict[int, dict[int, dt.datetime]] = {}
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        for report_id, regime_id in through.objects.filter(incidentreport_id__in=chunk).values_list(
            "incidentreport_id", "reportingregime_id"
        ):
            regimes_of.setdefault(report_id, []).append(regime_id)
        for report_id, stage_id, filed_at in StageFiling.objects.filter(
            report_id__in=chunk
        ).values_list("report_id", "stage_id", "filed_at"):
            filings_of.setdefault(report_id, {})[stage_id] = filed_at
    stages_of = _stages_by_regime() if stages_of is None else stages_of
    found = []
    for report in reports:
        if report.submitted_at is None:
            continue
        filings = filings_of.get(report.pk, {})
        for regime_id in sorted(regimes_of.get(report.pk, [])):
            for clock in stage_clocks(report, stages_of.get(regime_id, []), filings, now):
                found.append((report, clock))
    return found


def _rows(
    reports: list[IncidentReport], stages_of: dict[int, list[RegimeStage]] | None = None
) -> Iterator[tuple]:
    """The deadline rows of ``reports``: (report, party, regime, stage, due) for each open
    stage, once per party and once with no party."""
    ids = [report.pk for report in reports]
    parties: dict[int, set[int]] = defaultdict(set)
    for start in range(0, len(ids), 900):
        for report_id, organization_id in ReportParty.objects.filter(
            report_id__in=ids[start : start + 900]
        ).values_list("report_id", "organization_id"):
            parties[report_id].add(organization_id)
    for report, clock in clocks_in_bulk(reports, _NO_TIME, stages_of):
        if not clock.is_open:
            continue
        audience = [None, *sorted(parties[report.pk] | {report.reporter_id})]
        for party in audience:
            yield (report.pk, party, clock.stage.regime_id, clock.stage.pk, clock.due_at)


def refresh(report_id: int) -> None:
    """Store the report's open stages anew (in the caller's transaction, the report locked)."""
    OpenStageDeadline.objects.filter(report_id=report_id).delete()
    reports = list(IncidentReport.objects.filter(pk=report_id))
    OpenStageDeadline.objects.bulk_create(
        OpenStageDeadline(
            report_id=report, party_id=party, regime_id=regime, stage_id=stage, due_at=due
        )
        for report, party, regime, stage, due in _rows(reports)
    )


def shift(stage: RegimeStage, by: dt.timedelta) -> int:
    """A stage's deadline moved by ``by``: so does every open one of it (a due time is its
    clock's start plus the stage's offset, and no other stage's clock starts from it)."""
    if not by:
        return 0
    return OpenStageDeadline.objects.filter(stage=stage, due_at__isnull=False).update(
        due_at=ExpressionWrapper(F("due_at") + Value(by), output_field=DateTimeField())
    )


def computed(reports: QuerySet[IncidentReport] | None = None) -> set[tuple]:
    """The rows the reports should have, computed from their clocks (a check of the stored
    ones)."""
    reports = IncidentReport.objects.all() if reports is None else reports
    return set(_rows(list(reports)))


def stored(reports: QuerySet[IncidentReport] | None = None) -> set[tuple]:
    rows = OpenStageDeadline.objects.all()
    if reports is not None:
        rows = rows.filter(report__in=reports)
    return set(rows.values_list("report_id", "party_id", "regime_id", "stage_id", "due_at"))


def rebuild_stage_deadlines(
    progress: Callable[[str, int, int], None] | None = None,
) -> int:
    """Recompute every open stage deadline from the reports' clocks (in the caller's
    transaction, if any). Returns how many rows there are."""
    with transaction.atomic():
        OpenStageDeadline._default_manager.all().delete()
        stages_of = _stages_by_regime()
        submitted = IncidentReport.objects.filter(submitted_at__isnull=False).only(
            "pk",
            "reporter_id",
            "aware_at",
            "detected_at",
            "submitted_at",
            "ransom_paid_at",
            "malicious",
        )
        total = submitted.count()
        adapt = connection.ops.adapt_datetimefield_value
        done = written = last = 0
        while True:
            chunk = list(submitted.filter(pk__gt=last).order_by("pk")[:CHUNK])
            if not chunk:
                break
            rows = (
                (*row[:4], adapt(row[4]) if row[4] else None) for row in _rows(chunk, stages_of)
            )
            written += insert(OpenStageDeadline, DEADLINE_FIELDS, rows)
            done += len(chunk)
            last = chunk[-1].pk
            if progress and done < total:
                progress("open stage deadlines", done, total)
        if progress:
            progress("open stage deadlines", total, total)
    return written
