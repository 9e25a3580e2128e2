"""Benchmark the server's start: from starting `shireito serve` (a new process, as a person
would) until its first HTTP answer. The first start collects and compresses the static files;
the later ones find them current and must answer within 5 s (issue 15). Then the same for
`shireito demo serve`, what `make run` runs: migrations (none to apply), the demo already
loaded, the sign-in names, the server. Prints figures.

    .venv/bin/python bench/start.py [--runs 5] [--quick]

Each start is timed until `GET /healthz` answers. Python's bytecode is cached (in the scratch
directory) as on any machine after its first start, even where PYTHONDONTWRITEBYTECODE is set.
The note of each row gives the CPU seconds of the server's processes per start and the load
average when the case began: on a shared machine the wall-clock time is several times the CPU.
"""

from __future__ import annotations

import argparse
import os
import resource
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from _harness import Timing, setup

TARGET_MS = 5000
SRC = Path(__file__).resolve().parents[1] / "src"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def start_once(command: list[str], env: dict[str, str]) -> tuple[float, float | None, float]:
    """Start the server, wait for its first answer, stop it. Returns the seconds until the
    answer, the seconds until it printed its address (None if it did not) and the CPU seconds
    its processes used, start to stop."""
    port = _free_port()
    cpu = _children_cpu()
    started = time.perf_counter()
    server = subprocess.Popen(  # noqa: S603 - our own command
        [*command, "--bind", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    announced: list[float] = []

    def read() -> None:
        assert server.stdout is not None
        for line in server.stdout:
            if line.startswith("Shireitō: http://") and not announced:
                announced.append(time.perf_counter() - started)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    url = f"http://127.0.0.1:{port}/healthz"
    try:
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5):
                    pass
                break
            except urllib.error.HTTPError:
                break  # an answer, whatever it says
            except OSError:
                if server.poll() is not None:
                    raise SystemExit(f"the server stopped with {server.returncode}") from None
                time.sleep(0.02)
        answered = time.perf_counter() - started
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        reader.join(timeout=5)
    return answered, (announced[0] if announced else None), _children_cpu() - cpu


def measure(bench, case: str, command: list[str], env: dict, runs: int, *, target: bool) -> None:
    load = os.getloadavg()[0]
    seconds, cpu, gaps = [], [], []
    for _ in range(runs):
        answered, announced, used = start_once(command, env)
        seconds.append(answered)
        cpu.append(used)
        if announced is not None:
            gaps.append(answered - announced)
        bench.progress(f"{case}: {answered:.2f} s (CPU {used:.2f} s)")
    note = f"CPU {sum(cpu) / len(cpu):.1f} s per start, load average {load:.1f} at the start"
    if gaps:
        note += f"; address printed {max(gaps):.2f} s or less before the first answer"
    bench.record_timing(
        case,
        Timing(seconds),
        unit="starts/s",
        target_ms=TARGET_MS if target else None,
        note=note,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="2 runs: a smoke run")
    args = parser.parse_args()
    if args.quick:
        args.runs = 2
    bench = setup("start", demo=True)
    env = dict(os.environ)
    env.pop("SHIREITO_STATICFILES_STORAGE", None)  # the default storage: compressed, manifest
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(bench.scratch / "pycache")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    env["DJANGO_SETTINGS_MODULE"] = "shireito.settings"
    cli = [sys.executable, "-m", "shireito.cli"]

    measure(
        bench,
        "serve: first start (collects and compresses the static files)",
        [*cli, "serve"],
        env,
        1,
        target=False,
    )
    measure(
        bench,
        "serve: second start (static files collected)",
        [*cli, "serve"],
        env,
        args.runs,
        target=True,
    )
    from io import StringIO

    from django.core.management import call_command

    bench.progress("loading the demo")
    call_command("demo", "load", stdout=StringIO())
    measure(
        bench,
        "make run's second start (demo serve: migrations, demo loaded, sign-in names, serve)",
        [*cli, "demo", "serve"],
        env,
        args.runs,
        target=True,
    )


if __name__ == "__main__":
    main()
