"""A mapping import's form fields that no database can store are refused, not a server error
(found by schemathesis on PostgreSQL)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shireito.accounts.services import api_token_create
from tests.factories import make_organization, make_user


@pytest.mark.django_db
def test_a_nul_in_a_mapping_import_field_is_refused_as_invalid(client):
    # given an editor with a token
    user = make_user(organization=make_organization(), roles=["editor"])
    _token, secret = api_token_create(actor=None, user=user, name="t")

    # when they import a mapping whose target catalog's key holds a NUL
    response = client.post(
        "/api/v1/standards/mappings",
        {"key": "m", "source": "a", "target": "\x00", "file": SimpleUploadedFile("m.csv", b"x")},
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )

    # then the field is named as invalid
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["target"]
