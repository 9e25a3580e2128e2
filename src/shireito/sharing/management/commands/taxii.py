"""`shireito taxii collections|collection-create|access-set|fill`."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from shireito.organizations.models import Organization
from shireito.sharing import services
from shireito.sharing.choices import Tlp
from shireito.sharing.models import Collection
from shireito.sharing.scale import fill_collection


class Command(BaseCommand):
    help = "TAXII collections: list them, create one, set who may read and write it."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("collections", help="list the collections and who may use them")
        create = sub.add_parser("collection-create", help="create a collection")
        create.add_argument("--title", required=True)
        create.add_argument("--owner", required=True, help="the owning organisation's code")
        create.add_argument("--max-tlp", default=Tlp.AMBER, choices=Tlp.values)
        create.add_argument("--description", default="")
        create.add_argument("--alias", default="")
        access = sub.add_parser(
            "access-set",
            help="give an organisation read and/or write access (neither removes it)",
        )
        access.add_argument("collection", help="the collection's id or alias")
        access.add_argument("organization", help="the organisation's code")
        access.add_argument("--read", action="store_true")
        access.add_argument("--write", action="store_true")
        access.add_argument("--max-tlp", default=Tlp.GREEN, choices=Tlp.values)
        fill = sub.add_parser(
            "fill", help="add N synthetic indicators to a collection (demo mode only)"
        )
        fill.add_argument("collection", help="the collection's id or alias")
        fill.add_argument("--count", type=int, required=True)
        fill.add_argument("--seed", type=int, default=1)

    def handle(self, *args, action, **options):
        handler = {
            "collections": self._collections,
            "collection-create": self._create,
            "access-set": self._access_set,
            "fill": self._fill,
        }[action]
        try:
            return handler(options)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc

    def _collections(self, options):
        # The command line is the operator's: it sees every collection.
        collections = Collection.objects.select_related("owner").prefetch_related(
            "accesses__organization"
        )
        for collection in collections:
            self.stdout.write(
                f"{collection.pk}  {collection.title}  owner={collection.owner.code}  "
                f"max_tlp={collection.max_tlp}"
                + (f"  alias={collection.alias}" if collection.alias else "")
            )
            for access in collection.accesses.all():
                rights = ("read" if access.can_read else "") + (
                    ",write" if access.can_write else ""
                )
                self.stdout.write(
                    f"    {access.organization.code:<24} {rights.strip(','):<11} "
                    f"max_tlp={access.max_tlp}"
                )

    def _create(self, options):
        owner = _organization(options["owner"])
        collection = services.collection_create(
            actor=None,
            title=options["title"],
            owner=owner,
            description=options["description"],
            max_tlp=options["max_tlp"],
            alias=options["alias"],
        )
        self.stdout.write(str(collection.pk))

    def _access_set(self, options):
        collection = _collection(options["collection"])
        organization = _organization(options["organization"])
        row = services.collection_access_set(
            actor=None,
            collection=collection,
            organization=organization,
            can_read=options["read"],
            can_write=options["write"],
            max_tlp=options["max_tlp"],
        )
        if row is None:
            self.stdout.write(f"{organization.code} has no access to {collection.title} now.")
        else:
            self.stdout.write(
                f"{organization.code}: read={row.can_read} write={row.can_write} "
                f"max_tlp={row.max_tlp} on {collection.title}"
            )

    def _fill(self, options):
        if not settings.DEMO_MODE:
            raise CommandError("fill adds synthetic data: only with SHIREITO_DEMO_MODE=true.")
        if options["count"] < 1:
            raise CommandError("--count must be 1 or more.")
        collection = _collection(options["collection"])

        def progress(done, total):
            self.stderr.write(f"{done:,} / {total:,}")

        count = fill_collection(
            collection, options["count"], progress=progress, seed=options["seed"]
        )
        self.stdout.write(f"added {count:,} objects to {collection.title}")


def _organization(code: str) -> Organization:
    organization = Organization.objects.filter(code=code).first()
    if organization is None:
        raise CommandError(f"No organisation with code {code!r}.")
    return organization


def _collection(key: str) -> Collection:
    try:
        found = Collection.objects.filter(pk=uuid.UUID(key)).first()
    except ValueError:
        found = Collection.objects.filter(alias=key).first() if key else None
    if found is None:
        raise CommandError(f"No collection with id or alias {key!r}.")
    return found
