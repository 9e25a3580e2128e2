"""Progress on a published edition: KPI values entered by the responsible organisations and
reviewed by the Digital Agency, milestones' actual dates, and the lead's quarterly report with
its proposed delivery confidence, which the Digital Agency reviews (setting the rating, with a
reason) or returns. Every rating given is appended to ``RatingRecord``; every write is audited
and refreshes the measure's flags in the same transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shireito.core.services import Rules, audited_create, audited_update, is_unstorable
from shireito.plans import calendar, flags, notices
from shireito.plans.choices import Confidence, MeasurementStatus, RatingKind, ReportStatus
from shireito.plans.models import (
    Kpi,
    Measure,
    Measurement,
    Milestone,
    ProgressReport,
    RatingRecord,
)
from shireito.plans.permissions import (
    may_change_milestone_dates,
    may_enter_measurement,
    may_report,
    may_return_report,
    may_review,
    may_review_measurement,
    may_review_report,
)

if TYPE_CHECKING:
    from shireito.accounts.models import User

REPORT_FIELDS = ("narrative", "proposed_confidence", "proposed_reason")


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _text(value: Any) -> str:
    return str(value or "").strip()


def _organization_of(actor: User | None, fallback):
    return getattr(actor, "organization", None) or fallback


def _refresh(measure_ids: Iterable[int], today: dt.date) -> None:
    """A write that can change a measure's flags refreshes them at once, not at the next
    daily run (inside ``flags.deferred``, once at its end)."""
    if flags.is_deferred():
        return
    flags.refresh(today, measures=list(measure_ids))


# --- measurements ---------------------------------------------------------------------------


def _measurement_problems(
    rules: Rules,
    *,
    kpi: Kpi,
    measured_on: dt.date | None,
    value: Any,
    source: str,
    today: dt.date,
    prefix: str = "",
) -> Measurement | None:
    """Check one value for a KPI; the stored measurement of that date it would replace (one
    entered or returned, not yet accepted), if any."""
    if measured_on is None:
        rules.add(f"{prefix}measured_on", _("Give the date the value was measured."))
    elif measured_on > today:
        rules.add(f"{prefix}measured_on", _("A value cannot be measured on a day yet to come."))
    if value is None or value == "":
        rules.add(f"{prefix}value", _("Give the value."))
    else:
        try:
            number = Decimal(str(value))
            if not number.is_finite() or abs(number) >= Decimal(10) ** 16:
                raise InvalidOperation
        except InvalidOperation:
            rules.add(f"{prefix}value", _("Give a number."))
    if len(source) > 300:
        rules.add(f"{prefix}source", _("Keep the source to 300 characters."))
    elif is_unstorable(source):
        rules.add(f"{prefix}source", _("Null characters and unpaired surrogates are not allowed."))
    if measured_on is None:
        return None
    existing = Measurement.objects.filter(series_id=kpi.series_id, measured_on=measured_on).first()
    if existing is not None and existing.status == MeasurementStatus.ACCEPTED:
        rules.add(
            f"{prefix}measured_on",
            _("A value for %(date)s is already accepted.") % {"date": measured_on.isoformat()},
        )
    return existing


def _write_measurement(
    *,
    actor: User | None,
    kpi: Kpi,
    measured_on: dt.date,
    value: Any,
    source: str,
    report: ProgressReport | None,
    existing: Measurement | None,
) -> Measurement:
    organization = _organization_of(actor, kpi.measure.lead)
    fields = {
        "value": Decimal(str(value)),
        "source": source,
        "status": MeasurementStatus.ENTERED,
        "organization": organization,
        "entered_by": actor,
        "report": report,
        "review_note": "",
    }
    if existing is not None:
        # A value entered again for the same day corrects the one waiting (or returned).
        measurement, _changes = audited_update(actor=actor, instance=existing, **fields)
        return measurement
    return audited_create(
        actor=actor,
        instance=Measurement(series_id=kpi.series_id, measured_on=measured_on, **fields),
    )


def measurement_enter(
    *,
    actor: User | None,
    kpi: Kpi,
    measured_on: dt.date | None,
    value: Any,
    source: str = "",
    report: ProgressReport | None = None,
    today: dt.date | None = None,
) -> Measurement:
    """A responsible organisation's editor enters a KPI value (for the Digital Agency to
    review); entered again for the same day, it corrects the waiting or returned one."""
    measure = kpi.measure
    if not may_enter_measurement(actor, measure):
        raise PermissionDenied
    day = _today(today)
    source = _text(source)
    rules = Rules()
    if report is not None and (
        report.measure_id != measure.pk or report.status != ReportStatus.DRAFT
    ):
        rules.add("report", _("Attach the value to a draft report of this measure."))
    existing = _measurement_problems(
        rules, kpi=kpi, measured_on=measured_on, value=value, source=source, today=day
    )
    rules.raise_all()
    assert measured_on is not None
    with transaction.atomic():
        measurement = _write_measurement(
            actor=actor,
            kpi=kpi,
            measured_on=measured_on,
            value=value,
            source=source,
            report=report,
            existing=existing,
        )
        _refresh(_measures_of_series(kpi.series_id), day)
    return measurement


def measurement_review(
    *,
    actor: User | None,
    measurement: Measurement,
    accept: bool,
    note: str = "",
    today: dt.date | None = None,
) -> Measurement:
    """The Digital Agency accepts a value (it is then published) or returns it with a note
    saying what to correct."""
    if not may_review(actor):
        raise PermissionDenied
    note = _text(note)
    rules = Rules()
    if not may_review_measurement(actor, measurement):
        rules.add(None, _("Only a value waiting for review can be reviewed."))
    if not accept and not note:
        rules.add("note", _("Say what to correct."))
    if is_unstorable(note):
        rules.add("note", _("Null characters and unpaired surrogates are not allowed."))
    rules.raise_all()
    with transaction.atomic():
        measurement, _changes = audited_update(
            actor=actor,
            instance=measurement,
            status=MeasurementStatus.ACCEPTED if accept else MeasurementStatus.RETURNED,
            review_note=note,
        )
        measure_ids = _measures_of_series(measurement.series_id)
        if not accept:
            for measure in Measure.objects.filter(pk__in=measure_ids, edition__status="published"):
                notices.notify(
                    measure=measure,
                    kind="measurement_returned",
                    key=f"measurement-returned:{measurement.pk}:{measurement.updated_at.timestamp():.6f}",
                    params={"date": measurement.measured_on.isoformat(), "note": note},
                    organization_ids=[measurement.organization_id],
                )
        _refresh(measure_ids, _today(today))
    return measurement


def _measures_of_series(series_id: int) -> list[int]:
    return list(Measure.objects.filter(kpis__series_id=series_id).values_list("pk", flat=True))


# --- milestones -----------------------------------------------------------------------------


def _milestone_problems(
    rules: Rules, milestone: Milestone, measure: Measure, done_on, today: dt.date, prefix: str
) -> None:
    if milestone.measure_id != measure.pk:
        rules.add(f"{prefix}milestone", _("Choose a milestone of this measure."))
    if done_on is not None and done_on > today:
        rules.add(f"{prefix}done_on", _("A milestone cannot be done on a day yet to come."))


def milestone_record(
    *,
    actor: User | None,
    milestone: Milestone,
    done_on: dt.date | None,
    today: dt.date | None = None,
) -> Milestone:
    """The lead records the day a milestone was done (or clears it)."""
    measure = milestone.measure
    if not may_change_milestone_dates(actor, measure):
        raise PermissionDenied
    day = _today(today)
    rules = Rules()
    _milestone_problems(rules, milestone, measure, done_on, day, "")
    rules.raise_all()
    with transaction.atomic():
        milestone, _changes = audited_update(actor=actor, instance=milestone, done_on=done_on)
        _refresh([measure.pk], day)
    return milestone


# --- progress reports -----------------------------------------------------------------------


def _report_field_problems(rules: Rules, fields: Mapping[str, Any]) -> None:
    unknown = set(fields) - set(REPORT_FIELDS)
    for name in sorted(unknown):
        rules.add(name, _("Unknown field."))
    confidence = fields.get("proposed_confidence")
    if confidence and confidence not in Confidence.values:
        rules.add("proposed_confidence", _("Choose one of the five levels."))
    for name in REPORT_FIELDS:
        value = fields.get(name)
        if isinstance(value, str) and is_unstorable(value):
            rules.add(name, _("Null characters and unpaired surrogates are not allowed."))


def _quarter_problems(rules: Rules, measure: Measure, fiscal_year, quarter, today: dt.date) -> None:
    if fiscal_year is None:
        rules.add("fiscal_year", _("Give the fiscal year."))
    if quarter not in (1, 2, 3, 4):
        rules.add("quarter", _("Choose a quarter from 1 to 4."))
    if fiscal_year is None or quarter not in (1, 2, 3, 4):
        return
    if not 2000 <= fiscal_year <= 2100:
        rules.add("fiscal_year", _("Give a fiscal year between 2000 and 2100."))
        return
    if calendar.quarter_start(fiscal_year, quarter) > today:
        rules.add("quarter", _("A quarter is reported on once it has begun."))
    decided = measure.edition.decided_on
    if decided is not None and (fiscal_year, quarter) < calendar.quarter_of(decided):
        rules.add(
            "quarter",
            _("The edition was decided on %(date)s; report on quarters from then on.")
            % {"date": decided.isoformat()},
        )
    if ProgressReport.objects.filter(
        measure=measure, fiscal_year=fiscal_year, quarter=quarter
    ).exists():
        rules.add("quarter", _("This quarter already has a report: change that one."))


def report_save(
    *,
    actor: User | None,
    measure: Measure,
    report: ProgressReport | None = None,
    fiscal_year: int | None = None,
    quarter: int | None = None,
    milestones: Sequence[tuple[Milestone, dt.date | None]] = (),
    values: Sequence[Mapping[str, Any]] = (),
    today: dt.date | None = None,
    **fields: Any,
) -> ProgressReport:
    """The lead's editor drafts a quarter's report (``report`` None: a new one for
    ``fiscal_year`` and ``quarter``) or changes a draft: the narrative and proposed rating,
    the milestones' actual dates (``milestones``: pairs of milestone and date) and KPI values
    entered with it (``values``: ``kpi``, ``measured_on``, ``value``, ``source``). Every
    problem is named at once; nothing is written unless all pass."""
    if not may_report(actor, measure):
        raise PermissionDenied
    if report is not None and report.measure_id != measure.pk:
        raise PermissionDenied
    day = _today(today)
    fields = {
        name: (_text(value) if name in REPORT_FIELDS else value) for name, value in fields.items()
    }
    rules = Rules()
    if report is None:
        _quarter_problems(rules, measure, fiscal_year, quarter, day)
    elif report.status != ReportStatus.DRAFT:
        rules.add(
            None, _("A submitted report no longer changes; the Digital Agency may return it.")
        )
    _report_field_problems(rules, fields)
    for index, (milestone, done_on) in enumerate(milestones):
        _milestone_problems(rules, milestone, measure, done_on, day, f"milestones[{index}].")
    replaced: list[Measurement | None] = []
    seen: set[tuple[int, Any]] = set()
    for index, entry in enumerate(values):
        prefix = f"values[{index}]."
        kpi = entry.get("kpi")
        if kpi is None or kpi.measure_id != measure.pk:
            rules.add(f"{prefix}kpi", _("Choose a KPI of this measure."))
            replaced.append(None)
            continue
        measured_on = entry.get("measured_on")
        if (kpi.pk, measured_on) in seen:
            rules.add(f"{prefix}measured_on", _("This KPI has another value for the same day."))
        seen.add((kpi.pk, measured_on))
        replaced.append(
            _measurement_problems(
                rules,
                kpi=kpi,
                measured_on=measured_on,
                value=entry.get("value"),
                source=_text(entry.get("source")),
                today=day,
                prefix=prefix,
            )
        )
    rules.raise_all()
    with transaction.atomic():
        if report is None:
            assert fiscal_year is not None and quarter is not None
            report = audited_create(
                actor=actor,
                instance=ProgressReport(
                    measure=measure, fiscal_year=fiscal_year, quarter=quarter, **fields
                ),
            )
        elif fields:
            report, _changes = audited_update(actor=actor, instance=report, **fields)
        for milestone, done_on in milestones:
            if milestone.done_on != done_on:
                audited_update(actor=actor, instance=milestone, done_on=done_on)
        for entry, existing in zip(values, replaced, strict=True):
            _write_measurement(
                actor=actor,
                kpi=entry["kpi"],
                measured_on=entry["measured_on"],
                value=entry["value"],
                source=_text(entry.get("source")),
                report=report,
                existing=existing,
            )
        if milestones or values:
            _refresh([measure.pk], day)
    return report


def report_save_and_submit(
    *,
    actor: User | None,
    measure: Measure,
    report: ProgressReport | None = None,
    today: dt.date | None = None,
    **fields: Any,
) -> ProgressReport:
    """Save the lead's last changes and submit the report, both or neither: the report form's
    "submit" button."""
    with transaction.atomic():
        saved = report_save(actor=actor, measure=measure, report=report, **fields)
        return report_submit(actor=actor, report=saved, today=today)


def report_submit(
    *, actor: User | None, report: ProgressReport, today: dt.date | None = None
) -> ProgressReport:
    """The lead submits a draft for review: its narrative and proposed rating with the
    reason are required. The proposed rating joins the measure's rating history."""
    measure = report.measure
    if not may_report(actor, measure):
        raise PermissionDenied
    rules = Rules()
    if report.status != ReportStatus.DRAFT:
        rules.add(None, _("Only a draft report is submitted."))
    if not report.narrative.strip():
        rules.add("narrative", _("Tell how the measure went this quarter."))
    if not report.proposed_confidence:
        rules.add("proposed_confidence", _("Propose a delivery confidence."))
    if not report.proposed_reason.strip():
        rules.add("proposed_reason", _("Give the reason for the proposed rating."))
    rules.raise_all()
    now = timezone.now()
    with transaction.atomic():
        report, _changes = audited_update(
            actor=actor, instance=report, status=ReportStatus.SUBMITTED, submitted_at=now
        )
        audited_create(
            actor=actor,
            instance=RatingRecord(
                report=report,
                kind=RatingKind.PROPOSED,
                confidence=report.proposed_confidence,
                reason=report.proposed_reason,
                given_by=actor,
                organization=_organization_of(actor, measure.lead),
                given_at=now,
            ),
        )
        _refresh([measure.pk], _today(today))
    return report


