"""The stored open stage deadlines equal the regimes' clocks computed from the reports, after
any sequence of the services' writes (hypothesis): the overdue stages each user reads, and the
reports the list's overdue filter gives, are those the clocks say."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from shireito.incidents import deadlines, selectors, services
from shireito.incidents.models import IncidentReport, RegimeStage, ReportingRegime
from shireito.incidents.regimes import report_clocks
from tests.incidents.conftest import T0

H = dt.timedelta(hours=1)
REPORTERS = {"pmda": "pmda-editor", "mhlw": "mhlw-editor", "power": "power-editor"}
HANDLERS = {"mhlw": "mhlw-handler", "nisc": "nisc-handler", "meti": "meti-handler"}
HANDLERS["ipa"] = "ipa-handler"
ROUTES = {"pmda": ["via-ministry", "via-ipa"], "power": ["via-sector-ministry", "via-ipa"]}
# Hours after the last write at which the overdue stages are read.
READ_AT = (0, 30, 24 * 5, 24 * 45, 24 * 400)

actions = st.lists(
    st.one_of(
        st.tuples(st.just("create"), st.sampled_from(sorted(REPORTERS)), st.integers(0, 24 * 10)),
        st.tuples(st.just("submit"), st.integers(0, 5), st.integers(0, 1)),
        st.tuples(st.just("earlier"), st.integers(0, 5), st.integers(1, 24 * 3)),
        st.tuples(st.just("personal_data"), st.integers(0, 5), st.just(0)),
        st.tuples(st.just("malicious"), st.integers(0, 5), st.integers(0, 1)),
        st.tuples(st.just("ransom"), st.integers(0, 5), st.integers(0, 48)),
        st.tuples(st.just("file"), st.integers(0, 5), st.integers(0, 9)),
        st.tuples(st.just("acknowledge"), st.integers(0, 5), st.just(0)),
        st.tuples(st.just("forward"), st.integers(0, 5), st.just(0)),
        st.tuples(st.just("close"), st.integers(0, 5), st.just(0)),
        st.tuples(st.just("deadline"), st.integers(0, 40), st.integers(1, 24 * 60)),
    ),
    max_size=14,
)


def _run(step: int, action: tuple, reports: list, people: dict, government: dict, admin) -> None:
    kind, which, number = action
    now = T0 + dt.timedelta(hours=3 * step + 1)
    if kind == "create":
        reports.append(
            services.report_create(
                actor=people[REPORTERS[which]],
                reporter=government[which],
                title="試験",
                category="malware",
                impact_description="影響",
                aware_at=now - dt.timedelta(hours=number),
                narrative="試験の報告。",
                now=now,
            )
        )
        return
    if kind == "deadline":
        stages = list(RegimeStage.objects.order_by("pk"))
        stage = stages[which % len(stages)]
        services.regime_stage_update(actor=admin, stage=stage, offset=number * H)
        return
    if not reports:
        return
    report = IncidentReport.objects.get(pk=reports[which % len(reports)].pk)
    reporter = people[REPORTERS[report.reporter.code]]
    if kind == "submit":
        routes = ROUTES.get(report.reporter.code, [None])
        route = routes[number % len(routes)]
        services.report_submit(actor=reporter, report=report, route_key=route, now=now)
    elif kind == "earlier":
        earlier = report.aware_at - dt.timedelta(hours=number)
        services.report_update(actor=reporter, report=report, aware_at=earlier, now=now)
    elif kind == "personal_data":
        services.report_update(
            actor=reporter, report=report, personal_data=True, personal_data_count=10, now=now
        )
    elif kind == "malicious":
        services.report_update(actor=reporter, report=report, malicious=bool(number), now=now)
    elif kind == "ransom":
        paid = now - dt.timedelta(hours=number)
        services.report_update(actor=reporter, report=report, ransom_paid_at=paid, now=now)
    elif kind == "file":
        stages = [s for r in report.regimes.order_by("pk") for s in r.stages.order_by("position")]
        if stages:
            stage = stages[number % len(stages)]
            services.stage_file(actor=reporter, report=report, stage=stage, now=now)
    else:
        hop = report.hops.filter(status__in=["received", "acknowledged"]).first()
        if hop is None:
            return
        handler = people[HANDLERS[hop.organization.code]]
        if kind == "acknowledge":
            services.hop_acknowledge(actor=handler, report=report, now=now)
        elif kind == "forward":
            services.hop_forward(actor=handler, report=report, now=now)
        else:
            services.report_close(actor=handler, report=report, summary="対処済み", now=now)


def _clocked(user, now: dt.datetime) -> list[tuple]:
    """The overdue stages of the reports the user may see, from every report's clocks."""
    found = []
    for report in selectors.reports_visible_to(user):
        watched = report.status == "open" or (
            report.status == "closed" and report.closed_at >= now - selectors.CLOSED_WATCH
        )
        if watched:
            found += [
                (c.due_at, report.pk, c.stage.pk)
                for c in report_clocks(report, now)
                if c.is_overdue
            ]
    return sorted(found)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=actions)
