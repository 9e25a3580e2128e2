"""Benchmark catalog imports: the NIST SP 800-53 rev. 5 catalog (OSCAL) and the Common
Standards FY2025 file, each imported a few times into a throwaway database, in-process and then
over HTTP (``POST /api/v1/standards/catalogs`` to ``shireito serve``, see ``_http.py``), then
the NIST HIGH baseline profile resolved against the catalog. Prints figures.

    .venv/bin/python bench/standards.py [--runs 5] [--quick]
"""

from __future__ import annotations

import argparse

from _harness import DATA, setup, time_runs
from _http import served


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="2 runs: a smoke run")
    args = parser.parse_args()
    if args.quick:
        args.runs = 2
    bench = setup("standards")
    from shireito.standards.importers import import_catalog
    from shireito.standards.profiles import resolve_profile

    cases = [
        (
            "import NIST SP 800-53 rev. 5.0.1 (OSCAL, 1,189 controls)",
            DATA / "oscal" / "NIST_SP-800-53_rev5.0.1_catalog.json",
            "oscal",
        ),
        (
            "import Common Standards FY2025 (1,783 entries)",
            DATA / "standards" / "touitsukijun_r7.json",
            "common-standards-json",
        ),
    ]
    for label, path, fmt in cases:
        raw = path.read_bytes()
        runs = iter(range(args.runs))
        timing = time_runs(
            lambda raw=raw, fmt=fmt, runs=runs: import_catalog(
                raw, fmt=fmt, actor=None, key=f"bench-{fmt}-{next(runs)}"
            ),
            args.runs,
            warmup=0,
        )
        bench.record_timing(label, timing, data=f"{timing.last.nodes:,} nodes")
    _over_http(bench, cases, args.runs)
    nist = import_catalog(
        cases[0][1].read_bytes(), fmt="oscal", actor=None, key="bench-profile-source"
    ).catalog
    raw = (DATA / "oscal" / "NIST_SP-800-53_rev5_HIGH-baseline_profile.json").read_bytes()
    runs = iter(range(args.runs))
    timing = time_runs(
        lambda: resolve_profile(raw, actor=None, key=f"bench-high-{next(runs)}", catalog=nist),
        args.runs,
        warmup=0,
    )
    bench.record_timing(
        "resolve the NIST HIGH baseline profile",
        timing,
        data=f"{timing.last.controls:,} controls",
        size=True,
    )


def _over_http(bench, cases, runs: int) -> None:
    """The same imports as a client makes them: a platform editor's bearer token."""
    from shireito.accounts.services import api_token_create, user_create
    from shireito.organizations.services import organization_create

    owner = organization_create(actor=None, code="bench-da", name="庁", kind="digital_agency")
    editor = user_create(
        actor=None,
        username="bench-editor",
        organization=owner,
        password="bench-password-not-secret-0",  # noqa: S106 - a throwaway database
        roles=["editor"],
        check_password_strength=False,
    )
    _token, secret = api_token_create(actor=None, user=editor, name="bench")
    with served(bench) as http:
        http.sign_in(secret)
        for label, path, fmt in cases:
            raw = path.read_bytes()
            keys = iter(range(runs + 1))

            def post(raw=raw, fmt=fmt, keys=keys, name=path.name):
                return http.post(
                    "/api/v1/standards/catalogs",
                    files={"file": (name, raw, "application/json")},
                    data={"format": fmt, "key": f"http-{fmt}-{next(keys)}"},
                    expect=201,
                ).json()

            http.measure(
                f"HTTP: {label}",
                post,
                runs,
                data=f"{len(raw) / 1e6:.1f} MB",
                target_ms=350 if fmt == "oscal" else None,
                on="p50",
            )


if __name__ == "__main__":
    main()
