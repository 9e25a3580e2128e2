"""Serve Shireitō with gunicorn (never Django's development server)."""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Serve the application with gunicorn; static files are served by WhiteNoise."

    def add_arguments(self, parser):
        parser.add_argument(
            "--bind", default=settings.SHIREITO_BIND, help="address:port (default %(default)s)"
        )
        parser.add_argument("--workers", type=int, default=settings.SHIREITO_WORKERS)
        parser.add_argument(
            "--no-collectstatic", action="store_true", help="skip collecting static files first"
        )

    def handle(self, *args, bind: str, workers: int, no_collectstatic: bool, **options):
        if ":" not in bind:
            raise CommandError("--bind takes address:port, e.g. 127.0.0.1:8000")
        if not no_collectstatic:
            call_command("collectstatic", interactive=False, verbosity=0)
        # Imported only when serving: other commands need neither gunicorn nor the WSGI app.
        from gunicorn.app.base import BaseApplication

        from shireito.wsgi import application

        class Server(BaseApplication):
            def load_config(self):
                self.cfg.set("bind", [bind])
                self.cfg.set("workers", workers)
                self.cfg.set("accesslog", "-")
                self.cfg.set("timeout", 120)
                self.cfg.set("forwarded_allow_ips", "127.0.0.1")

            def load(self):
                return application

        self.stdout.write(f"Serving Shireitō on http://{bind}/ (Ctrl+C stops)")
        Server().run()
