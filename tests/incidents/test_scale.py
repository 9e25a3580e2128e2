"""Incident reports in the national-scale data set: routes as the hops would have handled
them, parties as far as each report got, numbers the services never hand out, tallies that
agree with the reports, and nothing left when cleared."""

import pytest
from django.db.models import Count, F

from shireito.incidents import scale as incident_scale
from shireito.incidents import tallies
from shireito.incidents.models import (
    IncidentReport,
    IncidentTally,
    ReportParty,
    RouteHop,
    StageFiling,
)

pytestmark = pytest.mark.django_db


def scale_reports():
    return IncidentReport.objects.filter(number__startswith=incident_scale.NUMBER_PREFIX)


def test_scale_reports_follow_their_routes_and_the_tallies_agree(government):
    # when
    result = incident_scale.generate_incidents(seed=3, reports=600)
    # then
    reports = scale_reports()
    assert result.reports == reports.count() == 600
    assert not reports.exclude(number__regex=r"^SCALE-IR\d{4}-\d{6}$").exists()
    assert reports.filter(status="closed").count() > 0.8 * 600
    assert reports.filter(status="open").exists()
    # every submitted report has its whole route; drafts none
    submitted = reports.exclude(status="draft")
    assert not submitted.annotate(n=Count("hops")).filter(n=0).exists()
    assert not RouteHop.objects.filter(report__status="draft", report__in=reports).exists()
    # a hop received the report when the previous one forwarded it
    hops = RouteHop.objects.filter(report__in=reports)
    for hop in hops.filter(position__gt=1, received_at__isnull=False)[:200]:
        previous = hops.get(report_id=hop.report_id, position=hop.position - 1)
        assert previous.forwarded_at == hop.received_at
    # parties: the reporter and each hop reached, nobody the report has not reached
    reached = hops.exclude(status="waiting").count()
    assert ReportParty.objects.filter(report__in=reports).count() == reports.count() + reached
    assert (
        not ReportParty.objects.filter(report__in=reports.filter(status="draft"))
        .exclude(organization=F("report__reporter"))
        .exists()
    )
    # closed reports: every hop done, the last one closed it
    assert not hops.filter(report__status="closed", status__in=["waiting", "received"]).exists()
    assert StageFiling.objects.filter(report__in=reports).exists()
    # the rebuilt tallies are what the services would have kept
    rows = IncidentTally.objects.filter(party=None)
    assert sum(rows.values_list("reports", flat=True)) == IncidentReport.objects.count()
    live = tallies.contributions(IncidentReport.objects.all())
    kept = {
        (t.party_id, t.category, t.sector, t.stage, t.place, t.month): t.reports
        for t in IncidentTally.objects.all()
    }
    assert kept == dict(live.counts)


def test_clearing_removes_the_scale_reports_and_their_counts(government):
    # given
    incident_scale.generate_incidents(seed=3, reports=200)
    # when
    removed = incident_scale.clear_scale_incidents()
    # then
    assert removed == 200
    assert not scale_reports().exists()
    assert not RouteHop.objects.filter(report__number__startswith="SCALE-").exists()
    assert sum(IncidentTally.objects.filter(party=None).values_list("reports", flat=True)) == (
        IncidentReport.objects.count()
    )
