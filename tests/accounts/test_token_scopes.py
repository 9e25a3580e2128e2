"""API token scopes chosen at creation, the second factor before a token is made, and
tokens that cannot make tokens (issue 16)."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from shireito.accounts.choices import TokenScope
from shireito.accounts.models import ApiToken
from shireito.accounts.services import (
    api_token_create,
    totp_enrolment_confirm,
    totp_enrolment_start,
)

pytestmark = pytest.mark.django_db


def _bearer(user, scope: str) -> dict[str, str]:
    _token, secret = api_token_create(actor=None, user=user, name="script", scope=scope)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}", "HTTP_ACCEPT_LANGUAGE": "en"}


def _patch_name(client, headers, username: str, full_name: str):
    return client.patch(
        f"/api/v1/accounts/users/{username}",
        json.dumps({"full_name": full_name}),
        content_type="application/json",
        **headers,
    )


@pytest.mark.parametrize(
    ("scope", "read", "write"),
    [("read_write", 200, 200), ("read_only", 200, 403), ("taxii", 403, 403)],
)
def test_each_scope_reads_and_writes_the_api_as_it_says(
    client, org_admin, viewer, scope, read, write
):
    # given an organisation admin's token of this scope
    headers = _bearer(org_admin, scope)

    # when it reads a colleague and changes their name
    read_response = client.get(f"/api/v1/accounts/users/{viewer.username}", **headers)
    write_response = _patch_name(client, headers, viewer.username, "新しい 名前")

    # then each is answered as the scope allows, a refusal says why and changes nothing
    assert read_response.status_code == read
    assert write_response.status_code == write
    viewer.refresh_from_db()
    assert (viewer.full_name == "新しい 名前") is (write == 200)
    if write == 403:
        detail = write_response.json()["detail"]
        assert "TAXII only" in detail if scope == "taxii" else "read-only" in detail


def test_a_refused_scope_is_said_in_japanese_by_default(client, org_admin, viewer):
    # given a read-only token and a caller with no language preference
    headers = _bearer(org_admin, "read_only")
    headers.pop("HTTP_ACCEPT_LANGUAGE")

    # when it writes
    response = _patch_name(client, headers, viewer.username, "x")

    # then the refusal is in Japanese
    assert response.status_code == 403
    assert "読み取り専用" in response.json()["detail"]


def test_the_api_makes_read_only_tokens_unless_asked_and_lists_the_scope(client, viewer, signed_in):
    # given a signed-in session
    signed_in(viewer)

    # when it creates one token without a scope and one for TAXII
    plain = client.post("/api/v1/accounts/tokens", {"name": "a"}, content_type="application/json")
    for_taxii = client.post(
        "/api/v1/accounts/tokens",
        {"name": "b", "scope": "taxii"},
        content_type="application/json",
    )

    # then the first is read-only, and the list shows each token's scope
    assert (plain.status_code, for_taxii.status_code) == (201, 201)
    assert plain.json()["scope"] == "read_only"
    listed = client.get("/api/v1/accounts/tokens").json()["items"]
    assert {item["name"]: item["scope"] for item in listed} == {"a": "read_only", "b": "taxii"}


def test_a_token_cannot_make_another_token(client, viewer):
    # given a read-write token
    headers = _bearer(viewer, "read_write")

    # when it asks for a new token
    response = client.post(
        "/api/v1/accounts/tokens",
        {"name": "longer lived", "expires_in_days": 366},
        content_type="application/json",
        **headers,
    )

    # then it is refused and no token is made
    assert response.status_code == 403
    assert "session" in response.json()["detail"]
    assert ApiToken.objects.filter(user=viewer).count() == 1


def test_the_tokens_page_offers_scopes_read_only_first_and_lists_them(client, viewer, signed_in):
    # given a signed-in viewer on the tokens page
    signed_in(viewer)
    page = client.get("/accounts/tokens/").content.decode()

    # when a TAXII token is made there
    client.post("/accounts/tokens/", {"name": "feed", "expires_in_days": "30", "scope": "taxii"})

    # then read-only was the preselected choice, and the list shows the new token's scope
    assert 'value="read_only" required id="id_scope_0" checked' in page or (
        'value="read_only"' in page and "checked" in page.split('value="read_only"')[1][:60]
    )
    assert ApiToken.objects.get(user=viewer).scope == TokenScope.TAXII
    listed = client.get("/accounts/tokens/").content.decode()
    assert str(TokenScope.TAXII.label) in listed or "TAXII専用" in listed


def _enrol(user) -> TOTPDevice:
    device = totp_enrolment_start(actor=user)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    device = totp_enrolment_confirm(actor=user, device=device, token=str(code).zfill(6))
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    device.refresh_from_db()
    return device


def test_a_user_with_a_second_factor_makes_tokens_only_when_verified_with_it(viewer):
    # given a viewer with a second factor, acting without having verified it
    _enrol(viewer)
    viewer.is_verified = lambda: False

    # when they make a token, then it is refused
    with pytest.raises(PermissionDenied, match="second factor"), translation.override("en"):
        api_token_create(actor=viewer, user=viewer, name="script", scope="read_only")

    # and once verified, it is made
    viewer.is_verified = lambda: True
    token, _secret = api_token_create(actor=viewer, user=viewer, name="script", scope="read_only")
    assert token.scope == TokenScope.READ_ONLY


def test_a_platform_admin_outside_demo_mode_needs_the_second_factor_for_a_token(platform_admin):
    # given a platform admin acting without a verified second factor (not demo mode)
    # when they make a token, then it is refused; the command line (no actor) still may
    with pytest.raises(PermissionDenied):
        api_token_create(actor=platform_admin, user=platform_admin, name="x", scope="read_only")
    token, _secret = api_token_create(actor=None, user=platform_admin, name="x", scope="taxii")
    assert token.scope == TokenScope.TAXII


def test_an_unknown_scope_is_refused_by_the_service(viewer):
    # when code asks for a scope that does not exist, then a clear error names the field
    with pytest.raises(ValidationError, match="scope"):
        api_token_create(actor=None, user=viewer, name="x", scope="admin")


def test_the_command_line_makes_a_token_of_the_scope_asked(viewer, capsys):
    from django.core.management import call_command

    # when the operator makes a TAXII token for VIEWER (any case finds the user)
    call_command("token", "create", "--user", "VIEWER", "--scope", "taxii")

    # then the printed secret is a TAXII token of the viewer
    secret = capsys.readouterr().out.strip().split()[-1]
    token = ApiToken.objects.get(user=viewer)
    assert token.scope == TokenScope.TAXII
    assert secret.startswith("shireito_")
