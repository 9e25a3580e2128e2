"""Benchmark the audit trail: appends per second, and verification of a long chain.

Prints figures; asserts nothing. Uses a throwaway SQLite file, or a scratch database on the
PostgreSQL server SHIREITO_DATABASE_URL names (see bench/_harness.py).

    .venv/bin/python bench/audit_trail.py [--events 20000] [--quick]
"""

from __future__ import annotations

import argparse
import sys
import time

from _harness import Timing, setup, time_runs

BATCH = 500


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--quick", action="store_true", help="2,000 events: a smoke run")
    args = parser.parse_args()
    if args.quick:
        args.events = 2_000

    bench = setup("audit_trail")
    from django.db import transaction

    from shireito.core.selectors import verify_audit_chain
    from shireito.core.services import record_audit_event
    from shireito.organizations.services import organization_create

    organization = organization_create(actor=None, code="bench", name="ベンチ省", kind="ministry")

    # Appends in batches of BATCH events, one transaction each: a batch is one timed run.
    batches = []
    for done in range(0, args.events, BATCH):
        count = min(done + BATCH, args.events) - done

        def append(done: int = done, count: int = count) -> None:
            with transaction.atomic():
                for number in range(done, done + count):
                    record_audit_event(
                        actor=None,
                        action="update",
                        instance=organization,
                        changes={"name_en": [f"old {number}", f"new {number}"]},
                    )

        batches.append(append)
    timing = Timing([])
    for append in batches:
        started = time.perf_counter()
        append()
        timing.seconds.append(time.perf_counter() - started)
        print(f"\r  appended {len(timing.seconds) * BATCH:,}", end="", file=sys.stderr)
    print(file=sys.stderr)
    timing.ops_per_run = args.events / len(batches)
    bench.record_timing(
        f"append, batches of {BATCH} events (time per batch)",
        timing,
        unit="events/s",
        data=f"{args.events:,} events",
        size=True,
    )

    timing = time_runs(verify_audit_chain, 1, warmup=0)
    report = timing.last
    timing.ops_per_run = report.checked
    bench.record_timing(
        "verify the whole chain",
        timing,
        unit="events/s",
        data=f"{report.checked:,} events",
        note="" if report.ok else "chain NOT intact",
    )


if __name__ == "__main__":
    main()
