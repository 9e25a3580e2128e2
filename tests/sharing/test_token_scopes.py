"""API token scopes on the TAXII server: TAXII and read-write tokens reach it, read-only
tokens only read it (issue 16)."""

from __future__ import annotations

import pytest

from shireito.accounts.services import api_token_create
from shireito.sharing.models import StixObject
from tests.sharing.conftest import indicator

pytestmark = pytest.mark.urls("tests.sharing.urls")

ROOT = "/taxii2/shireito"


def _bearer(user, scope: str) -> str:
    _token, secret = api_token_create(actor=None, user=user, name="tool", scope=scope)
    return f"Bearer {secret}"


@pytest.mark.parametrize(
    ("scope", "read", "write"),
    [("taxii", 200, 202), ("read_write", 200, 202), ("read_only", 200, 403)],
)
def test_each_scope_reads_and_writes_taxii_as_it_says(community, taxii, scope, read, write):
    # given a handler whose organisation may write the collection, with a token of this scope
    handler = community["users"]["mhlw-handler"]
    url = f"{ROOT}/collections/{community['collection'].pk}/objects/"
    before = StixObject.objects.count()

    # when the token reads the collection and posts an indicator
    read_response = taxii(handler, "get", url, auth=_bearer(handler, scope))
    write_response = taxii(
        handler, "post", url, {"objects": [indicator()]}, auth=_bearer(handler, scope)
    )

    # then each is answered as the scope allows, and a refused write stores nothing
    assert read_response.status_code == read
    assert write_response.status_code == write
    assert StixObject.objects.count() == before + (1 if write == 202 else 0)


def test_a_read_only_token_is_refused_in_taxiis_own_error_format(community, taxii):
    # given a read-only token
    handler = community["users"]["mhlw-handler"]
    url = f"{ROOT}/collections/{community['collection'].pk}/objects/"

    # when it posts
    response = taxii(
        handler,
        "post",
        url,
        {"objects": [indicator()]},
        auth=_bearer(handler, "read_only"),
        headers={"HTTP_ACCEPT_LANGUAGE": "en"},
    )

    # then a TAXII error says why
    assert response.status_code == 403
    assert "read-only" in response.json()["description"]
