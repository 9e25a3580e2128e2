"""Request id and the request's log line, private caching, and language selection."""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import time
import uuid

from django.conf import settings
from django.http import JsonResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from shireito.core.context import client_request_id_var, request_id_var
from shireito.core.errors import error_page
from shireito.core.parsing import load_json
from shireito.core.services import is_unstorable

request_logger = logging.getLogger("shireito.request")

# What a client or proxy may name its request: short, and nothing a log or page could misread.
_CLIENT_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
# Polled every few seconds by load balancers and Prometheus: logged at DEBUG only.
_QUIET_PATHS = frozenset({"/healthz", "/health", "/metrics"})


def hashed_user(user) -> str:
    """A stable pseudonym of a user for the logs (who did what, without names in them); the
    same secret key gives the same value, so an operator can find a user's requests."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"user:{user.pk}".encode(), hashlib.sha256)
    return digest.hexdigest()[:16]


class RequestIdMiddleware:
    """Give each request the server's own id and log one line when it is answered.

    The id is always generated here: audit rows and the ``X-Request-ID`` response header carry
    it, so a client can never choose what the trail records. A well-formed ``X-Request-ID``
    sent by the client or a proxy is kept beside it (``client_request_id``, also in the trail
    and the log line), so requests can still be followed across systems.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        request_id = uuid.uuid4().hex
        incoming = request.headers.get("X-Request-ID", "")
        client_request_id = incoming if _CLIENT_REQUEST_ID.fullmatch(incoming) else ""
        request.request_id = request_id
        request.client_request_id = client_request_id
        token = request_id_var.set(request_id)
        client_token = client_request_id_var.set(client_request_id)
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            self._log(request, response, time.perf_counter() - started)
        finally:
            client_request_id_var.reset(client_token)
            request_id_var.reset(token)
        return response

    @staticmethod
    def _log(request, response, seconds: float) -> None:
        status = response.status_code
        if status >= 500:
            level = logging.ERROR
        elif request.path in _QUIET_PATHS:
            level = logging.DEBUG
        else:
            level = logging.INFO
        if not request_logger.isEnabledFor(level):
            return
        user = getattr(request, "user", None)
        if not getattr(user, "is_authenticated", False):
            user = getattr(request, "auth", None)  # an API token's user
        duration_ms = round(seconds * 1000, 1)
        request_logger.log(
            level,
            "%s %s %s %.1fms",
            request.method,
            request.path,
            status,
            duration_ms,
            extra={
                "request_id": request.request_id,
                "client_request_id": request.client_request_id,
                "method": request.method,
                "path": request.path,
                "status": status,
                "duration_ms": duration_ms,
                "user": hashed_user(user),
            },
        )


class PrivateNoStoreMiddleware:
    """``Cache-Control: no-store`` on every response unless it is public by design.

    Pages and API answers of signed-in users hold private data that no browser or proxy may
    keep. A view may declare its answer public (``Cache-Control: public``, the open data), and
    that stands only for a request without a session user or an ``Authorization`` header.
    Static files are answered by WhiteNoise before this runs and keep their caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        declared = response.get("Cache-Control", "")
        if "no-store" in declared:
            return response
        if "public" in declared and not self._personal(request):
            return response
        response["Cache-Control"] = "no-store"
        return response

    @staticmethod
    def _personal(request) -> bool:
        user = getattr(request, "user", None)
        return bool(
            getattr(user, "is_authenticated", False)
            or request.headers.get("Authorization")
            or getattr(request, "auth", None)
        )


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
