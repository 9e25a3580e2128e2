from django.core.management.base import BaseCommand, CommandError

from shireito.accounts.choices import TokenScope
from shireito.accounts.models import User
from shireito.accounts.services import api_token_create


class Command(BaseCommand):
    help = "API tokens: `token create --user NAME` prints a new token (the last word printed)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token for a user")
        create.add_argument("--user", required=True, help="the user name")
        create.add_argument("--name", default="command line", help="what the token is for")
        create.add_argument("--days", type=int, default=90, help="days until it expires (1-366)")
        create.add_argument(
            "--scope",
            choices=TokenScope.values,
            default=TokenScope.READ_WRITE,
            help="read_only (API and TAXII reads), read_write (the default: all the user may "
            "do on both) or taxii (TAXII only)",
        )

    def handle(self, *args, action, user, name, days, scope, **options):
        if action != "create":
            raise CommandError(f"unknown action {action}")
        owner = User.objects.filter(username__iexact=user, is_active=True).first()
        if owner is None:
            raise CommandError(f"No active user named {user!r}.")
        if not 1 <= days <= 366:
            raise CommandError("--days must be between 1 and 366.")
        token, secret = api_token_create(
            actor=None, user=owner, name=name, expires_in_days=days, scope=scope
        )
        self.stderr.write(
            f"Token {token.prefix}… ({scope}) for {owner.username}, "
            f"expires {token.expires_at:%Y-%m-%d}:"
        )
        self.stdout.write(secret)
