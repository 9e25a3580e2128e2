"""The demo plan: a published edition of about forty measures and eighty KPIs with two years of
values, on and off track, ratings in every level, one report overdue; a draft copy that
differs from it; linked to the demo's systems, budget and controls; loaded twice without a
duplicate."""

import pytest
from django.utils import timezone

from shireito.accounts.models import User
from shireito.core.models import AuditEvent
from shireito.demo.dataset import load_demo_data
from shireito.notifications.models import Notification
from shireito.plans import demo as plan_demo
from shireito.plans.calendar import previous_quarter, quarter_of, report_due
from shireito.plans.choices import (
    CONFIDENCE_ORDER,
    EditionStatus,
    MeasurementStatus,
    RatingKind,
    ReportStatus,
)
from shireito.plans.models import (
    Kpi,
    Measure,
    MeasureBudget,
    MeasureControl,
    Measurement,
    MeasureSystem,
    Milestone,
    PlanEdition,
    ProgressReport,
    RatingRecord,
)
from shireito.plans.selectors import editions_for, measures_of
from shireito.plans.selectors.chain import measure_chain
from shireito.plans.trajectory import is_off_track
from shireito.registry.selectors import current_fiscal_year

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo loaded once for the module (it takes a while), rolled back at the end."""
    from django.conf import settings
    from django.db import transaction

    with django_db_blocker.unblock():
        old = settings.DEMO_MODE, settings.MEDIA_ROOT
        settings.DEMO_MODE, settings.MEDIA_ROOT = True, tmp_path_factory.mktemp("media")
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            load_demo_data()
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            settings.DEMO_MODE, settings.MEDIA_ROOT = old


@pytest.fixture
def editions(demo):
    year = current_fiscal_year(timezone.localdate()) - 1
    return PlanEdition.objects.get(year=year), PlanEdition.objects.get(year=year + 1)


def test_last_years_edition_is_published_with_the_promised_shape(editions):
    published, _draft = editions
    assert published.status == EditionStatus.PUBLISHED
    assert published.areas.count() == 6
    assert 38 <= published.measures.count() <= 42
    kpis = Kpi.objects.filter(measure__edition=published)
    assert 76 <= kpis.count() <= 84
    # two years of quarterly values per KPI
    assert Measurement.objects.filter(series__kpis__measure__edition=published).count() == (
        8 * kpis.count()
    )

    # every measure delivered by a system; those of national systems paid for by their
    # budget lines (local, quasi-public and operators' systems have no line in the single
    # budget)
    def linked(model):
        rows = model.objects.filter(measure__edition=published).order_by().values("measure")
        return rows.distinct().count()

    assert linked(MeasureSystem) == published.measures.count()
    assert linked(MeasureBudget) >= published.measures.count() - 4
    # the security measures are about controls of the demo catalog
    assert MeasureControl.objects.filter(measure__edition=published).exists()


def test_some_kpis_are_on_track_and_some_off(editions):
    published, _draft = editions
    off = on = 0
    for kpi in Kpi.objects.filter(measure__edition=published):
        values = Measurement.objects.filter(
            series=kpi.series, status=MeasurementStatus.ACCEPTED
        ).values_list("measured_on", "value")
        if is_off_track(
            baseline=(kpi.baseline_date, kpi.baseline_value),
            measurements=list(values),
            target_value=kpi.target_value,
            target_date=kpi.target_date,
            direction=kpi.direction,
        ):
            off += 1
        else:
            on += 1
    assert off >= 8
    assert on > 4 * off


def test_values_are_mostly_accepted_some_awaiting_one_returned(editions):
    published, _draft = editions
    values = Measurement.objects.filter(series__kpis__measure__edition=published)
    assert values.filter(status=MeasurementStatus.RETURNED).count() == 1
    entered = values.filter(status=MeasurementStatus.ENTERED).count()
    assert 1 < entered < values.count() // 20
    assert values.filter(status=MeasurementStatus.RETURNED).get().review_note


def test_milestones_done_and_past_due(editions):
    published, _draft = editions
    today = timezone.localdate()
    milestones = Milestone.objects.filter(measure__edition=published)
    assert milestones.filter(done_on__isnull=False).exists()
    assert milestones.filter(done_on__isnull=True, planned_on__lt=today).exists()
    assert milestones.filter(planned_on__gt=today).exists()


def test_reports_rate_in_all_five_levels_some_revised_one_overdue(editions):
    published, _draft = editions
    reports = ProgressReport.objects.filter(measure__edition=published)
    reviewed = reports.filter(status=ReportStatus.REVIEWED)
    assert set(reviewed.values_list("confidence", flat=True)) == set(CONFIDENCE_ORDER)
    # revised in review, with a reason, both ratings kept
    revised = [r for r in reviewed if r.confidence != r.proposed_confidence]
    assert revised
    for report in revised[:3]:
        kinds = list(report.ratings.values_list("kind", flat=True))
        assert kinds == [RatingKind.PROPOSED, RatingKind.REVIEWED]
        assert report.review_reason
    assert reports.filter(status=ReportStatus.SUBMITTED).count() == 2
    # exactly one measure has not filed the latest report that is due
    today = timezone.localdate()
    latest = previous_quarter(*quarter_of(today))
    while report_due(*latest, published.report_due_days) >= today:
        latest = previous_quarter(*latest)
    filed = set(reports.filter(fiscal_year=latest[0], quarter=latest[1]).values_list("measure"))
    missing = published.measures.exclude(pk__in=[pk for (pk,) in filed])
    assert list(missing.values_list("code", flat=True)) == [plan_demo.OVERDUE]
    assert RatingRecord.objects.filter(report__measure__edition=published).count() == (
        2 * reviewed.count() + reports.filter(status=ReportStatus.SUBMITTED).count()
    )


def test_tracking_went_through_the_services_as_the_demo_users(editions):
    published, _draft = editions
    planner = User.objects.get(username="da-officer")
    officer = User.objects.get(username="mhlw-officer")
    # every value, report and rating has its own event in the audit trail
    events = AuditEvent.objects.filter(action="create")
    values = Measurement.objects.filter(series__kpis__measure__edition=published)
    assert events.filter(object_type="plans.measurement").count() == values.count()
    reports = ProgressReport.objects.filter(measure__edition=published)
    assert events.filter(object_type="plans.progressreport").count() == reports.count()
    ratings = RatingRecord.objects.filter(report__measure__edition=published)
    assert events.filter(object_type="plans.ratingrecord").count() == ratings.count()
    # given by the lead's demo editor and reviewed by the Digital Agency's
    led = reports.filter(measure__lead=officer.organization)
    assert led.exists()
    proposed = RatingRecord.objects.filter(report__in=led, kind=RatingKind.PROPOSED)
    assert set(proposed.values_list("given_by", flat=True)) == {officer.pk}
    assert set(ratings.filter(kind=RatingKind.REVIEWED).values_list("given_by", flat=True)) == {
        planner.pk
    }
    assert (
        AuditEvent.objects.filter(
            object_type="plans.measurement", action="update", actor_id=planner.pk
        ).count()
        == values.exclude(status=MeasurementStatus.ENTERED).count()
    )
    # dated when a real plan would have had them: submitted before they were reviewed
    for report in reports.filter(status=ReportStatus.REVIEWED)[:20]:
        assert report.submitted_at < report.reviewed_at <= timezone.now()


def test_the_flags_are_raised_and_the_leads_told(editions):
    from shireito.plans.choices import FlagKind
    from shireito.plans.models import MeasureFlag

    published, _draft = editions
    flags = MeasureFlag.objects.filter(measure__edition=published, cleared_on__isnull=True)
    # the one overdue report, off-track KPIs and past-due milestones; nothing raised and
    # cleared while the demo loaded
    overdue = flags.filter(kind=FlagKind.REPORT_OVERDUE)
    assert list(overdue.values_list("measure__code", flat=True)) == [plan_demo.OVERDUE]
    assert flags.filter(kind=FlagKind.OFF_TRACK).count() >= 8
    assert flags.filter(kind=FlagKind.MILESTONE_OVERDUE).exists()
    assert not MeasureFlag.objects.filter(cleared_on__isnull=False).exists()
    # and each lead organisation's demo editor is told of its measures' flags
    officer = User.objects.get(username="mhlw-officer")
    told = Notification.objects.filter(
        user=officer, kind__in=[f"plans.{kind}" for kind in FlagKind.values]
    )
    assert told.count() == flags.filter(measure__lead=officer.organization).count()


def test_the_draft_copy_differs_from_the_published_edition(editions):
    published, draft = editions
    assert draft.status == EditionStatus.DRAFT
    assert draft.based_on == published
    codes = set(published.measures.values_list("code", flat=True))
    copied = set(draft.measures.values_list("code", flat=True))
    assert codes - copied == {"6-06"}
    assert copied - codes == {"5-08"}
    assert (
        Measure.objects.get(edition=draft, code="1-02").name
        != Measure.objects.get(edition=published, code="1-02").name
    )
    assert (
        Kpi.objects.get(measure__edition=draft, code="K1-01-1").target_value
        != Kpi.objects.get(measure__edition=published, code="K1-01-1").target_value
    )


def test_demo_users_reach_their_measures_and_the_chain(editions):
    published, draft = editions
    planner = User.objects.get(username="da-officer")
    officer = User.objects.get(username="mhlw-officer")
    # the planner sees both editions, the draft too; MHLW's officer the published one
    assert set(editions_for(planner)) >= {published, draft}
    assert published in editions_for(officer)
    # MHLW leads measures of the published edition
    led = measures_of(officer, published).filter(lead=officer.organization)
    assert led.count() >= 4
    # and the chain of one of them shows its systems and money
    chain = measure_chain(officer, led.get(code="2-01"))
    assert chain.systems
    assert chain.years


def test_loading_again_adds_nothing(editions):
    # given the demo loaded once
    counts = (PlanEdition.objects.count(), Measure.objects.count(), Measurement.objects.count())
    events = AuditEvent.objects.count()
    # when the plan part loads again
    added = plan_demo.load_demo_plan({})
    # then nothing is added
    assert added == 0
    assert counts == (
        PlanEdition.objects.count(),
        Measure.objects.count(),
        Measurement.objects.count(),
    )
    assert AuditEvent.objects.count() == events


def test_every_demo_kpi_unit_has_its_english():
    from shireito.plans.demo_data import MEASURES, UNITS_EN

    units = {kpi[2] for row in MEASURES for kpi in row[-1]}
    assert units <= set(UNITS_EN) and all(UNITS_EN.values())


def _links(html: str) -> set[str]:
    import re

    return set(re.findall(r'href="([^"#?]+)', html))


def test_each_demo_user_reaches_their_plan_work_from_the_first_page(client, editions):
    published, _draft = editions
    # given the Digital Agency's officer on their first page
    client.force_login(User.objects.get(username="da-officer"))
    assert "/plans/" in _links(client.get("/").content.decode())
    # then the plan's page leads to the review queue, the flags and their own measures
    links = _links(client.get("/plans/").content.decode())
    assert {"/plans/reviews/", "/plans/flags/", "/plans/mine/", "/plans/notices/"} <= links
    queue = client.get("/plans/reviews/").content.decode()
    for code in plan_demo.AWAITING_REVIEW:
        assert f"/plans/{published.year}/measures/{code}/" in queue
    assert (
        f"/plans/{published.year}/measures/{plan_demo.OVERDUE}/"
        in client.get("/plans/flags/?kind=report_overdue").content.decode()
    )

    # given a ministry's officer
    client.force_login(User.objects.get(username="mhlw-officer"))
    assert "/plans/" in _links(client.get("/").content.decode())
    links = _links(client.get("/plans/").content.decode())
    # then they reach their measures and notices, not the Digital Agency's pages
    assert {"/plans/mine/", "/plans/notices/"} <= links
    assert not {"/plans/reviews/", "/plans/flags/"} & links
    mine = client.get("/plans/mine/").content.decode()
    assert f"/plans/{published.year}/measures/2-01/progress/" in mine
    notices = client.get("/plans/notices/", follow=True)
    assert notices.status_code == 200
    assert notices.context["unread"] > 0

    # and the public reaches the published plan from the footer of any page
    client.logout()
    assert "/priority-plan/" in _links(client.get("/accounts/login/").content.decode())
    assert f"/priority-plan/{published.year}/" in _links(
        client.get("/priority-plan/").content.decode()
    )
