from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from shireito.demo import DEMO_PASSWORD, USERS, load_demo_data


class Command(BaseCommand):
    help = "Demo data: `demo load` brings the database to the demo state (idempotent)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="load the demo data set")
        load.add_argument(
            "--if-empty",
            action="store_true",
            help="only when the database has no organisation yet (what `make run` uses)",
        )

    def handle(self, *args, action, if_empty=False, **options):
        if action != "load":
            raise CommandError(f"unknown action {action}")
        from shireito.organizations.models import Organization

        if "organizations_organization" not in connection.introspection.table_names():
            raise CommandError("The database is not migrated: run `shireito migrate` first.")
        if if_empty and Organization.objects.exists():
            self.stdout.write("Demo data not loaded: the database already has data.")
            return

        interactive = self.stdout.isatty()

        def progress(stage: str, done: int, total: int) -> None:
            if interactive:
                self.stdout.write(
                    f"\r  {stage}: {done}/{total}", ending="\n" if done == total else ""
                )
                self.stdout.flush()
            elif done == total:
                self.stdout.write(f"  {stage}: {done}/{total}")

        result = load_demo_data(progress=progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data loaded: {result.organizations} organizations, {result.users} users."
            )
        )
        names = ", ".join(username for username, *_rest in USERS)
        self.stdout.write(f"Sign in as any of: {names}")
        self.stdout.write(f"Password: {DEMO_PASSWORD}")
