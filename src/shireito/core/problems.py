"""The one family of input errors, and how the API answers each.

A ``Problem`` names what is wrong and where (a JSON path, ``row 4.status``, or a form field's
name); a ``ProblemsError`` carries all of a request's or a file's problems at once, so the
user sees every one and nothing is written. Apps raise these (or Django's ``ValidationError``,
``PermissionDenied`` and ``Http404``) from services; ``register_error_handlers`` turns each into
the API's one error shape ``{"detail": ..., "errors": [...]}``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from shireito.core.concurrency import FROM_IF_MATCH, Conflict


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, at ``path``."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class ProblemsError(ValueError):
    """Input with problems, each named by its JSON path (or row and column); nothing written.

    ``location`` is ``"body"`` for a request's JSON body and ``"file"`` for an uploaded file;
    in a file, a problem whose path is one of ``form_fields`` is about the upload form's field
    of that name rather than the file's content. ``status`` is the API's answer: 422, or 409
    when every problem is an item changed by someone else meanwhile (optimistic locking).
    """

    form_fields: frozenset[str] = frozenset()

    def __init__(
        self,
        problems: Iterable[Problem],
        *,
        location: str = "body",
        form_fields: Iterable[str] | None = None,
        status: int = 422,
    ):
        self.problems = list(problems)
        self.location = location
        self.status = status
        if form_fields is not None:
            self.form_fields = frozenset(form_fields)
        super().__init__("; ".join(str(p) for p in self.problems[:20]))


def _error(api: NinjaAPI, request: HttpRequest, status: int, detail: str, errors=None):
    return api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)


def json_path(parts: Iterable[Any]) -> str:
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def _problem_field(path: str) -> str | None:
    """The name a problem's path ends in (``row 4.status``, ``$.results[3].status``)."""
    match = re.search(r"\.([A-Za-z_][\w-]*)$", path)
    return match.group(1) if match else None


def request_validation_errors(exc: NinjaValidationError) -> list[dict]:
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
                "path": json_path(rest),
                "message": error.get("msg", "invalid"),
            }
        )
    return errors


def service_validation_errors(exc: DjangoValidationError) -> list[dict]:
    if not hasattr(exc, "error_dict"):
        return [
            {"field": None, "location": "body", "path": "$", "message": m} for m in exc.messages
        ]
    errors: list[dict] = []
    for field, messages in exc.message_dict.items():
        name = None if field == "__all__" else field
        errors.extend(
            {
                "field": name,
                "location": "body",
                "path": f"$.{name}" if name else "$",
                "message": message,
            }
            for message in messages
        )
    return errors


def problem_errors(exc: ProblemsError) -> list[dict]:
    """Each problem at its JSON path in the body, at its row and column (or JSON path) in an
    uploaded file (form field ``file``), or on the upload form's own field."""
    errors = []
    for problem in exc.problems:
        if exc.location != "file":
            field, location, path = _problem_field(problem.path), "body", problem.path
        elif problem.path in exc.form_fields:
            field, location, path = problem.path, "form", f"$.{problem.path}"
        else:
            field, location, path = "file", "file", problem.path
        errors.append(
            {"field": field, "location": location, "path": path, "message": problem.message}
        )
    return errors


def register_error_handlers(api: NinjaAPI) -> None:
    """Answer every error the services raise in the API's one shape."""

    @api.exception_handler(NinjaValidationError)
    def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = request_validation_errors(exc)
        return _error(api, request, 422, _("The request is not valid."), errors)

    @api.exception_handler(DjangoValidationError)
    def on_service_validation_error(
        request: HttpRequest, exc: DjangoValidationError
    ) -> HttpResponse:
        errors = service_validation_errors(exc)
        return _error(api, request, 422, _("The request is not valid."), errors)

    @api.exception_handler(ProblemsError)
    def on_problems(request: HttpRequest, exc: ProblemsError) -> HttpResponse:
        detail = (
            _("The file has problems; nothing was written.")
            if exc.location == "file"
            else _("The request has problems; nothing was written.")
        )
        return _error(api, request, exc.status, detail, problem_errors(exc))

    @api.exception_handler(Conflict)
    def on_conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
        header = exc.source == FROM_IF_MATCH
        message = _("Version %(expected)s was expected; the record is at version %(current)s.") % {
            "expected": exc.expected,
            "current": exc.current,
        }
        error = {
            "field": None if header else "version",
            "location": "header" if header else "body",
            "path": "If-Match" if header else "$.version",
            "message": message,
        }
        response = _error(api, request, 412 if header else 409, exc.message, [error])
        response["ETag"] = f'"{exc.current}"'
        return response

    @api.exception_handler(AuthenticationError)
    def on_authentication_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        detail = _("Authentication is required: send a valid bearer token.")
        return _error(api, request, 401, detail)

    @api.exception_handler(PermissionDenied)
    def on_permission_denied(request: HttpRequest, exc: Exception) -> HttpResponse:
        return _error(api, request, 403, str(exc) or _("You may not do this."))

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return _error(api, request, 404, _("Not found."))

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return _error(api, request, exc.status_code, str(exc))


# The answers any operation may give besides its own, each in the one error shape; the
# OpenAPI document names them so that a client (and schemathesis) knows every status it meets.
ERROR_RESPONSES = {
    400: "The request could not be read (malformed JSON, a bad address or parameter)",
    401: "No valid credentials were sent",
    403: "The user may not do this",
    404: "Not found, or not visible to the user",
    422: "The request is not valid; each problem is named with its location and JSON path",
}


# Answered only by operations whose body carries a record's ``version`` (core.concurrency).
CONFLICT_RESPONSES = {
    409: "The record changed since the version sent was read: nothing was written",
    412: "The If-Match header names a version that is no longer current: nothing was written",
}


def _carries_version(fragment: Any, components: dict[str, Any], depth: int = 4) -> bool:
    """Whether a request body's schema has a ``version`` property, here or in the schemas it
    refers to (a few levels down, as a bulk body's items do)."""
    if depth < 0:
        return False
    if isinstance(fragment, dict):
        if "version" in fragment.get("properties", {}):
            return True
        reference = fragment.get("$ref")
        if isinstance(reference, str):
            target = components.get(reference.rsplit("/", 1)[-1])
            return _carries_version(target, components, depth - 1)
        return any(_carries_version(value, components, depth) for value in fragment.values())
    if isinstance(fragment, list):
        return any(_carries_version(value, components, depth) for value in fragment)
    return False


def document_error_responses(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the error answers (``ERROR_RESPONSES``, with the ``ErrorOut`` body) to every
    operation of an OpenAPI document that does not document them itself; 401 only to those
    that need credentials."""
    from shireito.core.schemas import ErrorOut

    components = schema.setdefault("components", {}).setdefault("schemas", {})
    body = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(body.pop("$defs", {}))
    components.setdefault("ErrorOut", body)
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_RESPONSES.items():
                # ninja keys its own answers by number, a document read back by text.
                if status == 401 and not operation.get("security"):
                    continue
                if status not in responses and str(status) not in responses:
                    responses[status] = {"description": description, "content": content}
            if _carries_version(operation.get("requestBody", {}), components):
                for status, description in CONFLICT_RESPONSES.items():
                    if status not in responses and str(status) not in responses:
                        responses[status] = {"description": description, "content": content}
    return schema
