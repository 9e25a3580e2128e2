"""A worker started beside the server (``shireito demo serve``, so ``make run``): a child
process of its own, stopped when the server stops. Its Django starts while the server's
does, so the page still answers in seconds."""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

logger = logging.getLogger(__name__)

STOP_SECONDS = 10


def worker_command() -> list[str]:
    return [sys.executable, "-m", "shireito.cli", "worker"]


@contextmanager
def worker_beside(*, enabled: bool = True) -> Iterator[subprocess.Popen | None]:
    """Run ``shireito worker`` as a child for the duration of the block: asked to stop
    (SIGTERM, which lets a running task end) when the block ends, killed if it will not."""
    if not enabled:
        yield None
        return
    child = subprocess.Popen(worker_command())  # noqa: S603 - our own command
    try:
        yield child
    finally:
        if child.poll() is None:
            child.terminate()
            try:
                child.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                logger.warning("the worker did not stop within %d s: killed", STOP_SECONDS)
                child.kill()
                child.wait()
