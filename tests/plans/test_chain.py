"""A measure's chain (money, systems, posture, controls): each part read through its own app's
scoping, nothing of an audit shown to someone who is not its party, and the whole chain in a
constant number of queries however many systems deliver the measure."""

import datetime as dt

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from shireito.audits import services as audit_services
from shireito.plans import services
from shireito.plans.models import Measure, MeasureBudget, MeasureControl, MeasureSystem
from shireito.plans.selectors.chain import measure_chain, share_of
from shireito.plans.views.sections import chain_context
from shireito.registry import oversight
from shireito.registry.selectors import budget_lines, system_list
from shireito.registry.services import system_create
from shireito.standards.importers import import_catalog
from tests.factories import make_user
from tests.kit.factories.standards import CATALOG_CSV

pytestmark = pytest.mark.django_db


def _line(system, year, *, request=(1_000_000, 500_000), executed=True):
    """A decided budget line; spent too unless ``executed`` is False."""
    line = oversight.budget_request(
        actor=None, system=system, fiscal_year=year, development=request[0], operation=request[1]
    )
    line = oversight.budget_review(actor=None, line=line)
    line = oversight.budget_decide(
        actor=None, line=line, development=request[0], operation=request[1]
    )
    if executed:
        line = oversight.budget_record_execution(
            actor=None, line=line, development=request[0] * 8 // 10, operation=request[1]
        )
    return line


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


@pytest.fixture
def auditor(government):
    return make_user(username="nisc-auditor", organization=government["nisc"], roles=["auditor"])


@pytest.fixture
def linked(draft, planners, systems, catalog):
    """M-1 (led by MHLW) paid for by MHLW's and METI's lines (half of METI's), delivered by
    MHLW's and METI's systems, about one control of the baseline; then published."""
    da = planners["da-editor"]
    measure = Measure.objects.get(edition=draft, code="M-1")
    mhlw_2025 = _line(systems["mhlw-app"], 2025)
    mhlw_2026 = _line(systems["mhlw-app"], 2026, executed=False)
    meti_2025 = _line(systems["meti-app"], 2025, request=(2_000_001, 0))
    for line, share in ((mhlw_2025, 100), (mhlw_2026, 100), (meti_2025, 50)):
        services.content_create(
            actor=da, instance=MeasureBudget(measure=measure, budget_line=line, share=share)
        )
    for code in ("mhlw-app", "meti-app"):
        services.content_create(
            actor=da, instance=MeasureSystem(measure=measure, system=systems[code])
        )
    control = catalog.nodes.get(label="2.3")
    services.content_create(
        actor=da, instance=MeasureControl(measure=measure, catalog=catalog, control=control)
    )
    services.edition_publish(actor=da, edition=draft, decided_on=dt.date(2026, 6, 13))
    return Measure.objects.select_related("edition").get(pk=measure.pk)


@pytest.fixture
def audited(linked, government, systems, catalog, auditor):
    """NISC's audit of MHLW's system, in fieldwork, with one open finding on it."""
    audit = audit_services.audit_create(
        actor=auditor,
        kind="security_audit",
        auditee=government["mhlw"],
        systems=[systems["mhlw-app"]],
        baseline=catalog,
        fiscal_year=2026,
        period_start=dt.date(2026, 6, 1),
        period_end=dt.date(2026, 12, 20),
        lead=auditor,
    )
    audit = audit_services.audit_advance(actor=auditor, audit=audit, status="fieldwork")
    audit_services.finding_create(
        actor=auditor,
        audit=audit,
        systems=[systems["mhlw-app"]],
        title="Patching late",
        severity="high",
        grade="minor",
        risk="Known flaws stay open.",
    )
    return audit


def test_share_of_a_line_is_rounded_half_up_to_the_yen():
    assert share_of(2_000_001, 50) == 1_000_001
    assert share_of(3, 50) == 2
    assert share_of(None, 50) is None


def test_the_budget_is_what_the_registry_shows_the_reader_times_the_share(linked, planners):
    # given readers of the Digital Agency, MHLW and Tokyo
    for name in ("da-viewer", "mhlw-viewer", "tokyo-viewer"):
        user = planners[name]
        # when each reads the chain
        chain = measure_chain(user, linked)
        # then the lines shown are exactly the linked ones the registry lets them see
        shown = {row.line.pk for year in chain.years for row in year.rows}
        linked_ids = set(linked.budget_links.values_list("budget_line_id", flat=True))
        allowed = set(
            budget_lines(user=user).filter(pk__in=linked_ids).values_list("pk", flat=True)
        )
        assert shown == allowed
        # and the others are counted, not shown
        assert chain.hidden_lines == len(linked_ids) - len(allowed)
        with translation.override("en"):
            rendered = render_to_string("plans/partials/_chain.html", {"chain": chain})
        assert ("you may not see also pay" in rendered) == bool(chain.hidden_lines)


def test_the_mhlw_reader_sees_its_own_lines_and_not_metis_amounts(linked, planners):
    # when MHLW's viewer reads the chain
    chain = measure_chain(planners["mhlw-viewer"], linked)
    # then its own two years show, newest first, and METI's line is only counted
    assert [year.fiscal_year for year in chain.years] == [2026, 2025]
    assert chain.hidden_lines == 1
    rendered = render_to_string("plans/partials/_chain.html", {"chain": chain})
    assert "1,000,001" not in rendered and "1000001" not in rendered
    # and spending is measured only over the year whose spending is recorded: 80 % of the
    # development (1,000,000) and all the operation (500,000) of FY2025
    assert chain.total.requested == 3_000_000
    assert chain.total.executed == 1_300_000
    assert chain.total.execution_percent == round(1_300_000 * 100 / 1_500_000)


