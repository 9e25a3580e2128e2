"""The key of the audit trail, held outside the database.

Every row's hash and every checkpoint are HMAC-SHA256 under keys derived from this one secret,
so someone who can write the database but cannot read the key cannot recompute a chain that
verifies. The key comes from ``SHIREITO_AUDIT_KEY`` or, when that is unset, from the file
``SHIREITO_AUDIT_KEY_FILE`` (by default ``audit_key`` in the data directory, created with mode
0600 on first use so that the embedded installation works out of the box). Production keeps it
elsewhere: in the environment from a secret store, or in a file on other storage.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MIN_KEY_LENGTH = 32
# Each use has its own key, derived from the secret, so a row's hash can never pass for a
# checkpoint's signature or the other way round.
CHAIN_PURPOSE = b"shireito audit chain v1"
CHECKPOINT_PURPOSE = b"shireito audit checkpoint v1"
KEY_ID_PURPOSE = b"shireito audit key id v1"


def _read_or_create(path: Path) -> bytes:
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: of two processes starting together, one creates the key, the other reads it.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes().strip()
    with os.fdopen(descriptor, "w") as handle:
        handle.write(secrets.token_hex(32) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return path.read_bytes().strip()


@functools.lru_cache(maxsize=4)
def _master_key(configured: str, key_file: str) -> bytes:
    if configured:
        key = configured.encode()
        source = "SHIREITO_AUDIT_KEY"
    else:
        key = _read_or_create(Path(key_file))
        source = f"the audit key file {key_file}"
    if len(key) < MIN_KEY_LENGTH:
        raise ImproperlyConfigured(f"{source} must hold at least {MIN_KEY_LENGTH} characters")
    return key


def master_key() -> bytes:
    return _master_key(settings.SHIREITO_AUDIT_KEY, str(settings.SHIREITO_AUDIT_KEY_FILE))


@functools.lru_cache(maxsize=8)
def _derive(master: bytes, purpose: bytes) -> bytes:
    return hmac.new(master, purpose, hashlib.sha256).digest()


def derived_key(purpose: bytes) -> bytes:
    """The key for one use (cached: verifying a long trail derives it once, not per row)."""
    return _derive(master_key(), purpose)


def key_id() -> str:
    """A short public name of the key (not the key): checkpoints carry it, so a verification
    with another key says so instead of reporting every row as changed."""
    return hmac.new(master_key(), KEY_ID_PURPOSE, hashlib.sha256).hexdigest()[:16]
