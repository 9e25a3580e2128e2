"""A published edition with everything the public must never see beside what it may: a
draft edition after it (with a measure only the draft has), values entered, returned and
accepted, a report reviewed (a proposed rating, a reviewed one, an internal comment) and one
only submitted (a proposal alone), a flag. ``SECRETS`` are strings that appear only in what
is internal; a public page or open-data file that shows one leaks."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from shireito.plans import services
from shireito.plans.models import (
    InterimTarget,
    Kpi,
    Measure,
    MeasureFlag,
    Measurement,
    Milestone,
    PlanArea,
    ProgressReport,
    RatingRecord,
)

SECRETS = [
    "98765",  # an entered value, not yet accepted
    "98,765",
    "87654",  # a returned value
    "87,654",
    "PROPOSED-REASON-X",  # the lead's proposal on a reviewed report
    "ONLY-PROPOSED-Y",  # the proposal of a report not yet reviewed
    "INTERNAL-COMMENT-Z",  # the review comment
    "REVIEW-NOTE-W",  # a measurement's review note
    "DRAFT-ONLY",  # a measure only the draft edition has
    "下書きだけの施策",
    "重点計画2027",  # the draft edition's title
    "NARRATIVE-V",  # a report's narrative (not part of the publication rule)
]


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


@pytest.fixture
def world(published, planners, government):
    g = government
    da, mhlw = planners["da-editor"], planners["mhlw-editor"]
    health = Measure.objects.get(edition=published, code="M-1")
    cloud = Measure.objects.get(edition=published, code="M-2")
    k1 = Kpi.objects.get(measure=health, code="K-1")
    k2 = Kpi.objects.get(measure=cloud, code="K-2")
    InterimTarget.objects.create(kpi=k1, due_on=dt.date(2026, 3, 31), value=Decimal(250))
    for day, value, status, note in [
        (dt.date(2025, 10, 1), 150, "accepted", ""),
        (dt.date(2026, 4, 1), 210, "accepted", "REVIEW-NOTE-W"),
        (dt.date(2026, 5, 1), 87654, "returned", "値が桁違い"),
        (dt.date(2026, 7, 1), 98765, "entered", ""),
    ]:
        Measurement.objects.create(
            series=k1.series,
            measured_on=day,
            value=Decimal(value),
            status=status,
            organization=g["mhlw"],
            entered_by=mhlw,
            review_note=note,
        )
    Measurement.objects.create(
        series=k2.series,
        measured_on=dt.date(2026, 4, 1),
        value=Decimal("60.5"),
        status="accepted",
        organization=g["da"],
    )
    Milestone.objects.filter(measure=health).update(done_on=dt.date(2026, 9, 20))
    reviewed = ProgressReport.objects.create(
        measure=health,
        fiscal_year=2026,
        quarter=1,
        status="reviewed",
        narrative="NARRATIVE-V",
        proposed_confidence="in_doubt",
        proposed_reason="PROPOSED-REASON-X",
        submitted_at=_at(dt.date(2026, 7, 10)),
        confidence="probable",
        review_reason="REVIEWED-REASON-PUBLIC",
        review_comment="INTERNAL-COMMENT-Z",
        reviewed_at=_at(dt.date(2026, 7, 20)),
    )
    RatingRecord.objects.create(
        report=reviewed,
        kind="proposed",
        confidence="in_doubt",
        reason="PROPOSED-REASON-X",
        given_by=mhlw,
        organization=g["mhlw"],
        given_at=_at(dt.date(2026, 7, 10)),
    )
    RatingRecord.objects.create(
        report=reviewed,
        kind="reviewed",
        confidence="probable",
        reason="REVIEWED-REASON-PUBLIC",
        given_by=da,
        organization=g["da"],
        given_at=_at(dt.date(2026, 7, 20)),
    )
    submitted = ProgressReport.objects.create(
        measure=cloud,
        fiscal_year=2026,
        quarter=1,
        status="submitted",
        proposed_confidence="unachievable",
        proposed_reason="ONLY-PROPOSED-Y",
        submitted_at=_at(dt.date(2026, 7, 12)),
    )
    RatingRecord.objects.create(
        report=submitted,
        kind="proposed",
        confidence="unachievable",
        reason="ONLY-PROPOSED-Y",
        given_by=da,
        organization=g["da"],
        given_at=_at(dt.date(2026, 7, 12)),
    )
    MeasureFlag.objects.create(
        measure=cloud, kind="report_overdue", key="report:2026Q1", raised_on=dt.date(2026, 8, 1)
    )
    draft = services.edition_copy(actor=da, source=published, year=2027, title="重点計画2027")
    services.content_create(
        actor=da,
        instance=Measure(
            edition=draft,
            area=PlanArea.objects.get(edition=draft, code="1"),
            code="DRAFT-ONLY",
            name="下書きだけの施策",
            lead=g["da"],
        ),
    )
    return {"published": published, "draft": draft, "k1": k1, "k2": k2, "health": health}
