"""`shireito audit list|export`."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from shireito.audits import exporters
from shireito.audits.choices import AuditKind, AuditStatus
from shireito.audits.models import Audit
from shireito.audits.report import render_report_pdf

EXPORT_FORMATS = ("oscal-ar", "oscal-poam", "pdf")


class Command(BaseCommand):
    help = "Audits: list them, export one as OSCAL assessment results, an OSCAL POA&M or PDF."

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

    def handle(self, *args, action, **options):
        if action == "list":
            return self._list(options)
        return self._export(options)

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
