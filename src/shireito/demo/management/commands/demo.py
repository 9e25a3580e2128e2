import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from shireito.accounts.models import User
from shireito.core.worker_process import worker_beside
from shireito.demo.dataset import USERS, demo_password, load_demo_data
from shireito.demo.scale import generate
from shireito.organizations.models import Organization


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
        sub.add_parser("info", help="print the demo sign-in names and password")
        serve = sub.add_parser(
            "serve",
            help="migrate, load the demo when the database is empty, print the sign-in names "
            "once, then serve (what `make run` does, in one process)",
        )
        serve.add_argument("--bind", default=settings.SHIREITO_BIND)
        serve.add_argument("--workers", type=int, default=settings.SHIREITO_WORKERS)
        serve.add_argument(
            "--no-worker",
            action="store_true",
            help="do not start a background worker beside the server",
        )
        scale = sub.add_parser(
            "scale",
            help="add a deterministic national-scale data set (bulk inserts, demo mode only)",
        )
        scale.add_argument("--systems", type=int, default=40_000)
        scale.add_argument("--seed", type=int, default=1)
        scale.add_argument(
            "--no-audits",
            dest="audits",
            action="store_false",
            help="leave out the audits (by default two cycles of a 1,040-control baseline for a "
            "tenth of the systems: some 8.3 million control results at 40,000 systems)",
        )
        scale.add_argument(
            "--no-incidents",
            dest="incidents",
            action="store_false",
            help="leave out the 50,000 incident reports and their routes",
        )
        scale.add_argument(
            "--no-plan",
            dest="plan",
            action="store_false",
            help="leave out the priority plan of 500 measures, 1,500 KPIs and 30,000 values",
        )
        scale.add_argument(
            "--no-cocreation",
            dest="cocreation",
            action="store_false",
            help="leave out the co-creation platform's 12,500 members, 100 spaces, 100,000 "
            "threads and 1,000,000 posts",
        )

    def handle(self, *args, action, if_empty=False, **options):
        if action == "info":
            self._print_sign_in()
            return
        if action not in {"load", "scale", "serve"}:
            raise CommandError(f"unknown action {action}")
        if not settings.DEMO_MODE:
            raise CommandError(
                "The demo data has a published password and a platform admin: it loads only "
                "in demo mode (SHIREITO_DEMO_MODE=true), never into a real installation."
            )
        if action == "serve":
            return self._serve(
                options["bind"], options["workers"], with_worker=not options["no_worker"]
            )
        if "organizations_organization" not in connection.introspection.table_names():
            raise CommandError("The database is not migrated: run `shireito migrate` first.")
        if action == "scale":
            return self._scale(
                options["systems"],
                options["seed"],
                options.get("audits", True),
                options.get("incidents", True),
                options.get("plan", True),
                options.get("cocreation", True),
            )
        if if_empty and Organization.objects.exists():
            self.stdout.write("Demo data not loaded: the database already has data.")
            return
        self._load()
        self._print_sign_in()

    def _serve(self, bind: str, workers: int, *, with_worker: bool = True) -> None:
        """One process, so one start of Django: migrations (quick when there are none), the
        demo when the database is empty, the sign-in names once, then the server, with a
        background worker beside it (a child process, stopped with the server)."""
        call_command("migrate", interactive=False, stdout=self.stdout)
        if Organization.objects.exists():
            self.stdout.write("Demo data already loaded.")
        else:
            self._load()
        if User.objects.filter(username=USERS[0][0]).exists():
            self._print_sign_in()
        else:
            self.stdout.write("The database has data other than the demo's: no demo sign-in.")
        with worker_beside(enabled=with_worker):
            call_command("serve", bind=bind, workers=workers, stdout=self.stdout)

    def _load(self) -> None:
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

    def _scale(
        self,
        systems: int,
        seed: int,
        audits: bool = True,
        incidents: bool = True,
        plan: bool = True,
        cocreation: bool = True,
    ) -> None:
        if not 1 <= systems <= 1_000_000:
            raise CommandError("--systems must be between 1 and 1,000,000.")
        interactive = self.stdout.isatty()
        started = time.monotonic()

        def progress(stage: str, done: int, total: int) -> None:
            if interactive:
                self.stdout.write(
                    f"\r  {stage}: {done:,}/{total:,}", ending="\n" if done == total else ""
                )
                self.stdout.flush()
            elif done == total:
                self.stdout.write(f"  {stage}: {done:,}/{total:,}")

        try:
            result = generate(
                systems=systems,
                seed=seed,
                audits=audits,
                incidents=incidents,
                plan=plan,
                cocreation=cocreation,
                progress=progress,
            )
        except ValueError as error:  # data the run would have to destroy: say so, change nothing
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Scale data: {result.organizations:,} organizations, {result.systems:,} systems, "
                f"{result.budget_lines:,} budget lines, {result.audits:,} audits, "
                f"{result.control_results:,} control results and "
                f"{result.incident_reports:,} incident reports, "
                f"{result.plan_measures:,} plan measures with "
                f"{result.plan_measurements:,} KPI values, "
                f"{result.cocreation_threads:,} co-creation threads with "
                f"{result.cocreation_posts:,} posts by {result.cocreation_members:,} members in "
                f"{time.monotonic() - started:.0f} s (seed {seed})."
            )
        )

    def _print_sign_in(self) -> None:
        self.stdout.write("Demo sign-in names (organization, roles):")
        for username, _full_name, organization, roles in USERS:
            self.stdout.write(f"  {username:<16} {organization:<15} {', '.join(roles)}")
        self.stdout.write(f"Demo password: {demo_password()}")
