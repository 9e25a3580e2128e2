"""Checkpoints of the audit trail's chain head, kept outside the database.

The keyed chain stops someone without the key from forging rows; the checkpoints stop someone
who can restore an older copy of the database, cut off the newest rows and the head with them,
or rewrite everything before a point in time. Each checkpoint is one line appended to a log
file (``SHIREITO_AUDIT_ANCHOR_FILE``, meant for other storage than the database: another
machine's mount, a WORM or object-locked bucket) holding the time, the id and hash of the
newest row and how many rows the chain then held, signed with HMAC-SHA256 under a key derived
from the audit key. ``shireito auditlog verify`` checks the chain against every line.

``write_checkpoint()`` is what the periodic job and ``shireito auditlog checkpoint`` call.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from shireito.core.audit_hash import GENESIS_HASH
from shireito.core.audit_key import CHECKPOINT_PURPOSE, derived_key, key_id
from shireito.core.models import AuditChainHead, AuditEvent

VERSION = 1
_SIGNED_FIELDS = ("v", "time", "last_id", "count", "head", "key_id")


class CheckpointRefused(Exception):
    """The chain no longer extends the last checkpoint: anchoring it would bless a rewrite."""


@dataclass(frozen=True)
class Checkpoint:
    line: int
    time: str
    last_id: int | None
    count: int
    head: str
    key_id: str

    def as_line(self) -> dict:
        return {
            "v": VERSION,
            "time": self.time,
            "last_id": self.last_id,
            "count": self.count,
            "head": self.head,
            "key_id": self.key_id,
        }


@dataclass(frozen=True)
class CheckpointProblem:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"checkpoint file line {self.line}: {self.reason}"


def anchor_path() -> Path:
    return Path(settings.SHIREITO_AUDIT_ANCHOR_FILE)


def _signature(fields: dict) -> str:
    payload = json.dumps(
        {name: fields[name] for name in _SIGNED_FIELDS}, sort_keys=True, separators=(",", ":")
    ).encode()
    return hmac.new(derived_key(CHECKPOINT_PURPOSE), payload, hashlib.sha256).hexdigest()


def _parse(number: int, text: str, own_key_id: str) -> Checkpoint | CheckpointProblem:
    try:
        fields = json.loads(text)
        checkpoint = Checkpoint(
            line=number,
            time=str(fields["time"]),
            last_id=None if fields["last_id"] is None else int(fields["last_id"]),
            count=int(fields["count"]),
            head=str(fields["head"]),
            key_id=str(fields["key_id"]),
        )
        mac = str(fields["mac"])
    except (ValueError, TypeError, KeyError):
        return CheckpointProblem(number, "not a checkpoint (the file was altered)")
    if checkpoint.key_id != own_key_id:
        return CheckpointProblem(
            number,
            f"signed with another key (key id {checkpoint.key_id}, this key is {own_key_id})",
        )
    if not hmac.compare_digest(mac, _signature(checkpoint.as_line())):
        return CheckpointProblem(number, "the signature does not match: the line was forged")
    return checkpoint


def read_checkpoints(path: Path | None = None) -> list[Checkpoint | CheckpointProblem]:
    """Every line of the checkpoint log, parsed and its signature checked; none if no file."""
    path = path or anchor_path()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    own = key_id()
    return [_parse(number, text, own) for number, text in enumerate(lines, 1) if text.strip()]


def _still_extends(previous: Checkpoint) -> bool:
    if previous.count == 0:
        return True
    row = AuditEvent.objects.filter(sequence=previous.count).values("id", "hash").first()
    return row is not None and row["id"] == previous.last_id and row["hash"] == previous.head


def write_checkpoint(path: Path | None = None) -> Checkpoint:
    """Append a signed checkpoint of the current chain head to the checkpoint log.

    Refuses (``CheckpointRefused``) when the newest earlier checkpoint no longer matches its row,
    so that a rewritten trail is reported rather than anchored anew.
    """
    path = path or anchor_path()
    earlier = [item for item in read_checkpoints(path) if isinstance(item, Checkpoint)]
    with transaction.atomic():
        head = AuditChainHead.objects.filter(id=1).first()
        if head is None:
            raise CheckpointRefused("the audit chain head is missing: the trail was wiped")
        last_id = (
            AuditEvent.objects.filter(sequence=head.last_sequence)
            .values_list("id", flat=True)
            .first()
        )
        if earlier and not _still_extends(earlier[-1]):
            raise CheckpointRefused(
                f"the trail no longer matches checkpoint line {earlier[-1].line}: "
                "run `shireito auditlog verify`"
            )
    checkpoint = Checkpoint(
        line=len(earlier) + 1,
        time=dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        last_id=last_id,
        count=head.last_sequence,
        head=head.last_hash if head.last_sequence else GENESIS_HASH,
        key_id=key_id(),
    )
    fields = checkpoint.as_line()
    fields["mac"] = _signature(fields)
    line = json.dumps(fields, sort_keys=True, separators=(",", ":")) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o640)
    try:
        os.write(descriptor, line.encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    return checkpoint