def report_review(
    *,
    actor: User | None,
    report: ProgressReport,
    confidence: str,
    reason: str,
    comment: str = "",
) -> ProgressReport:
    """The Digital Agency sets the delivery confidence with its reason (and may leave a
    comment that is never published). Done again later it revises the rating; each rating
    given is kept in the history."""
    if not may_review(actor):
        raise PermissionDenied
    reason, comment = _text(reason), _text(comment)
    rules = Rules()
    if not may_review_report(actor, report):
        rules.add(None, _("Only a submitted or reviewed report can be reviewed."))
    if confidence not in Confidence.values:
        rules.add("confidence", _("Choose one of the five levels."))
    if not reason:
        rules.add("review_reason", _("Give the reason for the rating."))
    for name, value in (("review_reason", reason), ("review_comment", comment)):
        if is_unstorable(value):
            rules.add(name, _("Null characters and unpaired surrogates are not allowed."))
    rules.raise_all()
    now = timezone.now()
    with transaction.atomic():
        report, _changes = audited_update(
            actor=actor,
            instance=report,
            status=ReportStatus.REVIEWED,
            confidence=confidence,
            review_reason=reason,
            review_comment=comment,
            reviewed_at=now,
        )
        record = audited_create(
            actor=actor,
            instance=RatingRecord(
                report=report,
                kind=RatingKind.REVIEWED,
                confidence=confidence,
                reason=reason,
                given_by=actor,
                organization=_organization_of(actor, report.measure.edition.author),
                given_at=now,
            ),
        )
        notices.notify(
            measure=report.measure,
            kind="report_reviewed",
            key=f"report-reviewed:{record.pk}",
            params={
                "fiscal_year": report.fiscal_year,
                "quarter": report.quarter,
                "confidence": confidence,
                "report": report.pk,
            },
        )
    return report


def report_return(
    *,
    actor: User | None,
    report: ProgressReport,
    reason: str,
    today: dt.date | None = None,
) -> ProgressReport:
    """The Digital Agency sends a submitted report back to the lead's draft, saying why (the
    reason is kept as the review comment, read by the lead, never published)."""
    if not may_review(actor):
        raise PermissionDenied
    reason = _text(reason)
    rules = Rules()
    if not may_return_report(actor, report):
        rules.add(None, _("Only a submitted report can be returned."))
    if not reason:
        rules.add("reason", _("Say why the report goes back."))
    elif is_unstorable(reason):
        rules.add("reason", _("Null characters and unpaired surrogates are not allowed."))
    rules.raise_all()
    with transaction.atomic():
        report, _changes = audited_update(
            actor=actor,
            instance=report,
            status=ReportStatus.DRAFT,
            submitted_at=None,
            review_comment=reason,
        )
        notices.notify(
            measure=report.measure,
            kind="report_returned",
            key=f"report-returned:{report.pk}:{report.version}",
            params={
                "fiscal_year": report.fiscal_year,
                "quarter": report.quarter,
                "report": report.pk,
            },
        )
        _refresh([report.measure_id], _today(today))
    return report
