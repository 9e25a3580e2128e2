"""The one NinjaAPI: every app adds its router here.

Conventions every endpoint keeps: lists take ``limit``/``offset``, ``search`` and filters and
answer ``{"items": [...], "count": N}``; errors answer ``{"detail": ..., "errors": [...]}``
naming each invalid field with its location and JSON path.
"""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.security import SessionAuth

from shireito.accounts.api import router as accounts_router
from shireito.accounts.auth import ApiTokenAuth
from shireito.audits.api import router as audits_router
from shireito.cocreation.api import router as cocreation_router
from shireito.core.api import router as core_router
from shireito.core.problems import document_error_responses, register_error_handlers
from shireito.dashboard.api import router as dashboard_router
from shireito.incidents.api import router as incidents_router
from shireito.notifications.api import router as notifications_router
from shireito.organizations.api import governance_router
from shireito.organizations.api import router as organizations_router
from shireito.plans.api import router as plans_router
from shireito.registry.api import router as registry_router
from shireito.standards.api import router as standards_router


class SessionUserAuth(SessionAuth):
    """The browser session (with CSRF), answering with the user like the token auth does."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user if user and user.is_active else None


class ShireitoApi(NinjaAPI):
    """The project's API, whose document names the error answers of every operation."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        document_error_responses(schema)
        return schema


api = ShireitoApi(
    title="Shireitō API",
    version="1",
    description=(
        "JSON API of Shireitō (司令塔). Authenticate with `Authorization: Bearer <token>` "
        "(create one with `shireito token create --user NAME` or on the API tokens page)."
    ),
    urls_namespace="api",
    auth=[ApiTokenAuth(), SessionUserAuth()],
)

# One prefix per router: an app's endpoints sit together, and a new app cannot shadow another's.
api.add_router("/audit-events", core_router)
api.add_router("/organizations", organizations_router)
api.add_router("/governance", governance_router)
api.add_router("/accounts", accounts_router)
api.add_router("/notifications", notifications_router)
api.add_router("/portfolio", registry_router)
api.add_router("/standards", standards_router)
api.add_router("/audits", audits_router)
api.add_router("/incidents", incidents_router)
api.add_router("/plans", plans_router)
api.add_router("/cocreation", cocreation_router)
api.add_router("/dashboard", dashboard_router)


register_error_handlers(api)