def test_the_digital_agency_sees_every_line_with_the_share_applied(linked, planners):
    chain = measure_chain(planners["da-viewer"], linked)
    if chain.hidden_lines:  # the mandate engine decides; this reading needs every line
        pytest.skip("the Digital Agency does not oversee these systems in this model")
    (fy2025,) = [year for year in chain.years if year.fiscal_year == 2025]
    meti = next(row for row in fy2025.rows if row.line.system.code == "meti-app")
    assert meti.share == 50
    assert meti.money.requested == 1_000_001  # half of 2,000,001, rounded half up


def test_systems_are_those_the_registry_lets_the_reader_see(linked, planners):
    for name in ("mhlw-viewer", "tokyo-viewer", "da-viewer"):
        user = planners[name]
        chain = measure_chain(user, linked)
        linked_ids = set(linked.system_links.values_list("system_id", flat=True))
        allowed = set(system_list(user=user).filter(pk__in=linked_ids).values_list("pk", flat=True))
        assert {row.system.pk for row in chain.systems} == allowed
        assert chain.hidden_systems == len(linked_ids) - len(allowed)


def test_a_party_to_the_audit_sees_its_results_and_open_findings(
    audited, linked, planners, auditor
):
    # given MHLW (the auditee) and NISC (the auditor)
    for user in (planners["mhlw-viewer"], auditor):
        # when either reads the chain
        chain = measure_chain(user, linked)
        row = next((r for r in chain.systems if r.system.code == "mhlw-app"), None)
        if row is None:
            continue  # the auditor may not see the system in the registry at all
        # then the latest audit's results and its one open finding show
        assert row.posture is not None
        assert row.posture.audit_number == audited.number
        assert row.posture.total == 5  # five controls, none assessed yet
        assert row.open_findings == 1


def test_no_one_else_learns_that_the_audit_exists(audited, linked, planners, government):
    # given readers who are no party to the audit but may see the system
    outsiders = [
        planners["meti-editor"],
        planners["tokyo-viewer"],
        make_user(username="da-reader", organization=government["da"], roles=["viewer"]),
    ]
    saw_the_system = []
    for user in outsiders:
        # when they read the chain
        chain = measure_chain(user, linked)
        saw_the_system += [user.username for r in chain.systems if r.system.code == "mhlw-app"]
        # then no system shows results or a finding count, as for one never audited
        for row in chain.systems:
            assert row.posture is None
            assert row.open_findings is None
        rendered = render_to_string("plans/partials/_chain.html", {"chain": chain})
        assert audited.number not in rendered
        assert "/audits/" not in rendered
    # and the check is not empty: someone outside the audit does see the audited system
    assert saw_the_system


def test_controls_link_to_the_catalog(linked, planners):
    chain = measure_chain(planners["tokyo-viewer"], linked)
    (row,) = chain.controls
    assert row.control.label == "2.3"
    rendered = render_to_string("plans/partials/_chain.html", {"chain": chain})
    assert "/standards/baseline/" in rendered


def test_the_section_renders_in_japanese_without_english(linked, planners, settings):
    # given the section's context as the measure page asks for it
    request = RequestFactory().get("/")
    request.user = planners["mhlw-viewer"]
    with translation.override("ja"):
        context = chain_context(request, linked)
        rendered = render_to_string("plans/partials/_chain.html", context)
    # then its headings are Japanese
    assert "施策" in rendered
    for english in ("Budget paying", "Systems delivering", "you may not see", "executed"):
        assert english not in rendered


def test_the_chain_takes_the_same_queries_for_two_systems_or_twenty(
    draft, planners, government, catalog, auditor, django_assert_max_num_queries
):
    # given two measures, one delivered by 2 systems and one by 20, each with a line and an
    # audit per system
    da = planners["da-editor"]
    small, large = Measure.objects.filter(edition=draft).order_by("code")[:2]

    def link(measure, count, prefix):
        made = []
        for n in range(count):
            system = system_create(
                actor=None,
                code=f"{prefix}-{n}",
                name=f"{prefix} {n}",
                owner=government["mhlw"],
                category="ministry_system",
            )
            services.content_create(
                actor=da, instance=MeasureSystem(measure=measure, system=system)
            )
            line = _line(system, 2025)
            services.content_create(
                actor=da, instance=MeasureBudget(measure=measure, budget_line=line, share=60)
            )
            made.append(system)
        audit = audit_services.audit_create(
            actor=auditor,
            kind="security_audit",
            auditee=government["mhlw"],
            systems=made,
            baseline=catalog,
            fiscal_year=2026,
            period_start=dt.date(2026, 6, 1),
            period_end=dt.date(2026, 12, 20),
            lead=auditor,
        )
        audit_services.audit_advance(actor=auditor, audit=audit, status="fieldwork")

    link(small, 2, "few")
    link(large, 20, "many")
    reader = planners["mhlw-viewer"]
    # when the small chain is read, its queries counted
    with CaptureQueriesContext(connection) as few:
        chain = measure_chain(reader, small)
        render_to_string("plans/partials/_chain.html", {"chain": chain})
    assert len(chain.systems) == 2
    # then the large one takes no more
    with django_assert_max_num_queries(len(few.captured_queries)):
        chain = measure_chain(reader, large)
        render_to_string("plans/partials/_chain.html", {"chain": chain})
    assert len(chain.systems) == 20
    assert all(row.posture is not None for row in chain.systems)
