"""Benchmark the portfolio at national scale: list, search, filter and export of 40,000 systems,
through the pages and the API, as users of different organisations. Prints p50/p95; asserts nothing.

    .venv/bin/python bench/portfolio.py [--systems 40000] [--runs 30]

Uses a throwaway SQLite file unless SHIREITO_DATABASE_URL points at a scratch database.
"""

from __future__ import annotations

import argparse
import io
import math
import os
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--systems", type=int, default=40_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="shireito-bench-")
    os.environ.setdefault("SHIREITO_DATA_DIR", scratch)
    os.environ.setdefault("SHIREITO_DATABASE_URL", f"sqlite:///{Path(scratch) / 'bench.sqlite3'}")
    os.environ["SHIREITO_DEMO_MODE"] = "true"
    os.environ["SHIREITO_STATICFILES_STORAGE"] = (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shireito.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from shireito.accounts.models import User
    from shireito.accounts.services import api_token_create

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    call_command("demo", "load", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    started = time.perf_counter()
    call_command("demo", "scale", systems=args.systems, seed=1, stdout=open(os.devnull, "w"))  # noqa: SIM115
    print(f"scale data: {args.systems:,} systems loaded in {time.perf_counter() - started:.1f} s")

    cases = [
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
    print(f"{'user':<14} {'case':<48} {'p50 ms':>8} {'p95 ms':>8}")
    for username in ["da-admin", "nisc-auditor", "mhlw-officer", "tokyo-officer"]:
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        _token, secret = api_token_create(actor=None, user=user, name="bench")
        for name, path in cases:
            timings = []
            for _ in range(args.runs):
                started = time.perf_counter()
                response = client.get(path, HTTP_AUTHORIZATION=f"Bearer {secret}")
                timings.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (path, response.status_code)
            timings.sort()
            p95 = timings[max(0, math.ceil(len(timings) * 0.95) - 1)]
            print(f"{username:<14} {name:<48} {statistics.median(timings):>8.1f} {p95:>8.1f}")
        started = time.perf_counter()
        size = sum(len(chunk) for chunk in client.get("/systems/export.csv").streaming_content)
        elapsed = (time.perf_counter() - started) * 1000
        label = "page: CSV export of everything visible"
        print(f"{username:<14} {label:<48} {elapsed:>8.1f} {'':>8} ({size:,} bytes)")
    bench_import(1_000)


def bench_import(rows: int) -> None:
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
        started = time.perf_counter()
        result = import_systems(io.StringIO(text), actor=None, dry_run=dry_run)
        elapsed = time.perf_counter() - started
        action = "checked" if dry_run else "imported"
        rate = rows / elapsed
        print(f"import: {rows:,} rows {action} in {elapsed:.1f} s ({rate:,.0f}/s), ok={result.ok}")


if __name__ == "__main__":
    main()
