from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from shireito.accounts.services import user_requires_two_factor

_ALWAYS_ALLOWED = ("/static/", "/i18n/", "/accounts/two-factor/", "/accounts/logout/")


class TwoFactorRequiredMiddleware:
    """Platform admins (outside demo mode) must set up and use a second factor before
    anything else; everyone else may choose to."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and user_requires_two_factor(user)
            and not request.path.startswith(_ALWAYS_ALLOWED)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": "Two-factor sign-in is required for this account.", "errors": []},
                    status=403,
                )
            return redirect(reverse("accounts:two_factor"))
        return self.get_response(request)
