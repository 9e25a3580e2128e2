"""Benchmark the priority plan (issue 18) at national scale: ``demo load`` + ``demo scale`` (500
measures, 1,500 KPIs, 30,000 values, each measure on 20–100 of the 40,000 systems), then the
edition's overview page, a measure page with its chain (budget, systems, their audits), the
public pages and the edition's open data (every table, CSV and JSON), over HTTP as a browser
and a client get them, beside the chain read in-process. Prints p50/p95 beside the issue's
targets; asserts nothing.

    .venv/bin/python bench/plans.py [--systems 40000] [--runs 20] [--quick]

Pages are fetched with a signed-in session of each viewer (``Client.force_login``; over HTTP
the same session's cookie, see ``_http.py``); open data without signing in. The measure is
the scale edition's measure linked to the most systems. A URL that answers 404 (not built yet
on this checkout) is skipped and said so. Targets (p95, this 2-core machine): the overview
and a measure page ≤ 300 ms; the open data export of an edition ≤ 2 s.
"""

from __future__ import annotations

import argparse
import logging
import os

from _harness import Bench, Row, setup, time_runs
from _http import served

PAGE_TARGET_MS, EXPORT_TARGET_MS = 300, 2_000
# Who reads the plan: the Digital Agency's planner (every budget line), a ministry's officer
# (its own lines and audits), the national centre's auditor (a party to most audits).
VIEWERS = ["da-officer", "mhlw-officer", "nisc-auditor"]
# The signed-in pages, from the measure's edition year and code.
PAGES = [
    ("overview /plans/<edition>/", "/plans/{edition}/"),
    (
        "measure page with its chain /plans/<edition>/measures/<measure>/",
        "/plans/{edition}/measures/{measure}/",
    ),
]
# The published plan without signing in (the public part's pages).
PUBLIC_PAGES = [
    ("public overview /priority-plan/<edition>/", "/priority-plan/{edition}/"),
    (
        "public measure page /priority-plan/<edition>/measures/<measure>/",
        "/priority-plan/{edition}/measures/{measure}/",
    ),
]
# The edition's open data: each table in each format, and the data dictionary; the export of
# the edition is all of them, fetched one after another.
OPEN_DATA_TABLES = ["measures", "kpis", "interim_targets", "measurements", "milestones", "ratings"]
OPEN_DATA = [
    *(
        (f"open data: {table}.{fmt}", f"/open-data/plan/{{edition}}/{table}.{fmt}")
        for table in OPEN_DATA_TABLES
        for fmt in ("csv", "json")
    ),
    (
        "open data: the data dictionary datapackage.json",
        "/open-data/plan/{edition}/datapackage.json",
    ),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--systems", type=int, default=40_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="1,000 systems, 5 runs: a smoke run")
    args = parser.parse_args()
    if args.quick:
        args.systems, args.runs = 1_000, 5

    bench = setup("plans", demo=True)
    generate(bench, args.systems)
    logging.getLogger("django.request").setLevel(logging.ERROR)  # the 404s of what is not built
    edition, measure = _subject(bench)
    _in_process_chain(bench, edition, measure, args.runs)
    with served(bench) as http:
        _pages(bench, http, edition, measure, args.runs)
        _public_pages(bench, http, edition, measure, args.runs)
        _open_data(bench, http, edition, args.runs)


def generate(bench: Bench, systems: int) -> None:
    """Load the demo and the scale data (without the incident reports, which the plan does not
    read); record the time and what they made."""
    from django.core.management import call_command

    from shireito.registry.models import InformationSystem

    with open(os.devnull, "w") as devnull:
        timing = time_runs(lambda: call_command("demo", "load", stdout=devnull), 1, warmup=0)
        bench.record_timing("demo load", timing)
        bench.progress(f"demo scale --systems {systems:,} --no-incidents …")
        timing = time_runs(
            lambda: call_command(
                "demo", "scale", systems=systems, seed=1, incidents=False, stdout=devnull
            ),
            1,
            warmup=0,
        )
    bench.record_timing(
        f"demo scale --systems {systems:,} --no-incidents: generate",
        timing,
        data=f"{InformationSystem.objects.count():,} systems",
        size=True,
    )
    from shireito.plans.scale import generate_plan

    # The plan's own part of demo scale, made again over the same systems: it must take
    # seconds, not minutes.
    timing = time_runs(lambda: generate_plan(seed=1), 1, warmup=0)
    made = timing.last
    bench.record_timing(
        "demo scale: the plan alone (plans.scale.generate_plan)",
        timing,
        data=(
            f"{made.measures:,} measures, {made.kpis:,} KPIs, {made.measurements:,} values, "
            f"{made.system_links:,} system links, {made.budget_links:,} budget links"
        ),
    )


def _subject(bench: Bench):
    """The scale edition and its measure with the most systems."""
    from django.db.models import Count

    from shireito.plans.models import Kpi, Measurement, PlanEdition
    from shireito.plans.scale import EDITION_YEAR

    edition = PlanEdition.objects.get(year=EDITION_YEAR)
    measure = (
        edition.measures.annotate(systems=Count("system_links", distinct=True))
        .order_by("-systems", "code")
        .first()
    )
    kpis = Kpi.objects.filter(measure__edition=edition).count()
    values = Measurement.objects.filter(series__kpis__measure__edition=edition).count()
    bench.record(
        Row(
            script=bench.script,
            case="the scale edition",
            database=bench.vendor,
            data=(
                f"{edition.measures.count():,} measures, {kpis:,} KPIs, {values:,} values; "
                f"measure {measure.code}: {measure.systems} system links"
            ),
        )
    )
    return edition, measure


def _in_process_chain(bench: Bench, edition, measure, runs: int) -> None:
    """The chain as the measure page reads and draws it, without HTTP: what this part adds to
    the page, whatever the page around it costs."""
    from django.template.loader import render_to_string

    from shireito.accounts.models import User
    from shireito.plans.selectors.chain import measure_chain

    for username in VIEWERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            bench.progress(f"{username}: no such demo user here, skipped")
            continue

        def read(user=user):
            chain = measure_chain(user, measure)
            render_to_string("plans/partials/_chain.html", {"chain": chain})
            return chain

        timing = bench.measure(
            f"{username}: in-process: the chain of a measure (selector and partial)",
            read,
            runs,
            target_ms=PAGE_TARGET_MS,
        )
        chain = timing.last
        audited = sum(1 for row in chain.systems if row.posture)
        lines = sum(len(year.rows) for year in chain.years)
        bench.rows[-1].data = (
            f"{len(chain.systems)} systems shown ({chain.hidden_systems} not), {audited} with "
            f"audit results; {lines} budget lines shown ({chain.hidden_lines} not)"
        )


def _pages(bench: Bench, http, edition, measure, runs: int) -> None:
    from shireito.accounts.models import User

    for username in VIEWERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        browser = http.with_session(user)
        for name, pattern in PAGES:
            path = pattern.format(edition=edition.year, measure=measure.code)
            case = f"{username}: {name} (HTTP)"
            status = browser.session.get(browser.base + path, timeout=600).status_code
            if status != 200:
                _skipped(bench, case, path, status)
                continue
            browser.measure(
                case,
                lambda browser=browser, path=path: browser.get(path).content,
                runs,
                target_ms=PAGE_TARGET_MS,
            )


def _public_pages(bench: Bench, http, edition, measure, runs: int) -> None:
    for name, pattern in PUBLIC_PAGES:
        path = pattern.format(edition=edition.year, measure=measure.code)
        case = f"{name} (HTTP, not signed in)"
        status = http.session.get(http.base + path, timeout=600).status_code
        if status != 200:
            _skipped(bench, case, path, status)
            continue
        http.measure(case, lambda path=path: http.get(path).content, runs, target_ms=PAGE_TARGET_MS)


def _open_data(bench: Bench, http, edition, runs: int) -> None:
    """Each file of the edition's open data that answers, then all of them in a row: the
    export of an edition (target 2 s)."""
    answered: list[str] = []
    for name, pattern in OPEN_DATA:
        path = pattern.format(edition=edition.year)
        case = f"{name} (HTTP, not signed in)"
        probe = http.session.get(http.base + path, timeout=600)
        if probe.status_code != 200:
            _skipped(bench, case, path, probe.status_code)
            continue
        answered.append(path)
        if "measurements" not in path:  # the largest table is timed alone; the rest in the sum
            continue
        http.measure(
            case,
            lambda path=path: http.get(path).content,
            max(3, runs // 4),
            data=f"{len(probe.content):,} bytes",
            target_ms=EXPORT_TARGET_MS,
        )
    if not answered:
        return

    def export() -> int:
        return sum(len(http.get(path).content) for path in answered)

    size = export()
    http.measure(
        f"open data: the whole edition, {len(answered)} files one after another (HTTP)",
        export,
        max(3, runs // 4),
        data=f"{size:,} bytes",
        target_ms=EXPORT_TARGET_MS,
    )


def _skipped(bench: Bench, case: str, path: str, status: int) -> None:
    bench.record(
        Row(
            script=bench.script,
            case=case,
            database=bench.vendor,
            note=f"skipped: {path} answered {status} (not built on this checkout)",
        )
    )


if __name__ == "__main__":
    main()
