import time

import pytest
from django.contrib.auth.hashers import identify_hasher, make_password
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from shireito import settings as production_settings
from shireito.accounts.services import totp_enrolment_confirm, totp_enrolment_start
from shireito.core.models import AuditEvent
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def _code(device: TOTPDevice) -> str:
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{code:06d}"


def _enrol(user) -> TOTPDevice:
    device = totp_enrolment_start(actor=user)
    device = totp_enrolment_confirm(actor=user, device=device, token=_code(device))
    # As if the next time step had come: the enrolment code may not be replayed at sign-in.
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    device.refresh_from_db()
    return device


def test_passwords_are_hashed_with_argon2_in_production():
    assert production_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert identify_hasher(make_password("x", hasher="argon2")).algorithm == "argon2"


def test_sign_in_with_the_right_password(client, viewer):
    response = client.post("/accounts/login/", {"username": "viewer", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_wrong_password_says_so_and_keeps_the_name(client, viewer):
    response = client.post("/accounts/login/", {"username": "viewer", "password": "wrong"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "ユーザー名またはパスワードが正しくありません" in html
    assert 'value="viewer"' in html


def test_empty_form_names_each_missing_field(client):
    response = client.post("/accounts/login/", {})
    html = response.content.decode()
    assert 'href="#id_username"' in html
    assert 'href="#id_password"' in html
    assert 'aria-invalid="true"' in html


def test_sign_in_is_paused_after_repeated_failures(client, viewer, settings):
    # given as many wrong passwords as the limit allows
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "viewer", "password": "wrong"})

    # when the right password comes next
    response = client.post("/accounts/login/", {"username": "viewer", "password": PASSWORD})

    # then sign-in is still refused, with a page that says why
    assert response.status_code == 429
    assert "サインインを一時停止しています" in response.content.decode()
    assert client.get("/").status_code == 302


def test_other_names_are_not_paused_by_someone_elses_failures(client, viewer, organization):
    other = make_user(organization=organization, username="other")
    for _ in range(6):
        client.post("/accounts/login/", {"username": "viewer", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": other.username, "password": PASSWORD})
    assert response.status_code == 302


def test_next_may_not_point_to_another_site(client, viewer):
    response = client.post(
        "/accounts/login/?next=https://evil.example/", {"username": "viewer", "password": PASSWORD}
    )
    assert response["Location"] == "/"


def test_user_with_a_second_factor_needs_the_code(client, viewer):
    # given a user who enrolled an authenticator
    device = _enrol(viewer)

    # when they give the right password
    response = client.post("/accounts/login/", {"username": "viewer", "password": PASSWORD})

    # then they are asked for the code, and are not signed in yet
    assert response["Location"] == "/accounts/login/verify/"
    assert client.get("/").status_code == 302

    wrong = client.post(
        "/accounts/login/verify/", {"token": "000000" if _code(device) != "000000" else "111111"}
    )
    assert wrong.status_code == 200
    assert "コードが正しくありません" in wrong.content.decode()

    # a fresh code (the last one was consumed above only if it matched) signs them in
    device.refresh_from_db()
    device.throttle_reset()
    ok = client.post("/accounts/login/verify/", {"token": _code(device)})
    assert ok.status_code == 302
    assert client.get("/").status_code == 200
    assert client.session.get("otp_device_id")


def test_malformed_code_is_rejected_with_a_field_error(client, viewer):
    _enrol(viewer)
    client.post("/accounts/login/", {"username": "viewer", "password": PASSWORD})
    response = client.post("/accounts/login/verify/", {"token": "12ab"})
    assert "6桁の数字を入力してください" in response.content.decode()


def test_pending_second_factor_expires(client, viewer, settings):
    _enrol(viewer)
    client.post("/accounts/login/", {"username": "viewer", "password": PASSWORD})
    session = client.session
    session["shireito_pending_signin"]["at"] = (
        time.time() - settings.SHIREITO_PENDING_SIGNIN_SECONDS - 1
    )
    session.save()
    response = client.get("/accounts/login/verify/")
    assert response["Location"] == "/accounts/login/?username=viewer"


def test_verify_without_a_password_step_goes_back_to_sign_in(client):
    assert client.get("/accounts/login/verify/")["Location"] == "/accounts/login/"


def test_platform_admin_must_set_up_two_factor_outside_demo_mode(client, platform_admin, settings):
    settings.DEMO_MODE = False
    client.post("/accounts/login/", {"username": platform_admin.username, "password": PASSWORD})
    response = client.get("/organizations/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/two-factor/"
    api = client.get("/api/v1/accounts/me")
    assert api.status_code == 403


def test_platform_admin_may_skip_two_factor_in_demo_mode(client, platform_admin, demo_mode):
    # given a platform admin without a second factor, in demo mode
    # when they sign in with the password alone
    client.post("/accounts/login/", {"username": platform_admin.username, "password": PASSWORD})

    # then the pages and the API serve them, not the two-factor set-up
    page = client.get("/organizations/")
    assert page.status_code == 200
    assert 'href="/organizations/new/"' in page.content.decode()
    assert client.get("/api/v1/accounts/me").json()["username"] == platform_admin.username


def test_enrolment_through_the_page(client, viewer, signed_in):
    signed_in(viewer)
    page = client.get("/accounts/two-factor/")
    html = page.content.decode()
    assert "<svg" in html
    assert 'class="secret"' in html
    device = TOTPDevice.objects.get(user=viewer, confirmed=False)

    bad = client.post("/accounts/two-factor/", {"token": "123"})
    assert "6桁の数字" in bad.content.decode()

    good = client.post("/accounts/two-factor/", {"token": _code(device)})
    assert good.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    event = AuditEvent.objects.filter(object_type="otp_totp.totpdevice", action="create").get()
    assert device.key not in str(event.changes)


def test_platform_admin_cannot_turn_two_factor_off_outside_demo_mode(platform_admin, settings):
    from django.core.exceptions import PermissionDenied

    from shireito.accounts.services import totp_remove

    settings.DEMO_MODE = False
    _enrol(platform_admin)
    with pytest.raises(PermissionDenied):
        totp_remove(actor=platform_admin, user=platform_admin)


def test_sign_out_needs_post(client, viewer, signed_in):
    signed_in(viewer)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_enrolling_ends_sessions_signed_in_with_the_password_alone(client, viewer):
    from django.test import Client

    # given a session signed in with the password only
    client.post("/accounts/login/", {"username": "viewer", "password": PASSWORD})
    assert client.get("/organizations/").status_code == 200

    # when the user (or someone with the password) enrols an authenticator elsewhere
    _enrol(viewer)

    # then the old session is signed out, and cannot turn the second factor off
    response = client.post("/accounts/two-factor/", {"token": "123456"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert TOTPDevice.objects.filter(user=viewer, confirmed=True).exists()
    assert Client().get("/organizations/").status_code == 302


def test_turning_two_factor_off_needs_a_current_code(client, viewer):
    device = _enrol(viewer)
    client.post("/accounts/login/", {"username": "viewer", "password": PASSWORD})
    client.post("/accounts/login/verify/", {"token": _code(device)})
    assert client.get("/").status_code == 200

    wrong = client.post(
        "/accounts/two-factor/", {"token": "000000" if _code(device) != "000000" else "111111"}
    )
    assert "コードが正しくありません" in wrong.content.decode()
    assert TOTPDevice.objects.filter(user=viewer).exists()

    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    right = client.post("/accounts/two-factor/", {"token": _code(device)})
    assert right.status_code == 302
    assert not TOTPDevice.objects.filter(user=viewer).exists()


def test_expired_code_step_keeps_the_user_name(client, viewer, settings):
    _enrol(viewer)
    client.post("/accounts/login/", {"username": "viewer", "password": PASSWORD})
    session = client.session
    session["shireito_pending_signin"]["at"] = 0
    session.save()
    response = client.get("/accounts/login/verify/", follow=True)
    assert 'value="viewer"' in response.content.decode()
