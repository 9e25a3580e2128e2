"""The demo plan: last fiscal year's edition (like the 2025 edition, in our own words; the
tables are in ``plans.demo_data``), published, with two years of quarterly KPI values, a
roadmap, links to the demo systems, their budget lines and the demo catalog's controls; the
quarterly progress reports on it with ratings proposed and reviewed; and this fiscal year's
edition in draft, copied from it with a few changes, so its diff shows something.

What a new user meets: most KPIs on track and some off track (a projection short of the
target), most values accepted and a few awaiting review, one returned for correction;
milestones done and some past due; ratings in all five levels, some revised in review with a
reason; two reports awaiting review and one report not filed by its date.

Content goes through ``plans.services`` (as the Digital Agency's planner, when the demo user is
there); tracking (values, milestones' actual dates, reports and ratings) through
``plans.services.tracking``, as the demo editors of the lead organisations and of the Digital
Agency, so every step is in the audit trail as a real one would be; the flags are refreshed
once at the end, which flags the overdue report, the past-due milestones and the off-track
KPIs and tells their lead organisations. Dates are set from today, as the other demo modules
do, so the demo shows a live plan whenever it is loaded. Idempotent: an edition of the year
already there is left as it is.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Case, Value, When
from django.utils import timezone

from shireito.accounts.models import User
from shireito.organizations.models import Organization
from shireito.plans import flags, services
from shireito.plans.calendar import previous_quarter, quarter_end, quarter_of, report_due
from shireito.plans.choices import (
    CONFIDENCE_ORDER,
    MeasureStatus,
    RatingKind,
)
from shireito.plans.demo_data import AREAS, MEASURES, UNITS_EN
from shireito.plans.models import (
    InterimTarget,
    Kpi,
    Measure,
    MeasureBudget,
    MeasureControl,
    Measurement,
    MeasureSystem,
    Milestone,
    PlanArea,
    PlanEdition,
    Principle,
    ProgressReport,
    RatingRecord,
)
from shireito.plans.services import tracking
from shireito.registry.models import BudgetLine, InformationSystem
from shireito.registry.selectors import current_fiscal_year
from shireito.standards.models import Catalog

PLANNER = "da-officer"
CATALOG_KEY = "demo-common-standards"
QUARTERS_MEASURED = 8  # two years
# Measures whose latest report the demo leaves unfiled (past its date) or awaiting review.
OVERDUE = "2-03"
AWAITING_REVIEW = ("1-04", "4-02")
RETURNED = ("2-02", 0)  # the measure and KPI whose latest value was returned
MILESTONES = [
    ("要件と進め方の確定", "Requirements and approach agreed"),
    ("試行の開始", "Pilot started"),
    ("本格的な運用の開始", "Full service started"),
]


def title_of(year: int) -> tuple[str, str]:
    return (
        f"デジタル社会の実現に向けた重点計画（{year}年版・デモ）",
        f"Priority plan for a digital society, {year} edition (demo)",
    )


def load_demo_plan(by_code: dict) -> int:
    """Bring the demo plan into being; returns how many editions were added. Runs inside the
    demo loader's transaction, after the systems, budgets, catalogs and users exist."""
    today = timezone.localdate()
    year = current_fiscal_year(today) - 1
    actor = User.objects.filter(username=PLANNER, is_active=True).first()
    added = 0
    edition = PlanEdition.objects.filter(year=year).first()
    if edition is None:
        edition = _edition(actor, by_code["digital-agency"], year, today)
        with flags.deferred():
            _track(edition, actor, today)
        added += 1
    if edition.is_published and not PlanEdition.objects.filter(year=year + 1).exists():
        _next_draft(actor, by_code, edition)
        added += 1
    # The overdue report, the past-due milestones and the off-track KPIs flagged, and the
    # lead organisations told (once: loaded again, nothing new is raised).
    flags.refresh(today)
    return added


# --- content -------------------------------------------------------------------------------


