"""Request id and language selection."""

from __future__ import annotations

import re
import uuid

from django.conf import settings
from django.http import JsonResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from shireito.core.context import request_id_var
from shireito.core.errors import error_page
from shireito.core.parsing import load_json
from shireito.core.services import is_unstorable

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Give each request an id (or keep a well-formed ``X-Request-ID`` from the proxy).

    Audit rows carry it, so every change can be traced to the request that made it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = request_id
        return response


class LanguageMiddleware:
    """Japanese unless the user chose otherwise with the language switch (a cookie).

    Pages ignore the browser's Accept-Language: the service is Japanese first, and English is
    one click away on every page. The API, whose clients are programs without the switch,
    honours Accept-Language for its messages.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if not chosen and request.path.startswith("/api/"):
            chosen = translation.get_language_from_request(request)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def _unstorable_json(body: bytes) -> bool:
    """Whether a JSON body holds a NUL or a lone surrogate anywhere (neither can be stored,
    and PostgreSQL cannot even compare them). Parsed only when an escape makes it possible."""
    if b"\x00" in body or b"\\u0000" in body:
        return True
    if not _SURROGATE_ESCAPE.search(body):
        return False
    try:
        data = load_json(body)
    except ValueError:
        return False  # not JSON at all: the API says so itself
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if is_unstorable(value):
                return True
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False


class RejectNullCharactersMiddleware:
    """A NUL character in the address, the query or a JSON body can only be an attack or a
    broken client, and PostgreSQL cannot even compare it (nor a lone surrogate): answer 400
    with a clear message before any view runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any("\x00" in value for value in request.GET.values()):
            return self._refuse(request, _("The address contains a null character."), "query")
        if request.content_type == "application/json" and _unstorable_json(request.body):
            return self._refuse(
                request,
                _("The request contains a null character or an unpaired surrogate."),
                "body",
            )
        return self.get_response(request)

    @staticmethod
    def _refuse(request, message, location: str):
        if request.path.startswith("/api/"):
            return JsonResponse(
                {
                    "detail": message,
                    "errors": [
                        {"field": None, "location": location, "path": "$", "message": message}
                    ],
                },
                status=400,
            )
        return error_page(request, 400, message)
