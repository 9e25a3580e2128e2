"""Two-factor sign-in in a real browser: enrol from the page's key, then sign in with a code."""

import base64

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD


def _code_from_key(key_text: str, *, step_offset: int = 0) -> str:
    secret = key_text.replace(" ", "")
    secret += "=" * (-len(secret) % 8)
    return f"{totp(base64.b32decode(secret), drift=step_offset):06d}"


def test_enrol_then_sign_in_with_a_code(live_server, new_page, people):
    page = new_page(language="en", base_url=live_server.url)
    sign_in(page, live_server.url, "e2e-viewer")
    page.goto(f"{live_server.url}/accounts/two-factor/")
    assert_accessible(page)
    # as a person would: read the key shown beside the QR code into an authenticator
    key = page.locator("code.secret").inner_text()
    page.fill("#id_token", _code_from_key(key))
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=Two-factor sign-in is on")
    assert TOTPDevice.objects.filter(user__username="e2e-viewer", confirmed=True).exists()

    # sign out, and in again: now the code is asked for after the password
    page.click(".user-menu button[type=submit]")
    page.wait_for_url("**/accounts/login/")
    page.fill("#id_username", "e2e-viewer")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/login/verify/")
    assert_accessible(page)
    page.fill("#id_token", "000000" if _code_from_key(key, step_offset=1) != "000000" else "111111")
    page.click("main form button[type=submit]")
    page.wait_for_selector(".error-summary")
    assert_accessible(page)
    # the next time step's code (the enrolment code may not be replayed)
    TOTPDevice.objects.filter(user__username="e2e-viewer").update(throttling_failure_count=0)
    page.fill("#id_token", _code_from_key(key, step_offset=1))
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
