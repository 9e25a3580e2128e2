"""Writes to TAXII collections: objects (the one code path behind POST …/objects/ and
publication from incident reports), deletion, collections and who may use them.

A write of objects is one transaction: the collection row is locked (so writes to one
collection are serialised and ``date_added`` grows in commit order, which is what lets a
client poll with ``added_after`` without missing anything), the good objects are inserted with
plain INSERTs (``bulk.py``), ``is_latest`` is moved in bulk, and ONE audit row lists what was added.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from shireito.accounts.choices import Role
from shireito.core.choices import AuditAction
from shireito.core.services import (
    audited_create,
    audited_delete,
    audited_update,
    record_audit_event,
    snapshot,
)
from shireito.organizations.models import Organization
from shireito.sharing.bulk import insert_objects
from shireito.sharing.choices import StatusState, Tlp
from shireito.sharing.models import (
    STIX_MEDIA_TYPE,
    Collection,
    CollectionAccess,
    Status,
    StixObject,
)
from shireito.sharing.query import ObjectQuery, VersionMatch
from shireito.sharing.selectors import access_of, objects_queryset
from shireito.sharing.stix import ObjectProblem, check_object, format_version

MICROSECOND = dt.timedelta(microseconds=1)
_CHUNK = 500  # ids per IN (…) list: well under SQLite's variable limit


def _chunks(items: list, size: int = _CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def objects_add(
    *, actor, collection: Collection, objects: list[dict], now: dt.datetime | None = None
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
    request_time = now or timezone.now()
    checked = []
    failures: list[dict] = []
    for index, obj in enumerate(objects):
        try:
            checked.append(check_object(obj, index=index, ceiling=collection.max_tlp))
        except ObjectProblem as problem:
            failures.append(
                {"id": problem.stix_id, "version": problem.version, "message": problem.message}
            )

    with transaction.atomic():
        # Serialise writes to this collection: date_added then grows in commit order.
        Collection.objects.select_for_update().filter(pk=collection.pk).values("pk").first()
        last_added = StixObject.objects.filter(collection_id=collection.pk).aggregate(
            last=Max("date_added")
        )["last"]
        base = request_time if last_added is None else max(request_time, last_added + MICROSECOND)

        ids = list(dict.fromkeys(item.stix_id for item in checked))
        present: set[tuple[str, dt.datetime]] = set()
        latest: dict[str, tuple[dt.datetime, int]] = {}
        for chunk in _chunks(ids):
            for stix_id, version, is_latest, pk in StixObject.objects.filter(
                collection_id=collection.pk, stix_id__in=chunk
            ).values_list("stix_id", "version", "is_latest", "pk"):
                present.add((stix_id, version))
                if is_latest:
                    latest[stix_id] = (version, pk)

        # Objects without created/modified (cyber-observables) are versioned by when they were
        # added: one sent again unchanged is the same object, not a new version.
        unversioned = [item.stix_id for item in checked if item.version is None]
        latest_body: dict[str, dict] = {}
        body_version: dict[str, dt.datetime] = {}
        for chunk in _chunks(list(dict.fromkeys(unversioned))):
            for stix_id, body, version in StixObject.objects.filter(
                collection_id=collection.pk, stix_id__in=chunk, is_latest=True
            ).values_list("stix_id", "body", "version"):
                latest_body[stix_id] = body
                body_version[stix_id] = version

        successes: list[dict] = []
        rows: list[StixObject] = []
        newest: dict[str, StixObject] = {}
        for item in checked:
            date_added = base + MICROSECOND * len(rows)
            if item.version is None and latest_body.get(item.stix_id) == item.body:
                successes.append(
                    {
                        "id": item.stix_id,
                        "version": format_version(body_version[item.stix_id]),
                        "message": _("This version is already in the collection."),
                    }
                )
                continue
            version = item.version or date_added
            if item.version is None:
                latest_body[item.stix_id] = item.body
                body_version[item.stix_id] = version
            version_text = item.version_text or format_version(version)
            if (item.stix_id, version) in present:
                successes.append(
                    {
                        "id": item.stix_id,
                        "version": version_text,
                        "message": _("This version is already in the collection."),
                    }
                )
                continue
            present.add((item.stix_id, version))
            row = StixObject(
                collection_id=collection.pk,
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

        demoted: list[int] = []
        for stix_id, row in newest.items():
            current = latest.get(stix_id)
            if current is None or row.version > current[0]:
                row.is_latest = True
                if current is not None:
                    demoted.append(current[1])
        for chunk in _chunks(demoted):
            StixObject.objects.filter(pk__in=chunk).update(is_latest=False)
        insert_objects(rows)

        status = Status.objects.create(
            collection=collection,
            organization_id=actor.organization_id if actor is not None else collection.owner_id,
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


def objects_delete(
    *,
    actor,
    collection: Collection,
    stix_id: str,
    version: VersionMatch | None = None,
    spec_versions: tuple[str, ...] = (),
) -> int:
    """Delete an object's versions from ``collection``: every version (the default), or those
    ``match[version]``/``match[spec_version]`` select, among the ones ``actor`` may read.
    Only who may both read and write; one audit row lists the versions deleted. Returns how
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


def may_manage_collections(actor, owner: Organization) -> bool:
    """Platform admins, the owner's organisation admins, and the command line (None)."""
    if actor is None:
        return True
    if not (actor.is_authenticated and actor.is_active):
        return False
    if actor.is_platform_admin:
        return True
    return actor.has_role(Role.ORG_ADMIN) and actor.organization_id == owner.pk


def _check_tlp(name: str, value: str) -> None:
    if value not in Tlp.values:
        raise ValidationError({name: _("Choose one of %(levels)s.") % {"levels": Tlp.values}})


def collection_create(
    *,
    actor,
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


def collection_update(*, actor, collection: Collection, **fields) -> Collection:
    """Change a collection's title, description, alias or TLP ceiling (objects already above
    a lowered ceiling stay, and are read as before)."""
    if not may_manage_collections(actor, collection.owner):
        raise PermissionDenied(_("You may not change this collection."))
    unknown = set(fields) - {"title", "description", "alias", "max_tlp"}
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in unknown})
    if "max_tlp" in fields:
        _check_tlp("max_tlp", fields["max_tlp"])
    collection, _changes = audited_update(actor=actor, instance=collection, **fields)
    return collection


def collection_access_set(
    *,
    actor,
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
