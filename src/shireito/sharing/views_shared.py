"""The pages of threat information shared with the user's organisation: what the TAXII server
serves them at their TLP, as a list with filters and as one object at a time (readable, with
its JSON). The same selectors as TAXII decide what is there."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse

from shireito.core.pages import file_response, get_or_404, list_page
from shireito.sharing import permissions, readable, selectors
from shireito.sharing.forms import SharedObjectFilter
from shireito.sharing.models import STIX_MEDIA_TYPE


def _require(user) -> None:
    if not permissions.may_read_shared(user):
        raise PermissionDenied


def _rows(objects):
    return [
        {
            "object": row,
            "title": readable.title_of(row.body),
            "kind": readable.type_label(row.type),
        }
        for row in objects
    ]


@login_required
def shared_list(request):
    _require(request.user)
    collections = selectors.shared_collections(request.user)
    filters = SharedObjectFilter(request.GET, collections=collections)
    return list_page(
        request,
        template="sharing/shared_list.html",
        items=selectors.shared_objects(request.user, **filters.values()),
        filters=filters,
        rows=_rows,
        context={
            "collections": collections,
            "taxii_url": request.build_absolute_uri(reverse("taxii:discovery")),
            "tokens_url": reverse("accounts:api_tokens"),
        },
    )


@login_required
def shared_detail(request, collection: str, stix_id: str):
    _require(request.user)
    found, row = get_or_404(selectors.shared_object_get(request.user, collection, stix_id))
    return render(
        request,
        "sharing/shared_detail.html",
        {
            "collection": found,
            "object": row,
            "title": readable.title_of(row.body),
            "kind": readable.type_label(row.type),
            "rows": readable.rows_of(row.body),
            "body": json.dumps(row.body, ensure_ascii=False, indent=2),
        },
    )


@login_required
def shared_json(request, collection: str, stix_id: str):
    """The object as TAXII serves it, to download."""
    _require(request.user)
    _found, row = get_or_404(selectors.shared_object_get(request.user, collection, stix_id))
    return file_response(
        json.dumps(row.body, ensure_ascii=False, indent=2),
        filename=f"{row.stix_id}.json",
        content_type=STIX_MEDIA_TYPE,
    )
