"""Benchmark audits against a whole catalog: import NIST SP 800-53 rev. 5 (OSCAL), then time
``services.audit_create`` of one system against it (one result per control and enhancement)
and the listing of all its results through the API (``/api/v1/audits/<number>/results``, or
the selector when the API has no such endpoint). Prints medians; asserts nothing.

    .venv/bin/python bench/audits.py [--runs 7] [--profile]

Targets: create < 0.1 s, list < 0.2 s. With ``--profile`` (or when create misses its target)
the slowest calls of one create are printed from cProfile.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import os
import pstats
import statistics
import tempfile
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
CATALOG = DATA / "oscal" / "NIST_SP-800-53_rev5.0.1_catalog.json"
CREATE_TARGET, LIST_TARGET = 0.1, 0.2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--profile", action="store_true", help="profile one create")
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="shireito-bench-")
    os.environ.setdefault("SHIREITO_DATA_DIR", scratch)
    os.environ.setdefault("SHIREITO_DATABASE_URL", f"sqlite:///{Path(scratch) / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shireito.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from shireito.accounts.services import api_token_create, user_create
    from shireito.audits import selectors, services
    from shireito.organizations.services import organization_create, role_holding_ensure
    from shireito.registry.services import system_create
    from shireito.standards.importers import import_catalog

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}")

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
    started = time.perf_counter()
    summary = import_catalog(CATALOG.read_bytes(), fmt="oscal", actor=None, key="nist-800-53")
    catalog = summary.catalog
    controls = catalog.nodes.filter(is_group=False).count()
    print(
        f"NIST SP 800-53 rev. 5.0.1 imported in {time.perf_counter() - started:.2f} s: "
        f"{summary.nodes} nodes, {controls} of them controls (not groups)"
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

    create()  # warm up: first queries, translations, the mandate model
    timings, audit = [], None
    for _run in range(args.runs):
        started = time.perf_counter()
        audit = create()
        timings.append(time.perf_counter() - started)
    rows = audit.results.count()
    create_median = statistics.median(timings)
    print(
        f"audit_create, 1 system x whole catalog: {rows} result rows, median "
        f"{create_median * 1000:.1f} ms, best {min(timings) * 1000:.1f} ms "
        f"(target < {CREATE_TARGET * 1000:.0f} ms, {args.runs} runs)"
    )
    if rows != 1_189:
        print(f"  note: the catalog has {rows} non-group nodes, not the 1,189 expected")

    _token, secret = api_token_create(actor=None, user=auditor, name="bench")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    path = f"/api/v1/audits/{audit.number}/results"
    probe = client.get(path, {"limit": 5000})
    if probe.status_code == 200:
        body = probe.json()
        listed = len(body.get("items", []))
        label = f"GET {path}?limit=5000 ({listed} items, count {body.get('count')})"

        def listing():
            response = client.get(path, {"limit": 5000})
            assert response.status_code == 200
            return response.content
    else:
        listed = len(list(selectors.results_of(user=auditor, audit=audit)))
        label = (
            f"selectors.results_of, all {listed} rows (the API answered {probe.status_code} "
            f"for {path}: no endpoint yet)"
        )

        def listing():
            return list(selectors.results_of(user=auditor, audit=audit))

    listing()
    timings = []
    for _run in range(args.runs):
        started = time.perf_counter()
        listing()
        timings.append(time.perf_counter() - started)
    print(
        f"{label}: median {statistics.median(timings) * 1000:.1f} ms, best "
        f"{min(timings) * 1000:.1f} ms (target < {LIST_TARGET * 1000:.0f} ms)"
    )

    if args.profile or create_median > CREATE_TARGET:
        profiler = cProfile.Profile()
        profiler.enable()
        create()
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats(r"shireito|django/db/models/(query|base)", 25)
        print("profile of one audit_create (cumulative, project and ORM calls):")
        print(out.getvalue())


if __name__ == "__main__":
    main()
