"""`shireito catalog import|export|list`."""

import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shireito.organizations.models import Organization
from shireito.standards.choices import CatalogFormat
from shireito.standards.exporters import export_oscal
from shireito.standards.importers import CatalogImportError, import_catalog
from shireito.standards.models import Catalog
from shireito.standards.profiles import resolve_profile


class Command(BaseCommand):
    help = "Catalogs: import an OSCAL catalog or the Common Standards JSON, export OSCAL, list."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("import", help="import a catalog file")
        load.add_argument("file")
        load.add_argument("--format", choices=CatalogFormat.values, default=CatalogFormat.OSCAL)
        load.add_argument("--key", help="the catalog's key (default: from the file name)")
        load.add_argument("--title", default="")
        load.add_argument("--edition", default="")
        load.add_argument("--owner", help="owner organization code")
        load.add_argument(
            "--catalog", help="for a profile: the catalog (key) its imports resolve against"
        )
        dump = sub.add_parser("export", help="export a catalog")
        dump.add_argument("key")
        dump.add_argument("--format", choices=["oscal"], default="oscal")
        dump.add_argument("-o", "--output", help="a file (default: standard output)")
        sub.add_parser("list", help="list the catalogs")

    def handle(self, *args, action, **options):
        if action == "list":
            for catalog in Catalog.objects.order_by("key"):
                self.stdout.write(f"{catalog.key:<32} {catalog.nodes.count():>6}  {catalog}")
            return
        if action == "export":
            catalog = Catalog.objects.filter(key=options["key"]).first()
            if catalog is None:
                raise CommandError(f"No catalog {options['key']!r}.")
            text = json.dumps(export_oscal(catalog), ensure_ascii=False, indent=2)
            if options["output"]:
                Path(options["output"]).write_text(text, encoding="utf-8")
            else:
                self.stdout.write(text)
            return
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file {path}")
        owner = None
        if options["owner"]:
            owner = Organization.objects.filter(code=options["owner"]).first()
            if owner is None:
                raise CommandError(f"No organization {options['owner']!r}.")
        key = options["key"] or path.stem.lower().replace("_", "-").replace(" ", "-")
        started = time.perf_counter()
        raw = path.read_bytes()
        if options["format"] == CatalogFormat.OSCAL and b'"profile"' in raw[:2000]:
            return self._profile(path, raw, key, owner, options, started)
        try:
            summary = import_catalog(
                raw,
                fmt=options["format"],
                actor=None,
                key=key,
                title=options["title"],
                edition=options["edition"],
                owner=owner,
                source_name=path.name,
            )
        except CatalogImportError as exc:
            for problem in exc.problems:
                self.stderr.write(f"{path.name}: {problem}")
            raise SystemExit(1) from exc
        self.stdout.write(
            f"Imported {summary.catalog.key}: {summary.nodes} nodes in "
            f"{time.perf_counter() - started:.2f} s"
            + (
                f" ({summary.merged_duplicates} repeated entries merged)"
                if summary.merged_duplicates
                else ""
            )
        )

    def _profile(self, path, raw, key, owner, options, started):
        source = None
        if options["catalog"]:
            source = Catalog.objects.filter(key=options["catalog"]).first()
            if source is None:
                raise CommandError(f"No catalog {options['catalog']!r}.")
        try:
            summary = resolve_profile(
                raw, actor=None, key=key, title=options["title"], owner=owner, catalog=source
            )
        except CatalogImportError as exc:
            for problem in exc.problems:
                self.stderr.write(f"{path.name}: {problem}")
            raise SystemExit(1) from exc
        self.stdout.write(
            f"Resolved profile {summary.catalog.key}: {summary.controls} controls "
            f"({summary.nodes} nodes) in {time.perf_counter() - started:.2f} s"
        )
