from ninja.security import HttpBearer

from shireito.accounts.services import api_token_authenticate


class ApiTokenAuth(HttpBearer):
    """``Authorization: Bearer <token>`` with a token from ``shireito token create``."""

    openapi_description = "An API token created with `shireito token create` or on the tokens page."

    def authenticate(self, request, token):
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user
