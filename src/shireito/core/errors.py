"""The pages a user meets when something goes wrong: 400, 403 (and a refused form's CSRF
check), 404 and 500, in the product's layout and the user's language, with a way back and the
request id to quote to support.

The API (``/api/``) and the TAXII server (``/taxii2/``) are read by programs: there the same
handlers answer in their own JSON shapes. The 500 page must appear even when the database or a
context processor is what failed, so it tries the full layout, then a plain page that needs no
context processor, then text built here.
"""

from __future__ import annotations

import json
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shireito.core.context import current_request_id

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
TAXII_PREFIX = "/taxii2/"
TAXII_MEDIA_TYPE = "application/taxii+json;version=2.1"

# The areas a page belongs to (the first part of its address), offered as "back to" when a
# page inside one fails; their names are the main menu's.
AREAS = {
    "organizations": gettext_lazy("Organizations"),
    "systems": gettext_lazy("Information systems"),
    "standards": gettext_lazy("Standards"),
    "audits": gettext_lazy("Audits"),
    "incidents": gettext_lazy("Incident reports"),
    "governance": gettext_lazy("Governance"),
}


def _texts(status: int) -> tuple[str, str]:
    """The page's title and its short explanation, in the active language."""
    if status == 400:
        return _("The request could not be understood"), _(
            "The address or the form sent was not valid. Go back, check what you entered and "
            "try again."
        )
    if status == 403:
        return _("You may not open this page"), _(
            "Your role and organisation do not give you access to this page or action. If you "
            "need it, ask your organisation's administrator."
        )
    if status == 404:
        return _("Page not found"), _(
            "There is no page at this address, or it is not one you may see. Check the "
            "address, or start again from the control tower."
        )
    return _("Sorry, something went wrong on our side"), _(
        "The page could not be shown. If you were saving something, check whether it was "
        "saved before you send it again. Try again in a few minutes; if it happens again, "
        "contact support and quote the request id below."
    )


def _request_id(request: HttpRequest) -> str:
    return getattr(request, "request_id", "") or current_request_id()


def _language(request: HttpRequest) -> str:
    """The language the user reads: the one the middleware chose, else their cookie's."""
    supported = {code for code, _name in settings.LANGUAGES}
    chosen = getattr(request, "LANGUAGE_CODE", "") or request.COOKIES.get(
        settings.LANGUAGE_COOKIE_NAME, ""
    )
    if not chosen and request.path.startswith(API_PREFIX):
        chosen = translation.get_language_from_request(request)
    return chosen if chosen in supported else settings.LANGUAGE_CODE


def _area(request: HttpRequest) -> dict | None:
    """The area the failed page sits in, when it is a page of its own other than this one."""
    user = getattr(request, "user", None)
    if not (user is not None and user.is_authenticated):
        return None
    first = request.path.strip("/").split("/", 1)[0]
    if first not in AREAS:
        return None
    url = f"/{first}/"
    if request.path == url:
        return None
    try:
        resolve(url)
    except Resolver404:
        return None
    return {"url": url, "name": AREAS[first]}


def _machine_detail(status: int) -> str:
    """The API's words for each status (the same as its own handlers')."""
    if status == 400:
        return _("The request is not valid.")
    if status == 403:
        return _("You may not do this.")
    if status == 404:
        return _("Not found.")
    return _("The server could not answer; quote the X-Request-ID header to support.")


def _machine_answer(request: HttpRequest, status: int) -> HttpResponse | None:
    """The API's and TAXII's own error shapes, for the programs that read them."""
    detail = _machine_detail(status)
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": detail, "errors": []}, status=status)
    if request.path.startswith(TAXII_PREFIX):
        body = {"title": detail, "http_status": str(status)}
        return HttpResponse(
            json.dumps(body, ensure_ascii=False), status=status, content_type=TAXII_MEDIA_TYPE
        )
    return None


def _context(request: HttpRequest, status: int, explanation: str = "") -> dict:
    title, default_explanation = _texts(status)
    return {
        "status": status,
        "error_title": title,
        "explanation": explanation or default_explanation,
        "request_id": _request_id(request),
        "area": _area(request) if status != 500 else None,
    }


def error_page(request: HttpRequest, status: int, explanation: str = "") -> HttpResponse:
    """The error page for ``status`` in the product's layout (or the API's JSON)."""
    with translation.override(_language(request)):
        answer = _machine_answer(request, status)
        if answer is not None:
            return answer
        context = _context(request, status, explanation)
        html = render_to_string("errors/error.html", context, request=request)
    return HttpResponse(html, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form refused by the CSRF check: most often a form left open past its sign-in, or a
    browser that keeps no cookies."""
    with translation.override(_language(request)):
        explanation = _(
            "The form could not be accepted because it has expired or your browser did not "
            "send its cookie. Go back, reload the page and send the form again; if it keeps "
            "happening, allow cookies for this site."
        )
    return error_page(request, 403, explanation)


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page: the full layout if it can be drawn, else a plain page, else text."""
    with translation.override(_language(request)):
        answer = _machine_answer(request, 500)
        if answer is not None:
            return answer
        context = _context(request, 500)
        html: str
        try:
            html = render_to_string("errors/error.html", context, request=request)
        except Exception:
            logger.exception("The 500 page's layout failed; showing the plain one")
            html = _plain_page(context)
    return HttpResponse(html, status=500)


def _plain_page(context: dict) -> str:
    """The 500 page without the layout's context processors (no database, no session)."""
    try:
        return render_to_string(
            "errors/500_plain.html", {**context, "LANGUAGE_CODE": translation.get_language()}
        )
    except Exception:
        logger.exception("The plain 500 page failed too; answering with text")
    title, explanation = context["error_title"], context["explanation"]
    return (
        f'<!DOCTYPE html><html lang="{escape(translation.get_language())}"><head>'
        f'<meta charset="utf-8"><title>{escape(title)}</title></head><body><main>'
        f"<h1>{escape(title)}</h1><p>{escape(explanation)}</p>"
        f"<p>{escape(_('Request id'))}: <code>{escape(context['request_id'])}</code></p>"
        f'<p><a href="/">{escape(_("Go to the control tower"))}</a></p></main></body></html>'
    )
