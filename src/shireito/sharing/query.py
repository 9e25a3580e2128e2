"""The TAXII 2.1 query parameters (``limit``, ``next``, ``added_after``, ``match[...]``) as one
checked value, and the opaque paging cursor.

The cursor is the position of the last row of a page, ``(date_added, pk)``, signed with the
secret key and bound to the collection and the endpoint, so a client can neither forge one nor
carry one to another collection: a tampered cursor is a 400, never a different page.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core import signing
from django.utils.translation import gettext as _

from shireito.sharing import conf
from shireito.sharing.stix import (
    format_timestamp,
    is_identifier,
    is_spec_version,
    is_type,
    parse_timestamp,
)

FILTERS_OBJECTS = ("id", "type", "version", "spec_version")
FILTERS_OBJECT = ("version", "spec_version")
FILTERS_VERSIONS = ("spec_version",)


class QueryError(ValueError):
    """A query parameter the server cannot use: answered 400 naming the parameter."""

    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter
        self.message = message


@dataclass(frozen=True)
class VersionMatch:
    """``match[version]``: any of last (the default), first, all and exact timestamps."""

    last: bool = True
    first: bool = False
    all: bool = False
    at: tuple[dt.datetime, ...] = ()

    @property
    def only_last(self) -> bool:
        return self.last and not (self.first or self.all or self.at)


@dataclass(frozen=True)
class Cursor:
    date_added: dt.datetime
    pk: int


@dataclass(frozen=True)
class ObjectQuery:
    limit: int
    cursor: Cursor | None = None
    added_after: dt.datetime | None = None
    ids: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    version: VersionMatch = field(default_factory=VersionMatch)
    spec_versions: tuple[str, ...] = ()


def _values(params: Mapping, name: str) -> list[str] | None:
    if name not in params:
        return None
    raw = params.getlist(name) if hasattr(params, "getlist") else [params[name]]
    values = [part.strip() for item in raw for part in str(item).split(",")]
    if not values or any(not value for value in values):
        raise QueryError(name, _("Give one or more values, separated by commas."))
    return values


def parse_query(
    params: Mapping,
    *,
    filters: tuple[str, ...] = FILTERS_OBJECTS,
    cursor_salt: str | None = None,
) -> ObjectQuery:
    """Check the query string of a TAXII read. Filters the endpoint does not take are
    ignored, as are parameters TAXII does not define."""
    limit = conf.page_size()
    if "limit" in params:
        raw = str(params.get("limit", "")).strip()
        if not re.fullmatch(r"[0-9]{1,9}", raw) or int(raw) < 1:
            raise QueryError("limit", _("Give a whole number of 1 or more."))
        limit = int(raw)
    limit = min(limit, conf.max_page_size())

    cursor = None
    token = str(params.get("next", "") or "").strip()
    if token:
        cursor = decode_cursor(token, salt=cursor_salt or "")

    added_after = None
    if "added_after" in params:
        try:
            added_after = parse_timestamp(str(params.get("added_after", "")).strip())
        except ValueError:
            raise QueryError(
                "added_after", _("Give a UTC timestamp such as 2026-01-02T03:04:05.000Z.")
            ) from None

    ids: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    spec_versions: tuple[str, ...] = ()
    version = VersionMatch()
    if "id" in filters and (values := _values(params, "match[id]")) is not None:
        if not all(is_identifier(value) for value in values):
            raise QueryError("match[id]", _("Give STIX identifiers of the form type--UUID."))
        ids = tuple(dict.fromkeys(values))
    if "type" in filters and (values := _values(params, "match[type]")) is not None:
        if not all(is_type(value) for value in values):
            raise QueryError("match[type]", _("Give STIX types such as indicator or malware."))
        types = tuple(dict.fromkeys(values))
    if "spec_version" in filters and (values := _values(params, "match[spec_version]")):
        if not all(is_spec_version(value) for value in values):
            raise QueryError("match[spec_version]", _("Give specification versions such as 2.1."))
        spec_versions = tuple(dict.fromkeys(values))
    if "version" in filters and (values := _values(params, "match[version]")) is not None:
        at = []
        for value in values:
            if value in ("last", "first", "all"):
                continue
            try:
                at.append(parse_timestamp(value))
            except ValueError:
                raise QueryError(
                    "match[version]",
                    _("Give last, first, all or UTC timestamps such as 2026-01-02T03:04:05.000Z."),
                ) from None
        version = VersionMatch(
            last="last" in values,
            first="first" in values,
            all="all" in values,
            at=tuple(dict.fromkeys(at)),
        )
    return ObjectQuery(
        limit=limit,
        cursor=cursor,
        added_after=added_after,
        ids=ids,
        types=types,
        version=version,
        spec_versions=spec_versions,
    )


def _salt(salt: str) -> str:
    return f"shireito.sharing.cursor:{salt}"


def encode_cursor(cursor: Cursor, *, salt: str) -> str:
    return signing.dumps([format_timestamp(cursor.date_added), cursor.pk], salt=_salt(salt))


def decode_cursor(token: str, *, salt: str) -> Cursor:
    try:
        stamp, pk = signing.loads(token, salt=_salt(salt))
        if not isinstance(pk, int) or isinstance(pk, bool):
            raise ValueError("not a row")
        return Cursor(date_added=parse_timestamp(stamp), pk=pk)
    except (signing.BadSignature, ValueError, TypeError):
        raise QueryError(
            "next", _("This page token is not valid here: start again without next.")
        ) from None
