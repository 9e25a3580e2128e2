"""Reads of TAXII collections, objects and statuses.

Who sees a collection is decided by ``core.scoping.visible_to`` (its owner and the
organisations with an access row; platform admins see every collection, to administer them).
What a user may do with a visible collection comes from their organisation's access row (or
ownership) and their roles:

- read: the owner, or an access row with ``can_read``; and any role;
- write: the owner, or an access row with ``can_write``; and the incident handler or
  organisation admin role. A platform admin reads and writes only where their own
  organisation has an access row or is the owner.

Objects are read only up to the reader's TLP ceiling for that collection: the access row's
``max_tlp`` (TLP:RED only when given explicitly), or everything for the owner.

Paging is keyset: rows come in ``(date_added, pk)`` order from just after the cursor's
position, ``limit + 1`` at a time (the extra row says whether there is more), so every page
costs the same however deep it is. The default ``match[version]=last`` reads the rows whose
``is_latest`` flag is set, in the order of the index ``(collection, is_latest, date_added,
id)``: a range scan with no per-object aggregate.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet

from shireito.core.scoping import visible_to
from shireito.sharing.choices import Tlp
from shireito.sharing.models import Collection, CollectionAccess, Status, StixObject
from shireito.sharing.permissions import (
    COMMAND_LINE,
    Access,
    access_from,
    may_write_collections,
)
from shireito.sharing.query import Cursor, ObjectQuery, encode_cursor

if TYPE_CHECKING:
    from shireito.accounts.models import User


def _rows_of(user: User | None, collections) -> dict:
    if user is None or not getattr(user, "organization_id", None):
        return {}
    rows = visible_to(
        user,
        CollectionAccess.objects.filter(
            organization_id=user.organization_id, collection__in=collections
        ),
    )
    return {row.collection_id: row for row in rows}


def access_of(user: User | None, collection: Collection) -> Access:
    """``user``'s access to ``collection`` (``None`` is the command line: everything)."""
    if user is None:
        return COMMAND_LINE
    # Kept on the user object, which lives for one request: the view and the service it
    # calls ask the same question.
    cache = user.__dict__.setdefault("_shireito_collection_access", {})
    key = (collection.pk, collection.owner_id)
    if key not in cache:
        cache[key] = access_from(
            user, collection, _rows_of(user, [collection.pk]).get(collection.pk)
        )
    return cache[key]


def collections_visible_to(user: User | None) -> QuerySet[Collection]:
    """Collections ``user`` may see: their organisation owns them or has an access row to
    them; platform admins see all."""
    return visible_to(user, Collection.objects.select_related("owner"))


def collections_with_access(user: User | None) -> list[tuple[Collection, Access]]:
    """Every collection ``user`` may see, with what they may do there (two queries)."""
    collections = list(collections_visible_to(user))
    rows = _rows_of(user, [collection.pk for collection in collections])
    return [
        (collection, access_from(user, collection, rows.get(collection.pk)))
        for collection in collections
    ]


def collections_writable_by(user: User | None) -> QuerySet[Collection]:
    """Collections ``user`` may add objects to: owned by their organisation or with an access
    row allowing writes, when they hold the incident handler or organisation admin role."""
    if not (user and user.is_authenticated and user.is_active and may_write_collections(user)):
        return Collection.objects.none()
    writable = CollectionAccess.objects.filter(
        organization_id=user.organization_id, can_write=True
    ).values("collection_id")
    return collections_visible_to(user).filter(
        Q(owner_id=user.organization_id) | Q(pk__in=writable)
    )


def collection_get(user: User | None, collection_id) -> tuple[Collection, Access] | None:
    """The collection with that id if ``user`` may see it, with their access; else None."""
    collection = collections_visible_to(user).filter(pk=collection_id).first()
    if collection is None:
        return None
    return collection, access_of(user, collection)


def status_get(user: User | None, status_id) -> Status | None:
    """A write's status, for the organisation that wrote (and platform admins)."""
    return visible_to(user, Status.objects.all()).filter(pk=status_id).first()


# --- Objects ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ObjectsPage:
    """One page of rows in ``(date_added, pk)`` order; ``next`` is the opaque cursor."""

    rows: list[StixObject]
    more: bool
    next: str | None

    @property
    def first_added(self) -> dt.datetime | None:
        return self.rows[0].date_added if self.rows else None

    @property
    def last_added(self) -> dt.datetime | None:
        return self.rows[-1].date_added if self.rows else None


def cursor_salt(collection: Collection, endpoint: str) -> str:
    return f"{collection.pk}:{endpoint}"


def _after(queryset: QuerySet, query: ObjectQuery) -> QuerySet:
    """Start just after the cursor (or ``added_after``), with one lower bound on
    ``date_added`` the index can seek to: ``date_added >= d AND (date_added > d OR pk > p)``
    is ``(date_added, pk) > (d, p)`` in a form every database turns into an index range."""
    cursor, added_after = query.cursor, query.added_after
    if cursor is not None and (added_after is None or cursor.date_added > added_after):
        return queryset.filter(date_added__gte=cursor.date_added).filter(
            Q(date_added__gt=cursor.date_added) | Q(pk__gt=cursor.pk)
        )
    if added_after is not None:
        return queryset.filter(date_added__gt=added_after)
    return queryset


def _version_condition(query: ObjectQuery) -> Q | None:
    match = query.version
    if match.all:
        return None
    condition = Q()
    if match.last:
        condition |= Q(is_latest=True)
    if match.first:
        earlier = StixObject.objects.filter(
            collection_id=OuterRef("collection_id"),
            stix_id=OuterRef("stix_id"),
            version__lt=OuterRef("version"),
        )
        condition |= ~Q(Exists(earlier))
    if match.at:
        condition |= Q(version__in=match.at)
    return condition


