from django.core.exceptions import PermissionDenied
from ninja.security import HttpBearer

from shireito.accounts.permissions import API, token_refusal
from shireito.accounts.services import api_token_authenticate


class ApiTokenAuth(HttpBearer):
    """``Authorization: Bearer <token>`` with a token from ``shireito token create``. A token
    whose scope does not allow the request (a TAXII token here, a read-only one writing) is
    refused with the reason (403), not taken for a missing credential."""

    openapi_description = "An API token created with `shireito token create` or on the tokens page."

    def authenticate(self, request, token):
        api_token = api_token_authenticate(token)
        if api_token is None:
            return None
        refusal = token_refusal(api_token, surface=API, method=request.method)
        if refusal:
            raise PermissionDenied(refusal)
        request.user = api_token.user
        # Whether this request came with a token: tokens never make tokens (see api.py).
        request.api_token = api_token
        return api_token.user
