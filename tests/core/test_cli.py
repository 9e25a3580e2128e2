"""The `shireito` command: demo load, token create, serve."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from shireito.accounts.models import User
from shireito.core.models import AuditEvent
from shireito.demo.dataset import USERS
from shireito.organizations.models import Organization

pytestmark = pytest.mark.django_db


def test_demo_load_refuses_outside_demo_mode(settings):
    from django.core.management.base import CommandError

    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="demo mode"):
        call_command("demo", "load", stdout=StringIO())
    assert not User.objects.exists()


def test_changepassword_goes_through_the_audited_service(viewer, monkeypatch):
    from shireito.core.selectors import object_history

    monkeypatch.setattr("getpass.getpass", lambda prompt="": "a new long passphrase")
    call_command("changepassword", viewer.username, stdout=StringIO())
    viewer.refresh_from_db()
    assert viewer.check_password("a new long passphrase")
    assert "password" in object_history(viewer, user=None).first().changes


@pytest.mark.usefixtures("demo_mode")
def test_demo_load_is_idempotent():
    # when the demo is loaded twice
    call_command("demo", "load", stdout=StringIO())
    state = (Organization.objects.count(), User.objects.count(), AuditEvent.objects.count())
    call_command("demo", "load", stdout=StringIO())

    # then the second load changes nothing, not even the audit trail
    assert (Organization.objects.count(), User.objects.count(), AuditEvent.objects.count()) == state
    assert User.objects.count() == len(USERS)


def test_demo_load_if_empty_leaves_existing_data_alone(organization, demo_mode):
    out = StringIO()
    call_command("demo", "load", "--if-empty", stdout=out)
    assert "already has data" in out.getvalue()
    assert Organization.objects.count() == 1


def test_token_create_prints_a_working_token_as_last_word(viewer, client):
    out = StringIO()
    call_command("token", "create", "--user", viewer.username, stdout=out, stderr=StringIO())
    token = out.getvalue().split()[-1]
    response = client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert response.json()["username"] == viewer.username


def test_token_create_for_unknown_user_fails_clearly():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No active user"):
        call_command("token", "create", "--user", "nobody", stdout=StringIO())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_and_ask(cli: list[str], env: dict, port: int) -> tuple[bytes, str, str]:
    """Start `shireito serve`, wait until /healthz answers, fetch the sign-in page's CSS
    address, stop it; returns the health answer, the server header and everything printed."""
    server = subprocess.Popen(
        [*cli, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    body, server_header = b"", ""
    try:
        # Waits for start-up (the first start collects and compresses every static file,
        # longer on a busy machine); a readiness wait, not a timing assertion.
        for _ in range(1500):
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/healthz", timeout=2
                ) as response:
                    body = response.read()
                    server_header = response.headers.get("Server", "")
                break
            except OSError:
                time.sleep(0.2)
        if body:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{port}/accounts/login/", timeout=5
            ) as page:
                html = page.read().decode()
            css = html.split('href="/static/shireito/css/app.')[1].split('"')[0]
            with urllib.request.urlopen(
                f"http://127.0.0.1:{port}/static/shireito/css/app.{css}"
            ) as static:
                assert static.status == 200
                assert "max-age" in static.headers.get("Cache-Control", "")
    finally:
        server.terminate()
        printed = server.communicate(timeout=30)[0].decode()
    return body, server_header, printed


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="runs once, on its own SQLite file")
def test_serve_runs_gunicorn_with_static_files_collected_once(tmp_path):
    """`shireito serve` is a real WSGI server (gunicorn) with WhiteNoise static files, which
    it collects at its first start only; it prints its address once it listens."""
    # given a migrated database in a fresh data directory
    env = {
        **os.environ,
        "SHIREITO_DATA_DIR": str(tmp_path),
        "SHIREITO_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "shireito.settings",
    }
    cli = [sys.executable, "-m", "shireito.cli"]
    subprocess.run([*cli, "migrate", "--noinput"], env=env, check=True, capture_output=True)

    # when the server starts twice
    port = _free_port()
    first = _start_and_ask(cli, env, port)
    second = _start_and_ask(cli, env, port)

    # then both answer through gunicorn, with the static files served
    for body, server_header, _printed in (first, second):
        assert json.loads(body)["status"] == "ok"
        assert "gunicorn" in server_header
    # and only the first collected them
    assert "Collecting and compressing static files" in first[2]
    assert "Collecting" not in second[2]
    # and each printed the address after gunicorn listened, never before
    address = f"Shireitō: http://127.0.0.1:{port}/"
    for _body, _header, printed in (first, second):
        assert printed.count(address) == 1
        assert printed.index("Listening at:") < printed.index(address)
    assert connection.vendor == "sqlite"
