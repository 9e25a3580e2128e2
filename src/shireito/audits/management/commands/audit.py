"""`shireito audit list|export|tallies`."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from shireito.audits import exporters
from shireito.audits.choices import AuditKind, AuditStatus
from shireito.audits.models import AreaTally, Audit, ComplianceTally
from shireito.audits.report import render_report_pdf
from shireito.audits.tallies import COUNT_FIELDS, rebuild_compliance_tallies

EXPORT_FORMATS = ("oscal-ar", "oscal-poam", "pdf")


class Command(BaseCommand):
    help = (
        "Audits: list them, export one as OSCAL assessment results, an OSCAL POA&M or PDF; "
        "count the compliance tallies again (or --check them)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="list the audits and self-assessments")
        listing.add_argument("--fiscal-year", type=int)
        listing.add_argument("--kind", choices=AuditKind.values)
        listing.add_argument("--status", choices=AuditStatus.values)
        dump = sub.add_parser("export", help="export an audit")
        dump.add_argument("number")
        dump.add_argument("--format", choices=EXPORT_FORMATS, required=True)
        dump.add_argument("--language", choices=[code for code, _name in settings.LANGUAGES])
        dump.add_argument("-o", "--output", help="a file (default: standard output)")
        tallies = sub.add_parser("tallies", help="count the compliance tallies from the results")
        tallies.add_argument(
            "--check", action="store_true", help="only say whether they equal a fresh count"
        )

    def handle(self, *args, action, **options):
        if action == "list":
            return self._list(options)
        if action == "tallies":
            return self._tallies(options["check"])
        return self._export(options)

    def _tallies(self, check: bool):
        if not check:
            rebuild_compliance_tallies()
            self.stdout.write(f"Compliance tallies counted: {ComplianceTally.objects.count():,}.")
            return
        before = _snapshot()
        with transaction.atomic():
            rebuild_compliance_tallies()
            fresh = _snapshot()
            transaction.set_rollback(True)
        if before != fresh:
            raise CommandError("The compliance tallies differ from a fresh count: run it again.")
        self.stdout.write("The compliance tallies equal a fresh count.")

    def _list(self, options):
        # The command line is the operator's: it sees every audit, as catalog list does.
        audits = Audit.objects.select_related("auditee", "auditor").order_by(
            "-fiscal_year", "number"
        )
        if options["fiscal_year"]:
            audits = audits.filter(fiscal_year=options["fiscal_year"])
        if options["kind"]:
            audits = audits.filter(kind=options["kind"])
        if options["status"]:
            audits = audits.filter(status=options["status"])
        self.stdout.write(
            f"{'number':<14} {'kind':<26} {'status':<10} {'auditee':<20} {'auditor':<20} FY"
        )
        for audit in audits:
            self.stdout.write(
                f"{audit.number:<14} {audit.kind:<26} {audit.status:<10} "
                f"{audit.auditee.code:<20} {audit.auditor.code:<20} {audit.fiscal_year}"
            )

    def _export(self, options):
        audit = Audit.objects.filter(number=options["number"]).first()
        if audit is None:
            raise CommandError(f"No audit {options['number']!r}.")
        fmt = options["format"]
        if fmt == "pdf":
            data = render_report_pdf(audit, language=options["language"] or settings.LANGUAGE_CODE)
            if options["output"]:
                _write(options["output"], data)
            else:
                out = self.stdout._out
                getattr(out, "buffer", out).write(data)
            return
        try:
            document = (
                exporters.export_assessment_results(audit)
                if fmt == "oscal-ar"
                else exporters.export_poam(audit)
            )
        except exporters.EmptyPlanError as exc:
            raise CommandError(f"{audit.number} has no corrective actions to export.") from exc
        text = json.dumps(document, ensure_ascii=False, indent=2)
        if options["output"]:
            _write(options["output"], text.encode("utf-8"))
        else:
            self.stdout.write(text)


def _write(path: str, data: bytes) -> None:
    """Write the export, or say plainly why it cannot be written (no traceback)."""
    try:
        Path(path).write_bytes(data)
    except OSError as exc:
        raise CommandError(f"Cannot write {path}: {exc.strerror or exc}") from exc


def _snapshot() -> tuple[dict, dict]:
    return tuple(  # type: ignore[return-value]
        {
            (row[0], row[1]): row[2:]
            for row in model.objects.values_list("audit_id", key, *COUNT_FIELDS)
        }
        for model, key in ((ComplianceTally, "system_id"), (AreaTally, "area_id"))
    )
