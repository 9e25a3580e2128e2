"""Progress on a published edition through the services: values entered and reviewed, the
quarterly report drafted, submitted, reviewed (and revised) or returned, each rating kept,
every write audited, every problem named at once, and who may do what."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shireito.core import concurrency
from shireito.core.models import AuditEvent
from shireito.notifications.models import Notification
from shireito.plans import selectors, services
from shireito.plans.models import (
    Kpi,
    Measure,
    Measurement,
    Milestone,
    RatingRecord,
)

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 15)


@pytest.fixture
def health(published):
    return Measure.objects.select_related("edition").get(edition=published, code="M-1")


@pytest.fixture
def hospitals(health):
    return Kpi.objects.select_related("measure__edition").get(measure=health, code="K-1")


def _draft(planners, health, **fields):
    return services.report_save(
        actor=planners["mhlw-editor"],
        measure=health,
        fiscal_year=2026,
        quarter=2,
        today=TODAY,
        **fields,
    )


def _submitted(planners, health):
    report = _draft(
        planners,
        health,
        narrative="順調",
        proposed_confidence="probable",
        proposed_reason="調達が遅れ気味",
    )
    return services.report_submit(actor=planners["mhlw-editor"], report=report, today=TODAY)


# --- measurements ---------------------------------------------------------------------------


def test_a_responsible_editor_enters_a_value_and_the_digital_agency_accepts_it(planners, hospitals):
    # given the co-responsible ministry's editor
    # when they enter a value and the Digital Agency accepts it
    value = services.measurement_enter(
        actor=planners["meti-editor"],
        kpi=hospitals,
        measured_on=dt.date(2026, 9, 30),
        value="180",
        source="厚労省調査",
        today=TODAY,
    )
    assert value.status == "entered"
    assert value.organization.code == "meti"
    services.measurement_review(actor=planners["da-editor"], measurement=value, accept=True)
    # then it is accepted, and both writes are in the trail
    value.refresh_from_db()
    assert value.status == "accepted"
    assert (
        AuditEvent.objects.filter(object_type="plans.measurement", object_id=str(value.pk)).count()
        == 2
    )


def test_a_value_returned_is_corrected_by_entering_it_again(planners, hospitals):
    # given a value returned with a note
    value = services.measurement_enter(
        actor=planners["mhlw-editor"],
        kpi=hospitals,
        measured_on=dt.date(2026, 9, 30),
        value=1800,
        today=TODAY,
    )
    services.measurement_review(
        actor=planners["da-editor"], measurement=value, accept=False, note="桁違い"
    )
    value.refresh_from_db()
    assert (value.status, value.review_note) == ("returned", "桁違い")
    # when the ministry enters the day's value again
    again = services.measurement_enter(
        actor=planners["mhlw-editor"],
        kpi=hospitals,
        measured_on=dt.date(2026, 9, 30),
        value=180,
        today=TODAY,
    )
    # then the same row waits again with the new value, and the returner was told
    assert again.pk == value.pk
    assert (again.status, again.value, again.review_note) == ("entered", Decimal(180), "")
    assert Notification.objects.filter(kind="plans.measurement_returned").exists()


def test_a_value_names_every_problem_at_once(planners, hospitals):
    # when a value has no number, a date yet to come and a long source
    with pytest.raises(ValidationError) as raised:
        services.measurement_enter(
            actor=planners["mhlw-editor"],
            kpi=hospitals,
            measured_on=dt.date(2027, 1, 1),
            value="many",
            source="x" * 301,
            today=TODAY,
        )
    # then all three are named
    assert set(raised.value.message_dict) == {"measured_on", "value", "source"}
    assert not Measurement.objects.exists()


def test_returning_a_value_needs_a_note(planners, hospitals):
    value = services.measurement_enter(
        actor=planners["mhlw-editor"], kpi=hospitals, measured_on=TODAY, value=1, today=TODAY
    )
    with pytest.raises(ValidationError) as raised:
        services.measurement_review(actor=planners["da-editor"], measurement=value, accept=False)
    assert "note" in raised.value.message_dict


def test_an_accepted_value_is_not_entered_again(planners, hospitals):
    value = services.measurement_enter(
        actor=planners["mhlw-editor"], kpi=hospitals, measured_on=TODAY, value=1, today=TODAY
    )
    services.measurement_review(actor=planners["da-editor"], measurement=value, accept=True)
    with pytest.raises(ValidationError) as raised:
        services.measurement_enter(
            actor=planners["mhlw-editor"], kpi=hospitals, measured_on=TODAY, value=2, today=TODAY
        )
    assert "measured_on" in raised.value.message_dict


# --- reports --------------------------------------------------------------------------------


def test_a_report_is_drafted_with_milestones_and_values_then_submitted(planners, health):
    # given the lead's editor and the measure's milestone and KPI
    milestone = Milestone.objects.get(measure=health)
    kpi = health.kpis.get()
    # when they draft the quarter's report with the milestone done and a value
    report = _draft(
        planners,
        health,
        narrative="要件定義を終えた",
        milestones=[(milestone, dt.date(2026, 9, 20))],
        values=[{"kpi": kpi, "measured_on": dt.date(2026, 9, 30), "value": 150}],
    )
    # then the draft holds them
    milestone.refresh_from_db()
    assert milestone.done_on == dt.date(2026, 9, 20)
    assert report.measurements.get().value == 150
    assert report.status == "draft"
    # and submitting without the proposed rating names both missing fields
    with pytest.raises(ValidationError) as raised:
        services.report_submit(actor=planners["mhlw-editor"], report=report, today=TODAY)
    assert set(raised.value.message_dict) == {"proposed_confidence", "proposed_reason"}
    # when the rating is proposed and the report submitted
    services.report_save(
        actor=planners["mhlw-editor"],
        measure=health,
        report=report,
        proposed_confidence="highly_likely",
        proposed_reason="予定どおり",
        today=TODAY,
    )
    services.report_submit(actor=planners["mhlw-editor"], report=report, today=TODAY)
    # then it waits for review and the proposed rating is in the history
    report.refresh_from_db()
    assert report.status == "submitted" and report.submitted_at
    record = RatingRecord.objects.get(report=report)
    assert (record.kind, record.confidence, record.reason) == (
        "proposed",
        "highly_likely",
        "予定どおり",
    )


def test_a_report_names_every_problem_at_once(planners, health, hospitals):
    # when the lead drafts a quarter yet to begin, with an unknown level, a milestone done
    # in the future and a KPI of another measure
    other = Kpi.objects.get(code="K-2", measure__edition=health.edition)
    milestone = Milestone.objects.get(measure=health)
    with pytest.raises(ValidationError) as raised:
        services.report_save(
            actor=planners["mhlw-editor"],
            measure=health,
            fiscal_year=2027,
            quarter=1,
            proposed_confidence="great",
            milestones=[(milestone, dt.date(2027, 1, 1))],
            values=[
                {"kpi": other, "measured_on": TODAY, "value": 1},
                {"kpi": hospitals, "measured_on": TODAY, "value": None},
            ],
            today=TODAY,
        )
    # then all of them are named, and nothing is written
    assert set(raised.value.message_dict) == {
        "quarter",
        "proposed_confidence",
        "milestones[0].done_on",
        "values[0].kpi",
        "values[1].value",
    }
    assert not health.reports.exists()


def test_a_quarter_before_the_decision_or_reported_twice_is_refused(planners, health):
    with pytest.raises(ValidationError) as before:
        services.report_save(
            actor=planners["mhlw-editor"], measure=health, fiscal_year=2025, quarter=4, today=TODAY
        )
    assert "quarter" in before.value.message_dict
    _draft(planners, health)
    with pytest.raises(ValidationError) as twice:
        _draft(planners, health)
    assert "quarter" in twice.value.message_dict


def test_the_digital_agency_reviews_and_later_revises_and_both_ratings_are_kept(planners, health):
    # given a submitted report
    report = _submitted(planners, health)
    # when the Digital Agency reviews it, then revises its rating
    services.report_review(
        actor=planners["da-editor"],
        report=report,
        confidence="feasible",
        reason="調達リスク",
        comment="内部メモ",
    )
    services.report_review(
        actor=planners["da-editor"], report=report, confidence="in_doubt", reason="再評価"
    )
    # then the report holds the latest, and the history every rating given
    report.refresh_from_db()
    assert (report.status, report.confidence, report.review_reason) == (
        "reviewed",
        "in_doubt",
        "再評価",
    )
    kinds = list(RatingRecord.objects.filter(report=report).values_list("kind", "confidence"))
    assert kinds == [("proposed", "probable"), ("reviewed", "feasible"), ("reviewed", "in_doubt")]
    # and the lead was told of each review
    assert (
        Notification.objects.filter(
            kind="plans.report_reviewed", user__username="mhlw-editor"
        ).count()
        == 2
    )
    # and a reader of another ministry sees only the reviewed ratings
    shown = selectors.ratings_of(planners["tokyo-viewer"], health)
    assert [r.kind for r in shown] == ["reviewed", "reviewed"]
    assert selectors.latest_rating(health).confidence == "in_doubt"


def test_a_review_needs_a_level_and_a_reason(planners, health):
    report = _submitted(planners, health)
    with pytest.raises(ValidationError) as raised:
        services.report_review(actor=planners["da-editor"], report=report, confidence="", reason="")
    assert set(raised.value.message_dict) == {"confidence", "review_reason"}


def test_a_returned_report_goes_back_to_the_lead_with_the_reason(planners, health):
    # given a submitted report
    report = _submitted(planners, health)
    # when the Digital Agency returns it
    services.report_return(
        actor=planners["da-editor"], report=report, reason="根拠が不足", today=TODAY
    )
    # then it is a draft again, with the reason, and the lead may change it
    report.refresh_from_db()
    assert (report.status, report.review_comment, report.submitted_at) == (
        "draft",
        "根拠が不足",
        None,
    )
    services.report_save(
        actor=planners["mhlw-editor"],
        measure=health,
        report=report,
        narrative="根拠を追記",
        today=TODAY,
    )
    assert Notification.objects.filter(kind="plans.report_returned").exists()


def test_a_submitted_report_no_longer_changes(planners, health):
    report = _submitted(planners, health)
    with pytest.raises(ValidationError):
        services.report_save(
            actor=planners["mhlw-editor"], measure=health, report=report, narrative="x", today=TODAY
        )


def test_a_report_changed_meanwhile_is_a_conflict(planners, health):
    # given a draft loaded by two editors
    report = _draft(planners, health, narrative="一")
    stale = type(report).objects.get(pk=report.pk)
    services.report_save(
        actor=planners["mhlw-editor"], measure=health, report=report, narrative="二", today=TODAY
    )
    # when the second saves from the version they loaded
    concurrency.expect_version(stale, 1, concurrency.FROM_FORM)
    # then it is a conflict and the first's change stays
    with pytest.raises(concurrency.Conflict):
        services.report_save(
            actor=planners["mhlw-editor"], measure=health, report=stale, narrative="三", today=TODAY
        )
    report.refresh_from_db()
    assert report.narrative == "二"


# --- who may do what ------------------------------------------------------------------------

REPORT, ENTER, REVIEW = "report", "enter", "review"


@pytest.mark.parametrize(
    ("username", "action", "allowed"),
    [
        ("mhlw-editor", REPORT, True),  # the lead's editor reports
        ("meti-editor", REPORT, False),  # co-responsible: enters values, does not report
        ("da-editor", REPORT, False),
        ("mhlw-viewer", REPORT, False),
        ("mic-editor", REPORT, False),
        ("mhlw-editor", ENTER, True),
        ("meti-editor", ENTER, True),
        ("mhlw-viewer", ENTER, False),
        ("mic-editor", ENTER, False),
        ("tokyo-viewer", ENTER, False),
        ("da-editor", REVIEW, True),
        ("da-viewer", REVIEW, False),
        ("mhlw-editor", REVIEW, False),
        ("mic-editor", REVIEW, False),
    ],
)
def test_who_may_report_enter_and_review(planners, health, hospitals, username, action, allowed):
    actor = planners[username]
    if action == REPORT:
        call = lambda: _draft(planners | {"mhlw-editor": actor}, health)  # noqa: E731
    elif action == ENTER:
        call = lambda: services.measurement_enter(  # noqa: E731
            actor=actor, kpi=hospitals, measured_on=TODAY, value=1, today=TODAY
        )
    else:
        report = _submitted(planners, health)
        call = lambda: services.report_review(  # noqa: E731
            actor=actor, report=report, confidence="probable", reason="理由"
        )
    if allowed:
        call()
    else:
        with pytest.raises(PermissionDenied):
            call()


def test_nothing_is_tracked_on_a_draft_edition(draft, planners):
    # given a measure of a draft edition
    measure = Measure.objects.get(edition=draft, code="M-1")
    # then its lead may neither report nor enter values
    with pytest.raises(PermissionDenied):
        services.report_save(
            actor=planners["mhlw-editor"], measure=measure, fiscal_year=2026, quarter=2, today=TODAY
        )
    with pytest.raises(PermissionDenied):
        services.measurement_enter(
            actor=planners["mhlw-editor"],
            kpi=measure.kpis.get(),
            measured_on=TODAY,
            value=1,
            today=TODAY,
        )
