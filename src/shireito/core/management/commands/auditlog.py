import sys

from django.core.management.base import BaseCommand, CommandError

from shireito.core.selectors import verify_audit_chain


class Command(BaseCommand):
    help = (
        "The audit trail: `auditlog verify` recomputes the hash chain and names the first bad row."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="verify the hash chain; exits 1 at the first bad row")

    def handle(self, *args, action, **options):
        if action != "verify":
            raise CommandError(f"unknown action {action}")
        interactive = sys.stderr.isatty()

        def progress(checked: int) -> None:
            if interactive:
                self.stderr.write(f"\r  checked {checked} rows", ending="")

        report = verify_audit_chain(progress=progress)
        if interactive:
            self.stderr.write("")
        if report.ok:
            self.stdout.write(
                self.style.SUCCESS(f"Audit trail intact: {report.checked} rows verified.")
            )
            return
        self.stderr.write(
            self.style.ERROR(
                f"Audit trail broken after {report.checked} good rows. "
                f"First bad row: {report.problem}"
            )
        )
        raise SystemExit(1)
