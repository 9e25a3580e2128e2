"""The request type of pages and endpoints behind sign-in, for the type checker."""

from django.http import HttpRequest

from shireito.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request that ``login_required`` (or the API's authentication) let through: its user is
    one of ours and signed in, never the anonymous user."""

    user: User
    auth: User
