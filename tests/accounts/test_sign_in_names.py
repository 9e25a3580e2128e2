"""Sign-in names that cannot pass for someone else's: ASCII after NFKC and lower case, unique
ignoring case in the database, and no look-alike of an existing name (issue 16)."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from hypothesis import given
from hypothesis import strategies as st

from shireito.accounts.models import User
from shireito.accounts.names import (
    is_valid_sign_in_name,
    normalize_sign_in_name,
    skeleton,
)
from shireito.accounts.services import api_token_create, user_create
from shireito.demo.dataset import USERS
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def da_admin(platform_admin):
    return make_user(
        organization=platform_admin.organization, username="da-admin", roles=["platform_admin"]
    )


@pytest.mark.parametrize(
    "name", ["DA-ADMIN", "Da-Admin", "dа-admin", "ｄａ-ａｄｍｉｎ", "da-admin ", "da-adrnin"]
)
def test_an_org_admin_cannot_create_a_look_alike_of_the_platform_admin(org_admin, da_admin, name):
    # given the platform admin da-admin
    # when an organisation admin creates a user whose name reads as theirs
    with pytest.raises(ValidationError) as refused:
        user_create(
            actor=org_admin,
            username=name,
            organization=org_admin.organization,
            password=PASSWORD,
            roles=["viewer"],
        )

    # then it is refused on the user name, and nobody is added
    assert list(refused.value.message_dict) == ["username"]
    assert User.objects.filter(organization=org_admin.organization).count() == 1


def test_names_are_stored_lower_case_after_nfkc(org_admin):
    # when a name is given in capitals and full-width letters
    user = user_create(
        actor=org_admin,
        username="ＭＨＬＷ-Officer2",
        organization=org_admin.organization,
        password=PASSWORD,
    )

    # then it is stored in its one normal form
    assert user.username == "mhlw-officer2"


def test_a_name_that_differs_by_i_and_l_is_a_name_of_its_own(org_admin, da_admin):
    # i and l are not confusable in UTS #39 (the dot): da-admln is a different word
    user = user_create(
        actor=org_admin, username="da-admln", organization=org_admin.organization, password=None
    )
    assert user.username == "da-admln"


def test_the_database_refuses_a_name_that_differs_only_in_case(da_admin):
    # given da-admin; when a row is written past the services, then the constraint holds
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="DA-Admin", organization=da_admin.organization)


def test_the_page_says_why_in_japanese(client, org_admin, signed_in):
    # given an organisation admin on the add-user page, and a user named viewer2
    make_user(organization=org_admin.organization, username="viewer2")
    signed_in(org_admin)

    # when they add VIEWER2 and a name with a Cyrillic letter
    responses = [
        client.post(
            "/accounts/users/new/",
            {
                "username": name,
                "password": "a long enough passphrase",
                "organization": org_admin.organization_id,
                "roles": ["viewer"],
            },
        )
        for name in ("VIEWER2", "viewеr3")
    ]

    # then each page names the user name field with a Japanese reason, and nobody is added
    assert [r.status_code for r in responses] == [200, 200]
    assert "既に存在します" in responses[0].content.decode()
    assert "英小文字" in responses[1].content.decode()
    assert 'href="#id_username"' in responses[1].content.decode()
    assert User.objects.filter(organization=org_admin.organization).count() == 2


def test_the_api_says_why_in_english_when_asked(client, org_admin):
    # given a user named viewer2, and an organisation admin's token
    make_user(organization=org_admin.organization, username="viewer2")
    _token, secret = api_token_create(actor=None, user=org_admin, name="t", scope="read_write")

    # when the API is asked to add Viewer2
    response = client.post(
        "/api/v1/accounts/users",
        json.dumps(
            {
                "username": "Viewer2",
                "organization": org_admin.organization.code,
                "password": "a long enough passphrase",
            }
        ),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    # then a 4xx names the field and says why
    assert response.status_code in (400, 422)
    text = json.dumps(response.json())
    assert "username" in text
    assert "already exists" in text


def test_existing_mixed_case_users_sign_in_however_they_type_their_name(client, organization):
    # given a user stored before names were lowered
    legacy = make_user(organization=organization, username="legacy")
    User.objects.filter(pk=legacy.pk).update(username="Legacy-User")

    # when they sign in in lower case and in capitals
    for typed in ("legacy-user", "LEGACY-USER"):
        client.logout()
        response = client.post("/accounts/login/", {"username": typed, "password": PASSWORD})

        # then each signs them in
        assert response.status_code == 302
        assert int(client.session["_auth_user_id"]) == legacy.pk


def test_changing_case_does_not_step_around_the_lock_out(client, viewer, settings):
    # given as many wrong passwords as the limit allows, each in another spelling of the name
    spellings = ["viewer", "VIEWER", "Viewer", "vIEWER", "ViEwEr", "VIEWer"]
    for typed in spellings[: settings.AXES_FAILURE_LIMIT]:
        client.post("/accounts/login/", {"username": typed, "password": "wrong"})

    # when the right password comes next
    response = client.post("/accounts/login/", {"username": "viewer", "password": PASSWORD})

    # then sign-in is paused for the one name
    assert response.status_code == 429


def test_every_demo_user_name_is_valid_and_unlike_every_other():
    # the demo data (and through it the scale data, which adds no users) keeps to the rules
    names = [name for name, *_rest in USERS]
    assert all(is_valid_sign_in_name(name) for name in names)
    assert len({skeleton(name) for name in names}) == len(names)


@given(st.text(max_size=40))
def test_a_name_that_passes_is_plain_lower_case_ascii(text):
    # whatever is typed, a name the rules accept is ASCII, lower case and already normal
    name = normalize_sign_in_name(text)
    if is_valid_sign_in_name(name):
        assert name.isascii()
        assert name == name.lower() == normalize_sign_in_name(name)
        assert skeleton(skeleton(name)) == skeleton(name)
