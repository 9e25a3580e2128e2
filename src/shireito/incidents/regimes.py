"""Reporting regimes: which apply to a report, and each stage's clock.

The clock arithmetic is pure (``stage_clocks`` takes the report's times and the filings and a
``now``), so every preset's deadlines are tested with fixed clocks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from shireito.incidents.choices import ClockAnchor, ClockState, StageCondition
from shireito.incidents.models import IncidentReport, RegimeStage, ReportingRegime
from shireito.incidents.presets import PRESETS


def install_presets(regime_model=ReportingRegime, stage_model=RegimeStage) -> int:
    """Create the shipped regimes that are missing (existing ones, perhaps edited by an admin,
    are left alone). Takes the models so the data migration can pass its historical ones."""
    created = 0
    for preset in PRESETS:
        if regime_model.objects.filter(key=preset["key"]).exists():
            continue
        regime = _create(
            regime_model,
            key=preset["key"],
            name=preset["name"],
            name_en=preset["name_en"],
            authority=preset.get("authority", ""),
            authority_en=preset.get("authority_en", ""),
            description=preset.get("description", ""),
            description_en=preset.get("description_en", ""),
            all_reporters=preset.get("all_reporters", False),
            reporter_kinds=preset.get("reporter_kinds", []),
            sectors=preset.get("sectors", []),
            personal_data_only=preset.get("personal_data_only", False),
            filed_by_route=preset.get("filed_by_route", False),
            preset=True,
        )
        for position, stage in enumerate(preset["stages"], start=1):
            key, label, label_en, anchor, hours, condition, required, note, note_en = stage
            _create(
                stage_model,
                regime=regime,
                position=position,
                key=key,
                label=label,
                label_en=label_en,
                anchor=anchor,
                offset=dt.timedelta(hours=hours),
                condition=condition,
                required_fields=required,
                note=note,
                note_en=note_en,
            )
        created += 1
    return created


def _create(model, **values):
    """A row of the fields ``model`` has: an early migration's model has not every field the
    presets give (a later migration fills those in)."""
    names = {f.name for f in model._meta.get_fields()}
    return model.objects.create(**{k: v for k, v in values.items() if k in names})


def applicable_regimes(report: IncidentReport):
    """The active regimes that follow from the reporter's kind and sector (or that name the
    reporter), limited by personal data where a regime asks."""
    reporter = report.reporter
    regimes = ReportingRegime.objects.filter(active=True).prefetch_related("organizations")
    chosen = []
    for regime in regimes:  # a handful of rows: the rules are clearer in Python
        named = any(org.pk == reporter.pk for org in regime.organizations.all())
        by_kind = reporter.kind in (regime.reporter_kinds or []) and (
            not regime.sectors
            or (reporter.sector is not None and reporter.sector.code in regime.sectors)
        )
        if not (regime.all_reporters or named or by_kind):
            continue
        if regime.personal_data_only and not report.personal_data:
            continue
        chosen.append(regime)
    return chosen


@dataclass(frozen=True)
class StageClock:
    """One stage's clock on one report."""

    stage: RegimeStage
    state: str
    starts_at: dt.datetime | None = None
    due_at: dt.datetime | None = None
    filed_at: dt.datetime | None = None

    @property
    def regime(self) -> ReportingRegime:
        return self.stage.regime

    @property
    def is_overdue(self) -> bool:
        return self.state == ClockState.OVERDUE

    @property
    def is_open(self) -> bool:
        """Not filed and applicable: the reporter can file it now."""
        return self.state in (ClockState.WAITING, ClockState.RUNNING, ClockState.OVERDUE)


def stage_applies(stage: RegimeStage, report: IncidentReport) -> bool:
    if stage.condition == StageCondition.MALICIOUS:
        return report.malicious
    if stage.condition == StageCondition.NOT_MALICIOUS:
        return not report.malicious
    if stage.condition == StageCondition.RANSOM_PAID:
        return report.ransom_paid_at is not None
    return True


def stage_clocks(
    report: IncidentReport,
    stages: list[RegimeStage],
    filings: dict[int, dt.datetime],
    now: dt.datetime,
) -> list[StageClock]:
    """The clocks of one regime's ``stages`` (in order) for ``report``; ``filings`` maps a
    stage id to when it was filed. A stage anchored on the previous one starts when the
    previous applicable stage was filed."""
    clocks: list[StageClock] = []
    previous_filed: dt.datetime | None = None
    has_previous = False
    for stage in stages:
        if not stage_applies(stage, report):
            clocks.append(StageClock(stage, ClockState.NOT_APPLICABLE))
            continue
        anchors: dict[str, dt.datetime | None] = {
            ClockAnchor.AWARE: report.aware_at,
            ClockAnchor.DETECTED: report.detected_at,
            ClockAnchor.SUBMITTED: report.submitted_at,
            ClockAnchor.RANSOM_PAID: report.ransom_paid_at,
            ClockAnchor.PREVIOUS: previous_filed if has_previous else report.aware_at,
        }
        anchor = anchors[stage.anchor]
        filed = filings.get(stage.pk)
        due = anchor + stage.offset if anchor else None
        if filed is not None:
            state = ClockState.FILED if due is None or filed <= due else ClockState.FILED_LATE
        elif due is None:
            state = ClockState.WAITING
        else:
            state = ClockState.OVERDUE if now > due else ClockState.RUNNING
        clocks.append(StageClock(stage, state, anchor, due, filed))
        previous_filed = filed
        has_previous = True
    return clocks


def report_clocks(report: IncidentReport, now: dt.datetime) -> list[StageClock]:
    """Every clock of every regime on the report. For a draft, the clocks of the regimes that
    would apply: they run from awareness whether or not the report is submitted yet."""
    if report.submitted_at is None:
        regimes = applicable_regimes(report) if report.reporter_id else []
        filings = {}
    else:
        regimes = report.regimes.all()
        filings = {f.stage_id: f.filed_at for f in report.filings.all()}
    clocks = []
    for regime in regimes:
        stages = sorted(regime.stages.all(), key=lambda s: s.position)
        clocks += stage_clocks(report, stages, filings, now)
    return clocks
