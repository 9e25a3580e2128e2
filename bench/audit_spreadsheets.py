"""Benchmark an audit's spreadsheets against a whole catalog: an audit of one system over NIST
SP 800-53 rev. 5 (1,189 results, each with a status and a note), a few findings and
corrective actions; then time the results CSV and the XLSX workbook through the API
(``GET /api/v1/audits/<number>/export?format=results-csv|xlsx``, the whole body read) with
the in-process figure beside each, and the re-import of the untouched workbook. Prints
p50/p95; asserts nothing.

    .venv/bin/python bench/audit_spreadsheets.py [--runs 7] [--quick]

Targets: CSV and XLSX ≤ 0.3 s each (issue 17; CISO Assistant: CSV 1.07 s, XLSX 1.72 s).
"""

from __future__ import annotations

import argparse
import datetime as dt

from _harness import DATA, audit_parties, setup

CATALOG = DATA / "oscal" / "NIST_SP-800-53_rev5.0.1_catalog.json"
TARGET_MS = 300
STATUSES = ["satisfied", "partially", "not_satisfied", "not_applicable", "not_assessed"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="3 runs: a smoke run")
    args = parser.parse_args()
    if args.quick:
        args.runs = 3
    bench = setup("audit_spreadsheets")
    from django.test import Client

    from shireito.accounts.services import api_token_create
    from shireito.audits import importers, services, spreadsheets
    from shireito.standards.importers import import_catalog

    ministry, system, auditor = audit_parties(("auditor",))
    catalog = import_catalog(
        CATALOG.read_bytes(), fmt="oscal", actor=None, key="nist-800-53"
    ).catalog
    audit = services.audit_create(
        actor=auditor,
        kind="security_audit",
        auditee=ministry,
        systems=[system],
        baseline=catalog,
        fiscal_year=2026,
        period_start=dt.date(2026, 6, 1),
        period_end=dt.date(2027, 2, 26),
    )
    audit = services.audit_advance(actor=auditor, audit=audit, status="fieldwork")
    results = list(audit.results.select_related("control").order_by("position"))
    services.results_record(
        actor=auditor,
        audit=audit,
        entries=[
            {
                "id": r.pk,
                "status": STATUSES[i % len(STATUSES)],
                "note": f"{r.control.label}: 規程と記録を確認した。担当者に聞き取りを行った。",
            }
            for i, r in enumerate(results)
        ],
    )
    for number in range(20):
        finding = services.finding_create(
            actor=auditor,
            audit=audit,
            title=f"指摘 {number + 1}",
            severity="high",
            grade="minor",
            risk="既知の脆弱性が残る",
            controls=[results[number].control],
        )
        services.action_create(
            actor=auditor, finding=finding, title="手順の整備", due_date=dt.date(2026, 12, 1)
        )
    rows = len(results)
    _token, secret = api_token_create(actor=None, user=auditor, name="bench")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    path = f"/api/v1/audits/{audit.number}/export"

    def over_api(fmt: str):
        def run():
            response = client.get(path, {"format": fmt, "language": "ja"})
            assert response.status_code == 200, response.status_code
            if response.streaming:
                return b"".join(response.streaming_content)
            return response.content

        return run

    data = f"{rows:,} results, 20 findings, 20 corrective actions"
    note = "" if rows == 1_189 else f"the catalog has {rows} controls, not 1,189"
    for fmt, label in (("results-csv", "results CSV"), ("xlsx", "XLSX workbook")):
        bench.measure(
            f"API: export?format={fmt} ({label})",
            over_api(fmt),
            args.runs,
            data=data,
            target_ms=TARGET_MS,
            note=note,
        )
    bench.measure(
        "spreadsheets.results_csv_chunks (in process)",
        lambda: "".join(spreadsheets.results_csv_chunks(audit, auditor)),
        args.runs,
        data=data,
    )
    bench.measure(
        "spreadsheets.audit_xlsx_bytes (in process)",
        lambda: spreadsheets.audit_xlsx_bytes(audit, auditor, "ja"),
        args.runs,
        data=data,
    )
    workbook = spreadsheets.audit_xlsx_bytes(audit, auditor, "ja")
    bench.measure(
        "importers.results_import of the untouched workbook (0 changes)",
        lambda: importers.results_import(actor=auditor, audit=audit, raw=workbook, fmt="xlsx"),
        args.runs,
        data=f"{len(workbook) / 1e3:,.0f} kB",
    )


if __name__ == "__main__":
    main()
