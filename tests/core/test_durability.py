"""Durability: several client processes report incidents and record control results over
HTTP while the server (`shireito serve`) is killed with SIGKILL at random moments and
restarted; afterwards every write the server acknowledged is there and the audit trail
verifies. On SQLite (WAL) and on PostgreSQL, whichever the suite runs on.

The run's size: ``SHIREITO_DURABILITY_KILLS`` (default 100) kills, ``SHIREITO_DURABILITY_CLIENTS``
(default 4) client processes. It uses a database of its own (a data directory under the
test's temporary directory, or ``<name>_durability`` on PostgreSQL), never the test database.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.kit import figures

pytestmark = pytest.mark.long

ROOT = Path(__file__).resolve().parents[2]
KILLS = int(os.environ.get("SHIREITO_DURABILITY_KILLS") or 100)
CLIENTS = int(os.environ.get("SHIREITO_DURABILITY_CLIENTS") or 4)
START_TIMEOUT = 60.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _environment(tmp_path: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}",
        "DJANGO_SETTINGS_MODULE": "shireito.settings",
        "SHIREITO_DATA_DIR": str(tmp_path / "data"),
        "SHIREITO_DEMO_MODE": "0",
        "SHIREITO_DB_CONN_MAX_AGE": "0",
    }
    url = os.environ.get("SHIREITO_DATABASE_URL", "")
    if url.startswith("postgres"):
        env["SHIREITO_DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + _pg_name(url)
    return env


def _pg_name(url: str) -> str:
    return url.rsplit("/", 1)[1].split("?")[0] + "_durability"


def _pg_recreate(url: str, *, drop_only: bool = False) -> None:
    import psycopg

    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{_pg_name(url)}" WITH (FORCE)')
        if not drop_only:
            connection.execute(f'CREATE DATABASE "{_pg_name(url)}"')


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _shireito(env: dict[str, str], *args: str) -> str:
    return _run(env, sys.executable, "-m", "shireito.cli", *args)


def _client(
    number: int, base: str, seed: dict, results: list[int], log: str, stop, seen_acks
) -> None:
    """Alternate an incident report and a control-result write until told to stop; log each
    write before it is sent and again once acknowledged (2xx with its id)."""
    rng = random.Random(number)
    with open(log, "a", encoding="utf-8") as out:

        def note(entry: dict) -> None:
            out.write(json.dumps(entry) + "\n")
            out.flush()

        sequence = 0
        while not stop.is_set():
            sequence += 1
            if sequence % 2:
                title = f"durability c{number} #{sequence}"
                body = {"title": title, "category": "malware"}
                answer = _call(base, "POST", "/api/v1/incidents", seed["reporter_token"], body)
                if answer is not None and answer[0] == 201 and answer[1].get("number"):
                    note({"kind": "incident", "acked": True, "title": title, **answer[1]})
                    seen_acks.value += 1
            else:
                result_id = rng.choice(results[number::CLIENTS] or results)
                text = f"c{number}-n{sequence}"
                note(
                    {"kind": "result", "acked": False, "id": result_id, "note": text, "by": number}
                )
                body = {"results": [{"id": result_id, "note": text}]}
                path = f"/api/v1/audits/{seed['audit']}/results"
                answer = _call(base, "PATCH", path, seed["auditor_token"], body)
                if answer is not None and answer[0] == 200 and answer[1].get("changed") == 1:
                    note(
                        {
                            "kind": "result",
                            "acked": True,
                            "id": result_id,
                            "note": text,
                            "by": number,
                        }
                    )
                    seen_acks.value += 1


def _call(base: str, method: str, path: str, token: str, body: dict) -> tuple[int, dict] | None:
    request = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode(),
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, {
                k: v for k, v in json.loads(response.read()).items() if k in ("number", "changed")
            }
    except urllib.error.HTTPError as error:
        return error.code, {}
    except (OSError, ValueError):  # refused, reset, cut short by the kill
        time.sleep(0.02)
        return None


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def _start(launcher: subprocess.Popen, port: int) -> tuple[int, float]:
    """A fresh server (its process group id), and how long it took to listen."""
    started = time.monotonic()
    launcher.stdin.write("start\n")
    launcher.stdin.flush()
    pid = int(launcher.stdout.readline())
    while time.monotonic() - started < START_TIMEOUT:
        if _listening(port):
            return pid, time.monotonic() - started
        time.sleep(0.01)
    raise AssertionError("the server did not listen within a minute; see server.log")


def _kill(pid: int, port: int) -> None:
    """SIGKILL the server and its workers at once, and wait until its socket is gone."""
    os.killpg(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while _listening(port) and time.monotonic() < deadline:
        time.sleep(0.01)


def test_every_acknowledged_write_survives_the_server_being_killed(tmp_path):
    # given a migrated instance of its own, with an audit in fieldwork and two API users
    env = _environment(tmp_path)
    url = os.environ.get("SHIREITO_DATABASE_URL", "")
    if url.startswith("postgres"):
        _pg_recreate(url)
    _shireito(env, "migrate", "--verbosity", "0")
    if not url.startswith("postgres"):
        probe = "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute('PRAGMA journal_mode').fetchone()[0])"
        journal = _run(
            env, sys.executable, "-c", probe, str(tmp_path / "data" / "shireito.sqlite3")
        )
        assert journal.strip() == "wal"
    seed = json.loads(_run(env, sys.executable, "-m", "tests.core.durability_tool", "seed"))
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    logs = [str(tmp_path / f"client-{n}.jsonl") for n in range(CLIENTS)]
    context = multiprocessing.get_context("spawn")
    stop = context.Event()
    acks = context.Value("i", 0)
    rng = random.Random(16)
    starts: list[float] = []
    kills = 0

    # when clients write all along while the server is killed and restarted KILLS times
    with open(tmp_path / "server.log", "ab") as server_log:
        launcher = subprocess.Popen(
            [sys.executable, "-m", "tests.core.durability_tool", "launch", f"127.0.0.1:{port}"],
            env=env,
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=server_log,
            text=True,
        )
        server, took = _start(launcher, port)
        starts.append(took)
        clients = [
            context.Process(
                target=_client, args=(n, base, seed, seed["results"], logs[n], stop, acks)
            )
            for n in range(CLIENTS)
        ]
        for client in clients:
            client.start()
        began = time.monotonic()
        try:
            while kills < KILLS:
                before = acks.value
                deadline = time.monotonic() + 10
                # let some writes through, then kill at a random moment among them
                while acks.value == before and time.monotonic() < deadline:
                    time.sleep(0.01)
                time.sleep(rng.uniform(0.0, 0.4))
                _kill(server, port)
                kills += 1
                server, took = _start(launcher, port)
                starts.append(took)
            time.sleep(1.0)  # the last start serves writes too
        finally:
            stop.set()
            for client in clients:
                client.join(timeout=60)
            os.killpg(server, signal.SIGTERM)
            launcher.stdin.close()
            launcher.wait(timeout=30)
        elapsed = time.monotonic() - began

    # then every acknowledged write is there, and the audit trail verifies
    merged = tmp_path / "writes.jsonl"
    merged.write_text("".join(Path(log).read_text(encoding="utf-8") for log in logs))
    report = json.loads(
        _run(env, sys.executable, "-m", "tests.core.durability_tool", "check", str(merged))
    )
    verified = _shireito(env, "auditlog", "verify")
    if url.startswith("postgres"):
        _pg_recreate(url, drop_only=True)
    figures.report(
        "durability",
        f"({'PostgreSQL' if url.startswith('postgres') else 'SQLite WAL'}): "
        f"{kills} kills survived in {elapsed:.0f} s, {CLIENTS} clients, "
        f"{acks.value} writes acknowledged, {report['incidents_checked']} incident reports and "
        f"{report['results_checked']} result writes checked; server start "
        f"median {statistics.median(starts):.2f} s, max {max(starts):.2f} s; {verified.strip()}",
    )
    assert report["missing"] == []
    assert report["incidents_checked"] > 0
    assert report["results_checked"] > 0
    assert kills == KILLS
