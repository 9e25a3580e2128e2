"""Benchmark the audit trail: appends per second, and verification of a long chain.

Prints figures; asserts nothing. Uses a throwaway SQLite file unless SHIREITO_DATABASE_URL is
set (point it at a scratch PostgreSQL database to measure that instead).

    .venv/bin/python bench/audit_trail.py [--events 50000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=20_000)
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="shireito-bench-")
    os.environ.setdefault("SHIREITO_DATA_DIR", scratch)
    os.environ.setdefault("SHIREITO_DATABASE_URL", f"sqlite:///{Path(scratch) / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shireito.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from shireito.core.selectors import verify_audit_chain
    from shireito.core.services import record_audit_event
    from shireito.organizations.services import organization_create

    call_command("migrate", verbosity=0)
    organization = organization_create(actor=None, code="bench", name="ベンチ省", kind="ministry")

    started = time.perf_counter()
    batch = 500
    for done in range(0, args.events, batch):
        with transaction.atomic():
            for number in range(done, min(done + batch, args.events)):
                record_audit_event(
                    actor=None,
                    action="update",
                    instance=organization,
                    changes={"name_en": [f"old {number}", f"new {number}"]},
                )
        print(
            f"\r  appended {min(done + batch, args.events)}/{args.events}", end="", file=sys.stderr
        )
    append_seconds = time.perf_counter() - started
    print(file=sys.stderr)

    started = time.perf_counter()
    report = verify_audit_chain(
        progress=lambda n: print(f"\r  verified {n}", end="", file=sys.stderr)
    )
    verify_seconds = time.perf_counter() - started
    print(file=sys.stderr)

    print(f"database: {django.db.connection.vendor}")
    print(
        f"append: {args.events} events in {append_seconds:.2f} s "
        f"({args.events / append_seconds:,.0f} events/s, batches of {batch})"
    )
    print(
        f"verify: {report.checked} events in {verify_seconds:.2f} s "
        f"({report.checked / verify_seconds:,.0f} events/s), intact={report.ok}"
    )


if __name__ == "__main__":
    main()
