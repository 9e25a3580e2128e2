"""`shireito catalog import|export|list`."""

import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shireito.organizations.models import Organization
from shireito.standards.choices import CatalogFormat
from shireito.standards.exporters import export_oscal
from shireito.standards.importers import CatalogImportError
from shireito.standards.mappings import mapping_import
from shireito.standards.models import Catalog
from shireito.standards.services import catalog_upload


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
        mapping = sub.add_parser("map", help="import a mapping between two catalogs (CSV)")
        mapping.add_argument("file")
        mapping.add_argument("--source", required=True, help="the source catalog's key")
        mapping.add_argument("--target", required=True, help="the target catalog's key")
        mapping.add_argument("--key", required=True)
        mapping.add_argument("--title", default="")

    def handle(self, *args, action, **options):
        if action == "list":
            for catalog in Catalog.objects.order_by("key"):
                self.stdout.write(f"{catalog.key:<32} {catalog.nodes.count():>6}  {catalog}")
            return
        if action == "map":
            return self._map(options)
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
        against = None
        if options["catalog"]:
            against = Catalog.objects.filter(key=options["catalog"]).first()
            if against is None:
                raise CommandError(f"No catalog {options['catalog']!r}.")
        try:
            upload = catalog_upload(
                actor=None,
                raw=raw,
                fmt=options["format"],
                key=key,
                title=options["title"],
                edition=options["edition"],
                owner=owner,
                source_name=path.name,
                against=against,
            )
        except CatalogImportError as exc:
            for problem in exc.problems:
                self.stderr.write(f"{path.name}: {problem}")
            raise SystemExit(1) from exc
        elapsed = time.perf_counter() - started
        if upload.is_profile:
            self.stdout.write(
                f"Resolved profile {upload.catalog.key}: {upload.controls} controls "
                f"({upload.nodes} nodes) in {elapsed:.2f} s"
            )
            return
        self.stdout.write(
            f"Imported {upload.catalog.key}: {upload.nodes} nodes in {elapsed:.2f} s"
            + (
                f" ({upload.merged_duplicates} repeated entries merged)"
                if upload.merged_duplicates
                else ""
            )
        )

    def _map(self, options):
        catalogs = {}
        for side in ("source", "target"):
            catalogs[side] = Catalog.objects.filter(key=options[side]).first()
            if catalogs[side] is None:
                raise CommandError(f"No catalog {options[side]!r}.")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file {path}")
        try:
            mapping = mapping_import(
                actor=None,
                raw=path.read_bytes(),
                key=options["key"],
                title=options["title"],
                source=catalogs["source"],
                target=catalogs["target"],
            )
        except CatalogImportError as exc:
            for problem in exc.problems:
                self.stderr.write(f"{path.name}: {problem}")
            raise SystemExit(1) from exc
        self.stdout.write(f"Imported mapping {mapping.key}: {mapping.entries.count()} entries")
