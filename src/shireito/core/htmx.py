"""One helper decides between a full page and an htmx partial."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def render_page(
    request: HttpRequest, template: str, context: dict, *, partial: str | None = None
) -> HttpResponse:
    """Render ``template``, or for an htmx request (not a boosted navigation) only its
    ``{% partialdef partial %}`` block: one view serves pages with and without JavaScript."""
    htmx = getattr(request, "htmx", None)
    # A history restore (back button after hx-push-url) needs the whole page again.
    wants_partial = bool(partial and htmx and not htmx.boosted and not htmx.history_restore_request)
    response = render(request, f"{template}#{partial}" if wants_partial else template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def paginate(request: HttpRequest, items, *, per_page: int = 50) -> Page:
    """The requested page of ``items``; a malformed or out-of-range number gives the nearest."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))
