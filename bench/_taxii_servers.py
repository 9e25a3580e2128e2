"""The two TAXII servers of ``bench/taxii.py`` as child processes: medallion 3.0.0 (the OASIS
reference server, memory backend, Flask's threaded server) in its own throwaway virtualenv, and
Shireitō under gunicorn. Each is started on a free local port, waited for until its discovery
resource answers, and stopped (its whole process group) at the end or on Ctrl-C.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import requests

MEDALLION_VERSION = "3.0.0"
TAXII_ACCEPT = "application/taxii+json;version=2.1"


def free_port() -> int:
    """A TCP port nothing listens on now (the OS picks it; a race is possible but harmless)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class ServerProcess:
    """One running server: its process, base URL, log file and how to authenticate."""

    name: str
    process: subprocess.Popen
    base_url: str
    log_path: Path
    auth: object = None
    extra: dict = field(default_factory=dict)

    def wait_ready(self, path: str = "/taxii2/", timeout: float = 60.0) -> None:
        """Poll the discovery resource until it answers 200; otherwise (or on Ctrl-C) stop
        the server and fail with the log's tail."""
        try:
            self._poll(path, timeout)
        except BaseException:
            self.stop()
            raise

    def _poll(self, path: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                response = requests.get(
                    self.base_url + path,
                    headers={"Accept": TAXII_ACCEPT},
                    auth=self.auth,
                    timeout=30,
                )
            except (requests.ConnectionError, requests.Timeout):
                time.sleep(0.1)
                continue
            if response.status_code == 200:
                return
            last = f"HTTP {response.status_code}: {response.text[:200]}"
            if response.status_code == 404:
                last += f" (is {path} routed in the URLconf?)"
            if 400 <= response.status_code < 500:
                break  # the server is up and says no: waiting will not change that
            time.sleep(0.2)
        tail = self.log_path.read_text(errors="replace")[-3000:] if self.log_path.exists() else ""
        raise RuntimeError(f"{self.name} did not answer at {self.base_url}{path} ({last})\n{tail}")

    def stop(self) -> None:
        """Stop the server's process group: SIGTERM, then SIGKILL after 10 s."""
        if self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def _spawn(command: list[str], *, log_path: Path, env: dict | None = None) -> subprocess.Popen:
    log = log_path.open("ab")
    try:
        # Its own session: the terminal's Ctrl-C reaches only this script, which then stops
        # the servers itself, in order, after cleaning up.
        return subprocess.Popen(  # noqa: S603 - our own fixed command lines
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    finally:
        log.close()


# --- medallion --------------------------------------------------------------------------


def _medallion_installed(venv: Path) -> bool:
    python = venv / "bin" / "python"
    if not python.exists():
        return False
    probe = subprocess.run(  # noqa: S603 - the venv's own python
        [
            str(python),
            "-c",
            "import importlib.metadata as m, medallion, flask_httpauth; "
            "print(m.version('medallion'))",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    return probe.returncode == 0 and probe.stdout.strip() == MEDALLION_VERSION


def ensure_medallion(venv: Path) -> Path:
    """A virtualenv with medallion==3.0.0 from PyPI, reused when it already has it; returns
    the path of its ``medallion`` command."""
    if not _medallion_installed(venv):
        print(f"installing medallion=={MEDALLION_VERSION} into {venv} …", file=sys.stderr)
        shutil.rmtree(venv, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)  # noqa: S603
        subprocess.run(  # noqa: S603 - pip of the venv we just made
            [
                str(venv / "bin" / "python"),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                f"medallion=={MEDALLION_VERSION}",
            ],
            check=True,
        )
        if not _medallion_installed(venv):
            raise RuntimeError(f"medallion=={MEDALLION_VERSION} did not install into {venv}")
    return venv / "bin" / "medallion"


def start_medallion(
    *, venv: Path, workdir: Path, user: str, password: str, page_size: int
) -> ServerProcess:
    """medallion on a free port with its memory backend seeded with one API root ("bench")
    and one empty collection that may be read and written."""
    command = ensure_medallion(venv)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    collection_id = str(uuid.uuid4())
    data = {
        "/discovery": {
            "title": "medallion (bench)",
            "description": "medallion's memory backend, for bench/taxii.py",
            "default": f"{base_url}/bench/",
            "api_roots": [f"{base_url}/bench/"],
        },
        "bench": {
            "information": {
                "title": "Bench API root",
                "versions": [TAXII_ACCEPT],
                "max_content_length": 10 * 1024 * 1024,
            },
            "status": [],
            "collections": [
                {
                    "id": collection_id,
                    "title": "Bench collection",
                    "can_read": True,
                    "can_write": True,
                    "media_types": ["application/stix+json;version=2.1"],
                    "objects": [],
                    "manifest": [],
                }
            ],
        },
    }
    data_path = workdir / "medallion-data.json"
    data_path.write_text(json.dumps(data, indent=2))
    config = {
        "backend": {
            "module": "medallion.backends.memory_backend",
            "module_class": "MemoryBackend",
            "filename": str(data_path),
        },
        "users": {user: password},
        "taxii": {"max_page_size": page_size},
    }
    config_path = workdir / "medallion-config.json"
    config_path.write_text(json.dumps(config, indent=2))
    log_path = workdir / "medallion.log"
    process = _spawn(
        [
            str(command),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "WARN",
            str(config_path),
        ],
        log_path=log_path,
    )
    server = ServerProcess(
        name="medallion",
        process=process,
        base_url=base_url,
        log_path=log_path,
        auth=(user, password),
        extra={"collection_id": collection_id, "api_root": f"{base_url}/bench/"},
    )
    server.wait_ready()
    return server


# --- Shireitō under gunicorn ------------------------------------------------------------


class BearerAuth(requests.auth.AuthBase):
    """``Authorization: Bearer <token>`` (our API tokens)."""

    def __init__(self, secret: str):
        self.secret = secret

    def __call__(self, request):
        request.headers["Authorization"] = f"Bearer {self.secret}"
        return request


def start_shireito(*, workdir: Path, env: dict, auth, workers: int, threads: int) -> ServerProcess:
    """``gunicorn shireito.wsgi`` on a free port (gthread worker: HTTP keep-alive, like
    medallion's threaded Flask server)."""
    port = free_port()
    log_path = workdir / "gunicorn.log"
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = _spawn(
        [
            str(gunicorn),
            "shireito.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--worker-class",
            "gthread",
            "--timeout",
            "120",
            # Not the shared ~/.gunicorn control socket of any other gunicorn on the machine.
            "--no-control-socket",
        ],
        log_path=log_path,
        env=env,
    )
    server = ServerProcess(
        name="Shireitō (gunicorn)",
        process=process,
        base_url=f"http://127.0.0.1:{port}",
        log_path=log_path,
        auth=auth,
    )
    server.wait_ready()
    return server
