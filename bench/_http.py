"""Benchmarks over HTTP, as a client sees the server: ``shireito serve`` (gunicorn, one worker
unless asked for more, as the peers were measured) started as its own process on the
script's scratch database, and a ``requests`` session with a bearer token.

    with served(bench) as http:
        http.measure("API: import a catalog", lambda: http.post(...), runs=5)

A case timed this way counts everything a client waits for: the connection, gunicorn, every
middleware, parsing the request, the work, writing the answer. Scripts record the same work
timed in-process beside it, so the difference shows what HTTP itself costs.

The server's own CPU seconds for the timed requests are read from ``/proc/<pid>/stat`` of the
worker and given in the row's note: on a shared machine wall time waits for the CPU, and the
CPU time says what the request costs.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from _harness import Bench, Timing, time_runs

SRC = Path(__file__).resolve().parents[1] / "src"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds of these processes so far (Linux ``/proc``)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


class Http:
    """A running server and a session that signs in with a bearer token."""

    def __init__(self, bench: Bench, base: str, server: subprocess.Popen) -> None:
        import requests

        self.bench = bench
        self.base = base
        self.server = server
        self.session = requests.Session()

    def sign_in(self, secret: str) -> None:
        self.session.headers["Authorization"] = f"Bearer {secret}"

    def with_token(self, secret: str) -> Http:
        """Another client of the same server, signed in with a bearer token."""
        other = Http(self.bench, self.base, self.server)
        other.sign_in(secret)
        return other

    def with_session(self, user) -> Http:
        """Another client of the same server with a signed-in session of ``user``, as a
        browser has after signing in (the session is made as ``Client.force_login`` makes
        it, in the shared session store)."""
        from django.conf import settings
        from django.test import Client

        client = Client()
        client.force_login(user)
        other = Http(self.bench, self.base, self.server)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        other.session.cookies.set(settings.SESSION_COOKIE_NAME, cookie, domain="127.0.0.1")
        return other

    def request(self, method: str, path: str, *, expect: int | tuple = 200, **kwargs) -> Any:
        response = self.session.request(method, self.base + path, timeout=600, **kwargs)
        wanted = expect if isinstance(expect, tuple) else (expect,)
        if response.status_code not in wanted:
            raise SystemExit(
                f"{method} {path} answered {response.status_code}: {response.text[:2000]}"
            )
        return response

    def get(self, path: str, **kwargs) -> Any:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs) -> Any:
        return self.request("POST", path, **kwargs)

    def patch(self, path: str, **kwargs) -> Any:
        return self.request("PATCH", path, **kwargs)

    def worker_pids(self) -> list[int]:
        """The server's processes: gunicorn's master and its workers."""
        pids = [self.server.pid]
        children = Path(f"/proc/{self.server.pid}/task/{self.server.pid}/children")
        with suppress(OSError):
            pids += [int(pid) for pid in children.read_text().split()]
        return pids

    def measure(
        self,
        case: str,
        fn: Callable[[], Any],
        runs: int,
        *,
        warmup: int = 1,
        ops: float = 1,
        unit: str = "ops/s",
        data: str = "",
        target_ms: float | None = None,
        target: str = "",
        met: bool | None = None,
        note: str = "",
        on: str = "p95",
    ) -> Timing:
        """Time ``fn`` (requests made through this session) and record its row, with the
        server's CPU per run in the note. ``on="p50"`` puts a target on the median."""
        for _ in range(warmup):
            fn()
        pids = self.worker_pids()
        cpu = _cpu_seconds(pids)
        timing = time_runs(fn, runs, warmup=0, ops=ops)
        used = (_cpu_seconds(pids) - cpu) / max(runs, 1) * 1000
        cpu_note = f"server CPU {used:,.0f} ms per run"
        if target_ms is not None and on == "p50":
            target, met = f"p50 ≤ {target_ms:g} ms", timing.p50_ms <= target_ms
            target_ms = None
        self.bench.record_timing(
            case,
            timing,
            unit=unit,
            data=data,
            target_ms=target_ms,
            target=target,
            met=met,
            note="; ".join(filter(None, [cpu_note, note])),
        )
        return timing


@contextmanager
def served(bench: Bench, *, workers: int = 1) -> Iterator[Http]:
    """``shireito serve`` on the scratch database for as long as the block runs."""
    from django.db import connections

    connections.close_all()  # the server writes the same database; hold no lock meanwhile
    port = _free_port()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    env["DJANGO_SETTINGS_MODULE"] = "shireito.settings"
    env["SHIREITO_LOG_LEVEL"] = env.get("SHIREITO_BENCH_LOG_LEVEL", "WARNING")
    log = open(bench.scratch / "server.log", "ab")  # noqa: SIM115 - closed below
    server = subprocess.Popen(  # noqa: S603 - our own command
        [
            sys.executable,
            "-m",
            "shireito.cli",
            "serve",
            "--no-collectstatic",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=5):  # noqa: S310 - http
                    break
            except urllib.error.HTTPError:
                break  # an answer
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    tail = (bench.scratch / "server.log").read_text(errors="replace")[-3000:]
                    raise SystemExit(f"the server did not start:\n{tail}") from None
                time.sleep(0.05)
        yield Http(bench, base, server)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
