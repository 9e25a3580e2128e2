"""The TAXII 2.1 server under /taxii2/: HTTP only. Each view authenticates, negotiates the
media type, parses the query and calls a selector or service; the rules live there.

Errors are TAXII error messages (``title``, ``description``, ``http_status`` as a string, and
our ``error_code``) with the TAXII media type. A collection the caller may not see at all is a
404, as is an unknown one (the spec allows 404 for "no access", and it does not reveal that a
collection exists); a visible collection the caller may not read or write is a 403.
"""

from __future__ import annotations

import json
import uuid
from functools import wraps
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from shireito.sharing import conf, selectors, services
from shireito.sharing.auth import Refusal, authenticate_request
from shireito.sharing.models import STIX_MEDIA_TYPE, TAXII_MEDIA_TYPE
from shireito.sharing.query import (
    FILTERS_OBJECT,
    FILTERS_OBJECTS,
    FILTERS_VERSIONS,
    QueryError,
    parse_query,
)
from shireito.sharing.stix import format_timestamp, format_version, is_identifier, parse_json

if TYPE_CHECKING:
    from shireito.accounts.models import User


class TaxiiError(Exception):
    def __init__(
        self, status: int, code: str, title: str, description: str = "", headers=None, details=None
    ):
        super().__init__(description or title)
        self.status = status
        self.code = code
        self.title = title
        self.description = description
        self.headers = headers or {}
        self.details = details


def taxii_response(data, *, status: int = 200, headers=None) -> HttpResponse:
    body = b"" if data is None else json.dumps(data, ensure_ascii=False).encode()
    response = HttpResponse(body, status=status, content_type=TAXII_MEDIA_TYPE)
    # What a collection holds is for the caller only: never kept by a shared cache.
    response["Cache-Control"] = "no-store"
    response["Content-Language"] = translation.get_language()
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def error_response(error: TaxiiError) -> HttpResponse:
    body = {
        "title": error.title,
        "http_status": str(error.status),
        "error_code": error.code,
    }
    if error.description:
        body["description"] = error.description
    if error.details:
        body["details"] = error.details
    return taxii_response(body, status=error.status, headers=error.headers)


def _unauthorized(refusal: Refusal) -> TaxiiError:
    challenge = 'Basic realm="Shireito TAXII", charset="UTF-8", Bearer realm="Shireito TAXII"'
    if refusal.reason == "locked_out":
        seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
        return TaxiiError(
            429,
            "locked-out",
            _("Too many failed sign-ins"),
            _("Sign-in for this name is paused after repeated failures. Try again later."),
            headers={"Retry-After": str(seconds)},
        )
    if refusal.reason == "scope":
        return TaxiiError(403, "forbidden-token-scope", _("Forbidden"), refusal.detail)
    descriptions = {
        "missing": _("Send an API token (Authorization: Bearer) or a user name and password."),
        "invalid": _("The credentials are not valid."),
        "second_factor": _(
            "This account signs in with a second factor: use an API token instead of a password."
        ),
    }
    return TaxiiError(
        401,
        f"unauthorized-{refusal.reason}",
        _("Authentication required"),
        descriptions[refusal.reason],
        headers={"WWW-Authenticate": challenge},
    )


def _media_range_ok(item: str) -> bool:
    parts = [part.strip() for part in item.split(";")]
    kind = parts[0].lower()
    params = {}
    for part in parts[1:]:
        name, _sep, value = part.partition("=")
        params[name.strip().lower()] = value.strip().strip('"')
    try:
        if float(params.get("q", "1")) <= 0:
            return False
    except ValueError:
        return False
    if kind in ("*/*", "application/*"):
        return True
    return kind == "application/taxii+json" and params.get("version", "2.1") == "2.1"


def _check_accept(request) -> None:
    accept = request.headers.get("Accept", "").strip()
    if not accept or any(_media_range_ok(item) for item in accept.split(",")):
        return
    raise TaxiiError(
        406,
        "not-acceptable",
        _("Media type not acceptable"),
        _("This server answers with %(media_type)s.") % {"media_type": TAXII_MEDIA_TYPE},
    )


def _check_content_type(request) -> None:
    parts = [part.strip() for part in request.headers.get("Content-Type", "").split(";")]
    params = {}
    for part in parts[1:]:
        name, _sep, value = part.partition("=")
        params[name.strip().lower()] = value.strip().strip('"')
    if parts[0].lower() == "application/taxii+json" and params.get("version") == "2.1":
        return
    raise TaxiiError(
        415,
        "unsupported-media-type",
        _("Unsupported media type"),
        _("Send the objects as %(media_type)s.") % {"media_type": TAXII_MEDIA_TYPE},
    )


def _read_body(request) -> bytes:
    limit = conf.max_content_length()
    too_large = TaxiiError(
        413,
        "too-large",
        _("Request too large"),
        _("This API root accepts requests of up to %(bytes)s bytes.") % {"bytes": limit},
    )
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        raise too_large
    body = request.read(limit + 1)
    if len(body) > limit:
        raise too_large
    return body


