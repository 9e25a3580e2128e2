"""The request type of pages behind ``login_required``, so views type their user as ours."""

from __future__ import annotations

from django.http import HttpRequest

from shireito.accounts.models import User


class SignedInRequest(HttpRequest):
    """A request past ``login_required``: its user is one of ours, never anonymous. (For type
    checking only; Django still builds a plain ``HttpRequest``.)"""

    user: User
