"""Django's changepassword, through the audited service (Django's own saves directly)."""

import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from shireito.accounts.models import User
from shireito.accounts.services import user_set_password


class Command(BaseCommand):
    help = "Change a user's password (recorded in the audit trail)."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("username", help="the user name")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        for _attempt in range(3):
            first = getpass.getpass("New password: ")
            if first != getpass.getpass("New password again: "):
                self.stderr.write("The passwords differ. Try again.")
                continue
            try:
                user_set_password(actor=None, user=user, password=first)
            except ValidationError as exc:
                self.stderr.write("\n".join(exc.message_dict.get("password", exc.messages)))
                continue
            self.stdout.write(f"Password changed for {username}.")
            return
        raise CommandError("Too many attempts; the password is unchanged.")