def _edition(actor, author, year: int, today: dt.date) -> PlanEdition:
    title, title_en = title_of(year)
    edition = services.edition_create(
        actor=actor,
        author=author,
        year=year,
        title=title,
        title_en=title_en,
        decided_on=dt.date(year, 6, 13),
    )
    areas = {
        code: services.content_create(
            actor=actor,
            instance=PlanArea(
                edition=edition, code=code, name=name, name_en=name_en, position=position
            ),
        )
        for position, (code, name, name_en) in enumerate(AREAS, start=1)
    }
    context = _Context(today, year)
    for position, row in enumerate(MEASURES, start=1):
        _measure(actor, edition, areas, context, position, row)
    return services.edition_publish(actor=actor, edition=edition)


class _Context:
    """What every measure is written against: organisations, principles, systems, their
    budget lines and the demo catalog's controls; and the quarters the demo measures."""

    def __init__(self, today: dt.date, year: int) -> None:
        self.today = today
        self.year = year
        codes = {r[4] for r in MEASURES} | {c for r in MEASURES for c in r[5]}
        self.orgs = {o.code: o for o in Organization.objects.filter(code__in=codes)}
        self.principles = {p.number: p for p in Principle.objects.all()}
        wanted = {code for r in MEASURES for code in r[9]}
        self.systems = {s.code: s for s in InformationSystem.objects.filter(code__in=wanted)}
        self.lines: dict[int, list[BudgetLine]] = {}
        for line in BudgetLine.objects.filter(
            system__in=self.systems.values(), fiscal_year__in=[year - 1, year, year + 1]
        ).order_by("fiscal_year"):
            self.lines.setdefault(line.system_id, []).append(line)
        catalog = Catalog.objects.filter(key=CATALOG_KEY).defer("metadata", "back_matter").first()
        self.catalog = catalog
        self.controls = (
            list(catalog.nodes.filter(is_group=False).order_by("position")[:12]) if catalog else []
        )
        last = previous_quarter(*quarter_of(today))
        quarters = [last]
        while len(quarters) < QUARTERS_MEASURED:
            quarters.insert(0, previous_quarter(*quarters[0]))
        self.quarters = quarters
        self.baseline_date = quarter_end(*previous_quarter(*quarters[0]))


def _measure(actor, edition, areas, c: _Context, position: int, row) -> None:
    (code, area, name, name_en, lead, co, principles, target, years, systems, security, kpis) = row
    deadline = dt.date(c.year + years, 3, 31)
    measure = services.content_create(
        actor=actor,
        instance=Measure(
            edition=edition,
            area=areas[area],
            code=code,
            name=name,
            name_en=name_en,
            description=f"{name}に向けて、関係する府省と地方公共団体が協力して取り組む（デモ）。",
            description_en=f"{name_en}: the bodies concerned work on it together (demo).",
            lead=c.orgs[lead],
            target_state=target,
            target_state_en=f"{name_en}, done.",
            deadline=deadline,
            status=MeasureStatus.IN_PROGRESS,
            position=position,
        ),
    )
    services.measure_set_parties(
        actor=actor,
        measure=measure,
        co_responsible=[c.orgs[o] for o in co if o in c.orgs],
        principles=[c.principles[n] for n in principles if n in c.principles],
    )
    for k, (kname, kname_en, unit, direction, baseline, goal) in enumerate(kpis, start=1):
        kpi = services.content_create(
            actor=actor,
            instance=Kpi(
                measure=measure,
                code=f"K{code}-{k}",
                name=kname,
                name_en=kname_en,
                unit=unit,
                unit_en=UNITS_EN[unit],
                direction=direction,
                baseline_value=Decimal(baseline),
                baseline_date=c.baseline_date,
                target_value=Decimal(goal),
                target_date=deadline,
                source="所管府省の業務統計（デモ）",
                position=k,
            ),
        )
        halfway = c.baseline_date + (deadline - c.baseline_date) / 2
        services.content_create(
            actor=actor,
            instance=InterimTarget(
                kpi=kpi, due_on=halfway, value=Decimal(baseline) + Decimal(goal - baseline) / 2
            ),
        )
    now = quarter_of(c.today)
    plan = [(c.year, 2), previous_quarter(*c.quarters[-1]), _next(now)]
    for m, ((mname, mname_en), (fiscal_year, quarter)) in enumerate(
        zip(MILESTONES, plan, strict=True)
    ):
        services.content_create(
            actor=actor,
            instance=Milestone(
                measure=measure,
                name=mname,
                name_en=mname_en,
                fiscal_year=fiscal_year,
                quarter=quarter,
                planned_on=quarter_end(fiscal_year, quarter),
                position=m,
            ),
        )
    for s, system_code in enumerate(systems):
        system = c.systems.get(system_code)
        if system is None:
            continue
        services.content_create(actor=actor, instance=MeasureSystem(measure=measure, system=system))
        # The first system pays for the measure wholly, the others in part.
        share = 100 if s == 0 else 30
        for line in c.lines.get(system.pk, []):
            services.content_create(
                actor=actor, instance=MeasureBudget(measure=measure, budget_line=line, share=share)
            )
    if security and c.catalog is not None:
        for control in c.controls[position % 4 :: 4][:3]:
            services.content_create(
                actor=actor,
                instance=MeasureControl(measure=measure, catalog=c.catalog, control=control),
            )


