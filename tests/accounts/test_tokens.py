import datetime as dt

import pytest
from django.utils import timezone

from shireito.accounts.models import ApiToken
from shireito.accounts.services import api_token_create, api_token_revoke

pytestmark = pytest.mark.django_db


def _me(client, secret):
    return client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_token_is_stored_hashed_and_authenticates(client, viewer):
    token, secret = api_token_create(actor=viewer, user=viewer, name="script")
    stored = ApiToken.objects.get(pk=token.pk)
    assert secret not in {stored.token_hash, stored.prefix, stored.name}
    assert secret.startswith("shireito_")
    response = _me(client, secret)
    assert response.status_code == 200
    stored.refresh_from_db()
    assert stored.last_used_at is not None


def test_revoked_and_expired_tokens_are_refused(client, viewer):
    revoked, revoked_secret = api_token_create(actor=viewer, user=viewer, name="old")
    api_token_revoke(actor=viewer, token=revoked)
    expired, expired_secret = api_token_create(actor=viewer, user=viewer, name="expired")
    ApiToken.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert _me(client, revoked_secret).status_code == 401
    assert _me(client, expired_secret).status_code == 401
    assert _me(client, "shireito_not-a-token").status_code == 401


def test_a_deactivated_users_tokens_stop_working(client, viewer):
    _token, secret = api_token_create(actor=viewer, user=viewer, name="script")
    viewer.is_active = False
    viewer.save(update_fields=["is_active"])
    assert _me(client, secret).status_code == 401


def test_tokens_page_shows_the_secret_once_and_revokes(client, viewer, signed_in):
    signed_in(viewer)
    response = client.post(
        "/accounts/tokens/",
        {"name": "nightly export", "expires_in_days": "90", "scope": "read_only"},
    )
    html = response.content.decode()
    assert response["Cache-Control"] == "no-store"
    secret = html.split('id="new-token">')[1].split("<")[0]
    assert _me(client, secret).status_code == 200
    assert secret not in client.get("/accounts/tokens/").content.decode()

    token = ApiToken.objects.get(user=viewer)
    client.post(f"/accounts/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_tokens_page_rejects_bad_input_and_writes_nothing(client, viewer, signed_in):
    signed_in(viewer)
    response = client.post("/accounts/tokens/", {"name": "", "expires_in_days": "9999"})
    html = response.content.decode()
    assert 'href="#id_name"' in html
    assert 'href="#id_expires_in_days"' in html
    assert not ApiToken.objects.exists()


def test_nobody_revokes_someone_elses_token(client, viewer, org_admin, signed_in):
    token, _secret = api_token_create(actor=org_admin, user=org_admin, name="admin's")
    signed_in(viewer)
    assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