def _not_found() -> TaxiiError:
    return TaxiiError(404, "not-found", _("Not found"), _("There is nothing here for you."))


def _forbidden(description: str) -> TaxiiError:
    return TaxiiError(403, "forbidden", _("Forbidden"), description)


def taxii_endpoint(*methods: str, rooted: bool = True):
    """Wrap a view: allowed methods, authentication, Accept negotiation, the API root's name
    (``rooted``), errors as TAXII error messages, the caller's language (Accept-Language), no
    CSRF (no session, no cookie)."""

    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            language = translation.get_language_from_request(request)
            with translation.override(language):
                try:
                    if request.method not in methods:
                        raise TaxiiError(
                            405,
                            "method-not-allowed",
                            _("Method not allowed"),
                            headers={"Allow": ", ".join(methods)},
                        )
                    user = authenticate_request(request)
                    if isinstance(user, Refusal):
                        raise _unauthorized(user)
                    _check_accept(request)
                    if rooted and kwargs.pop("root") != conf.api_root_name():
                        raise _not_found()
                    return view(request, user, *args, **kwargs)
                except TaxiiError as error:
                    return error_response(error)
                except QueryError as error:
                    return error_response(
                        TaxiiError(
                            400,
                            "invalid-parameter",
                            _("Invalid query parameter"),
                            f"{error.parameter}: {error.message}",
                            details={"parameter": error.parameter},
                        )
                    )
                except PermissionDenied as error:
                    return error_response(_forbidden(str(error)))

        return wrapper

    return decorate


def _api_root_url(request) -> str:
    return request.build_absolute_uri(f"{reverse('taxii:discovery')}{conf.api_root_name()}/")


@taxii_endpoint("GET", "POST", "DELETE", rooted=False)
def unknown(request, user: User, rest=""):
    """Any other address under /taxii2/: a TAXII 404, not an HTML page."""
    raise TaxiiError(404, "not-found", _("Not found"), _("There is no such TAXII resource."))


@taxii_endpoint("GET", rooted=False)
def discovery(request, user: User):
    """The server and its one API root (also the default)."""
    url = _api_root_url(request)
    return taxii_response(
        {
            "title": _("Shireitō TAXII server"),
            "description": _(
                "Cyber threat intelligence shared through Shireitō, per collection and per "
                "counterpart, under the Traffic Light Protocol."
            ),
            "default": url,
            "api_roots": [url],
        }
    )


@taxii_endpoint("GET")
def api_root(request, user: User):
    return taxii_response(
        {
            "title": _("Shireitō"),
            "description": _("Collections of STIX 2.1 objects shared through Shireitō."),
            "versions": [TAXII_MEDIA_TYPE],
            "max_content_length": conf.max_content_length(),
            "x_shireito_page_size": conf.page_size(),
            "x_shireito_max_page_size": conf.max_page_size(),
        }
    )


def _collection_resource(collection, access) -> dict:
    resource = {
        "id": str(collection.pk),
        "title": collection.title,
        "can_read": access.can_read,
        "can_write": access.can_write,
        "media_types": collection.media_types or [STIX_MEDIA_TYPE],
    }
    if collection.description:
        resource["description"] = collection.description
    if collection.alias:
        resource["alias"] = collection.alias
    return resource


@taxii_endpoint("GET")
def collections(request, user: User):
    items = [
        _collection_resource(collection, access)
        for collection, access in selectors.collections_with_access(user)
    ]
    return taxii_response({"collections": items} if items else {})


def _collection(user: User, collection_id: str):
    try:
        key = uuid.UUID(collection_id)
    except ValueError:
        raise _not_found() from None
    found = selectors.collection_get(user, key)
    if found is None:
        raise _not_found()
    return found


def _readable(user: User, collection_id: str):
    collection, access = _collection(user, collection_id)
    if not access.can_read:
        raise _forbidden(_("You may not read this collection."))
    return collection, access


def _writable(user: User, collection_id: str):
    collection, access = _collection(user, collection_id)
    if not access.can_write:
        raise _forbidden(_("You may not write to this collection."))
    return collection, access


@taxii_endpoint("GET")
def collection(request, user: User, collection_id):
    collection, access = _collection(user, collection_id)
    return taxii_response(_collection_resource(collection, access))


def _date_headers(page) -> dict:
    if not page.rows:
        return {}
    return {
        "X-TAXII-Date-Added-First": format_timestamp(page.first_added),
        "X-TAXII-Date-Added-Last": format_timestamp(page.last_added),
    }


def _envelope(page, key: str, items: list) -> dict:
    envelope: dict = {"more": page.more}
    if page.next:
        envelope["next"] = page.next
    if items:
        envelope[key] = items
    return envelope


