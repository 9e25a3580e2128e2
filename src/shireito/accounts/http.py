"""The request type of pages and endpoints behind sign-in, for the type checker."""

from __future__ import annotations

from django.http import HttpRequest

from shireito.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request that ``login_required`` (or the API's authentication) let through: its user is
    one of ours and signed in, never the anonymous user. (For type checking only; Django
    still builds a plain ``HttpRequest``.)"""

    user: User
    auth: User
