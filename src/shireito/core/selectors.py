"""Reads of the audit trail: an object's history, the scoped log, and chain verification."""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db.models import Model, Q, QuerySet

from shireito.core.audit_anchor import Checkpoint, CheckpointProblem, read_checkpoints
from shireito.core.audit_hash import GENESIS_HASH, HASHED_FIELDS, event_hash
from shireito.core.models import AuditChainHead, AuditEvent
from shireito.core.scoping import is_platform_admin, visible_organization_ids
from shireito.core.services import object_type_of


def object_history(instance: Model, *, user) -> QuerySet[AuditEvent]:
    """The audit events about one object that ``user`` may read, newest first; ``user=None``
    is the system itself (command line, tests) and reads all.

    Seeing an object does not mean reading who changed it and what it held before: the
    history follows the audit log's rule (``audit_events_visible_to``).
    """
    events = (
        AuditEvent.objects.order_by("-sequence") if user is None else audit_events_visible_to(user)
    )
    return events.filter(object_type=object_type_of(instance), object_id=str(instance.pk))


def may_read_history(user) -> bool:
    return bool(
        user
        and user.is_authenticated
        and (is_platform_admin(user) or user.has_role("org_admin") or user.has_role("auditor"))
    )


def audit_events_visible_to(user) -> QuerySet[AuditEvent]:
    """The audit log a user may read: all of it for platform admins; for organisation admins
    and auditors, the events about objects owned by organisations they may see (their own,
    and what the visibility rules add). Who acted does not matter: an event about another
    organisation's object stays that organisation's, whoever made it."""
    events = AuditEvent.objects.order_by("-sequence")
    if not (user and user.is_authenticated and user.is_active):
        return events.none()
    if is_platform_admin(user):
        return events
    # Everyone may read the history of their own account (who changed my roles, my password).
    own_account = Q(object_type="accounts.user", object_id=str(user.pk))
    if not (user.has_role("org_admin") or user.has_role("auditor")):
        return events.filter(own_account)
    visible = visible_organization_ids(user, AuditEvent)
    return events.filter(Q(owner_organization_id__in=visible) | own_account)


def search_audit_events(
    events: QuerySet[AuditEvent], *, search: str = "", object_type: str = "", action: str = ""
) -> QuerySet[AuditEvent]:
    if search:
        events = events.filter(
            Q(object_repr__icontains=search)
            | Q(actor_label__icontains=search)
            | Q(object_id=search)
            | Q(request_id=search)
            | Q(client_request_id=search)
        )
    if object_type:
        events = events.filter(object_type=object_type)
    if action:
        events = events.filter(action=action)
    return events


@dataclass(frozen=True)
class ChainProblem:
    sequence: int | None
    event_id: int | None
    reason: str
    place: str = ""

    def __str__(self) -> str:
        where = self.place or (
            f"row id {self.event_id}, sequence {self.sequence}" if self.event_id else "chain head"
        )
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class ChainReport:
    checked: int
    problem: ChainProblem | None
    checkpoints: int = 0

    @property
    def ok(self) -> bool:
        return self.problem is None


_VALUE_FIELDS = ("id", *HASHED_FIELDS, "hash")


def _events_in_storage_order(batch_size: int) -> Iterator[dict]:
    """Rows in insertion order (primary key), read in keyset pages to keep memory flat."""
    last_id = 0
    while True:
        rows = list(
            AuditEvent.objects.filter(id__gt=last_id)
            .order_by("id")
            .values(*_VALUE_FIELDS)[:batch_size]
        )
        if not rows:
            return
        yield from rows
        last_id = rows[-1]["id"]


def _checkpoint_problem(problem: CheckpointProblem) -> ChainReport:
    place = f"checkpoint line {problem.line}"
    return ChainReport(0, ChainProblem(None, None, problem.reason, place))


