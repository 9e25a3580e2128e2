"""Incident reports at national scale, for ``shireito demo scale``: 50,000 reports over five
fiscal years from every organisation the governance model gives a report route (ministries,
independent agencies, critical-infrastructure operators …), with their routes as the hops
would have handled them, their parties, the regimes that apply and the stages filed; most
closed, some open along the route, a few drafts, and some stages overdue.

Written with bulk inserts, not through the services: an audit-trail event, a timeline and a
notice per step would take far too long at this size (the documented exception for scale
data). The route of each reporter is the model's answer (``report_routes``, once per
reporter) and the regimes those the services would choose (``applicable_regimes``, once per
kind of reporter); the clocks are the regimes' own arithmetic (``stage_clocks``). Reports are
numbered ``SCALE-IR<year>-NNNNNN`` so they never take a number the services hand out, and the
tallies and the open stage deadlines are rebuilt at the end. Runs in the caller's
transaction: interrupted, it leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from shireito.incidents.bulk import insert, row_maker
from shireito.incidents.choices import HopStatus, Impact, IncidentCategory, ReportStatus
from shireito.incidents.deadlines import rebuild_stage_deadlines
from shireito.incidents.models import (
    IncidentReport,
    Indicator,
    OpenStageDeadline,
    RegimeStage,
    ReportingRegime,
    ReportParty,
    RouteHop,
    StageFiling,
    TimelineEntry,
)
from shireito.incidents.regimes import applicable_regimes, stage_clocks
from shireito.incidents.services.report import fiscal_year_of
from shireito.incidents.tallies import rebuild_incident_tallies
from shireito.notifications.models import Notification
from shireito.organizations.mandates import active_engine
from shireito.organizations.models import Organization
from shireito.sharing.choices import Tlp

NUMBER_PREFIX = "SCALE-IR"
REPORTS = 50_000
YEARS = 5
BATCH = 5_000
REPORT_FIELDS = (
    "number",
    "reporter",
    "status",
    "title",
    "category",
    "impact",
    "impact_description",
    "detected_at",
    "aware_at",
    "personal_data",
    "personal_data_count",
    "malicious",
    "ransom_paid_at",
    "tlp",
    "narrative",
    "route_key",
    "route_rule",
    "submitted_at",
    "closed_at",
    "closing_summary",
    "shared_title",
    "shared_summary",
    "shared_tlp",
    "created_at",
    "updated_at",
)
HOP_FIELDS = (
    "report",
    "position",
    "place",
    "organization",
    "status",
    "received_at",
    "acknowledged_at",
    "forwarded_at",
    "created_at",
    "updated_at",
)
H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)

# Shares of the categories, roughly as government bodies report them: misdelivery and lost
# devices are the most common, then malware and unauthorised access.
CATEGORIES = {
    IncidentCategory.MISDELIVERY: 24,
    IncidentCategory.MALWARE: 18,
    IncidentCategory.UNAUTHORIZED_ACCESS: 15,
    IncidentCategory.LOSS_OR_THEFT: 12,
    IncidentCategory.OTHER: 10,
    IncidentCategory.DATA_LEAK: 9,
    IncidentCategory.DENIAL_OF_SERVICE: 9,
    IncidentCategory.DEFACEMENT: 3,
}
MALICIOUS = {
    IncidentCategory.MALWARE,
    IncidentCategory.UNAUTHORIZED_ACCESS,
    IncidentCategory.DENIAL_OF_SERVICE,
    IncidentCategory.DEFACEMENT,
}
PERSONAL_DATA = {
    IncidentCategory.MISDELIVERY: 0.9,
    IncidentCategory.LOSS_OR_THEFT: 0.7,
    IncidentCategory.DATA_LEAK: 0.8,
    IncidentCategory.UNAUTHORIZED_ACCESS: 0.3,
    IncidentCategory.MALWARE: 0.15,
}
# How many reports a body of each kind sends, relative to an operator.
KIND_WEIGHT = {"ministry": 8, "independent_agency": 3, "ipa": 3, "digital_agency": 6}
IMPACTS = [Impact.NONE, Impact.LOW, Impact.LOW, Impact.LOW, Impact.MEDIUM, Impact.MEDIUM]
IMPACTS += [Impact.HIGH, Impact.CRITICAL]
TLPS = [Tlp.AMBER] * 6 + [Tlp.AMBER_STRICT] * 2 + [Tlp.GREEN, Tlp.RED]


@dataclass
class IncidentScaleResult:
    reports: int = 0
    hops: int = 0
    filings: int = 0
    reporters: int = 0


@dataclass
class _Reporter:
    organization: Organization
    route_key: str
    rule: str
    hops: list[tuple[str, int]]  # (place, organisation id)
    regimes: dict[bool, list[ReportingRegime]]  # by "personal data involved"


def clear_scale_incidents(*, recount: bool = True) -> int:
    """Remove the scale reports and what they hold (plain DELETEs, children first: the ORM
    would load every report to cascade), then recount the tallies (unless the caller is
    about to)."""
    removed = IncidentReport.objects.filter(number__startswith=NUMBER_PREFIX).count()
    if not removed:
        return 0
    children = (
        OpenStageDeadline,
        TimelineEntry,
        StageFiling,
        Indicator,
        ReportParty,
        RouteHop,
        IncidentReport.regimes.through,
        IncidentReport.systems.through,
    )
    quote = connection.ops.quote_name
    reports = quote(IncidentReport._meta.db_table)
    scale = f"SELECT id FROM {reports} WHERE number LIKE %s"  # noqa: S608
    pattern = [f"{NUMBER_PREFIX}%"]
    with transaction.atomic(), connection.cursor() as cursor:
        for model in children:
            table, column = quote(model._meta.db_table), quote(_report_column(model))
            cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({scale})", pattern)  # noqa: S608
        cursor.execute(f"DELETE FROM {reports} WHERE number LIKE %s", pattern)  # noqa: S608
        # Their notifications (shared, without a key to the report): by the link they carry.
        Notification.objects.filter(
            kind__startswith="incidents.", link__startswith=f"/incidents/{NUMBER_PREFIX}"
        ).delete()
        if recount:
            rebuild_incident_tallies()
    return removed


def _report_column(model) -> str:
    return next(
        f.column
        for f in model._meta.concrete_fields
        if f.is_relation and f.related_model is IncidentReport
    )


def generate_incidents(
    *,
    seed: int = 1,
    reports: int = REPORTS,
    progress: Callable[[str, int, int], None] | None = None,
) -> IncidentScaleResult:
    """Write ``reports`` scale reports (after clearing earlier ones) and rebuild the tallies
    and the open stage deadlines.
    One seed always gives the same reports, bar the times, which run up to now."""
    rng = random.Random(f"incidents-{seed}")  # noqa: S311 - reproducible test data, not secrets
    now = timezone.now()
    with transaction.atomic():
        clear_scale_incidents(recount=False)  # recounted at the end
        reporters = _reporters()
        result = IncidentScaleResult(reporters=len(reporters))
        if not reporters:
            return result
        weights = [KIND_WEIGHT.get(r.organization.kind, 1) for r in reporters]
        writer = _Writer(rng, now, _stages())
        start = _first_day(now)
        span = (now - start).total_seconds()
        # Times in order, so the numbers run with them; a little growth year on year.
        moments = sorted(
            start + dt.timedelta(seconds=span * rng.random() ** 0.9) for _ in range(reports)
        )
        chosen = rng.choices(reporters, weights=weights, k=reports)
        for first in range(0, reports, BATCH):
            batch = list(
                zip(chosen[first : first + BATCH], moments[first : first + BATCH], strict=True)
            )
            writer.write(batch, result)
            if progress and result.reports < reports:
                progress("incident reports", result.reports, reports)
        if progress:
            progress("incident reports", result.reports, reports)
        rebuild_incident_tallies(progress=progress)
        rebuild_stage_deadlines(progress=progress)
        _analyze()
    return result


def _analyze() -> None:
    """Fresh planner statistics for the tables just filled: with the old ones PostgreSQL
    took 50,000 hops for 500 and chose nested loops (a drill-down list took 10 s, not 0.4)."""
    tables = [
        model._meta.db_table
        for model in (
            IncidentReport,
            ReportParty,
            RouteHop,
            StageFiling,
            IncidentReport.regimes.through,
            OpenStageDeadline,
        )
    ]
    tables += ["incidents_incidenttally", "incidents_incidenttiming"]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def _first_day(now: dt.datetime) -> dt.datetime:
    year = fiscal_year_of(now) - (YEARS - 1)
    return timezone.make_aware(dt.datetime(year, 4, 1))


def _reporters() -> list[_Reporter]:
    """Every organisation with a complete report route that does not pass through itself
    (the model's default, else its first usable alternative)."""
    engine = active_engine()
    found = []
    regimes_by_kind: dict[tuple, dict[bool, list[ReportingRegime]]] = {}
    # Regimes follow from the reporter's kind and sector, unless one names the reporter.
    named = set(
        ReportingRegime.organizations.through.objects.values_list("organization_id", flat=True)
    )
    organizations = Organization.objects.select_related("sector", "parent").order_by("code")
    for organization in organizations.exclude(
        kind__in=["local_government", "overseas_counterpart"]
    ):
        answer = engine.report_routes(organization)
        route = next(
            (
                r
                for r in answer.routes
                if r.complete and all(org.pk != organization.pk for _place, org in r.hops)
            ),
            None,
        )
        if route is None:
            continue
        signature = (
            organization.kind,
            organization.sector_id,
            organization.pk if organization.pk in named else None,
        )
        if signature not in regimes_by_kind:
            regimes_by_kind[signature] = {
                personal: applicable_regimes(
                    IncidentReport(reporter=organization, personal_data=personal)
                )
                for personal in (False, True)
            }
        found.append(
            _Reporter(
                organization,
                route.key,
                answer.rule,
                [(place, org.pk) for place, org in route.hops],
                regimes_by_kind[signature],
            )
        )
    return found


def _stages() -> dict[int, list[RegimeStage]]:
    stages: dict[int, list[RegimeStage]] = {}
    for stage in RegimeStage.objects.select_related("regime").order_by("regime_id", "position"):
        stages.setdefault(stage.regime_id, []).append(stage)
    return stages


class _Writer:
    def __init__(self, rng: random.Random, now: dt.datetime, stages):
        self.rng = rng
        self.now = now
        self.stages = stages
        self.numbers: dict[int, int] = {}
        self.report_row = row_maker(IncidentReport, REPORT_FIELDS)
        self.hop_row = row_maker(RouteHop, HOP_FIELDS)
        self.categories = list(CATEGORIES)
        self.category_weights = list(CATEGORIES.values())

    def _number(self, aware: dt.datetime) -> str:
        year = fiscal_year_of(aware)
        self.numbers[year] = self.numbers.get(year, 0) + 1
        return f"{NUMBER_PREFIX}{year}-{self.numbers[year]:06d}"

    def write(self, batch: list[tuple[_Reporter, dt.datetime]], result: IncidentScaleResult):
        """One batch: each report with its route and filings drawn first (the route decides
        whether it is closed), then the reports inserted and their rows pointed at them."""
        made = []
        for reporter, aware in batch:
            report = self._report(reporter, aware)
            hops: list[RouteHop] = []
            chosen: list[ReportingRegime] = []
            filings: list[tuple[int, dt.datetime]] = []
            if report.submitted_at is not None:
                hops = self._hops(report, reporter)
                chosen = reporter.regimes[report.personal_data]
                for regime in chosen:
                    filings.extend(self._filings(report, regime))
            made.append((report, reporter, hops, chosen, filings))
        insert(IncidentReport, REPORT_FIELDS, (self.report_row(m[0]) for m in made))
        ids = dict(
            IncidentReport.objects.filter(number__in=[m[0].number for m in made]).values_list(
                "number", "pk"
            )
        )
        parties: list[tuple] = []
        all_hops: list[tuple] = []
        regimes: list[tuple] = []
        all_filings: list[tuple] = []
        adapt = connection.ops.adapt_datetimefield_value
        for report, reporter, hops, chosen, filings in made:
            pk = ids[report.number]
            reporter_id = reporter.organization.pk
            parties.append((pk, reporter_id, adapt(report.created_at)))
            for hop in hops:
                hop.report_id = pk
                all_hops.append(self.hop_row(hop))
                if hop.received_at is not None and hop.organization_id != reporter_id:
                    parties.append((pk, hop.organization_id, adapt(hop.received_at)))
            all_filings.extend((pk, stage_id, adapt(when)) for stage_id, when in filings)
            regimes.extend((pk, regime.pk) for regime in chosen)
        insert(ReportParty, ("report", "organization", "since"), parties)
        insert(RouteHop, HOP_FIELDS, all_hops)
        insert(IncidentReport.regimes.through, ("incidentreport", "reportingregime"), regimes)
        insert(StageFiling, ("report", "stage", "filed_at"), all_filings)
        result.reports += len(made)
        result.hops += len(all_hops)
        result.filings += len(all_filings)

    def _report(self, reporter: _Reporter, aware: dt.datetime) -> IncidentReport:
        rng, now = self.rng, self.now
        category = rng.choices(self.categories, weights=self.category_weights)[0]
        personal = rng.random() < PERSONAL_DATA.get(category, 0.05)
        malicious = category in MALICIOUS
        government = reporter.organization.kind != "ci_operator"
        delay = rng.uniform(0.2, 0.9) if government and rng.random() < 0.7 else rng.uniform(1, 30)
        sent = aware + delay * H
        draft = sent > now or (aware > now - 3 * D and rng.random() < 0.05)
        submitted = None if draft else sent
        number = self._number(aware)
        report = IncidentReport(
            number=number,
            reporter=reporter.organization,
            status=ReportStatus.DRAFT if draft else ReportStatus.OPEN,
            title=f"{IncidentCategory(category).label}（合成データ {number}）",
            category=category,
            impact=rng.choice(IMPACTS),
            impact_description="合成データ：影響は限定的。",
            detected_at=aware - rng.uniform(0, 6) * H,
            aware_at=aware,
            personal_data=personal,
            personal_data_count=rng.randint(1, 5_000) if personal else None,
            malicious=malicious,
            ransom_paid_at=(
                aware + rng.uniform(24, 96) * H
                if category == IncidentCategory.MALWARE and rng.random() < 0.02
                else None
            ),
            tlp=rng.choice(TLPS),
            narrative="合成データ：大規模データ用に生成した報告。",
            submitted_at=submitted,
            route_key="" if draft else reporter.route_key,
            route_rule="" if draft else reporter.rule,
        )
        report.created_at = aware
        report.updated_at = submitted or aware
        if report.ransom_paid_at and report.ransom_paid_at > now:
            report.ransom_paid_at = None
        return report

    def _hops(self, report: IncidentReport, reporter: _Reporter) -> list[RouteHop]:
        """The route as its hops would have handled it, cut at now: a hop not reached yet
        waits; the last one closes the report. A few reports linger open for months."""
        rng, now = self.rng, self.now
        assert report.submitted_at is not None
        lingering = rng.random() < 0.003
        at: dt.datetime | None = report.submitted_at
        hops = []
        last = len(reporter.hops)
        for position, (place, organization_id) in enumerate(reporter.hops, start=1):
            hop = RouteHop(position=position, place=place, organization_id=organization_id)
            hops.append(hop)
            if at is None or at > now:
                continue
            hop.status, hop.received_at = HopStatus.RECEIVED, at
            acknowledged = at + rng.lognormvariate(0.3 if position == last else 0.8, 1.0) * H
            if acknowledged > now:
                at = None
                continue
            hop.status, hop.acknowledged_at = HopStatus.ACKNOWLEDGED, acknowledged
            if position < last:
                forwarded = acknowledged + rng.uniform(1, 72) * H
                if forwarded > now:
                    at = None
                    continue
                hop.status, hop.forwarded_at = HopStatus.FORWARDED, forwarded
                at = forwarded
                continue
            closed = acknowledged + (rng.uniform(200, 400) if lingering else rng.uniform(1, 40)) * D
            if closed <= now:
                hop.status = HopStatus.CLOSED
                report.status, report.closed_at = ReportStatus.CLOSED, closed
                report.closing_summary = "合成データ：対処を終えた。"
                report.updated_at = closed
        for hop in hops:
            hop.created_at = hop.updated_at = report.submitted_at
        return hops

    def _filings(
        self, report: IncidentReport, regime: ReportingRegime
    ) -> list[tuple[int, dt.datetime]]:
        """Each applicable stage filed in time (mostly), late, or not at all; never after
        now. The first stage of a regime whose authority is on the route is the submission."""
        rng = self.rng
        stages = self.stages.get(regime.pk, [])
        filed: dict[int, dt.datetime] = {}
        for stage in stages:
            clock = stage_clocks(report, stages, filed, self.now)[stages.index(stage)]
            if clock.state == "not_applicable" or clock.due_at is None:
                continue
            if regime.filed_by_route and stage is stages[0]:
                when: dt.datetime | None = report.submitted_at
            else:
                draw = rng.random()
                span = max(stage.offset, H)
                if draw < 0.85:
                    when = clock.due_at - rng.uniform(0.05, 0.8) * span
                elif draw < 0.97:
                    when = clock.due_at + rng.uniform(0.05, 1.5) * span
                else:
                    when = None
                if when is not None and report.submitted_at and when < report.submitted_at:
                    when = report.submitted_at
            if when is not None and when <= self.now:
                filed[stage.pk] = when
        return list(filed.items())