def objects_queryset(
    *,
    collection: Collection,
    access: Access,
    query: ObjectQuery,
    stix_id: str | None = None,
    versions_of: str | None = None,
) -> QuerySet[StixObject]:
    """The rows a read may return, before paging. ``stix_id`` reads one object (with
    ``match[version]``); ``versions_of`` lists every version of one object."""
    queryset = StixObject.objects.filter(collection_id=collection.pk)
    if versions_of is not None:
        queryset = queryset.filter(stix_id=versions_of)
    else:
        if stix_id is not None:
            queryset = queryset.filter(stix_id=stix_id)
        elif query.ids:
            queryset = queryset.filter(stix_id__in=query.ids)
        if query.types:
            queryset = (
                queryset.filter(type=query.types[0])
                if len(query.types) == 1
                else queryset.filter(type__in=query.types)
            )
        condition = _version_condition(query)
        if condition is not None:
            queryset = queryset.filter(condition)
    if query.spec_versions:
        queryset = queryset.filter(spec_version__in=query.spec_versions)
    levels = access.readable_levels
    if len(levels) < len(Tlp.values):
        queryset = queryset.filter(tlp__in=levels)
    return queryset


def objects_page(
    *,
    user: User | None,
    collection: Collection,
    query: ObjectQuery,
    endpoint: str = "objects",
    stix_id: str | None = None,
    versions_of: str | None = None,
    with_body: bool = True,
    access: Access | None = None,
) -> ObjectsPage:
    """One page of the objects ``user`` may read in ``collection`` (their TLP ceiling applied),
    ascending ``date_added``, from the query's cursor. Empty if they may not read."""
    access = access or access_of(user, collection)
    if not access.can_read:
        return ObjectsPage(rows=[], more=False, next=None)
    queryset = objects_queryset(
        collection=collection,
        access=access,
        query=query,
        stix_id=stix_id,
        versions_of=versions_of,
    )
    if not with_body:
        queryset = queryset.defer("body")
    rows = _first_rows(_after(queryset, query), access, query.limit + 1)
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    token = None
    if more:
        last = rows[-1]
        token = encode_cursor(
            Cursor(date_added=last.date_added, pk=last.pk),
            salt=cursor_salt(collection, endpoint),
        )
    return ObjectsPage(rows=rows, more=more, next=token)


def _first_rows(queryset, access: Access, count: int) -> list[StixObject]:
    """The first ``count`` rows in ``(date_added, pk)`` order. For a reader cleared for only
    some TLP levels, one index range scan per readable level, merged: a filter on the level
    would make a page scan past every object the reader may not see (a run of AMBER objects
    before a GREEN reader's next one), so the cost would grow with the collection."""
    levels = access.readable_levels
    if len(levels) == len(Tlp.values) or len(levels) <= 1:
        return list(queryset.order_by("date_added", "pk")[:count])
    rows: list[StixObject] = []
    for level in levels:
        rows += list(queryset.filter(tlp=level).order_by("date_added", "pk")[:count])
    rows.sort(key=lambda row: (row.date_added, row.pk))
    return rows[:count]


def object_exists(*, collection: Collection, access: Access, stix_id: str) -> bool:
    """Whether any version of the object is there for this reader (else: 404)."""
    if not access.can_read:
        return False
    return (
        StixObject.objects.filter(
            collection_id=collection.pk, stix_id=stix_id, tlp__in=access.readable_levels
        )
        .order_by()
        .exists()
    )


# --- The shared-information pages ---------------------------------------------------------

# What TAXII serves by default: the newest version of each object (``match[version]=last``).
_LATEST = ObjectQuery(limit=1)


def shared_objects(
    user: User | None,
    *,
    collection: str = "",
    stix_type: str = "",
    tlp: str = "",
    search: str = "",
) -> QuerySet[StixObject]:
    """The objects the TAXII server serves ``user`` at its default read, newest first: in each
    collection they may read, the latest version of each object up to their TLP ceiling there
    (the same ``access_of`` and ``objects_queryset`` as the objects endpoint), narrowed by the
    page's filters (``collection`` is a collection's id)."""
    found = StixObject.objects.none()
    for readable, access in collections_with_access(user):
        if not access.can_read or (collection and str(readable.pk) != collection):
            continue
        found = found | objects_queryset(collection=readable, access=access, query=_LATEST)
    if stix_type:
        found = found.filter(type=stix_type)
    if tlp:
        found = found.filter(tlp=tlp)
    if search:
        found = found.filter(
            Q(stix_id__icontains=search)
            | Q(body__name__icontains=search)
            | Q(body__description__icontains=search)
        )
    return found.select_related("collection").order_by("-date_added", "-pk")


def shared_object_get(
    user: User | None, collection_id, stix_id: str
) -> tuple[Collection, StixObject] | None:
    """The latest version TAXII serves ``user`` of one object (None: not there for them)."""
    try:
        key = uuid.UUID(str(collection_id))
    except ValueError:
        return None
    found = collection_get(user, key)
    if found is None or not found[1].can_read:
        return None
    readable, access = found
    row = objects_queryset(
        collection=readable, access=access, query=_LATEST, stix_id=stix_id
    ).first()
    return (readable, row) if row is not None else None


def shared_collections(user: User | None) -> list[Collection]:
    """The collections ``user`` may read objects from (the page's collection filter)."""
    return [c for c, access in collections_with_access(user) if access.can_read]
