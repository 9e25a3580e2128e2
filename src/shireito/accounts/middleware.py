from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from shireito.accounts.permissions import user_requires_two_factor
from shireito.accounts.selectors import has_confirmed_totp

_ALWAYS_ALLOWED = ("/static/", "/i18n/", "/accounts/logout/")
_SETUP = "/accounts/two-factor/"


class TwoFactorRequiredMiddleware:
    """Every session of a user who has a second factor must have been signed in with it, and
    platform admins (outside demo mode) must set one up before anything else.

    A session signed in with the password alone before the user enrolled is ended here: the
    second factor protects every session, not only the ones started after it was set up.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            not user.is_authenticated
            or user.is_verified()
            or request.path.startswith(_ALWAYS_ALLOWED)
        ):
            return self.get_response(request)
        if has_confirmed_totp(user):
            logout(request)
            if request.path.startswith("/api/"):
                return _api_refusal()
            messages.info(request, _("Sign in again with your code: two-factor sign-in is on."))
            return redirect(reverse("accounts:login"))
        if user_requires_two_factor(user) and not request.path.startswith(_SETUP):
            if request.path.startswith("/api/"):
                return _api_refusal()
            return redirect(reverse("accounts:two_factor"))
        return self.get_response(request)


def _api_refusal() -> JsonResponse:
    return JsonResponse(
        {"detail": _("Two-factor sign-in is required for this account."), "errors": []}, status=403
    )
