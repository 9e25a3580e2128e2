"""Benchmark catalog imports: the NIST SP 800-53 rev. 5 catalog (OSCAL) and the Common
Standards FY2025 file, each imported a few times into a throwaway database, then the NIST HIGH
baseline profile resolved against the catalog. Prints figures.

    .venv/bin/python bench/standards.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="shireito-bench-")
    os.environ.setdefault("SHIREITO_DATA_DIR", scratch)
    os.environ.setdefault("SHIREITO_DATABASE_URL", f"sqlite:///{Path(scratch) / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shireito.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from shireito.standards.importers import import_catalog
    from shireito.standards.profiles import resolve_profile

    call_command("migrate", verbosity=0)
    cases = [
        (
            "NIST SP 800-53 rev. 5.0.1 (OSCAL, 1,189 controls)",
            DATA / "oscal" / "NIST_SP-800-53_rev5.0.1_catalog.json",
            "oscal",
        ),
        (
            "Common Standards FY2025 (1,783 entries)",
            DATA / "standards" / "touitsukijun_r7.json",
            "common-standards-json",
        ),
    ]
    for label, path, fmt in cases:
        raw = path.read_bytes()
        timings = []
        for run in range(args.runs):
            started = time.perf_counter()
            summary = import_catalog(raw, fmt=fmt, actor=None, key=f"bench-{fmt}-{run}")
            timings.append(time.perf_counter() - started)
        median, best = statistics.median(timings), min(timings)
        print(f"{label}: {summary.nodes} nodes, median {median:.3f} s, best {best:.3f} s")
    nist = import_catalog(
        cases[0][1].read_bytes(), fmt="oscal", actor=None, key="bench-profile-source"
    ).catalog
    raw = (DATA / "oscal" / "NIST_SP-800-53_rev5_HIGH-baseline_profile.json").read_bytes()
    timings = []
    for run in range(args.runs):
        started = time.perf_counter()
        resolved = resolve_profile(raw, actor=None, key=f"bench-high-{run}", catalog=nist)
        timings.append(time.perf_counter() - started)
    print(
        f"NIST HIGH baseline resolved: {resolved.controls} controls, "
        f"median {statistics.median(timings):.3f} s, best {min(timings):.3f} s"
    )


if __name__ == "__main__":
    main()
