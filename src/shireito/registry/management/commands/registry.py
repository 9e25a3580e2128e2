"""`shireito registry import FILE [--dry-run]` and `shireito registry export`."""

import json
import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from shireito.registry.models import InformationSystem
from shireito.registry.selectors import budget_rollup, current_fiscal_year
from shireito.registry.tallies import rebuild_tallies, tallies_disagree
from shireito.registry.transfer import export_csv, export_json, import_bytes


class Command(BaseCommand):
    help = (
        "The portfolio from the command line: import systems from CSV, export them as CSV or JSON."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("import", help="import systems from a CSV file (every row or none)")
        load.add_argument("file")
        load.add_argument("--dry-run", action="store_true", help="only check the file")
        dump = sub.add_parser("export", help="export every system")
        dump.add_argument("--format", choices=["csv", "json"], default="csv")
        dump.add_argument("--output", help="a file (default: standard output)")
        rollup = sub.add_parser("rollup", help="print the single budget per ministry or category")
        rollup.add_argument("--group-by", choices=["ministry", "category"], default="ministry")
        rollup.add_argument("--years", type=int, default=5, help="fiscal years up to this one")
        rollup.add_argument("--format", choices=["table", "json"], default="table")
        tallies = sub.add_parser(
            "tallies", help="check the summary tables against a direct count (or rebuild them)"
        )
        tallies.add_argument("--rebuild", action="store_true", help="recompute them from scratch")

    def handle(self, *args, action, **options):
        if action == "rollup":
            return self._rollup(options)
        if action == "tallies":
            return self._tallies(options["rebuild"])
        if action == "export":
            systems = InformationSystem.objects.select_related("owner", "builder").order_by("code")
            chunks = export_csv(systems) if options["format"] == "csv" else export_json(systems)
            if not options["output"]:
                for chunk in chunks:
                    self.stdout.write(chunk, ending="")
                return
            with open(options["output"], "w", encoding="utf-8", newline="") as out:
                for chunk in chunks:
                    out.write(chunk)
            return
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file {path}")
        interactive = sys.stderr.isatty()

        def progress(rows: int) -> None:
            if interactive:
                self.stderr.write(f"\r  checked {rows:,} rows", ending="")

        try:
            result = import_bytes(
                path.read_bytes(), actor=None, dry_run=options["dry_run"], progress=progress
            )
        except ValidationError as exc:
            raise CommandError(f"{path.name}: {' '.join(exc.messages)}") from exc
        if interactive:
            self.stderr.write("")
        self.stdout.write(f"{path.name}: {result.encoding_notice}")
        for problem in result.problems:
            where = f"line {problem.row}" + (f", column {problem.column}" if problem.column else "")
            self.stderr.write(f"{path.name}: {where}: {problem.message}")
        verb = "would add" if not result.written else "added"
        self.stdout.write(f"{result.rows} rows: {verb} {result.created}, changed {result.updated}.")
        if result.problems:
            self.stderr.write(self.style.ERROR("Nothing was written: the file has problems."))
            raise SystemExit(1)
        if not result.written:
            self.stdout.write("Checked only (--dry-run): nothing was written.")

    def _tallies(self, rebuild: bool) -> None:
        if rebuild:
            rebuild_tallies()
            self.stdout.write("The summary tables are rebuilt.")
            return
        wrong = tallies_disagree()
        if wrong:
            self.stderr.write(
                self.style.ERROR(f"Differ from a direct count: {', '.join(wrong)} (use --rebuild)")
            )
            raise SystemExit(1)
        self.stdout.write("The summary tables agree with a direct count.")

    def _rollup(self, options) -> None:
        current = current_fiscal_year()
        years = list(range(current - options["years"] + 1, current + 1))
        rows = budget_rollup(user=None, group_by=options["group_by"], years=years)
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        self.stdout.write("approved yen (change on the year before)")
        self.stdout.write(f"{'':<28}" + "".join(f"{'FY' + str(y):>26}" for y in years))
        for row in rows:
            cells = []
            for year in years:
                cell = row["years"][year]
                amount = f"{cell['approved']:,}" if cell["approved"] is not None else "-"
                change = f" ({cell['change']:+.1f}%)" if cell["change"] is not None else ""
                cells.append(f"{amount + change:>26}")
            self.stdout.write(f"{row['group']:<28}" + "".join(cells))
