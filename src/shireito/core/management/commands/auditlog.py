import sys

from django.core.management.base import BaseCommand, CommandError

from shireito.core.audit_anchor import CheckpointRefused, anchor_path, write_checkpoint
from shireito.core.selectors import verify_audit_chain


class Command(BaseCommand):
    help = (
        "The audit trail: `auditlog verify` recomputes the keyed hash chain, checks it against "
        "the checkpoint log and names the first bad row; `auditlog checkpoint` appends a signed "
        "checkpoint of the chain head to the checkpoint log."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser(
            "verify", help="verify the chain and checkpoints; exits 1 at the first bad row"
        )
        sub.add_parser("checkpoint", help="anchor the chain head in the checkpoint log")

    def handle(self, *args, action, **options):
        if action == "checkpoint":
            self._checkpoint()
        elif action == "verify":
            self._verify()
        else:
            raise CommandError(f"unknown action {action}")

    def _checkpoint(self) -> None:
        try:
            checkpoint = write_checkpoint()
        except CheckpointRefused as exc:
            self.stderr.write(self.style.ERROR(f"Checkpoint refused: {exc}"))
            raise SystemExit(1) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Checkpoint {checkpoint.line} written to {anchor_path()}: "
                f"{checkpoint.count} rows, head {checkpoint.head[:16]}…"
            )
        )

    def _verify(self) -> None:
        interactive = sys.stderr.isatty()

        def progress(checked: int) -> None:
            if interactive:
                self.stderr.write(f"\r  checked {checked} rows", ending="")

        report = verify_audit_chain(progress=progress)
        if interactive:
            self.stderr.write("")
        if report.ok:
            anchored = (
                f"checked against {report.checkpoints} checkpoints in {anchor_path()}"
                if report.checkpoints
                else f"no checkpoints found in {anchor_path()}"
            )
            self.stdout.write(
                self.style.SUCCESS(
                    f"Audit trail intact: {report.checked} rows verified, {anchored}."
                )
            )
            return
        self.stderr.write(
            self.style.ERROR(
                f"Audit trail broken after {report.checked} good rows. "
                f"First bad row: {report.problem}"
            )
        )
        raise SystemExit(1)
