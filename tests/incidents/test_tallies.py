"""The incident tallies equal a direct count of the reports each organisation may see, after
any sequence of the services' writes (hypothesis), and a rebuild gives the same rows."""

import datetime as dt
from collections import Counter

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from shireito.incidents import figures, selectors, services
from shireito.incidents.models import IncidentReport, IncidentTally, IncidentTiming
from shireito.incidents.tallies import rebuild_incident_tallies
from tests.incidents.conftest import T0

REPORTERS = {"pmda": "pmda-editor", "mhlw": "mhlw-editor", "power": "power-editor"}
HANDLERS = {"mhlw": "mhlw-handler", "nisc": "nisc-handler", "meti": "meti-handler"}
HANDLERS["ipa"] = "ipa-handler"
ROUTES = {"pmda": ["via-ministry", "via-ipa"], "power": ["via-sector-ministry", "via-ipa"]}
CATEGORIES = ["malware", "misdelivery", "data_leak"]

actions = st.lists(
    st.one_of(
        st.tuples(
            st.just("create"),
            st.sampled_from(sorted(REPORTERS)),
            st.sampled_from(CATEGORIES),
            st.integers(0, 24 * 60),  # hours of awareness before the action: months apart
        ),
        st.tuples(
            st.just("recategorise"), st.integers(0, 5), st.sampled_from(CATEGORIES), st.just(0)
        ),
        st.tuples(st.just("earlier"), st.integers(0, 5), st.just(""), st.integers(1, 24 * 40)),
        st.tuples(st.just("submit"), st.integers(0, 5), st.just(""), st.integers(0, 1)),
        st.tuples(st.just("acknowledge"), st.integers(0, 5), st.just(""), st.just(0)),
        st.tuples(st.just("forward"), st.integers(0, 5), st.just(""), st.just(0)),
        st.tuples(st.just("close"), st.integers(0, 5), st.just(""), st.just(0)),
    ),
    max_size=14,
)


def _run(step: int, action: tuple, reports: list, people: dict, government: dict) -> None:
    kind, which, category, number = action
    now = T0 + dt.timedelta(hours=3 * step + 1)
    if kind == "create":
        reports.append(
            services.report_create(
                actor=people[REPORTERS[which]],
                reporter=government[which],
                title="試験",
                category=category,
                aware_at=now - dt.timedelta(hours=number),
                narrative="試験の報告。",
                now=now,
            )
        )
        return
    if not reports:
        return
    report = IncidentReport.objects.get(pk=reports[which % len(reports)].pk)
    reporter = people[REPORTERS[report.reporter.code]]
    if kind == "recategorise":
        services.report_update(actor=reporter, report=report, category=category, now=now)
    elif kind == "earlier":
        earlier = report.aware_at - dt.timedelta(hours=number)
        services.report_update(actor=reporter, report=report, aware_at=earlier, now=now)
    elif kind == "submit":
        routes = ROUTES.get(report.reporter.code, [None])
        route = routes[number % len(routes)]
        services.report_submit(actor=reporter, report=report, route_key=route, now=now)
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


def _direct(user) -> tuple[Counter, Counter]:
    """The counts and timings straight from the reports the user's selectors list."""
    counts: Counter = Counter()
    timings: Counter = Counter()
    for report in selectors.reports_visible_to(user).select_related("reporter__sector"):
        hops = list(report.hops.order_by("position"))
        stage, place = report.status, ""
        if report.status == "open":
            holding = next(h for h in hops if h.status in ("received", "acknowledged"))
            stage, place = holding.status, holding.place
        aware = report.aware_at.astimezone(dt.timezone(dt.timedelta(hours=9)))
        sector = report.reporter.sector.code if report.reporter.sector else ""
        counts[(report.category, sector, stage, place, aware.year * 100 + aware.month)] += 1
        for hop in hops:
            if hop.acknowledged_at:
                key = (report.route_key, hop.position, "acknowledge")
                timings[(*key, "n")] += 1
                timings[(*key, "s")] += int((hop.acknowledged_at - hop.received_at).total_seconds())
        if report.status == "closed":
            key = (report.route_key, 0, "close")
            timings[(*key, "n")] += 1
            timings[(*key, "s")] += int((report.closed_at - report.submitted_at).total_seconds())
    return +counts, +timings


def _tallied(user) -> tuple[Counter, Counter]:
    by = ("category", "sector", "stage", "place", "month")
    counts = Counter(
        {
            tuple(row[k] for k in by): row["reports"]
            for row in figures._grouped(user, IncidentTally, by)
        }
    )
    timings: Counter = Counter()
    for row in figures._grouped(user, IncidentTiming, ("route_key", "position", "measure")):
        key = (row["route_key"], row["position"], row["measure"])
        timings[(*key, "n")] += row["reports"]
        timings[(*key, "s")] += row["seconds"]
    return +counts, +timings


def _rows():
    return sorted(
        IncidentTally.objects.values_list(
            "party", "category", "sector", "stage", "place", "month", "reports"
        ),
        key=repr,
    ), sorted(
        IncidentTiming.objects.values_list(
            "party", "route_key", "position", "measure", "bucket", "reports", "seconds"
        ),
        key=repr,
    )


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=actions)
@example(
    steps=[  # a report all along its route, and one changed after submission
        ("create", "pmda", "malware", 30),
        ("create", "mhlw", "misdelivery", 24 * 200),
        ("submit", 0, "", 0),
        ("submit", 1, "", 0),
        ("acknowledge", 0, "", 0),
        ("recategorise", 1, "data_leak", 0),
        ("earlier", 1, "", 24 * 40),
        ("forward", 0, "", 0),
        ("acknowledge", 0, "", 0),
        ("acknowledge", 1, "", 0),
        ("close", 0, "", 0),
    ]
)
def test_tallies_equal_a_direct_count_after_any_writes(government, handlers, platform_admin, steps):
    with transaction.atomic():
        # given: the writes, each allowed or refused by the services as they decide
        reports: list = []
        for step, action in enumerate(steps):
            try:
                with transaction.atomic():
                    _run(step, action, reports, handlers, government)
            except (ValidationError, PermissionDenied):
                pass
        # then: every organisation's figures are a count of what its selectors list
        for user in [platform_admin, *handlers.values()]:
            assert _tallied(user) == _direct(user), user.username
        # and a rebuild from scratch changes nothing
        kept = _rows()
        rebuild_incident_tallies()
        assert _rows() == kept
        transaction.set_rollback(True)