def _page(request, user: User, collection, access, *, endpoint, filters, **where):
    query = parse_query(
        request.GET,
        filters=filters,
        cursor_salt=selectors.cursor_salt(collection, endpoint),
    )
    return selectors.objects_page(
        user=user,
        collection=collection,
        query=query,
        endpoint=endpoint,
        access=access,
        with_body=endpoint in ("objects", "object"),
        **where,
    )


@taxii_endpoint("GET", "POST")
def objects(request, user: User, collection_id):
    if request.method == "POST":
        return _add_objects(request, user, collection_id)
    collection, access = _readable(user, collection_id)
    page = _page(request, user, collection, access, endpoint="objects", filters=FILTERS_OBJECTS)
    return taxii_response(
        _envelope(page, "objects", [row.body for row in page.rows]), headers=_date_headers(page)
    )


def _add_objects(request, user: User, collection_id):
    collection, _access = _writable(user, collection_id)
    _check_content_type(request)
    body = _read_body(request)
    try:
        envelope = parse_json(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise TaxiiError(
            400, "invalid-json", _("Invalid JSON"), _("The request body is not valid JSON.")
        ) from None
    if not isinstance(envelope, dict) or not isinstance(envelope.get("objects", []), list):
        raise TaxiiError(
            400,
            "invalid-envelope",
            _("Invalid envelope"),
            _("$.objects: send an envelope whose objects property is a list of STIX objects."),
        )
    status = services.objects_add(
        actor=user, collection=collection, objects=envelope.get("objects", [])
    )
    return taxii_response(status_resource(status), status=202)


def status_resource(status) -> dict:
    resource = {
        "id": str(status.pk),
        "status": status.status,
        "request_timestamp": format_timestamp(status.request_timestamp),
        "total_count": status.total_count,
        "success_count": status.success_count,
        "failure_count": status.failure_count,
        "pending_count": status.pending_count,
    }
    for name in ("successes", "failures", "pendings"):
        if getattr(status, name):
            resource[name] = getattr(status, name)
    return resource


def _object_id(object_id: str) -> str:
    if not is_identifier(object_id):
        raise _not_found()
    return object_id


@taxii_endpoint("GET", "DELETE")
def object_detail(request, user: User, collection_id, object_id):
    object_id = _object_id(object_id)
    if request.method == "DELETE":
        collection, access = _writable(user, collection_id)
        if not access.can_read:
            raise _forbidden(_("You may not delete from a collection you cannot read."))
        query = parse_query(request.GET, filters=FILTERS_OBJECT)
        version = query.version if "match[version]" in request.GET else None
        deleted = services.objects_delete(
            actor=user,
            collection=collection,
            stix_id=object_id,
            version=version,
            spec_versions=query.spec_versions,
        )
        if not deleted:
            raise _not_found()
        return taxii_response(None)
    page = _object_page(
        request, user, collection_id, object_id, endpoint="object", filters=FILTERS_OBJECT
    )
    return taxii_response(
        _envelope(page, "objects", [row.body for row in page.rows]), headers=_date_headers(page)
    )


@taxii_endpoint("GET")
def object_versions(request, user: User, collection_id, object_id):
    object_id = _object_id(object_id)
    page = _object_page(
        request, user, collection_id, object_id, endpoint="versions", filters=FILTERS_VERSIONS
    )
    versions = [format_version(row.version) for row in page.rows]
    return taxii_response(_envelope(page, "versions", versions), headers=_date_headers(page))


@taxii_endpoint("GET")
def manifest(request, user: User, collection_id):
    collection, access = _readable(user, collection_id)
    page = _page(request, user, collection, access, endpoint="manifest", filters=FILTERS_OBJECTS)
    records = [
        {
            "id": row.stix_id,
            "date_added": format_timestamp(row.date_added),
            "version": format_version(row.version),
            "media_type": f"application/stix+json;version={row.spec_version}",
        }
        for row in page.rows
    ]
    return taxii_response(_envelope(page, "objects", records), headers=_date_headers(page))


@taxii_endpoint("GET")
def status(request, user: User, status_id):
    try:
        key = uuid.UUID(status_id)
    except ValueError:
        raise _not_found() from None
    found = selectors.status_get(user, key)
    if found is None:
        raise _not_found()
    return taxii_response(status_resource(found))


def _object_page(request, user: User, collection_id, object_id: str, *, endpoint: str, filters):
    """A page of one object's versions (all, or those the filter picks); 404 when the object
    is not in the collection at all, but an empty page when only the filter left nothing."""
    collection, access = _readable(user, collection_id)
    where = {"stix_id": object_id} if endpoint == "object" else {"versions_of": object_id}
    page = _page(request, user, collection, access, endpoint=endpoint, filters=filters, **where)
    if not page.rows and not selectors.object_exists(
        collection=collection, access=access, stix_id=object_id
    ):
        raise _not_found()
    return page
