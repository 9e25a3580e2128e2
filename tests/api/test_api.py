"""API conventions: bearer auth, list envelope, scoped data, errors that name the field."""

import json
from pathlib import Path

import pytest
from django.test import Client

from shireito.accounts.services import api_token_create
from shireito.api import api
from tests.factories import make_user

pytestmark = pytest.mark.django_db
SNAPSHOT = Path(__file__).with_name("openapi.snapshot.json")


def test_unauthenticated_requests_get_401_with_the_error_body(client):
    response = client.get("/api/v1/organizations")
    assert response.status_code == 401
    assert set(response.json()) == {"detail", "errors"}


def test_lists_answer_items_and_count_with_limit_offset_and_search(api, viewer, other_organization):
    body = api(viewer, "get", "/api/v1/organizations", limit=1, offset=0).json()
    assert body["count"] == 2
    assert len(body["items"]) == 1
    searched = api(viewer, "get", "/api/v1/organizations", search="Other").json()
    assert [item["code"] for item in searched["items"]] == ["other-ministry"]
    assert api(viewer, "get", "/api/v1/organizations", kind="local_government").json()["count"] == 0


def test_invalid_query_parameters_are_named(api, viewer):
    response = api(viewer, "get", "/api/v1/organizations", limit="many", kind="planet")
    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {"limit", "kind"}
    assert all(error["location"] == "query" for error in response.json()["errors"])


def test_invalid_body_fields_are_named_with_a_json_path(api, viewer):
    response = api(
        viewer, "post", "/api/v1/accounts/tokens", body={"name": "", "expires_in_days": 0}
    )
    assert response.status_code == 422
    errors = {error["field"]: error for error in response.json()["errors"]}
    assert set(errors) == {"name", "expires_in_days"}
    assert errors["name"]["path"] == "$.name"
    assert errors["name"]["location"] == "body"


def test_malformed_json_is_a_clear_error(client, viewer):
    _token, secret = api_token_create(actor=None, user=viewer, name="t")
    response = client.post(
        "/api/v1/accounts/tokens",
        "{not json",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code in (400, 422)
    assert "detail" in response.json()


def test_users_are_scoped_to_the_organisation(api, viewer, other_organization, platform_admin):
    make_user(organization=other_organization, username="stranger")
    mine = {u["username"] for u in api(viewer, "get", "/api/v1/accounts/users").json()["items"]}
    assert "stranger" not in mine
    assert "viewer" in mine
    everyone = {
        u["username"] for u in api(platform_admin, "get", "/api/v1/accounts/users").json()["items"]
    }
    assert {"stranger", "viewer"} <= everyone


def test_token_create_and_revoke_through_the_api(viewer, client):
    # Tokens are made from a signed-in session (never with another token).
    session = Client()
    session.force_login(viewer)
    created = session.post(
        "/api/v1/accounts/tokens",
        {"name": "ci", "expires_in_days": 30, "scope": "read_write"},
        content_type="application/json",
    )
    assert created.status_code == 201
    secret = created.json()["token"]
    assert (
        client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    )
    revoked = client.delete(
        f"/api/v1/accounts/tokens/{created.json()['id']}", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert revoked.status_code == 204
    assert (
        client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
    )


def test_another_users_token_cannot_be_revoked(api, viewer, org_admin):
    token, _secret = api_token_create(actor=None, user=org_admin, name="theirs")
    assert api(viewer, "delete", f"/api/v1/accounts/tokens/{token.pk}").status_code == 404


def test_audit_events_are_scoped_and_filterable(api, org_admin, other_organization):
    items = api(
        org_admin, "get", "/api/v1/audit-events", object_type="organizations.organization"
    ).json()
    assert items["count"] >= 1
    assert {item["object_id"] for item in items["items"]} == {str(org_admin.organization_id)}
    assert api(org_admin, "get", "/api/v1/audit-events", action="explode").status_code == 422


@pytest.mark.parametrize(
    ("fixture", "status"), [("viewer", 403), ("org_admin", 403), ("platform_admin", 200)]
)
def test_chain_verification_is_for_platform_admins(api, request, fixture, status):
    user = request.getfixturevalue(fixture)
    response = api(user, "get", "/api/v1/audit-events/verification")
    assert response.status_code == status
    if status == 200:
        assert response.json()["ok"] is True


def test_session_users_can_read_the_api_too(client, viewer, signed_in):
    signed_in(viewer)
    assert client.get("/api/v1/accounts/me").json()["organization_code"] == "test-ministry"


def test_openapi_is_served_with_interactive_docs(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "Shireitō API"
    assert client.get("/api/v1/docs").status_code == 200


def test_the_api_docs_page_names_its_language(client):
    # given the interactive API docs (Swagger UI, whose own text is English)
    # when the page is fetched
    response = client.get("/api/v1/docs")

    # then its root element carries the language, as every page must (WCAG 3.1.1)
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


def test_every_operation_declares_id_and_summary():
    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation.get("operationId"), (method, path)
            assert operation.get("summary"), (method, path)


def test_openapi_contract_matches_the_snapshot():
    """A change to the API contract must be deliberate: regenerate the snapshot with
    SHIREITO_UPDATE_SNAPSHOTS=1 and review the diff."""
    import os

    current = (
        json.dumps(api.get_openapi_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    )
    if os.environ.get("SHIREITO_UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(current)
    assert SNAPSHOT.read_text() == current


def test_api_messages_follow_accept_language(client, viewer):
    _token, secret = api_token_create(actor=None, user=viewer, name="t")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    body = json.dumps(
        {"username": "x", "organization": "test-ministry", "password": "a long passphrase"}
    )
    english = client.post(
        "/api/v1/accounts/users",
        body,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        **headers,
    )
    japanese = client.post(
        "/api/v1/accounts/users", body, content_type="application/json", **headers
    )
    assert english.status_code == japanese.status_code == 403
    assert english.json()["detail"] == "You may not manage users of this organization."
    assert japanese.json()["detail"] == "この組織のユーザーを管理する権限がありません。"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/organizations",
        "/api/v1/portfolio/systems",
        "/api/v1/standards/catalogs",
        "/api/v1/accounts/users",
    ],
)
def test_an_offset_past_what_the_database_holds_is_an_empty_page(api, platform_admin, path):
    response = api(platform_admin, "get", path, offset=10**20)
    assert response.status_code == 200
    assert response.json()["items"] == []
