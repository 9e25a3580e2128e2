"""Who is calling the TAXII server: an API token (``Authorization: Bearer <token>``, or
``Token <token>`` as taxii2-client's ``TokenAuth`` sends it) or HTTP Basic.

Basic is machine access with a password alone, so it is refused to users whose web sign-in
needs a second factor: anyone who has set one up, and platform admins outside demo mode. They
use a token. Basic goes through ``django.contrib.auth.authenticate`` with the request, so
django-axes counts wrong passwords and pauses a name exactly as the sign-in page does.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib.auth import authenticate

from shireito.accounts.names import normalize_sign_in_name
from shireito.accounts.permissions import TAXII, token_refusal, user_requires_two_factor
from shireito.accounts.selectors import has_confirmed_totp
from shireito.accounts.services import api_token_authenticate


@dataclass(frozen=True)
class Refusal:
    """Why no user: ``reason`` is one of missing, invalid, second_factor, locked_out, scope
    (a token whose scope does not reach TAXII or this method; ``detail`` says why)."""

    reason: str
    detail: str = ""


def authenticate_request(request):
    """The active user behind the request's credentials, or a ``Refusal``."""
    header = request.headers.get("Authorization", "")
    scheme, _sep, credentials = header.partition(" ")
    scheme = scheme.lower()
    credentials = credentials.strip()
    if not header:
        return Refusal("missing")
    if scheme in ("bearer", "token"):
        token = api_token_authenticate(credentials) if credentials else None
        if token is None:
            return Refusal("invalid")
        refusal = token_refusal(token, surface=TAXII, method=request.method)
        return Refusal("scope", refusal) if refusal else token.user
    if scheme == "basic":
        return _basic(request, credentials)
    return Refusal("invalid")


def _basic(request, credentials: str):
    try:
        decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return Refusal("invalid")
    username, sep, password = decoded.partition(":")
    if not sep or not username:
        return Refusal("invalid")
    user = authenticate(request, username=username, password=password)
    if getattr(request, "axes_locked_out", False):
        # Answer in TAXII's own error format: keep axes' middleware from replacing the
        # response with the sign-in page's lockout page.
        request.axes_locked_out = False
        return Refusal("locked_out")
    if user is None or not user.is_active:
        return Refusal("invalid")
    if user_requires_two_factor(user) or has_confirmed_totp(user):
        return Refusal("second_factor")
    if settings.AXES_RESET_ON_SUCCESS:
        _forget_failures(request, username)
    return user


def _forget_failures(request, username: str) -> None:
    """As the sign-in page does on success (no session here, so no ``user_logged_in``): the
    failures of this name from this address are forgotten."""
    address = get_client_ip_address(request)
    # Under the name django-axes counted them: normalised (``accounts/names.py``).
    username = normalize_sign_in_name(username)
    failures = AccessAttempt.objects.filter(username=username, ip_address=address)
    if failures.exists():
        reset(ip=address, username=username)
