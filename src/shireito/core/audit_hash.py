"""The canonical form of an audit event and its keyed hash.

Kept apart from the model so that writing and verifying use the very same function.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from typing import Any

from shireito.core.audit_key import CHAIN_PURPOSE, derived_key

GENESIS_HASH = "0" * 64

HASHED_FIELDS = (
    "sequence",
    "occurred_at",
    "actor_id",
    "actor_label",
    "actor_organization_id",
    "actor_organization_label",
    "owner_organization_id",
    "object_type",
    "object_id",
    "object_repr",
    "action",
    "changes",
    "request_id",
    "client_request_id",
    "previous_hash",
)


def _timestamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_payload(values: dict[str, Any], fields: tuple[str, ...] = HASHED_FIELDS) -> bytes:
    """Sorted-key compact JSON of the hashed fields; stable across SQLite and PostgreSQL."""
    payload = {name: values[name] for name in fields}
    payload["occurred_at"] = _timestamp(payload["occurred_at"])
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def event_hash(values: dict[str, Any], *, key: bytes | None = None) -> str:
    """HMAC-SHA256 of the canonical payload under the chain key (the configured one unless
    ``key``, the derived chain key, is given)."""
    chain_key = key if key is not None else derived_key(CHAIN_PURPOSE)
    return hmac.new(chain_key, canonical_payload(values), hashlib.sha256).hexdigest()
