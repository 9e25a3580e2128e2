"""Benchmark audits against a whole catalog: import NIST SP 800-53 rev. 5 (OSCAL), then time
``services.audit_create`` of one system against it (one result per control and enhancement)
and the listing of all its results through the API (``/api/v1/audits/<number>/results``, or
the selector when the API has no such endpoint). Prints p50/p95; asserts nothing.

    .venv/bin/python bench/audits.py [--runs 7] [--profile] [--quick]

It also times one result changed through ``PATCH …/results/<id>`` (target 20 ms) and, with
``--profile``, prints where 20 of those spend their time.

Targets: create < 0.1 s, list < 0.2 s. With ``--profile`` (or, run alone, when create's
median misses its target) the slowest calls of one create are printed from cProfile.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import os
import pstats

from _harness import DATA, ROWS_ENV, setup, time_runs

CATALOG = DATA / "oscal" / "NIST_SP-800-53_rev5.0.1_catalog.json"
CREATE_TARGET_MS, LIST_TARGET_MS = 100, 200
ONE_RESULT_TARGET_MS = 20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--profile", action="store_true", help="profile one create")
    parser.add_argument("--quick", action="store_true", help="3 runs: a smoke run")
    args = parser.parse_args()
    if args.quick:
        args.runs = 3
    bench = setup("audits")
    from django.test import Client

    from shireito.accounts.services import api_token_create, user_create
    from shireito.audits import selectors, services
    from shireito.organizations.services import organization_create, role_holding_ensure
    from shireito.registry.services import system_create
    from shireito.standards.importers import import_catalog

    centre = organization_create(
        actor=None, code="bench-centre", name="統括室", kind="national_cyber_centre"
    )
    role_holding_ensure(
        actor=None, role="national_cyber_centre", organization=centre, valid_from=None
    )
    ministry = organization_create(
        actor=None, code="bench-ministry", name="試験省", kind="ministry"
    )
    system = system_create(
        actor=None,
        code="bench-system",
        name="試験システム",
        owner=ministry,
        category="ministry_system",
    )
    auditor = user_create(
        actor=None,
        username="bench-auditor",
        organization=centre,
        password="bench-password-not-secret-0",  # noqa: S106 - a throwaway database
        roles=["auditor"],
        check_password_strength=False,
    )
    timing = time_runs(
        lambda: import_catalog(CATALOG.read_bytes(), fmt="oscal", actor=None, key="nist-800-53"),
        1,
        warmup=0,
    )
    summary = timing.last
    catalog = summary.catalog
    controls = catalog.nodes.filter(is_group=False).count()
    bench.record_timing(
        "import NIST SP 800-53 rev. 5.0.1 (OSCAL)",
        timing,
        data=f"{summary.nodes:,} nodes, {controls:,} controls",
    )

    def create():
        return services.audit_create(
            actor=auditor,
            kind="security_audit",
            auditee=ministry,
            systems=[system],
            baseline=catalog,
            fiscal_year=2026,
            period_start=dt.date(2026, 6, 1),
            period_end=dt.date(2027, 2, 26),
        )

    # The warm-up run takes the first queries, translations and the mandate model.
    timing = time_runs(create, args.runs)
    audit = timing.last
    rows = audit.results.count()
    bench.record_timing(
        "audit_create, 1 system × whole catalog",
        timing,
        data=f"{rows:,} result rows",
        target_ms=CREATE_TARGET_MS,
        note="" if rows == 1_189 else f"the catalog has {rows} non-group nodes, not 1,189",
        size=True,
    )

    _token, secret = api_token_create(actor=None, user=auditor, name="bench")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    path = f"/api/v1/audits/{audit.number}/results"
    probe = client.get(path, {"limit": 5000})
    if probe.status_code == 200:
        body = probe.json()
        listed = len(body.get("items", []))
        label = "API: GET /api/v1/audits/<number>/results?limit=5000"
        data = f"{listed:,} items (count {body.get('count'):,})"

        def listing():
            response = client.get(path, {"limit": 5000})
            assert response.status_code == 200
            return response.content
    else:
        listed = len(list(selectors.results_of(user=auditor, audit=audit)))
        label = "selectors.results_of, all rows"
        data = f"{listed:,} rows (the API answered {probe.status_code}: no endpoint yet)"

        def listing():
            return list(selectors.results_of(user=auditor, audit=audit))

    bench.measure(label, listing, args.runs, data=data, target_ms=LIST_TARGET_MS)
    record_one = _one_result_case(bench, client, audit, args.runs)

    missed = bench.rows[1].p50_ms > CREATE_TARGET_MS
    if args.profile or (missed and not os.environ.get(ROWS_ENV)):  # not in run.py's table
        profiler = cProfile.Profile()
        profiler.enable()
        create()
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(r"shireito|django/db/models/(query|base)", 25)
        bench.progress("profile of one audit_create (cumulative, project and ORM calls):")
        bench.progress(out.getvalue())
    if args.profile and record_one is not None:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(20):
            record_one()
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
        bench.progress("profile of 20 single-result PATCHes (cumulative):")
        bench.progress(out.getvalue())


def _one_result_case(bench, client, audit, runs: int):
    """In process (django.test.Client): one result changed through
    ``PATCH /api/v1/audits/<number>/results/<id>`` with its version, on the whole catalog's
    audit; statuses alternate so that every run writes. None when the API has no such
    endpoint yet."""
    import itertools
    import json

    first = audit.results.order_by("pk").first()
    path = f"/api/v1/audits/{audit.number}/results/{first.pk}"
    statuses = itertools.cycle(["satisfied", "partially", "not_satisfied"])
    state = {"version": first.version}

    def record_one():
        body = json.dumps({"status": next(statuses), "version": state["version"]})
        response = client.patch(path, body, content_type="application/json")
        assert response.status_code == 200, response.content
        state["version"] = response.json()["version"]
        return response

    if client.patch(path, "{}", content_type="application/json").status_code != 200:
        return None
    bench.measure(
        "API (in process): PATCH /api/v1/audits/<number>/results/<id>",
        record_one,
        max(runs, 50),
        warmup=5,
        data=f"1 of {audit.results.count():,} results, with its version",
        target_ms=ONE_RESULT_TARGET_MS,
    )
    return record_one


if __name__ == "__main__":
    main()
