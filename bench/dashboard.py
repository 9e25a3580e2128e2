"""Benchmark the control tower (issue 14) at national scale: ``demo load`` + ``demo scale``,
then the home page (the tower), the dashboard API and the drill-down lists behind its figures,
as a user of each kind of tower. Prints p50/p95 beside the issue's targets; asserts nothing.

    .venv/bin/python bench/dashboard.py [--systems 40000] [--runs 20] [--quick]

Pages are fetched with a signed-in session (``Client.force_login``), the API with a bearer
token, each case in-process and then over HTTP from ``shireito serve`` (one worker; the
session cookie and token of the same user; see ``_http.py``). A URL that answers 404 (not
built yet on this branch) is skipped and said so. Targets
(p95, on this 2-core machine): the Digital Agency's API ≤ 300 ms and page ≤ 500 ms; a
ministry's, a prefecture's and a municipality's faster than the Digital Agency's; each
drill-down list ≤ 300 ms.
"""

from __future__ import annotations

import argparse
import logging
import os
from urllib.parse import urlencode

from _harness import Bench, Row, setup, time_runs
from _http import served

PAGE_TARGET_MS, API_TARGET_MS, LIST_TARGET_MS = 500, 300, 300
# user, the tower they get; the first is the reference the others must beat
VIEWERS = [
    ("da-officer", "whole government"),
    ("mhlw-officer", "ministry"),
    ("tokyo-officer", "prefecture"),
    ("city-officer", "municipality"),
]
# The drill-down each viewer's tower offers: to a ministry, an agency, a municipality.
DRILLS = {
    "da-officer": ("tower: drilled down to MHLW", "mhlw"),
    "mhlw-officer": ("tower: drilled down to its agency PMDA", "pmda"),
    "tokyo-officer": ("tower: drilled down to Shibuya", "shibuya"),
}
PREFECTURE = "tokyo"  # the demo's prefecture (an organisation code), for the migration list
DRILL_DOWNS = [
    ("list: ministry systems", "/systems/", {"category": "ministry_system"}),
    ("list: migration by prefecture", "/systems/migration/", {"prefecture": PREFECTURE}),
    ("list: migration behind target", "/systems/migration/", {"behind_target": "1"}),
    ("list: open findings", "/audits/findings/", {"status": "open"}),
    ("list: overdue corrective actions", "/audits/actions/", {"overdue": "1"}),
    ("list: incident reports with an overdue stage", "/incidents/", {"overdue": "1"}),
    ("list: open recommendations", "/systems/recommendations/", {"status": "open"}),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--systems", type=int, default=40_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="2,000 systems, 5 runs: a smoke run")
    args = parser.parse_args()
    if args.quick:
        args.systems, args.runs = 2_000, 5

    bench = setup("dashboard", demo=True)
    generate(bench, args.systems)
    logging.getLogger("django.request").setLevel(logging.ERROR)  # the 404s of what is not built

    with served(bench) as http:
        _viewers(bench, http, args.runs)


def _viewers(bench: Bench, http, runs: int) -> None:
    """Each viewer's cases in-process (``django.test.Client``) and over HTTP beside it."""
    from django.test import Client

    from shireito.accounts.models import User
    from shireito.accounts.services import api_token_create

    reference: dict[str, float] = {}  # case kind -> the Digital Agency's p95, in-process
    for username, tower in VIEWERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            bench.progress(f"{username}: no such demo user here, skipped")
            continue
        session = Client()
        session.force_login(user)
        _token, secret = api_token_create(actor=None, user=user, name="bench")
        token = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
        browser, script = http.with_session(user), http.with_token(secret)
        cases = [
            ("page", "tower page /", session, browser, "/", PAGE_TARGET_MS),
            ("api", "API /api/v1/dashboard", token, script, "/api/v1/dashboard", API_TARGET_MS),
        ]
        cases += [
            ("list", name, session, browser, f"{path}?{urlencode(query)}", LIST_TARGET_MS)
            for name, path, query in DRILL_DOWNS
        ]
        if username in DRILLS:
            name, code = DRILLS[username]
            cases.append(("list", name, session, browser, f"/?organization={code}", LIST_TARGET_MS))
        for kind, name, client, remote, url, target_ms in cases:
            case = f"{username} ({tower}): {name}"
            status = client.get(url).status_code
            if status != 200:  # 404: not built yet on this branch
                bench.record(
                    Row(
                        script=bench.script,
                        case=case,
                        database=bench.vendor,
                        note=f"skipped: {url} answered {status}",
                    )
                )
                continue

            def get(client: Client = client, url: str = url) -> None:
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)

            timing = time_runs(get, runs, warmup=1)
            target, met = f"p95 ≤ {target_ms} ms", timing.p95_ms <= target_ms
            if kind in reference and kind != "list":  # lower towers: faster than the DA's
                target = f"p95 ≤ {target_ms} ms and < DA's {reference[kind]:,.0f} ms"
                met = met and timing.p95_ms < reference[kind]
            elif kind != "list":
                reference[kind] = timing.p95_ms
            bench.record_timing(case, timing, target=target, met=met)
            remote.measure(
                f"{case} (HTTP)",
                lambda remote=remote, url=url: remote.get(url).content,
                runs,
                target_ms=target_ms,
            )


def generate(bench: Bench, systems: int) -> None:
    """Load the demo and the scale data; record the time and what they made."""
    from django.core.management import call_command

    from shireito.audits.models import ControlResult
    from shireito.incidents.models import IncidentReport
    from shireito.organizations.models import Organization
    from shireito.registry.models import InformationSystem

    with open(os.devnull, "w") as devnull:
        timing = time_runs(lambda: call_command("demo", "load", stdout=devnull), 1, warmup=0)
        bench.record_timing("demo load", timing)
        bench.progress(f"demo scale --systems {systems:,} …")
        timing = time_runs(
            lambda: call_command("demo", "scale", systems=systems, seed=1, stdout=devnull),
            1,
            warmup=0,
        )
    counts = {
        "organisations": Organization.objects.count(),
        "systems": InformationSystem.objects.count(),
        "control results": ControlResult.objects.count(),
        "incident reports": IncidentReport.objects.count(),
    }
    bench.record_timing(
        f"demo scale --systems {systems:,}: generate",
        timing,
        data=", ".join(f"{count:,} {what}" for what, count in counts.items()),
        size=True,
    )


if __name__ == "__main__":
    main()