def _next(quarter: tuple[int, int]) -> tuple[int, int]:
    fiscal_year, q = quarter
    return (fiscal_year, q + 1) if q < 4 else (fiscal_year + 1, 1)


# --- tracking ---------------------------------------------------------------------------------


def is_demo_off_track(index: int, k: int) -> bool:
    """Which KPIs the demo sets off track: about one in six."""
    return (index * 2 + k) % 6 == 1


# The delivery confidence a measure is proposed at, by its place in the plan (then lowered
# where a KPI is off track).
CYCLE = [0, 1, 0, 2, 1]
REASONS = [
    "計画どおりに進んでおり、目標の達成が見込まれる。",
    "一部に遅れがあるが、対応策を講じて管理できている。",
    "調達の遅れなど大きな課題があるが、解決の見通しはある。",
    "利用の伸びが想定を大きく下回り、目標の達成が危ぶまれる。",
    "前提が変わり、計画どおりの達成はできない。計画の見直しが必要。",
]
RETURN_NOTE = "前の四半期と定義が異なるようです。集計の範囲を確かめて入力し直してください。"
INTERNAL_COMMENT = "次回は調達の日程を具体的に記載すること（内部）。"


class _Tracked:
    """One measure as the demo tracks it: who acts for its lead, its KPIs' values and
    whether one is off track, the rating it is proposed at, the quarters it reports on."""

    def __init__(self, measure, index, quarters, lead_user, edition, today) -> None:
        self.measure = measure
        self.index = index
        self.lead_user = lead_user
        self.kpis = list(measure.kpis.all())
        self.off = any(is_demo_off_track(index, k) for k in range(len(self.kpis)))
        level = CYCLE[index % len(CYCLE)]
        if self.off:
            level = 3 if index % 4 == 0 else 2
        if measure.code == "5-07":
            level = 4
        self.level = level
        # Every quarter due since the edition was decided (as the overdue flag asks), but the
        # latest one of the measure the demo leaves unfiled.
        due = [(y, q) for y, q, _due in flags.due_quarters(edition, measure.deadline, today)]
        if measure.code == OVERDUE and due:
            due = due[:-1]
        self.reported = due
        self.latest_reported = due[-1] if due else None
        self.values = {q: self._values_at(q, len(quarters), quarters) for q in quarters}

    def _values_at(self, quarter, count, quarters) -> list[tuple[Kpi, dt.date, Decimal]]:
        """Each KPI's value at the quarter's end: on track ones a little ahead of the straight
        line to the target, off track ones at well under half its pace."""
        q = quarters.index(quarter)
        day = quarter_end(*quarter)
        rows = []
        for k, kpi in enumerate(self.kpis):
            pace = 0.4 if is_demo_off_track(self.index, k) else 1.1
            span = float(kpi.target_value - kpi.baseline_value)
            share = (day - kpi.baseline_date).days / (kpi.target_date - kpi.baseline_date).days
            wiggle = (0.015 if q % 2 else -0.01) * span
            value = float(kpi.baseline_value) + span * share * pace + wiggle
            rows.append((kpi, day, Decimal(str(round(value, 1)))))
        return rows


