"""The flags with fixed clocks: a KPI off and on track, a milestone due yesterday and today,
a report on and after its due date, a flag cleared when fixed, each new flag told to the lead
once (in the app and by e-mail), and the whole plan refreshed in a few queries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shireito.core.periodic import PERIODIC_JOBS
from shireito.notifications.models import Notification
from shireito.plans import flags, notices, services
from shireito.plans.models import (
    Kpi,
    KpiSeries,
    Measure,
    MeasureFlag,
    Measurement,
    Milestone,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def health(published):
    return Measure.objects.select_related("edition").get(edition=published, code="M-1")


def _value(measure, on, value, status="accepted"):
    kpi = measure.kpis.get()
    return Measurement.objects.create(
        series_id=kpi.series_id,
        measured_on=on,
        value=Decimal(value),
        status=status,
        organization=measure.lead,
    )


def _open(measure=None, kind=None):
    found = MeasureFlag.objects.filter(cleared_on__isnull=True)
    if measure is not None:
        found = found.filter(measure=measure)
    if kind is not None:
        found = found.filter(kind=kind)
    return set(found.values_list("measure__code", "key"))


def test_a_kpi_whose_line_misses_its_target_is_off_track(health):
    # given 100 hospitals at the baseline (April 2025) and 110 eighteen months later, against
    # 500 by March 2028
    _value(health, dt.date(2026, 9, 30), 110)
    # when the flags are refreshed
    flags.refresh(dt.date(2026, 10, 1))
    # then the KPI is off track
    assert _open(health, "off_track") == {("M-1", "kpi:K-1")}
    flag = MeasureFlag.objects.get(kind="off_track")
    assert flag.params["kpi"] == "K-1" and flag.raised_on == dt.date(2026, 10, 1)


def test_a_kpi_on_its_line_to_the_target_is_on_track(health):
    # given 300 eighteen months in: the line reaches 500 by March 2028
    _value(health, dt.date(2026, 9, 30), 300)
    flags.refresh(dt.date(2026, 10, 1))
    assert _open(health, "off_track") == set()


def test_a_returned_value_does_not_count_and_an_entered_one_does(health):
    # given a low value returned for correction
    _value(health, dt.date(2026, 9, 30), 110, status="returned")
    flags.refresh(dt.date(2026, 10, 1))
    assert _open(health, "off_track") == set()
    # when the same low level is entered on another day (not yet reviewed)
    _value(health, dt.date(2026, 9, 29), 110, status="entered")
    flags.refresh(dt.date(2026, 10, 1))
    # then it is off track
    assert _open(health, "off_track") == {("M-1", "kpi:K-1")}


@pytest.mark.parametrize(
    ("today", "late"), [(dt.date(2026, 9, 30), False), (dt.date(2026, 10, 1), True)]
)
def test_a_milestone_is_past_due_the_day_after_its_planned_date(health, today, late):
    # given a milestone planned for 30 September 2026, not done
    milestone = Milestone.objects.get(measure=health)
    # when the flags are refreshed on its day and the day after
    flags.refresh(today)
    # then it is flagged only the day after
    expected = {("M-1", f"milestone:{milestone.pk}")} if late else set()
    assert _open(health, "milestone_overdue") == expected


@pytest.mark.parametrize(
    ("today", "late"), [(dt.date(2026, 7, 30), False), (dt.date(2026, 7, 31), True)]
)
def test_a_report_is_overdue_the_day_after_its_due_date(published, today, late):
    # given an edition decided on 13 June 2026 (FY2026 Q1) whose reports are due 30 days after
    # each quarter: Q1's on 30 July
    # when the flags are refreshed on the due date and the day after
    flags.refresh(today)
    # then both measures are flagged only the day after
    expected = {("M-1", "report:2026-Q1"), ("M-2", "report:2026-Q1")} if late else set()
    assert _open(kind="report_overdue") == expected


def test_flags_clear_when_fixed(planners, health):
    # given a report overdue and a milestone past due
    today = dt.date(2026, 11, 15)
    flags.refresh(today)
    assert ("M-1", "report:2026-Q1") in _open(health)
    # when the lead files the Q1 report and records the milestone done
    report = services.report_save(
        actor=planners["mhlw-editor"],
        measure=health,
        fiscal_year=2026,
        quarter=1,
        narrative="遅れて提出",
        proposed_confidence="feasible",
        proposed_reason="遅延",
        today=today,
    )
    services.report_submit(actor=planners["mhlw-editor"], report=report, today=today)
    services.milestone_record(
        actor=planners["mhlw-editor"],
        milestone=Milestone.objects.get(measure=health),
        done_on=dt.date(2026, 10, 10),
        today=today,
    )
    # then those flags are cleared that day (Q2's report is still owed)
    assert _open(health) == {("M-1", "report:2026-Q2")}
    cleared = MeasureFlag.objects.filter(measure=health, cleared_on=today)
    assert {f.kind for f in cleared} == {"report_overdue", "milestone_overdue"}


def test_a_flag_is_told_to_the_leads_editors_once(
    planners, health, django_capture_on_commit_callbacks
):
    # given the lead's editor with an e-mail address
    editor = planners["mhlw-editor"]
    editor.email = "editor@mhlw.example"
    editor.save(update_fields=["email"])
    # when the flags are refreshed twice, and the milestone's flag clears and comes back
    with django_capture_on_commit_callbacks(execute=True):
        flags.refresh(dt.date(2026, 10, 1))
        flags.refresh(dt.date(2026, 10, 2))
    milestone = Milestone.objects.get(measure=health)
    Milestone.objects.filter(pk=milestone.pk).update(done_on=dt.date(2026, 10, 2))
    flags.refresh(dt.date(2026, 10, 3))
    Milestone.objects.filter(pk=milestone.pk).update(done_on=None)
    with django_capture_on_commit_callbacks(execute=True):
        flags.refresh(dt.date(2026, 10, 4))
    # then the editor was told of the milestone once, in the app and by one e-mail, and the
    # viewer and the co-responsible ministry not at all
    told = Notification.objects.filter(user=editor, kind="plans.milestone_overdue")
    assert told.count() == 1
    assert not Notification.objects.filter(
        user__username__in=["mhlw-viewer", "meti-editor"]
    ).exists()
    about = [m for m in mail.outbox if "要件定義" in m.subject]
    assert len(about) == 1
    assert "Requirements" in about[0].body
    assert about[0].to == ["editor@mhlw.example"]
    assert told.get().emailed


def test_a_notice_is_rendered_in_the_readers_language(planners, health):
    from django.utils import translation

    flags.refresh(dt.date(2026, 10, 1))
    notice = Notification.objects.get(kind="plans.milestone_overdue")
    with translation.override("en"):
        english = notices.render(notice)
    with translation.override("ja"):
        japanese = notices.render(notice)
    assert "Requirements" in english and "Sharing medical records" in english
    assert "要件定義" in japanese and "医療情報の共有" in japanese


def test_the_refresh_runs_daily():
    job = PERIODIC_JOBS["plans.flags_refresh"]
    assert job.every == dt.timedelta(days=1)


def test_the_whole_plan_refreshes_in_a_few_queries(published, planners):
    # given 60 more measures with a KPI and ten values each
    health = Measure.objects.get(edition=published, code="M-1")
    measures = Measure.objects.bulk_create(
        Measure(
            edition=published,
            area=health.area,
            code=f"X-{n}",
            name=f"施策{n}",
            lead=health.lead,
            target_state="済",
            deadline=dt.date(2028, 3, 31),
        )
        for n in range(60)
    )
    series = KpiSeries.objects.bulk_create(KpiSeries() for _ in measures)
    Kpi.objects.bulk_create(
        Kpi(
            measure=m,
            series=s,
            code="K",
            name="指標",
            unit="件",
            baseline_value=0,
            baseline_date=dt.date(2025, 4, 1),
            target_value=100,
            target_date=dt.date(2028, 3, 31),
        )
        for m, s in zip(measures, series, strict=True)
    )
    Measurement.objects.bulk_create(
        Measurement(
            series=s,
            measured_on=dt.date(2025, 5, 1) + dt.timedelta(days=30 * i),
            value=i,
            status="accepted",
            organization=health.lead,
        )
        for s in series
        for i in range(10)
    )
    # when the whole plan is refreshed
    with CaptureQueriesContext(connection) as queries:
        result = flags.refresh(dt.date(2026, 11, 15))
    # then every measure is flagged (off track, reports owed) in a bounded number of queries
    assert result.raised > 120
    assert len(queries) <= 20, [q["sql"][:120] for q in queries]
