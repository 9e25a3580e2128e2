"""``shireito backup FILE``: the database and the file store in one archive, taken online."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shireito.core.backup import BackupError, write_backup
from shireito.core.progress import ProgressLine


class Command(BaseCommand):
    help = (
        "Write a consistent snapshot of the database and the file store, with a manifest of "
        "SHA-256 checksums and the schema version, to FILE (.tar, or .tar.gz to compress). "
        "The server may keep running."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the archive to write")
        parser.add_argument(
            "--force", action="store_true", help="replace FILE when it exists already"
        )

    def handle(self, *args, file: Path, force: bool, **options):
        if file.exists() and not force:
            raise CommandError(f"{file} exists already; choose another name or add --force.")
        # The bare stream: the wrapper would end each redraw of the bar with a new line.
        progress = ProgressLine(getattr(self.stderr, "_out", sys.stderr))
        started = time.monotonic()
        try:
            result = write_backup(file, progress=progress)
        except BackupError as error:
            raise CommandError(str(error)) from error
        finally:
            progress.close()
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {result.path}: {result.total_rows} rows in "
                f"{len(result.rows)} tables, {result.files} files "
                f"({result.file_bytes} bytes), in {time.monotonic() - started:.1f} s."
            )
        )
