"""An edition's life: written as a draft, refused publication without targets and deadlines,
published and then fixed, copied into the next edition."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shireito.core.models import AuditEvent
from shireito.plans import selectors, services
from shireito.plans.models import Kpi, Measure, PlanArea


def test_an_edition_without_a_deadline_or_target_is_refused_publication_with_every_problem(
    draft, planners
):
    # given two measures, one without a deadline and one without a target state
    Measure.objects.filter(code="M-1").update(deadline=None)
    Measure.objects.filter(code="M-2").update(target_state="")
    # when the Digital Agency publishes
    with pytest.raises(ValidationError) as raised:
        services.edition_publish(
            actor=planners["da-editor"], edition=draft, decided_on=dt.date(2026, 6, 1)
        )
    # then both problems are named at once and the edition stays a draft
    assert set(raised.value.message_dict) == {"measures.M-1.deadline", "measures.M-2.target_state"}
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_a_published_edition_is_fixed(published, planners):
    # given a published edition
    measure = Measure.objects.get(edition=published, code="M-1")
    # when its author changes a measure
    with pytest.raises(ValidationError):
        services.content_update(actor=planners["da-editor"], instance=measure, name="別の名前")
    # then nothing changed
    measure.refresh_from_db()
    assert measure.name == "医療情報の共有"


def test_only_the_digital_agency_writes_an_edition(draft, planners):
    # given a ministry's editor
    # when they add an area to the draft
    # then they are refused
    with pytest.raises(PermissionDenied):
        services.content_create(
            actor=planners["mhlw-editor"],
            instance=PlanArea(edition=draft, code="9", name="x"),
        )


def test_a_copy_continues_the_kpi_series_and_is_a_draft(published, planners):
    # given the published 2026 edition
    # when the 2027 edition starts as its copy
    copy = services.edition_copy(
        actor=planners["da-editor"], source=published, year=2027, title="重点計画2027"
    )
    # then it holds the same content as a draft, and its KPIs continue the same series
    assert copy.status == "draft"
    assert copy.measures.count() == 2
    assert copy.areas.get(code="1.1").parent.code == "1"
    old = Kpi.objects.get(measure__edition=published, code="K-1")
    new = Kpi.objects.get(measure__edition=copy, code="K-1")
    assert new.series_id == old.series_id
    assert list(copy.measures.get(code="M-1").co_responsible.values_list("code", flat=True)) == [
        "meti"
    ]
    assert AuditEvent.objects.filter(
        object_type="plans.planedition", object_id=str(copy.pk)
    ).exists()


def test_a_draft_is_seen_by_its_author_and_the_responsible_organizations_only(draft, planners):
    # given a draft with a measure led by MHLW
    # when users of different bodies look for it
    # then the Digital Agency and MHLW see it, Tokyo does not; MHLW sees only its own measure
    assert selectors.edition_get(planners["da-viewer"], 2026) is not None
    assert selectors.edition_get(planners["mhlw-viewer"], 2026) is not None
    assert selectors.edition_get(planners["tokyo-viewer"], 2026) is None
    mhlw = selectors.measures_of(planners["mhlw-viewer"], draft)
    assert [m.code for m in mhlw] == ["M-1"]


def test_a_published_edition_is_everyones(published, planners):
    assert selectors.edition_get(planners["tokyo-viewer"], 2026) is not None
    assert selectors.measures_of(planners["tokyo-viewer"], published).count() == 2


def test_a_responsible_organization_reads_only_its_part_of_a_drafts_outline(draft, planners):
    # given a draft with an area holding only the Digital Agency's own measure
    services.content_create(
        actor=planners["da-editor"],
        instance=PlanArea(edition=draft, code="2", name="内部の検討", name_en="Internal"),
    )
    # when the author and the lead of M-1 (in area 1.1 under 1) read the draft's areas
    author = {a.code for a in selectors.areas_visible(planners["da-viewer"], draft)}
    lead = {a.code for a in selectors.areas_visible(planners["mhlw-viewer"], draft)}
    # then the author reads every area; the lead only those holding its measure and above it
    assert author == {"1", "1.1", "2"}
    assert lead == {"1", "1.1"}
