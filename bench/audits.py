"""Benchmark an audit against a whole catalog, over HTTP as a client works, beside the same
work in-process: the cases CISO Assistant was measured on (issue 17) with NIST SP 800-53
rev. 5 (1,189 controls and enhancements). Prints p50/p95 and throughput; asserts nothing.

    .venv/bin/python bench/audits.py [--runs 7] [--clients 10] [--seconds 30] [--quick]

Over HTTP (``shireito serve``, one gunicorn worker, a bearer token; see ``_http.py``):
import the catalog (``POST /api/v1/standards/catalogs``), create an audit of one system over
it (``POST /api/v1/audits``), list its 1,189 results, update one result, ten clients mixing
reads and writes for 30 s, and export the audit (CSV, XLSX, OSCAL, PDF, the evidence bundle)
where the API offers each. The issue's targets are on the median of the runs, as the peers'
figures are medians. In-process: ``import_catalog`` and ``audit_create`` without HTTP, and
with ``--profile`` the slowest calls of one of each from cProfile.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import itertools
import pstats
import random
import threading
import time

from _harness import DATA, Timing, audit_parties, setup, time_runs
from _http import served

CATALOG = DATA / "oscal" / "NIST_SP-800-53_rev5.0.1_catalog.json"
# The issue's targets (medians, over HTTP) and the peer's figures beside them.
IMPORT_MS, CREATE_MS, LIST_MS, UPDATE_MS, MIXED_P95_MS, EXPORT_MS = 350, 100, 100, 20, 300, 300
PEER = "CISO Assistant v3.10.4: "


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--profile", action="store_true", help="profile one import and create")
    parser.add_argument("--quick", action="store_true", help="3 runs, 5 s of mixed load")
    args = parser.parse_args()
    if args.quick:
        args.runs, args.seconds = 3, 5
    bench = setup("audits")
    from shireito.accounts.services import api_token_create
    from shireito.audits import services
    from shireito.standards.importers import import_catalog

    ministry, system, auditor = audit_parties(("auditor", "editor"))
    _token, secret = api_token_create(actor=None, user=auditor, name="bench")
    raw = CATALOG.read_bytes()

    # --- in-process ---------------------------------------------------------------------
    keys = (f"nist-{n}" for n in itertools.count())
    timing = time_runs(
        lambda: import_catalog(raw, fmt="oscal", actor=None, key=next(keys)), args.runs, warmup=0
    )
    catalog = timing.last.catalog
    controls = catalog.nodes.filter(is_group=False).count()
    bench.record_timing(
        "in-process: import NIST SP 800-53 rev. 5.0.1 (import_catalog)",
        timing,
        data=f"{timing.last.nodes:,} nodes, {controls:,} controls",
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

    timing = time_runs(create, args.runs)
    rows = timing.last.results.count()
    bench.record_timing(
        "in-process: create an audit, 1 system × whole catalog (audit_create)",
        timing,
        data=f"{rows:,} result rows",
        size=True,
    )
    _in_process_update(bench, timing.last, secret, args.runs)
    if args.profile:
        _profile(
            bench, "import_catalog", lambda: import_catalog(raw, fmt="oscal", actor=None, key="p")
        )
        _profile(bench, "audit_create", create)

    # --- over HTTP ------------------------------------------------------------------------
    with served(bench) as http:
        http.sign_in(secret)

        def import_over_http():
            return http.post(
                "/api/v1/standards/catalogs",
                files={"file": ("nist.json", raw, "application/json")},
                data={"format": "oscal", "key": next(keys)},
                expect=201,
            ).json()

        http.measure(
            "HTTP: import the catalog (POST /api/v1/standards/catalogs, 3.2 MB OSCAL)",
            import_over_http,
            args.runs,
            data=f"{controls:,} controls",
            target_ms=IMPORT_MS,
            on="p50",
            note=PEER + "1.81 s",
        )
        plan = {
            "kind": "security_audit",
            "auditee": "bench-ministry",
            "systems": ["bench-system"],
            "baseline": catalog.key,
            "fiscal_year": 2026,
            "period_start": "2026-06-01",
            "period_end": "2027-02-26",
        }
        created: list[str] = []

        def create_over_http():
            number = http.post("/api/v1/audits", json=plan, expect=201).json()["number"]
            created.append(number)
            return number

        http.measure(
            "HTTP: create an audit over the whole catalog (POST /api/v1/audits)",
            create_over_http,
            args.runs,
            data=f"{rows:,} result rows",
            target_ms=CREATE_MS,
            on="p50",
            note=PEER + "0.96 s",
        )
        number = created[-1]
        path = f"/api/v1/audits/{number}/results"
        listed = http.get(path, params={"limit": 5000}).json()
        http.measure(
            "HTTP: list the audit's results (GET …/results?limit=5000)",
            lambda: http.get(path, params={"limit": 5000}).content,
            args.runs,
            data=f"{len(listed['items']):,} results",
            target_ms=LIST_MS,
            on="p50",
            note=PEER + "4.46 s",
        )
        results = listed["items"]
        update, label = _one_result_update(http, path, results)
        http.measure(
            f"HTTP: update one result ({label})",
            update,
            max(args.runs * 3, 10),
            data="status and note of one result",
            target_ms=UPDATE_MS,
            on="p50",
            note=PEER + "5.88 s",
        )
        _mixed_load(
            bench, http, secret, number, path, results, args, single=hasattr(update, "single")
        )
        _exports(http, number, args.runs)


def _in_process_update(bench, audit, secret: str, runs: int) -> None:
    """One result changed through the API in-process (``django.test.Client``), the HTTP
    case's twin."""
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    path = f"/api/v1/audits/{audit.number}/results"
    ids = itertools.cycle(
        list(audit.results.order_by("position").values_list("pk", flat=True)[:50])
    )
    statuses = itertools.cycle(["satisfied", "not_satisfied", "partially"])
    if client.patch(f"{path}/{next(ids)}", {}, content_type="application/json").status_code == 404:
        return  # no single-result endpoint on this checkout

    def update():
        response = client.patch(
            f"{path}/{next(ids)}",
            {"status": next(statuses), "note": "bench"},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content[:500]

    bench.measure(
        "in-process: update one result (PATCH …/results/{id}, django.test.Client)",
        update,
        max(runs * 3, 10),
    )


def _one_result_update(http, path: str, results: list[dict]):
    """The single-result endpoint when the API has it, else the bulk one with one item."""
    statuses = itertools.cycle(["satisfied", "not_satisfied", "partially"])
    picks = itertools.cycle(results[:50])
    probe = results[0]
    single = http.session.patch(
        f"{http.base}{path}/{probe['id']}", json={"status": "satisfied"}, timeout=60
    )
    if single.status_code == 200:

        def update():
            result = next(picks)
            return http.patch(
                f"{path}/{result['id']}", json={"status": next(statuses), "note": "bench"}
            )

        update.single = True  # type: ignore[attr-defined]
        return update, "PATCH …/results/{id}"

    def update_bulk():
        result = next(picks)
        item = {"id": result["id"], "status": next(statuses), "note": "bench"}
        return http.patch(path, json={"results": [item]})

    return (
        update_bulk,
        f"bulk PATCH …/results with one item; no single endpoint ({single.status_code})",
    )


def _mixed_load(
    bench, http, secret: str, number: str, path: str, results: list, args, *, single: bool
) -> None:
    """``--clients`` threads, each with its own connection, for ``--seconds``: per request a
    random pick of reading the audit (40 %), a page of 100 results (40 %) or updating one
    result (20 %; through the single-result endpoint when there is one)."""
    import requests

    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + args.seconds

    def client(seed: int) -> None:
        rng = random.Random(seed)  # noqa: S311 - a workload, not a secret
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {secret}"
        while time.monotonic() < stop:
            pick = rng.random()
            started = time.perf_counter()
            if pick < 0.4:
                response = session.get(f"{http.base}/api/v1/audits/{number}", timeout=120)
            elif pick < 0.8:
                offset = rng.randrange(0, max(len(results) - 100, 1))
                response = session.get(
                    f"{http.base}{path}", params={"limit": 100, "offset": offset}, timeout=120
                )
            else:
                result = rng.choice(results)
                status = rng.choice(["satisfied", "partially"])
                if single:
                    response = session.patch(
                        f"{http.base}{path}/{result['id']}", json={"status": status}, timeout=120
                    )
                else:
                    item = {"id": result["id"], "status": status}
                    response = session.patch(
                        f"{http.base}{path}", json={"results": [item]}, timeout=120
                    )
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if response.status_code != 200:
                    errors.append(f"{response.status_code}")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    timing = Timing(latencies, wall_seconds=wall)
    bench.record_timing(
        f"HTTP: {args.clients} clients for {args.seconds:g} s, 40 % audit, 40 % results page, "
        "20 % one-result update",
        timing,
        unit="req/s",
        data=f"{len(latencies):,} requests, {len(errors)} not 200",
        target_ms=MIXED_P95_MS,
        note=PEER + "0.21 req/s, p95 48 s",
    )


def _exports(http, number: str, runs: int) -> None:
    """Each export the API offers for the audit (a format it refuses is skipped)."""
    base = f"/api/v1/audits/{number}/export"
    cases = [
        ("results CSV", {"format": "results-csv"}, EXPORT_MS, "CSV 1.07 s"),
        ("workbook XLSX", {"format": "xlsx"}, EXPORT_MS, "XLSX 1.72 s"),
        ("OSCAL assessment results", {"format": "oscal-ar"}, None, ""),
        ("report PDF", {"format": "pdf"}, None, ""),
        ("evidence bundle ZIP (streamed; …/bundle)", {}, None, "evidence zip 9.19 s"),
    ]
    for label, params, target, peer in cases:
        path = base if params else f"/api/v1/audits/{number}/bundle"
        probe = http.session.get(http.base + path, params=params, timeout=600)
        if probe.status_code != 200:
            http.bench.progress(f"export {label}: skipped ({probe.status_code})")
            continue
        http.measure(
            f"HTTP: export the audit: {label}",
            lambda params=params, path=path: http.get(path, params=params).content,
            runs,
            data=f"{len(probe.content):,} bytes",
            target_ms=target,
            on="p50",
            note=PEER + peer if peer else "",
        )


def _profile(bench, label: str, fn) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    fn()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(r"shireito|django/db/models/(query|base)", 25)
    bench.progress(f"profile of one {label} (cumulative, project and ORM calls):")
    bench.progress(out.getvalue())


if __name__ == "__main__":
    main()