@example(
    steps=[  # stages filed, a deadline moved, a report closed with a stage still open
        ("create", "power", 30),
        ("create", "pmda", 2),
        ("submit", 0, 0),
        ("submit", 1, 1),
        ("file", 0, 0),
        ("ransom", 0, 5),
        ("personal_data", 1, 0),
        ("deadline", 3, 100),
        ("acknowledge", 1, 0),
        ("forward", 1, 0),
        ("acknowledge", 1, 0),
        ("close", 1, 0),
        ("file", 0, 2),
    ]
)
def test_stored_deadlines_equal_the_clocks_after_any_writes(
    government, handlers, platform_admin, steps
):
    with transaction.atomic():
        # given: the power operator also under NIS2 and CIRCIA (a stage that starts from the
        # previous one's filing, and one that a ransom payment brings)
        named = ReportingRegime.objects.filter(key__in=["eu-nis2", "us-circia"])
        for regime in named:
            services.regime_update(
                actor=platform_admin, regime=regime, organizations=[government["power"]]
            )
        # and the writes, each allowed or refused by the services as they decide
        reports: list = []
        for step, action in enumerate(steps):
            try:
                with transaction.atomic():
                    _run(step, action, reports, handlers, government, platform_admin)
            except (ValidationError, PermissionDenied):
                pass
        # then: the stored deadlines are the open clocks
        assert deadlines.stored() == deadlines.computed()
        # and each user's overdue stages, and the list's overdue filter, are the clocks'
        last = T0 + dt.timedelta(hours=3 * len(steps) + 1)
        for hours in READ_AT:
            now = last + dt.timedelta(hours=hours)
            for user in [platform_admin, *handlers.values()]:
                expected = _clocked(user, now)
                read = [
                    (c.due_at, r.pk, c.stage.pk) for r, c in selectors.overdue_for(user, now=now)
                ]
                assert read == expected, (user.username, hours)
                listed = selectors.report_list(user, overdue=selectors.ANY_REGIME, now=now)
                assert set(listed.values_list("pk", flat=True)) == {pk for _d, pk, _s in expected}
        # and a rebuild from scratch changes nothing
        kept = deadlines.stored()
        deadlines.rebuild_stage_deadlines()
        assert deadlines.stored() == kept
        transaction.set_rollback(True)


def test_a_moved_deadline_moves_the_open_stages(draft, handlers, platform_admin):
    # given: PMDA's report submitted; the PPC's preliminary report open once data is involved
    report = services.report_submit(actor=handlers["pmda-editor"], report=draft, now=T0 + 2 * H)
    services.report_update(
        actor=handlers["pmda-editor"],
        report=report,
        personal_data=True,
        personal_data_count=3,
        now=T0 + 3 * H,
    )
    stage = RegimeStage.objects.get(regime__key="jp-ppc-breach", key="preliminary")
    before = selectors.overdue_clocks(IncidentReport.objects.all(), now=T0 + 30 * 24 * H)
    assert [c.stage.pk for _r, c in before] == [stage.pk]
    # when: a platform admin gives it sixty days instead
    services.regime_stage_update(actor=platform_admin, stage=stage, offset=60 * 24 * H)
    # then: it is no longer overdue after thirty days, and due sixty days after awareness
    assert selectors.overdue_clocks(IncidentReport.objects.all(), now=T0 + 30 * 24 * H) == []
    later = selectors.overdue_clocks(IncidentReport.objects.all(), now=T0 + 70 * 24 * H)
    moved = [c.due_at for _r, c in later if c.stage.pk == stage.pk]
    assert moved == [report.aware_at + 60 * 24 * H]
