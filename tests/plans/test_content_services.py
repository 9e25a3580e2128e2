"""The content services the authoring pages write through: a measure saved with its parties
in one transaction, links named by code and resolved as the actor sees them (every problem on
its field), deletions that keep the record straight, and the measures a system serves."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shireito.core.models import AuditEvent
from shireito.plans import services
from shireito.plans.models import (
    Measure,
    MeasureBudget,
    MeasureControl,
    MeasureSystem,
    PlanArea,
    PlanEdition,
    Principle,
)
from shireito.plans.selectors.authoring import measure_links, measures_serving
from shireito.registry.oversight import budget_request
from shireito.standards.importers import import_catalog
from tests.kit.factories.standards import CATALOG_CSV

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(government):
    return import_catalog(
        CATALOG_CSV,
        fmt="csv",
        actor=None,
        key="baseline",
        title="Baseline",
        owner=government["nisc"],
    ).catalog


def test_a_measure_is_saved_with_its_parties_or_not_at_all(draft, planners, government):
    da = planners["da-editor"]
    area = PlanArea.objects.get(edition=draft, code="1")
    # when a measure is saved with its lead also named co-responsible
    with pytest.raises(ValidationError) as raised:
        services.measure_save(
            actor=da,
            measure=Measure(edition=draft),
            fields={"area": area, "code": "M-9", "name": "x", "lead": government["mic"]},
            co_responsible=[government["mic"]],
            principles=[],
        )
    # then nothing is written (the measure neither)
    assert "co_responsible" in raised.value.message_dict
    assert not Measure.objects.filter(code="M-9").exists()
    # and when it is saved right, it has both parties and principles, audited
    measure = services.measure_save(
        actor=da,
        measure=Measure(edition=draft),
        fields={"area": area, "code": "M-9", "name": "x", "lead": government["mic"]},
        co_responsible=[government["meti"]],
        principles=list(Principle.objects.filter(number=1)),
    )
    assert [o.code for o in measure.co_responsible.all()] == ["meti"]
    assert (
        AuditEvent.objects.filter(object_type="plans.measure", object_id=str(measure.pk)).count()
        == 2
    )


def test_a_system_is_linked_by_its_id_once(draft, planners, systems):
    da = planners["da-editor"]
    measure = Measure.objects.get(edition=draft, code="M-1")
    # when a system is linked, then again, then an unknown one
    services.measure_link_system(actor=da, measure=measure, code="mhlw-app")
    with pytest.raises(ValidationError) as again:
        services.measure_link_system(actor=da, measure=measure, code="mhlw-app")
    with pytest.raises(ValidationError) as unknown:
        services.measure_link_system(actor=da, measure=measure, code="no-such")
    # then one link, and each refusal on the system field
    assert MeasureSystem.objects.filter(measure=measure).count() == 1
    assert set(again.value.message_dict) == set(unknown.value.message_dict) == {"system"}


def test_a_budget_line_is_linked_by_system_and_fiscal_year_with_every_problem(
    draft, planners, systems, government
):
    da = planners["da-editor"]
    measure = Measure.objects.get(edition=draft, code="M-1")
    budget_request(
        actor=None, system=systems["mhlw-app"], fiscal_year=2026, development=100, operation=50
    )
    # when a line is named for a year it lacks and with a share out of range
    with pytest.raises(ValidationError) as raised:
        services.measure_link_budget(
            actor=da, measure=measure, code="mhlw-app", fiscal_year=2030, share=0
        )
    # then both problems are named at once
    assert set(raised.value.message_dict) == {"fiscal_year", "share"}
    # and the right line is linked with its share
    link = services.measure_link_budget(
        actor=da, measure=measure, code="mhlw-app", fiscal_year=2026, share=40
    )
    assert link.share == 40
    shown = measure_links(da, measure)["budgets"]
    # (the fiscal year as the reader names it: Japanese by default)
    assert [(s.code, s.label) for s in shown] == [("mhlw-app", "令和8年度")]
    assert MeasureBudget.objects.count() == 1


def test_a_catalog_or_one_of_its_controls_is_linked(draft, planners, catalog):
    da = planners["da-editor"]
    measure = Measure.objects.get(edition=draft, code="M-2")
    # when the whole catalog and one control are named, and a control it lacks
    services.measure_link_control(actor=da, measure=measure, catalog_key="baseline")
    services.measure_link_control(
        actor=da, measure=measure, catalog_key="baseline", control_label="2.1"
    )
    with pytest.raises(ValidationError) as raised:
        services.measure_link_control(
            actor=da, measure=measure, catalog_key="baseline", control_label="9.9"
        )
    with pytest.raises(ValidationError) as twice:
        services.measure_link_control(actor=da, measure=measure, catalog_key="baseline")
    # then both links are kept, the unknown control is the control field's problem, and the
    # same link twice is refused
    assert MeasureControl.objects.filter(measure=measure).count() == 2
    assert set(raised.value.message_dict) == {"control"}
    assert set(twice.value.message_dict) == {"catalog"}


def test_links_are_not_written_to_a_published_edition_nor_by_a_ministry(
    published, planners, systems
):
    measure = Measure.objects.get(edition=published, code="M-1")
    # when the author links a system to a published measure, it is refused as fixed
    with pytest.raises(ValidationError):
        services.measure_link_system(actor=planners["da-editor"], measure=measure, code="mhlw-app")
    assert not MeasureSystem.objects.exists()


def test_a_ministry_cannot_link_a_system_to_a_draft(draft, planners, systems):
    measure = Measure.objects.get(edition=draft, code="M-1")
    with pytest.raises(PermissionDenied):
        services.measure_link_system(
            actor=planners["mhlw-editor"], measure=measure, code="mhlw-app"
        )


def test_an_area_whose_sub_area_holds_a_measure_is_not_deleted(draft, planners):
    # given area 1 whose sub-area 1.1 holds M-1
    top = PlanArea.objects.get(edition=draft, code="1")
    Measure.objects.filter(code="M-2").update(area=PlanArea.objects.get(code="1.1"))
    # when area 1 is deleted
    with pytest.raises(ValidationError):
        services.content_delete(actor=planners["da-editor"], instance=top)
    # then it stays
    assert PlanArea.objects.filter(pk=top.pk).exists()


def test_a_draft_with_content_is_deleted_whole_and_audited(draft, planners):
    measure_ids = list(Measure.objects.filter(edition=draft).values_list("pk", flat=True))
    # when the draft is deleted
    services.edition_delete(actor=planners["da-editor"], edition=draft)
    # then it and its measures are gone, each in the trail
    assert not PlanEdition.objects.filter(pk=draft.pk).exists()
    for pk in measure_ids:
        assert AuditEvent.objects.filter(
            object_type="plans.measure", object_id=str(pk), action="delete"
        ).exists()


def test_a_system_serves_published_measures_for_all_and_draft_ones_for_those_who_see_them(
    published, planners, systems
):
    da = planners["da-editor"]
    # given the published 2026 edition and its 2027 copy, M-2 of each delivered by mhlw-app
    MeasureSystem.objects.create(
        measure=Measure.objects.get(edition=published, code="M-2"), system=systems["mhlw-app"]
    )
    copy = services.edition_copy(actor=da, source=published, year=2027, title="重点計画2027")
    # when the measures the system serves are asked for
    # then the Digital Agency sees both; Tokyo (domestic) only the published one; an overseas
    # liaison none
    assert [
        (m.edition.year, m.code)
        for m in measures_serving(planners["da-viewer"], systems["mhlw-app"])
    ] == [
        (2027, "M-2"),
        (2026, "M-2"),
    ]
    assert [
        m.edition.year for m in measures_serving(planners["tokyo-viewer"], systems["mhlw-app"])
    ] == [2026]
    assert copy.measures.count() == 2


def test_a_measure_page_shows_a_system_link_only_where_the_reader_may_open_it(
    published, planners, systems
):
    # given a published measure delivered by Tokyo's system
    measure = Measure.objects.get(edition=published, code="M-2")
    MeasureSystem.objects.create(measure=measure, system=systems["tokyo-app"])
    # when MHLW (who cannot see Tokyo's system) and Tokyo read the links
    mhlw = measure_links(planners["mhlw-viewer"], measure)["systems"]
    tokyo = measure_links(planners["tokyo-viewer"], measure)["systems"]
    # then the system is named to both, a link only for Tokyo
    assert mhlw[0].code == tokyo[0].code == "tokyo-app"
    assert mhlw[0].url_name == ""
    assert tokyo[0].url_name == "registry:detail"


def test_a_measures_lists_changed_from_an_older_version_are_refused(draft, planners, systems):
    # given a measure an editor loaded at its version, then changed by someone else
    from shireito.core import concurrency
    from shireito.plans.models import Measure, Principle

    measure = Measure.objects.get(edition=draft, code="M-2")
    loaded = measure.version
    services.measure_set_parties(
        actor=planners["da-editor"],
        measure=Measure.objects.get(pk=measure.pk),
        principles=list(Principle.objects.filter(number=1)),
    )
    # when the first editor sets the measure's systems from the version they loaded
    stale = concurrency.expect_version(
        Measure.objects.get(pk=measure.pk), loaded, concurrency.FROM_IF_MATCH
    )
    # then it is a conflict, and nothing of theirs is written
    with pytest.raises(concurrency.Conflict):
        services.measure_set_links(
            actor=planners["da-editor"], measure=stale, systems=[systems["da-portal"]]
        )
    assert not measure.system_links.exists()