def verify_audit_chain(
    *,
    batch_size: int = 2000,
    progress: Callable[[int], None] | None = None,
    anchor_file: Path | None = None,
) -> ChainReport:
    """Recompute the keyed chain from the first row, check it against every checkpoint kept
    outside the database, and stop at the first row or checkpoint that does not fit.

    The checkpoints, then the head are read first and the chain checked up to the head, so rows
    committed while this runs are left for the next run instead of raising a false alarm.
    Detects a changed row (its HMAC no longer matches, also when recomputed without the key or
    verified with the wrong key), a deleted row (a gap in the sequence, or the next row's
    previous hash is wrong), reordered rows (sequence out of insertion order), a truncated end
    (the head, or a checkpoint, names a later row than the last one found), a rewritten chain
    (a row differs from a checkpoint), a forged checkpoint and a missing head.
    """
    checkpoints: dict[int, list[Checkpoint]] = {}
    for item in read_checkpoints(anchor_file):
        if isinstance(item, CheckpointProblem):
            return _checkpoint_problem(item)
        checkpoints.setdefault(item.count, []).append(item)
    anchored = sum(len(items) for items in checkpoints.values())
    head = AuditChainHead.objects.filter(id=1).first()
    if head is None:
        return ChainReport(
            0, ChainProblem(None, None, "the chain head is missing: the trail was wiped or altered")
        )
    for count, items in checkpoints.items():
        if count > head.last_sequence:
            return ChainReport(
                0,
                ChainProblem(
                    None,
                    None,
                    f"it anchors {count} rows but the chain head says {head.last_sequence}: "
                    "the newest rows were deleted or an older copy of the database restored",
                    f"checkpoint line {items[0].line}",
                ),
            )
    expected_sequence = 1
    previous_hash = GENESIS_HASH
    checked = 0
    for row in _events_in_storage_order(batch_size):
        event_id, sequence = row["id"], row["sequence"]
        if sequence == expected_sequence and sequence > head.last_sequence:
            break  # appended after the head was read
        if sequence != expected_sequence:
            reason = (
                f"expected sequence {expected_sequence}, found {sequence}: "
                "rows were deleted or reordered"
            )
            return ChainReport(checked, ChainProblem(sequence, event_id, reason))
        if row["previous_hash"] != previous_hash:
            return ChainReport(
                checked,
                ChainProblem(sequence, event_id, "previous hash does not match the row before"),
            )
        if not hmac.compare_digest(event_hash(row), row["hash"]):
            return ChainReport(
                checked,
                ChainProblem(
                    sequence,
                    event_id,
                    "content changed since it was written (or the audit key is not the one "
                    "that wrote it)",
                ),
            )
        for checkpoint in checkpoints.get(sequence, ()):
            if checkpoint.head != row["hash"] or checkpoint.last_id != event_id:
                reason = (
                    f"differs from the checkpoint of {checkpoint.time} (line {checkpoint.line}): "
                    "the rows up to here were rewritten"
                )
                return ChainReport(checked, ChainProblem(sequence, event_id, reason))
        previous_hash = row["hash"]
        expected_sequence += 1
        checked += 1
        if progress and checked % batch_size == 0:
            progress(checked)
    if head.last_sequence != checked or head.last_hash != previous_hash:
        return ChainReport(
            checked,
            ChainProblem(
                None,
                None,
                f"the chain should end at sequence {head.last_sequence} but ends at {checked}: "
                "the newest rows were deleted or the head was altered",
            ),
        )
    return ChainReport(checked, None, anchored)


# (reader, changes) -> changes; the reader is a user or None (the system itself).
ChangeRedactor = Callable[[Any, dict], dict]
_change_redactors: list[ChangeRedactor] = []


def register_change_redactor(redactor: ChangeRedactor) -> ChangeRedactor:
    """Let an app hide, in the changes it records, what a reader may not see (e.g. the ids of
    systems outside the reader's scope in a list of related systems)."""
    _change_redactors.append(redactor)
    return redactor


def redacted(user, events) -> list:
    """Events with their changes as ``user`` may read them (in memory; rows stay as written)."""
    shown = list(events)
    for event in shown:
        for redactor in _change_redactors:
            event.changes = redactor(user, event.changes)
    return shown
