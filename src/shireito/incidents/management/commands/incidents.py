"""`shireito incidents notify-overdue|list|presets`."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from shireito.accounts.models import User
from shireito.incidents import selectors, services
from shireito.incidents.choices import IncidentCategory, ReportStatus
from shireito.incidents.regimes import install_presets


class Command(BaseCommand):
    help = (
        "Incident reports: raise notices for overdue regime stages (run it from cron), list "
        "the reports a user may see, install missing preset regimes."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser(
            "notify-overdue",
            help="raise a notice (and e-mail) once for every overdue stage of every open report",
        )
        listing = sub.add_parser("list", help="list the reports a user may see")
        listing.add_argument("--user", required=True, help="the user name whose view to list")
        listing.add_argument("--status", choices=ReportStatus.values)
        listing.add_argument("--category", choices=IncidentCategory.values)
        listing.add_argument("--search", default="")
        listing.add_argument(
            "--waiting", action="store_true", help="only those waiting for the user's organization"
        )
        sub.add_parser("presets", help="install the shipped regimes that are missing")

    def handle(self, *args, action, **options):
        if action == "notify-overdue":
            count = services.overdue_notify()
            self.stdout.write(f"{count} notice{'' if count == 1 else 's'} raised.")
        elif action == "presets":
            count = install_presets()
            self.stdout.write(f"{count} regime{'' if count == 1 else 's'} installed.")
        else:
            self._list(options)

    def _list(self, options):
        user = User.objects.filter(username=options["user"]).select_related("organization").first()
        if user is None or not user.is_active:
            raise CommandError(f"No active user {options['user']!r}.")
        reports = selectors.report_list(
            user,
            status=options["status"] or "",
            category=options["category"] or "",
            search=options["search"],
            waiting_for_me=options["waiting"],
        )
        self.stdout.write(
            f"{'number':<14} {'status':<7} {'category':<20} {'tlp':<17} {'reporter':<20} "
            f"{'submitted':<16} title"
        )
        for report in reports:
            submitted = (
                timezone.localtime(report.submitted_at).strftime("%Y-%m-%d %H:%M")
                if report.submitted_at
                else "-"
            )
            self.stdout.write(
                f"{report.number:<14} {report.status:<7} {report.category:<20} "
                f"{report.get_tlp_display():<17} {report.reporter.code:<20} {submitted:<16} "
                f"{report.title}"
            )
