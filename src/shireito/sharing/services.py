"""Writes to TAXII collections: objects (the one code path behind POST …/objects/ and
publication from incident reports), deletion, collections and who may use them.

A write of objects is one transaction: the collection row is locked (so writes to one
collection are serialised and ``date_added`` grows in commit order, which is what lets a
client poll with ``added_after`` without missing anything), the good objects are inserted with
plain INSERTs (``bulk.py``), ``is_latest`` is moved in bulk, and ONE audit row lists what was added.

Who created what (STIX 2.1: only an object's creator versions it): a write is for the
writer's organisation (the command line's for the collection's owner). An object naming
another creator is refused; so is a new version of an object another organisation created;
a writer deletes only its organisation's objects, the collection's owner any. Each refusal is
a failure of that object in the status, or (deletion) a 403; nothing else changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from shireito.core.choices import AuditAction
from shireito.core.services import (
    audited_create,
    audited_delete,
    audited_update,
    record_audit_event,
    snapshot,
)
from shireito.organizations.models import Organization
from shireito.sharing.bulk import NewObject, insert_objects
from shireito.sharing.choices import StatusState, Tlp
from shireito.sharing.identity import organization_identity_id
from shireito.sharing.models import (
    STIX_MEDIA_TYPE,
    Collection,
    CollectionAccess,
    Status,
    StixObject,
)
from shireito.sharing.permissions import may_manage_collections
from shireito.sharing.query import ObjectQuery, VersionMatch
from shireito.sharing.selectors import access_of, objects_queryset
from shireito.sharing.stix import Checked, ObjectProblem, check_object, format_version

if TYPE_CHECKING:
    from shireito.accounts.models import User

MICROSECOND = dt.timedelta(microseconds=1)
_CHUNK = 500  # ids per IN (…) list: well under SQLite's variable limit


def _chunks(items: list, size: int = _CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def objects_add(
    *,
    actor: User | None,
    collection: Collection,
    objects: list[dict],
    now: dt.datetime | None = None,
) -> Status:
    """Add STIX objects to ``collection`` as ``actor`` (the same path as TAXII POST).

    Each object is checked on its own (id, type, spec_version, created/modified, the
    collection's TLP ceiling); the good ones are stored in one transaction, the others are
    recorded as failures in the returned ``Status`` with a message naming the JSON path. An
    object version already in the collection counts as a success and is not stored twice.
    ``actor=None`` is the command line. Raises ``PermissionDenied`` when ``actor`` may not
    write to the collection. ``now`` fixes the request time (tests, imports).
    """
    if actor is not None and not access_of(actor, collection).can_write:
        raise PermissionDenied(_("You may not add objects to this collection."))
    writer = _writer_of(actor, collection)
    request_time = now or timezone.now()
    checked, failures = _check_all(
        objects, ceiling=collection.max_tlp, author=organization_identity_id(writer)
    )
    with transaction.atomic():
        base = _lock_for_adding(collection, request_time)
        stored = _Stored.of(collection, checked)
        rows, successes, newest = _new_rows(
            collection, checked, base=base, stored=stored, writer=writer, failures=failures
        )
        _move_latest(newest, stored.latest)
        insert_objects(rows)
        status = Status.objects.create(
            collection=collection,
            organization_id=writer.pk,
            user=actor,
            status=StatusState.COMPLETE,
            request_timestamp=request_time,
            total_count=len(objects),
            success_count=len(successes),
            failure_count=len(failures),
            pending_count=0,
            successes=successes,
            failures=failures,
        )
        changes = {name: [None, value] for name, value in snapshot(status).items()}
        changes["objects_added"] = [
            None,
            [f"{row.stix_id} {format_version(row.version)}" for row in rows],
        ]
        record_audit_event(actor=actor, action=AuditAction.CREATE, instance=status, changes=changes)
    return status


def _writer_of(actor: User | None, collection: Collection) -> Organization:
    """The organisation a write is for: the actor's, or (the command line) the owner's."""
    if actor is None:
        return collection.owner
    organization = actor.organization
    if organization is None:  # access_of gives no write access without one
        raise PermissionDenied(_("You may not add objects to this collection."))
    return organization


def _check_all(
    objects: list[dict], *, ceiling: str, author: str
) -> tuple[list[Checked], list[dict]]:
    """Each object checked on its own: the good ones, and a failure for each of the rest."""
    checked = []
    failures: list[dict] = []
    for index, obj in enumerate(objects):
        try:
            checked.append(check_object(obj, index=index, ceiling=ceiling, author=author))
        except ObjectProblem as problem:
            failures.append(
                {"id": problem.stix_id, "version": problem.version, "message": problem.message}
            )
    return checked, failures


def _lock_for_adding(collection: Collection, request_time: dt.datetime) -> dt.datetime:
    """Serialise writes to this collection (``date_added`` then grows in commit order) and
    return the first ``date_added`` this write may use (one query: the lock and the last
    ``date_added``, read backwards along the index)."""
    last_added = (
        Collection.objects.select_for_update()
        .filter(pk=collection.pk)
        .annotate(
            last=Subquery(
                StixObject.objects.filter(collection_id=OuterRef("pk"))
                .order_by("-date_added")
                .values("date_added")[:1]
            )
        )
        .values_list("last", flat=True)
        .first()
    )
    return request_time if last_added is None else max(request_time, last_added + MICROSECOND)


@dataclass
class _Stored:
    """What the collection already holds of the objects being added."""

    present: set[tuple[str, dt.datetime]]  # (id, version) of every stored version
    latest: dict[str, tuple[dt.datetime, int]]  # id: (version, pk) of its latest version
    # Objects without created/modified (cyber-observables) are versioned by when they were
    # added: one sent again unchanged is the same object, not a new version.
    latest_body: dict[str, dict]
    body_version: dict[str, dt.datetime]
    # id: the organisations that created its stored versions (one, but for rows older than
    # the rule).
    creators: dict[str, set[int]]

    @classmethod
    def of(cls, collection: Collection, checked: list[Checked]) -> _Stored:
        stored = cls(present=set(), latest={}, latest_body={}, body_version={}, creators={})
        ids = list(dict.fromkeys(item.stix_id for item in checked))
        for chunk in _chunks(ids):
            for stix_id, version, is_latest, pk, creator_id in StixObject.objects.filter(
                collection_id=collection.pk, stix_id__in=chunk
            ).values_list("stix_id", "version", "is_latest", "pk", "creator_id"):
                stored.present.add((stix_id, version))
                stored.creators.setdefault(stix_id, set()).add(creator_id)
                if is_latest:
                    stored.latest[stix_id] = (version, pk)
        unversioned = [item.stix_id for item in checked if item.version is None]
        for chunk in _chunks(list(dict.fromkeys(unversioned))):
            for stix_id, body, version in StixObject.objects.filter(
                collection_id=collection.pk, stix_id__in=chunk, is_latest=True
            ).values_list("stix_id", "body", "version"):
                stored.latest_body[stix_id] = body
                stored.body_version[stix_id] = version
        return stored


def _new_rows(
    collection: Collection,
    checked: list[Checked],
    *,
    base: dt.datetime,
    stored: _Stored,
    writer: Organization,
    failures: list[dict],
) -> tuple[list[NewObject], list[dict], dict[str, NewObject]]:
    """The rows to insert (each version once), a success for every good object (stored
    before or now), and the newest new row of each id. A new version of an object another
    organisation created is a failure (appended to ``failures``) instead."""
    successes: list[dict] = []
    rows: list[NewObject] = []
    newest: dict[str, NewObject] = {}
    for item in checked:
        date_added = base + MICROSECOND * len(rows)
        if item.version is None and stored.latest_body.get(item.stix_id) == item.body:
            successes.append(
                {
                    "id": item.stix_id,
                    "version": format_version(stored.body_version[item.stix_id]),
                    "message": _("This version is already in the collection."),
                }
            )
            continue
        version = item.version or date_added
        version_text = item.version_text or format_version(version)
        if (item.stix_id, version) in stored.present:
            successes.append(
                {
                    "id": item.stix_id,
                    "version": version_text,
                    "message": _("This version is already in the collection."),
                }
            )
            continue
        if stored.creators.get(item.stix_id, set()) - {writer.pk}:
            failures.append(
                {
                    "id": item.stix_id,
                    "version": version_text,
                    "message": _(
                        "$.objects[%(index)s]: this object was created by another "
                        "organisation; only its creator may add versions of it."
                    )
                    % {"index": item.index},
                }
            )
            continue
        if item.version is None:
            stored.latest_body[item.stix_id] = item.body
            stored.body_version[item.stix_id] = version
        stored.present.add((item.stix_id, version))
        stored.creators.setdefault(item.stix_id, set()).add(writer.pk)
        row = NewObject(
            collection_id=collection.pk,
            creator_id=writer.pk,
            stix_id=item.stix_id,
            type=item.type,
            spec_version=item.spec_version,
            version=version,
            date_added=date_added,
            is_latest=False,
            tlp=item.tlp,
            body=item.body,
        )
        rows.append(row)
        successes.append({"id": item.stix_id, "version": version_text})
        best = newest.get(item.stix_id)
        if best is None or version > best.version:
            newest[item.stix_id] = row
    return rows, successes, newest


def _move_latest(newest: dict[str, NewObject], latest: dict[str, tuple[dt.datetime, int]]) -> None:
    """A new row newer than the stored latest version becomes the latest; that one is
    demoted (in bulk)."""
    demoted: list[int] = []
    for stix_id, row in newest.items():
        current = latest.get(stix_id)
        if current is None or row.version > current[0]:
            row.is_latest = True
            if current is not None:
                demoted.append(current[1])
    for chunk in _chunks(demoted):
        StixObject.objects.filter(pk__in=chunk).update(is_latest=False)


def objects_delete(
    *,
    actor: User | None,
    collection: Collection,
    stix_id: str,
    version: VersionMatch | None = None,
    spec_versions: tuple[str, ...] = (),
) -> int:
    """Delete an object's versions from ``collection``: every version (the default), or those
    ``match[version]``/``match[spec_version]`` select, among the ones ``actor`` may read.
    Only who may both read and write, and (but for the collection's owner) only objects the
    actor's organisation created; one audit row lists the versions deleted. Returns how
    many rows went."""
    access = access_of(actor, collection)
    # TAXII: no DELETE on a write-only collection (a deleted object must then read as 404,
    # which a writer who cannot read could not see).
    if actor is not None and not (access.can_write and access.can_read):
        raise PermissionDenied(_("You may not delete objects from this collection."))
    query = ObjectQuery(
        limit=1,
        version=version or VersionMatch(last=False, all=True),
        spec_versions=spec_versions,
    )
    with transaction.atomic():
        Collection.objects.select_for_update().filter(pk=collection.pk).values("pk").first()
        doomed = list(
            objects_queryset(collection=collection, access=access, query=query, stix_id=stix_id)
            .select_related("collection")
            .defer("body")
            .order_by("date_added", "pk")
        )
        if not doomed:
            return 0
        if (
            actor is not None
            and actor.organization_id != collection.owner_id
            and any(row.creator_id != actor.organization_id for row in doomed)
        ):
            raise PermissionDenied(
                _(
                    "You may delete only objects your organisation created; the "
                    "collection's owner may delete any."
                )
            )
        StixObject.objects.filter(pk__in=[row.pk for row in doomed]).delete()
        if any(row.is_latest for row in doomed):
            successor = (
                StixObject.objects.filter(collection_id=collection.pk, stix_id=stix_id)
                .order_by("-version", "-pk")
                .first()
            )
            if successor is not None:
                StixObject.objects.filter(pk=successor.pk).update(is_latest=True)
        record_audit_event(
            actor=actor,
            action=AuditAction.DELETE,
            instance=doomed[-1],
            changes={
                "collection": [str(collection.pk), None],
                "stix_id": [stix_id, None],
                "versions": [[format_version(row.version) for row in doomed], None],
            },
        )
    return len(doomed)


# --- Collections and access ---------------------------------------------------------------


def _check_tlp(name: str, value: str) -> None:
    if value not in Tlp.values:
        raise ValidationError({name: _("Choose one of %(levels)s.") % {"levels": Tlp.values}})


def collection_create(
    *,
    actor: User | None,
    title: str,
    owner: Organization,
    description: str = "",
    max_tlp: str = Tlp.AMBER,
    alias: str = "",
) -> Collection:
    """A new collection owned by ``owner`` (platform admins, or the owner's org_admin)."""
    if not may_manage_collections(actor, owner):
        raise PermissionDenied(_("You may not create collections for this organization."))
    _check_tlp("max_tlp", max_tlp)
    return audited_create(
        actor=actor,
        instance=Collection(
            title=title.strip(),
            description=description.strip(),
            alias=alias.strip(),
            media_types=[STIX_MEDIA_TYPE],
            owner=owner,
            max_tlp=max_tlp,
        ),
    )


def collection_access_set(
    *,
    actor: User | None,
    collection: Collection,
    organization: Organization,
    can_read: bool,
    can_write: bool,
    max_tlp: str = Tlp.GREEN,
) -> CollectionAccess | None:
    """Give, change or (with neither read nor write) remove an organisation's access to a
    collection, and the most restricted TLP level it may read there (RED only when given
    here explicitly). Platform admins or the owner's organisation admins."""
    if not may_manage_collections(actor, collection.owner):
        raise PermissionDenied(_("You may not change who uses this collection."))
    if organization.pk == collection.owner_id:
        raise ValidationError(
            {"organization": _("The owner already reads and writes its own collection.")}
        )
    _check_tlp("max_tlp", max_tlp)
    with transaction.atomic():
        row = (
            CollectionAccess.objects.select_for_update()
            .filter(collection=collection, organization=organization)
            .first()
        )
        if not (can_read or can_write):
            if row is not None:
                audited_delete(actor=actor, instance=row)
            return None
        if row is None:
            return audited_create(
                actor=actor,
                instance=CollectionAccess(
                    collection=collection,
                    organization=organization,
                    can_read=can_read,
                    can_write=can_write,
                    max_tlp=max_tlp,
                ),
            )
        row, _changes = audited_update(
            actor=actor, instance=row, can_read=can_read, can_write=can_write, max_tlp=max_tlp
        )
        return row
