"""Reads of the read-heavy paths (TAXII, open data) from a read replica.

With ``SHIREITO_DATABASE_REPLICA_URL`` set there is a second database, ``replica``; a GET or
HEAD request to one of ``SHIREITO_REPLICA_PATHS`` reads from it (``ReplicaReadsMiddleware``
marks the request, ``ReplicaRouter`` routes its reads). Everything else, and every write even
on those paths (a token's last use), goes to the primary. Without a replica nothing changes.
A replica lags its primary by a moment: the paths sent to it are those where a second-old
answer is as good as a fresh one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import connections

REPLICA = "replica"

_replica_reads: ContextVar[bool] = ContextVar("shireito_replica_reads", default=False)


@contextmanager
def reads_from_replica() -> Iterator[None]:
    """Within this block, reads go to the replica (when there is one)."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def replica_configured() -> bool:
    return REPLICA in connections.settings


class ReplicaRouter:
    """Reads to the replica while ``reads_from_replica`` is on; all else to the default."""

    def db_for_read(self, model, **hints):
        if _replica_reads.get() and replica_configured():
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return False if db == REPLICA else None


class ReplicaReadsMiddleware:
    """Marks the GET and HEAD requests of the read-heavy paths for the replica."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefixes = tuple(settings.SHIREITO_REPLICA_PATHS)

    def __call__(self, request):
        if (
            self.prefixes
            and request.method in ("GET", "HEAD")
            and request.path.startswith(self.prefixes)
            and replica_configured()
        ):
            with reads_from_replica():
                return self.get_response(request)
        return self.get_response(request)