def _track(edition: PlanEdition, actor, today: dt.date) -> None:
    """Values, milestones' actual dates, reports and ratings on the published edition, quarter
    by quarter, through the tracking services as the demo users of the organisations that
    would do each (the system, for a lead without a demo user), so each step is in the audit
    trail as a real one. The services stamp the time of the call; the demo then dates the
    reports and ratings to when they would have been given (``_backdate``)."""
    reviewer = _editors({edition.author_id}).get(edition.author_id)
    measures = list(edition.measures.order_by("position").prefetch_related("kpis", "milestones"))
    people = _editors({m.lead_id for m in measures})
    last = previous_quarter(*quarter_of(today))
    quarters = [last]
    while len(quarters) < QUARTERS_MEASURED:
        quarters.insert(0, previous_quarter(*quarters[0]))
    tracked = [
        _Tracked(m, i, quarters, people.get(m.lead_id), edition, today)
        for i, m in enumerate(measures)
    ]
    stamps: dict[int, tuple[dt.datetime, dt.datetime | None]] = {}
    for quarter in quarters:
        for t in tracked:
            _quarter(edition, t, quarter, quarters, reviewer, today, stamps)
    for t in tracked:
        _milestones(t, today)
    _backdate(stamps)


def _editors(organization_ids: set[int]) -> dict[int, User]:
    """Each organisation's first demo editor by name; the Digital Agency's is its planner,
    whoever else the demo adds there."""
    found: dict[int, User] = {}
    users = User.objects.filter(organization_id__in=organization_ids, is_active=True)
    planner_first = Case(When(username=PLANNER, then=Value(0)), default=Value(1))
    for user in users.order_by(planner_first, "username"):
        if user.has_role("editor") and not user.is_platform_admin:
            found.setdefault(user.organization_id, user)
    return found


def _quarter(edition, t: _Tracked, quarter, quarters, reviewer, today, stamps) -> None:
    """One measure's quarter: its values entered (with the report, when one is due), the
    report submitted, the values and the report reviewed."""
    measure, index = t.measure, t.index
    values = t.values[quarter]
    latest = quarter == quarters[-1]
    report = None
    if quarter in t.reported:
        j = t.reported.index(quarter)
        proposed = CONFIDENCE_ORDER[max(0, t.level - (1 if j == 0 and t.level else 0))]
        report = tracking.report_save(
            actor=t.lead_user,
            measure=measure,
            fiscal_year=quarter[0],
            quarter=quarter[1],
            values=[
                {"kpi": kpi, "measured_on": day, "value": value, "source": kpi.source}
                for kpi, day, value in values
            ],
            narrative=(
                f"{quarter[0]}年度第{quarter[1]}四半期：工程表に沿って作業を進めた。"
                "主な成果と課題は添付の資料のとおり（デモ）。"
            ),
            proposed_confidence=proposed,
            proposed_reason=REASONS[CONFIDENCE_ORDER.index(proposed)],
        )
        report = tracking.report_submit(actor=t.lead_user, report=report)
    else:
        for kpi, day, value in values:
            tracking.measurement_enter(
                actor=t.lead_user, kpi=kpi, measured_on=day, value=value, source=kpi.source
            )
    for k, (kpi, day, _value) in enumerate(values):
        if latest and index % 9 == 4:
            continue  # left awaiting review
        measurement = Measurement.objects.get(series_id=kpi.series_id, measured_on=day)
        returned = latest and (measure.code, k) == RETURNED
        tracking.measurement_review(
            actor=reviewer,
            measurement=measurement,
            accept=not returned,
            note=RETURN_NOTE if returned else "",
        )
    if report is None:
        return
    due = report_due(quarter[0], quarter[1], edition.report_due_days)
    submitted = _at(due - dt.timedelta(days=3 + index % 5))
    if quarter == t.latest_reported and measure.code in AWAITING_REVIEW:
        stamps[report.pk] = (submitted, None)
        return
    j = t.reported.index(quarter)
    position = CONFIDENCE_ORDER.index(report.proposed_confidence)
    revised = (index + j) % 7 == 3
    if revised:
        position = min(4, position + 1) if t.off else max(0, position - 1)
    reason = "報告の内容を確認し、提案どおりとした。"
    if revised:
        reason = (
            "KPIの見通しが目標に届かないため、評価を一段階下げた。"
            if t.off
            else "遅れは解消済みであることを確認したため、評価を一段階上げた。"
        )
    tracking.report_review(
        actor=reviewer,
        report=report,
        confidence=CONFIDENCE_ORDER[position],
        reason=reason,
        comment=INTERNAL_COMMENT if index % 5 == 0 else "",
    )
    stamps[report.pk] = (submitted, min(_at(due + dt.timedelta(days=12)), timezone.now()))


