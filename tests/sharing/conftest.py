"""A small sharing community: the national centre owns a collection (ceiling AMBER), a
ministry reads and writes it up to AMBER, an overseas counterpart reads up to GREEN, and
another ministry has no access at all."""

from __future__ import annotations

import base64
import datetime as dt
import itertools
import json
import uuid

import pytest

from shireito.accounts.services import api_token_create
from shireito.sharing import services
from shireito.sharing.tlp import TLP2_IDS
from tests.factories import PASSWORD, make_organization, make_user

TAXII = "application/taxii+json;version=2.1"
T0 = dt.datetime(2026, 4, 1, 9, 0, tzinfo=dt.UTC)
_serial = itertools.count(1)


def stamp(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def indicator(
    *,
    tlp: str | None = "green",
    stix_id: str | None = None,
    modified: dt.datetime | None = None,
    created: dt.datetime = T0,
    name: str | None = None,
) -> dict:
    """A STIX 2.1 indicator marked with a TLP 2.0 marking (or none)."""
    number = next(_serial)
    obj = {
        "type": "indicator",
        "spec_version": "2.1",
        "id": stix_id or f"indicator--{uuid.uuid4()}",
        "created": stamp(created),
        "modified": stamp(modified or created),
        "name": name or f"C2 server {number}",
        "pattern": f"[ipv4-addr:value = '198.51.100.{number % 250}']",
        "pattern_type": "stix",
        "valid_from": stamp(created),
    }
    if tlp:
        obj["object_marking_refs"] = [TLP2_IDS[tlp]]
    return obj


def malware(*, tlp: str = "green") -> dict:
    return {
        "type": "malware",
        "spec_version": "2.1",
        "id": f"malware--{uuid.uuid4()}",
        "created": stamp(T0),
        "modified": stamp(T0),
        "name": "Emotet",
        "is_family": True,
        "object_marking_refs": [TLP2_IDS[tlp]],
    }


@pytest.fixture
def community(db):
    nisc = make_organization(code="nisc", kind="national_cyber_centre")
    mhlw = make_organization(code="mhlw", kind="ministry")
    ncsc = make_organization(code="ncsc", kind="overseas_counterpart")
    meti = make_organization(code="meti", kind="ministry")
    da = make_organization(code="digital-agency", kind="digital_agency")
    users = {
        "nisc-handler": make_user(
            username="nisc-handler", organization=nisc, roles=["incident_handler"]
        ),
        "mhlw-handler": make_user(
            username="mhlw-handler", organization=mhlw, roles=["incident_handler"]
        ),
        "mhlw-viewer": make_user(username="mhlw-viewer", organization=mhlw, roles=["viewer"]),
        "ncsc-viewer": make_user(username="ncsc-viewer", organization=ncsc, roles=["viewer"]),
        "ncsc-handler": make_user(
            username="ncsc-handler", organization=ncsc, roles=["incident_handler"]
        ),
        "meti-handler": make_user(
            username="meti-handler", organization=meti, roles=["incident_handler"]
        ),
        "admin": make_user(username="admin", organization=da, roles=["platform_admin"]),
    }
    collection = services.collection_create(
        actor=None, title="Indicators", owner=nisc, max_tlp="amber", description="Shared IoCs"
    )
    services.collection_access_set(
        actor=None,
        collection=collection,
        organization=mhlw,
        can_read=True,
        can_write=True,
        max_tlp="amber",
    )
    services.collection_access_set(
        actor=None,
        collection=collection,
        organization=ncsc,
        can_read=True,
        can_write=False,
        max_tlp="green",
    )
    hidden = services.collection_create(actor=None, title="METI only", owner=meti)
    return {
        "orgs": {"nisc": nisc, "mhlw": mhlw, "ncsc": ncsc, "meti": meti, "da": da},
        "users": users,
        "collection": collection,
        "hidden": hidden,
    }


@pytest.fixture
def token():
    def make(user) -> str:
        _token, secret = api_token_create(actor=None, user=user, name="taxii")
        return secret

    return make


def basic(user, password: str = PASSWORD) -> str:
    raw = f"{user.username}:{password}".encode()
    return "Basic " + base64.b64encode(raw).decode()


@pytest.fixture
def taxii(client, token):
    """``taxii(user, "get", path, **query)`` or ``taxii(user, "post", path, body)`` with the
    user's token (``auth=`` overrides the Authorization header, ``None`` sends none)."""

    def call(user, method, path, body=None, *, auth="token", headers=None, **query):
        extra = {"HTTP_ACCEPT": TAXII}
        if auth == "token":
            extra["HTTP_AUTHORIZATION"] = f"Bearer {token(user)}"
        elif auth is not None:
            extra["HTTP_AUTHORIZATION"] = auth
        extra.update(headers or {})
        if method == "post":
            data = body if isinstance(body, bytes | str) else json.dumps(body)
            content_type = extra.pop("CONTENT_TYPE", TAXII)
            return client.post(path, data, content_type=content_type, **extra)
        return getattr(client, method)(path, query_params=query, **extra)

    return call
