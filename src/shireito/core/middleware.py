"""Request id and language selection."""

from __future__ import annotations

import re
import uuid

from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

from shireito.core.context import request_id_var

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


class RejectNullCharactersMiddleware:
    """A NUL character in the address or query can only be an attack or a broken client, and
    PostgreSQL cannot even compare it: answer 400 with a clear message before any view runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any("\x00" in value for value in request.GET.values()):
            message = _("The address contains a null character.")
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {
                        "detail": message,
                        "errors": [
                            {"field": None, "location": "query", "path": "$", "message": message}
                        ],
                    },
                    status=400,
                )
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
