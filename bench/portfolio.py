"""Benchmark the portfolio at national scale: list, search, filter and export of 40,000 systems,
through the pages and the API, as users of different organisations. Prints p50/p95; asserts
nothing.

    .venv/bin/python bench/portfolio.py [--systems 40000] [--runs 30] [--quick]

Uses a throwaway SQLite file, or a scratch database on the PostgreSQL server
SHIREITO_DATABASE_URL names (see bench/_harness.py).
"""

from __future__ import annotations

import argparse
import io
import os

from _harness import Bench, setup, time_runs
from _http import served

CASES = [
    ("page: list, first page", "/systems/"),
    ("page: list, page 200", "/systems/?page=200"),
    (
        "page: search 'システム0123'",
        "/systems/?search=%E3%82%B7%E3%82%B9%E3%83%86%E3%83%A00123",
    ),
    (
        "page: filter local + migrated, sort by name",
        "/systems/?category=local_government_system&migration_status=migrated&sort=name",
    ),
    ("api: list limit 100", "/api/v1/portfolio/systems?limit=100"),
    ("api: list owner filter", "/api/v1/portfolio/systems?owner=mhlw&limit=100"),
    ("page: budget roll-up by ministry", "/systems/budget/"),
    ("page: budget roll-up by category", "/systems/budget/?group_by=category"),
    ("api: budget roll-up", "/api/v1/portfolio/budget/rollup"),
    ("page: ratings due", "/systems/oversight/"),
    ("open data: page (no sign-in view)", "/open-data/"),
    ("open data: API, 100 systems", "/api/v1/portfolio/open-data/systems?limit=100"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--systems", type=int, default=40_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--quick", action="store_true", help="2,000 systems, 5 runs: a smoke run")
    args = parser.parse_args()
    if args.quick:
        args.systems, args.runs = 2_000, 5

    bench = setup("portfolio", demo=True)
    from django.core.management import call_command

    with open(os.devnull, "w") as devnull:
        call_command("demo", "load", verbosity=0, stdout=devnull)
        timing = time_runs(
            lambda: call_command("demo", "scale", systems=args.systems, seed=1, stdout=devnull),
            1,
            warmup=0,
        )
    bench.record_timing("demo scale: generate", timing, data=f"{args.systems:,} systems", size=True)

    with served(bench) as http:
        _viewers(bench, http, args.runs)
    bench_import(bench, 1_000)


def _viewers(bench: Bench, http, runs: int) -> None:
    """Each user's cases in-process (``django.test.Client``) and over HTTP beside it."""
    from django.test import Client

    from shireito.accounts.models import User
    from shireito.accounts.services import api_token_create

    for username in ["da-admin", "nisc-auditor", "mhlw-officer", "tokyo-officer"]:
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        _token, secret = api_token_create(actor=None, user=user, name="bench")
        remote = http.with_session(user)
        remote.sign_in(secret)
        for name, path in CASES:

            def get(path: str = path, client: Client = client, secret: str = secret) -> None:
                response = client.get(path, HTTP_AUTHORIZATION=f"Bearer {secret}")
                assert response.status_code == 200, (path, response.status_code)

            bench.measure(f"{username}: {name}", get, runs, warmup=0)
            remote.measure(
                f"{username}: {name} (HTTP)",
                lambda path=path, remote=remote: remote.get(path).content,
                runs,
            )

        def export(client: Client = client) -> int:
            response = client.get("/systems/export.csv")
            return sum(len(chunk) for chunk in response.streaming_content)

        timing = time_runs(export, 1, warmup=0)
        bench.record_timing(
            f"{username}: page: CSV export of everything visible",
            timing,
            data=f"{timing.last:,} bytes",
        )
        timing = remote.measure(
            f"{username}: page: CSV export of everything visible (HTTP)",
            lambda remote=remote: len(remote.get("/systems/export.csv").content),
            1,
            warmup=0,
        )


def bench_import(bench: Bench, rows: int) -> None:
    """Check, then import, a CSV of new ministry systems (the command line's path)."""
    from shireito.registry.transfer import COLUMNS, import_systems

    lines = [",".join(COLUMNS)]
    for n in range(rows):
        cells = {
            "code": f"bench-{n:05d}",
            "name": f"取込{n}",
            "owner": "mhlw",
            "category": "ministry_system",
        }
        lines.append(",".join(cells.get(c, "") for c in COLUMNS))
    text = "\n".join(lines) + "\n"
    for dry_run in (True, False):
        timing = time_runs(
            lambda dry_run=dry_run: import_systems(io.StringIO(text), actor=None, dry_run=dry_run),
            1,
            warmup=0,
            ops=rows,
        )
        action = "check" if dry_run else "import"
        bench.record_timing(
            f"CSV {action} of new systems",
            timing,
            unit="rows/s",
            data=f"{rows:,} rows",
            note="" if timing.last.ok else "import not ok",
        )


if __name__ == "__main__":
    main()