def _milestones(t: _Tracked, today: dt.date) -> None:
    """The first milestone done a little early; the second done for two measures in three,
    past due for the rest; the third still ahead."""
    for m, milestone in enumerate(t.measure.milestones.order_by("position")):
        if milestone.planned_on >= today:
            continue
        if m == 0 or (m == 1 and t.index % 3 != 2):
            tracking.milestone_record(
                actor=t.lead_user,
                milestone=milestone,
                done_on=milestone.planned_on - dt.timedelta(days=5 + t.index % 10),
            )


def _backdate(stamps: dict[int, tuple[dt.datetime, dt.datetime | None]]) -> None:
    """Date each report's submission and review, and the ratings given with them, to when a
    real plan would have had them (the services stamp the time of the call, today)."""
    reports = list(ProgressReport.objects.filter(pk__in=list(stamps)))
    for report in reports:
        report.submitted_at, reviewed_at = stamps[report.pk]
        if reviewed_at is not None:
            report.reviewed_at = reviewed_at
    ProgressReport.objects.bulk_update(reports, ["submitted_at", "reviewed_at"], batch_size=500)
    ratings = list(RatingRecord.objects.filter(report_id__in=list(stamps)))
    for rating in ratings:
        submitted, reviewed = stamps[rating.report_id]
        given = submitted if rating.kind == RatingKind.PROPOSED else reviewed
        if given is not None:
            rating.given_at = given
    RatingRecord.objects.bulk_update(ratings, ["given_at"], batch_size=500)


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


# --- the next edition in draft ---------------------------------------------------------------


def _next_draft(actor, by_code: dict, source: PlanEdition) -> PlanEdition:
    """This year's edition started as a copy, with changes a diff shows: a measure renamed
    with a later deadline, a KPI's target raised, a measure dropped and one added."""
    title, title_en = title_of(source.year + 1)
    draft = services.edition_copy(
        actor=actor,
        source=source,
        author=source.author,
        year=source.year + 1,
        title=title,
        title_en=title_en,
    )
    renamed = Measure.objects.get(edition=draft, code="1-02")
    services.content_update(
        actor=actor,
        instance=renamed,
        name="行政ポータルの使いやすさと案内の向上",
        name_en="A portal people find easy to use, with better guidance",
        deadline=dt.date(source.year + 4, 3, 31),
    )
    raised = Kpi.objects.get(measure__edition=draft, code="K1-01-1")
    services.content_update(actor=actor, instance=raised, target_value=Decimal(95))
    services.content_delete(actor=actor, instance=Measure.objects.get(edition=draft, code="6-06"))
    area = PlanArea.objects.get(edition=draft, code="5")
    added = services.content_create(
        actor=actor,
        instance=Measure(
            edition=draft,
            area=area,
            code="5-08",
            name="行政における生成AIの安全な活用",
            name_en="Using generative AI safely in government",
            lead=by_code["digital-agency"],
            target_state="府省が共通の指針に沿って生成AIを安全に使っている",
            target_state_en="Ministries use generative AI safely under one guideline.",
            deadline=dt.date(source.year + 4, 3, 31),
            position=len(MEASURES) + 1,
        ),
    )
    baseline = raised.baseline_date
    services.content_create(
        actor=actor,
        instance=Kpi(
            measure=added,
            code="K5-08-1",
            name="指針に沿って生成AIを使う府省の数",
            name_en="Ministries using generative AI under the guideline",
            unit="府省",
            unit_en=UNITS_EN["府省"],
            direction="up",
            baseline_value=Decimal(3),
            baseline_date=baseline,
            target_value=Decimal(24),
            target_date=dt.date(source.year + 4, 3, 31),
        ),
    )
    return draft


def summary() -> dict[str, Any]:
    """What the demo plan holds, for the loader's report."""
    return {
        "editions": PlanEdition.objects.count(),
        "measures": Measure.objects.count(),
        "kpis": Kpi.objects.count(),
    }
