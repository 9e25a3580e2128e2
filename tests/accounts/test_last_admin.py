"""An organisation's last admin, and the last platform admin, cannot remove themselves
(issue 16): nobody else could undo it."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError

from shireito.accounts.models import User
from shireito.accounts.services import api_token_create, user_set_roles, user_update
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_the_last_org_admin_cannot_deactivate_themselves(org_admin):
    # when the only admin of the organisation deactivates themselves
    with pytest.raises(ValidationError) as refused:
        user_update(actor=org_admin, user=org_admin, is_active=False)

    # then it is refused on the active state, with the reason
    assert list(refused.value.message_dict) == ["is_active"]
    org_admin.refresh_from_db()
    assert org_admin.is_active


def test_the_last_org_admin_cannot_drop_their_own_admin_role(org_admin):
    with pytest.raises(ValidationError) as refused:
        user_set_roles(actor=org_admin, user=org_admin, roles=["viewer"])
    assert list(refused.value.message_dict) == ["roles"]
    assert User.objects.get(pk=org_admin.pk).roles == {"org_admin"}


def test_with_another_active_admin_they_may(org_admin):
    # given a second, active admin (a deactivated third one does not count for anything)
    make_user(organization=org_admin.organization, username="second", roles=["org_admin"])

    # when the first drops the role, then it is done
    user_set_roles(actor=org_admin, user=org_admin, roles=["viewer"])
    assert User.objects.get(pk=org_admin.pk).roles == {"viewer"}


def test_an_inactive_admin_does_not_count_as_another(org_admin):
    other = make_user(organization=org_admin.organization, username="gone", roles=["org_admin"])
    User.objects.filter(pk=other.pk).update(is_active=False)
    with pytest.raises(ValidationError):
        user_update(actor=org_admin, user=org_admin, is_active=False)


def test_the_last_platform_admin_cannot_remove_themselves(platform_admin):
    with pytest.raises(ValidationError):
        user_set_roles(actor=platform_admin, user=platform_admin, roles=["viewer"])
    with pytest.raises(ValidationError):
        user_update(actor=platform_admin, user=platform_admin, is_active=False)
    assert User.objects.get(pk=platform_admin.pk).is_platform_admin


def test_the_command_line_may_still_withdraw_the_last_admin(org_admin):
    # the operator's way back in is not bound by the rule
    user_set_roles(actor=None, user=org_admin, roles=["viewer"])
    assert User.objects.get(pk=org_admin.pk).roles == {"viewer"}


def test_the_api_refuses_with_the_reason(client, org_admin):
    # given the only admin's read-write token
    _token, secret = api_token_create(actor=None, user=org_admin, name="t", scope="read_write")

    # when they drop their own admin role through the API
    response = client.patch(
        f"/api/v1/accounts/users/{org_admin.username}",
        json.dumps({"roles": ["viewer"]}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    # then a 4xx names the roles field and says why, and nothing changed
    assert response.status_code == 422
    assert "last active admin" in json.dumps(response.json())
    assert User.objects.get(pk=org_admin.pk).roles == {"org_admin"}
