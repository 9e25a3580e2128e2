"""The ``shireito`` command: Django's management commands plus our own (serve, demo, token,
audit, auditlog), so operators learn one command."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shireito.settings")
    # Imported once the settings module is named, as Django's own manage.py does.
    from django.core.management import execute_from_command_line

    execute_from_command_line(["shireito", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
