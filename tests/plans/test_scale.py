"""The priority plan in the national-scale data set, run small: the promised shape (KPIs per
measure, five years of quarterly values, many systems per measure with their budget lines),
the same plan from the same seed, a fresh plan on every run, and nothing half-written when
the run stops."""

import pytest

from shireito.demo.scale import generate
from shireito.plans import scale as plan_scale
from shireito.plans.models import (
    Kpi,
    Measure,
    MeasureBudget,
    Measurement,
    MeasureSystem,
    PlanEdition,
    ProgressReport,
)
from shireito.plans.selectors.chain import measure_chain

pytestmark = pytest.mark.django_db

MEASURES = 12


@pytest.fixture(autouse=True)
def small_plan(monkeypatch):
    monkeypatch.setattr(plan_scale, "MEASURES", MEASURES)
    monkeypatch.setattr(plan_scale, "SYSTEMS_PER_MEASURE", (20, 40))


def scale_plan():
    return PlanEdition.objects.get(year=plan_scale.EDITION_YEAR)


def test_the_scale_plan_has_the_promised_shape(government):
    # when the scale data is generated small, without audits and incidents
    result = generate(systems=400, seed=3, audits=False, incidents=False)
    # then one published edition holds the measures with three KPIs each and twenty quarterly
    # values per KPI
    edition = scale_plan()
    assert edition.is_published
    measures = Measure.objects.filter(edition=edition)
    assert result.plan_measures == measures.count() == MEASURES
    kpis = Kpi.objects.filter(measure__edition=edition)
    assert kpis.count() == 3 * MEASURES
    values = Measurement.objects.filter(series__kpis__measure__edition=edition)
    assert result.plan_measurements == values.count() == 20 * kpis.count()
    # every measure delivered by 20 to 40 systems, some national whose lines pay for it
    for measure in measures:
        linked = MeasureSystem.objects.filter(measure=measure).count()
        assert 20 <= linked <= 40
        assert MeasureBudget.objects.filter(measure=measure).exists()
    assert ProgressReport.objects.filter(measure__edition=edition).count() > 0


def test_the_same_seed_gives_the_same_plan_and_a_run_replaces_the_last(government):
    # given the plan generated once
    generate(systems=300, seed=4, audits=False, incidents=False)

    def shape():
        edition = scale_plan()
        return (
            list(
                MeasureSystem.objects.filter(measure__edition=edition)
                .order_by("measure__code", "system__code")
                .values_list("measure__code", "system__code")
            ),
            list(
                Measurement.objects.filter(series__kpis__measure__edition=edition)
                .order_by("series__kpis__code", "measured_on")
                .values_list("value", flat=True)
            ),
        )

    first = shape()
    # when it is generated again from the same seed
    generate(systems=300, seed=4, audits=False, incidents=False)
    # then the plan is the same and there is still only one
    assert shape() == first
    assert PlanEdition.objects.filter(year=plan_scale.EDITION_YEAR).count() == 1
    assert Measure.objects.filter(edition=scale_plan()).count() == MEASURES


def test_an_interrupted_run_leaves_nothing(government, monkeypatch):
    # given a run that fails while writing the plan's links
    def broken(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(plan_scale, "_links", broken)
    # when it runs
    with pytest.raises(KeyboardInterrupt):
        generate(systems=200, seed=2, audits=False, incidents=False)
    # then nothing of it is left
    assert not PlanEdition.objects.filter(year=plan_scale.EDITION_YEAR).exists()
    assert not Measurement.objects.exists()


def test_a_real_edition_of_the_scale_year_stops_the_run(government):
    # given an edition of that year someone made
    PlanEdition.objects.create(year=plan_scale.EDITION_YEAR, title="本物", author=government["da"])
    # when the scale data is generated, then the run stops, naming the reason
    with pytest.raises(ValueError, match=str(plan_scale.EDITION_YEAR)):
        generate(systems=100, seed=1, audits=False, incidents=False)


def test_the_chain_of_a_scale_measure_reads_its_systems(government):
    # given the scale plan
    generate(systems=300, seed=5, audits=False, incidents=False)
    measure = Measure.objects.filter(edition=scale_plan()).first()
    from tests.factories import make_user

    reader = make_user(username="da-reader", organization=government["da"], roles=["viewer"])
    # when the Digital Agency reads a measure's chain
    chain = measure_chain(reader, measure)
    # then every linked system is there, shown or counted
    assert len(chain.systems) + chain.hidden_systems == measure.system_links.count()
