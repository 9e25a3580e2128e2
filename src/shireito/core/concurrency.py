"""Optimistic locking: two editors changing the same record get a conflict, never a lost update.

An editable model inherits ``Versioned``: its ``version`` counts the saved changes. Whoever
edits says which version they started from (a form's hidden field, an API client's
``If-Match`` header or ``version`` in the body) with ``expect_version``; ``audited_update``
then moves the row from that version to the next with one conditional UPDATE, under the row
lock it already holds, so the comparison and the write are one step on SQLite and PostgreSQL
alike. A row that moved on meanwhile raises ``Conflict`` and nothing is written.

An edit that names no version (an API client that sends neither header nor field) is applied
over whatever is stored: the last writer wins for it, as before, and it still moves the version
on, so every editor who did name one learns of the change (see docs/adr/0010-optimistic-locking.md).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Where the version an editor started from came from: it decides the API's answer
# (412 Precondition Failed for a header, 409 Conflict for a body field).
FROM_FORM = "form"
FROM_IF_MATCH = "if-match"
FROM_BODY = "body"

_EXPECTED = "_expected_version"


class Versioned(models.Model):
    """A record edited by people who may be editing it at the same time: ``version`` starts at
    1 and goes up by one with every saved change (never by hand: ``audited_update`` does it)."""

    # The database default too: the bulk loaders insert rows with SQL of their own.
    version = models.PositiveIntegerField(
        gettext_lazy("version"), default=1, db_default=1, editable=False
    )

    class Meta:
        abstract = True


@dataclass(frozen=True)
class Expectation:
    version: int
    source: str


class Conflict(Exception):
    """The record changed since the editor loaded it: nothing was written.

    Carries what the editor needs to decide: the version they had, the one stored now and,
    from the audit trail, who made the last change and when (``None`` when the trail does not
    say)."""

    def __init__(
        self,
        *,
        instance: models.Model,
        expected: int,
        current: int,
        source: str,
        changed_by: str | None = None,
        changed_at: dt.datetime | None = None,
    ) -> None:
        self.instance = instance
        self.expected = expected
        self.current = current
        self.source = source
        self.changed_by = changed_by
        self.changed_at = changed_at
        super().__init__(f"version {expected} expected, {current} stored")

    @property
    def message(self) -> str:
        """The editor's explanation, in the active language."""
        return _(
            "Someone else saved a change to this record while you were editing it, so your "
            "changes were not saved."
        )


def expect_version[M: models.Model](instance: M, version: int | None, source: str) -> M:
    """Say that the edits about to be made to ``instance`` start from ``version`` (``None``:
    from whatever is stored)."""
    if version is None:
        instance.__dict__.pop(_EXPECTED, None)
    else:
        setattr(instance, _EXPECTED, Expectation(int(version), source))
    return instance


def expectation(instance: models.Model) -> Expectation | None:
    return getattr(instance, _EXPECTED, None)


def is_versioned(instance: models.Model) -> bool:
    return isinstance(instance, Versioned)


def check_expected(instance: models.Model, stored_version: int) -> None:
    """Raise ``Conflict`` when the editor started from another version than ``stored_version``
    (the one read under the row lock)."""
    wanted = expectation(instance)
    if wanted is not None and wanted.version != stored_version:
        raise conflict(instance, wanted, stored_version)


def advance(instance: models.Model, stored_version: int) -> None:
    """Move the row from ``stored_version`` to the next, or raise ``Conflict`` when another
    writer got there first (the UPDATE's condition is the atomic check); the instance and its
    expectation follow, so a second change in the same request is not a conflict with the
    first."""
    model = instance._meta.model  # not type(): request.user is a lazy proxy
    moved = model._default_manager.filter(pk=instance.pk, version=stored_version).update(
        version=F("version") + 1
    )
    if moved != 1:
        current = model._default_manager.filter(pk=instance.pk).values_list("version", flat=True)
        wanted = expectation(instance) or Expectation(stored_version, FROM_BODY)
        raise conflict(instance, wanted, current.first() or stored_version)
    instance.version = stored_version + 1  # type: ignore[attr-defined]
    carried = expectation(instance)
    if carried is not None:
        expect_version(instance, stored_version + 1, carried.source)


def claim(instance: models.Model) -> None:
    """For a change ``audited_update`` does not see (links to other records, child rows):
    check the editor's version and move to the next one, under the row lock. Call it inside
    the change's transaction."""
    stored = (
        instance._meta.model._default_manager.select_for_update()
        .filter(pk=instance.pk)
        .values_list("version", flat=True)
        .get()
    )
    check_expected(instance, stored)
    advance(instance, stored)


def carry(source: models.Model, target: models.Model) -> None:
    """Give ``target`` (the same record read again, under a lock) ``source``'s expectation."""
    wanted = expectation(source)
    if wanted is not None:
        expect_version(target, wanted.version, wanted.source)


def conflict(instance: models.Model, wanted: Expectation, current: int) -> Conflict:
    """The ``Conflict`` for ``instance``, with the last change's author from the audit trail."""
    from shireito.core.models import AuditEvent

    last = (
        AuditEvent.objects.filter(
            object_type=instance._meta.label_lower, object_id=str(instance.pk)
        )
        .order_by("-sequence")
        .values("actor_label", "occurred_at")
        .first()
    )
    return Conflict(
        instance=instance,
        expected=wanted.version,
        current=current,
        source=wanted.source,
        changed_by=last["actor_label"] if last else None,
        changed_at=last["occurred_at"] if last else None,
    )


# --- HTTP: ETag and If-Match ---------------------------------------------------------------

_TAG = re.compile(r'\s*(?:W/)?"([^"]*)"\s*')


def if_match_versions(header: str) -> list[int | None] | None:
    """The versions an ``If-Match`` header accepts: ``None`` for ``*`` or no header; a tag that
    is not one of ours counts as a version nothing has (``None`` in the list)."""
    header = header.strip()
    if not header or header == "*":
        return None
    versions: list[int | None] = []
    for part in header.split(","):
        match = _TAG.fullmatch(part)
        value = match.group(1) if match else ""
        versions.append(int(value) if value.isdigit() and len(value) < 12 else None)
    return versions


def expect_from_request[M: models.Model](
    request: HttpRequest, instance: M, body_version: int | None = None
) -> M:
    """The API's precondition for changing ``instance``: the ``If-Match`` header when sent
    (answered with 412 if stale), else a ``version`` in the body (answered with 409), else none
    (the last writer wins for clients that send neither)."""
    versions = if_match_versions(request.headers.get("If-Match", ""))
    if versions is not None:
        current = getattr(instance, "version", None)
        known = [v for v in versions if v is not None]
        # A tag that is none of ours is a version no row has: 0 (versions start at 1).
        chosen = current if current in known else (known[0] if known else 0)
        return expect_version(instance, chosen, FROM_IF_MATCH)
    return expect_version(instance, body_version, FROM_BODY)


def tag_response(response: HttpResponse, instance: Any) -> None:
    """Give an API answer about one versioned record its ``ETag`` (what ``If-Match`` sends)."""
    version = getattr(instance, "version", None)
    if isinstance(version, int):
        response["ETag"] = f'"{version}"'
