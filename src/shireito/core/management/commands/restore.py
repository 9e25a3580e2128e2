"""``shireito restore FILE``: a backup into an empty instance, all or nothing."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shireito.core.backup import BackupError
from shireito.core.progress import ProgressLine
from shireito.core.restore import check_archive, check_empty, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup written by `shireito backup` into an empty instance (right after "
        "`shireito migrate`). The whole archive is checked first; a damaged, truncated or "
        "foreign file, or a backup of another schema, is refused before anything changes."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the archive to restore")
        parser.add_argument(
            "--check", action="store_true", help="only check the archive and the instance"
        )

    def handle(self, *args, file: Path, check: bool, **options):
        started = time.monotonic()
        # The bare stream: the wrapper would end each redraw of the bar with a new line.
        progress = ProgressLine(getattr(self.stderr, "_out", sys.stderr))
        try:
            if check:
                checked = check_archive(file)
                check_empty()
                self.stdout.write(
                    self.style.SUCCESS(
                        f"{file} is whole ({len(checked.members)} members) and this instance "
                        "is empty: it can be restored."
                    )
                )
                return
            result = restore_backup(file, progress=progress)
        except BackupError as error:
            raise CommandError(str(error)) from error
        finally:
            progress.close()
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {file}: {result.total_rows} rows in {len(result.rows)} tables, "
                f"{result.files} files, in {time.monotonic() - started:.1f} s. "
                "Check the audit trail with `shireito auditlog verify`."
            )
        )
