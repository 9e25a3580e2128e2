"""The one NinjaAPI: every app adds its router here.

Conventions every endpoint keeps: lists take ``limit``/``offset``, ``search`` and filters and
answer ``{"items": [...], "count": N}``; errors answer ``{"detail": ..., "errors": [...]}``
naming each invalid field with its location and JSON path.
"""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import SessionAuth

from shireito.accounts.api import router as accounts_router
from shireito.accounts.auth import ApiTokenAuth
from shireito.audits.api import router as audits_router
from shireito.audits.services import ProblemsError
from shireito.core.api import router as core_router
from shireito.incidents.api import router as incidents_router
from shireito.organizations.api import governance_router
from shireito.organizations.api import router as organizations_router
from shireito.registry.api import router as registry_router
from shireito.standards.api import router as standards_router
from shireito.standards.importers import CatalogImportError
from shireito.standards.services import UPLOAD_FIELDS


class SessionUserAuth(SessionAuth):
    """The browser session (with CSRF), answering with the user like the token auth does."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user if user and user.is_active else None


api = NinjaAPI(
    title="Shireitō API",
    version="1",
    description=(
        "JSON API of Shireitō (司令塔). Authenticate with `Authorization: Bearer <token>` "
        "(create one with `shireito token create --user NAME` or on the API tokens page)."
    ),
    urls_namespace="api",
    auth=[ApiTokenAuth(), SessionUserAuth()],
)

api.add_router("/", accounts_router)
api.add_router("/organizations", organizations_router)
api.add_router("/", core_router)
api.add_router("/", governance_router)
api.add_router("/", registry_router)
api.add_router("/", standards_router)
api.add_router("/", audits_router)
api.add_router("/", incidents_router)


def _error(request, status: int, detail: str, errors: list[dict] | None = None):
    return api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)


def _json_path(parts: list) -> str:
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc: NinjaValidationError):
    errors = []
    for error in exc.errors:
        loc = list(error.get("loc", []))
        location = str(loc[0]) if loc else "body"
        rest = loc[1:]
        # ninja puts the body under the handler's parameter name: drop it from the path.
        if location == "body" and len(rest) > 1:
            rest = rest[1:]
        field_parts = [p for p in rest if not isinstance(p, int)]
        errors.append(
            {
                "field": ".".join(str(p) for p in field_parts) or None,
                "location": location,
                "path": _json_path(rest),
                "message": error.get("msg", "invalid"),
            }
        )
    return _error(request, 422, _("The request is not valid."), errors)


@api.exception_handler(DjangoValidationError)
def on_service_validation_error(request, exc: DjangoValidationError):
    errors = []
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            name = None if field == "__all__" else field
            for message in messages:
                errors.append(
                    {
                        "field": name,
                        "location": "body",
                        "path": f"$.{name}" if name else "$",
                        "message": message,
                    }
                )
    else:
        errors = [
            {"field": None, "location": "body", "path": "$", "message": m} for m in exc.messages
        ]
    return _error(request, 422, _("The request is not valid."), errors)


@api.exception_handler(CatalogImportError)
def on_catalog_import_error(request, exc: CatalogImportError):
    """A problem in an uploaded file carries its JSON path in the file; one in a form field
    (the key) carries the field's name."""
    errors = []
    for problem in exc.problems:
        in_file = problem.path not in UPLOAD_FIELDS
        errors.append(
            {
                "field": "file" if in_file else problem.path,
                "location": "file" if in_file else "form",
                "path": problem.path if in_file else f"$.{problem.path}",
                "message": problem.message,
            }
        )
    return _error(request, 422, _("The file has problems; nothing was written."), errors)


def _problem_field(path: str) -> str | None:
    """The name a problem's path ends in (``row 4.status``, ``$.results[3].status``)."""
    match = re.search(r"\.([A-Za-z_][\w-]*)$", path)
    return match.group(1) if match else None


@api.exception_handler(ProblemsError)
def on_problems_error(request, exc: ProblemsError):
    """Bulk input with problems, each at its JSON path in the body, or at its row and column
    (or JSON path) in an uploaded file, whose form field is ``file``; nothing was written."""
    location = "file" if exc.location == "file" else "body"
    errors = [
        {
            "field": "file" if location == "file" else _problem_field(problem.path),
            "location": location,
            "path": problem.path,
            "message": problem.message,
        }
        for problem in exc.problems
    ]
    detail = (
        _("The file has problems; nothing was written.")
        if location == "file"
        else _("The request has problems; nothing was written.")
    )
    return _error(request, 422, detail, errors)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request, exc):
    return _error(request, 401, _("Authentication is required: send a valid bearer token."))


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    return _error(request, 403, str(exc) or _("You may not do this."))


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return _error(request, 404, _("Not found."))


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return _error(request, exc.status_code, str(exc))
