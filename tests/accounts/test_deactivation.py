"""Deactivating a user ends their sessions and revokes their tokens, so reactivating them
revives neither (issue 16)."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client

from shireito.accounts.models import ApiToken
from shireito.accounts.services import api_token_create, user_update
from shireito.core.models import AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _signed_in(user) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_a_deactivated_users_sessions_do_not_revive_on_reactivation(org_admin, viewer):
    # given the viewer signed in twice, and an admin's own session beside them
    browsers = [_signed_in(viewer), _signed_in(viewer)]
    admin_browser = _signed_in(org_admin)

    # when the admin deactivates the viewer and later reactivates them
    user_update(actor=org_admin, user=viewer, is_active=False)
    user_update(actor=org_admin, user=viewer, is_active=True)

    # then the viewer's sessions are gone and each browser must sign in again
    for browser in browsers:
        assert browser.get("/accounts/tokens/").status_code == 302
    assert admin_browser.get("/accounts/tokens/").status_code == 200
    signed_in_as = {str(s.get_decoded().get("_auth_user_id")) for s in Session.objects.all()}
    assert str(viewer.pk) not in signed_in_as


def test_a_deactivated_users_tokens_are_revoked_with_a_trail(client, org_admin, viewer):
    # given two tokens of the viewer
    secrets = [
        api_token_create(actor=None, user=viewer, name=name, scope="read_only")[1]
        for name in ("a", "b")
    ]

    # when deactivated and reactivated
    user_update(actor=org_admin, user=viewer, is_active=False)
    user_update(actor=org_admin, user=viewer, is_active=True)

    # then both tokens stay refused, and the trail says who revoked them
    for secret in secrets:
        response = client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
        assert response.status_code == 401
    assert not ApiToken.objects.filter(user=viewer, revoked_at__isnull=True).exists()
    revocations = AuditEvent.objects.filter(object_type="accounts.apitoken", action="update")
    assert revocations.count() == 2
    assert {event.actor_label for event in revocations} == {org_admin.username}


def test_a_refused_deactivation_leaves_sessions_alone(org_admin):
    # given the last admin signed in
    browser = _signed_in(org_admin)

    # when they try to deactivate themselves (refused: the last admin)
    with pytest.raises(ValidationError) as refused:
        user_update(actor=org_admin, user=org_admin, is_active=False)
    assert list(refused.value.message_dict) == ["is_active"]

    # then their session goes on
    assert browser.get("/accounts/tokens/").status_code == 200
