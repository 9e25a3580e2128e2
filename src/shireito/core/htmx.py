"""One helper decides between a full page and an htmx partial."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def render_page(
    request: HttpRequest, template: str, context: dict, *, partial: str | None = None
) -> HttpResponse:
    """Render ``template``, or for an htmx request (not a boosted navigation) only its
    ``{% partialdef partial %}`` block: one view serves pages with and without JavaScript."""
    if partial and getattr(request, "htmx", False) and not request.htmx.boosted:
        return render(request, f"{template}#{partial}", context)
    return render(request, template, context)


def paginate(request: HttpRequest, items, *, per_page: int = 50) -> Page:
    """The requested page of ``items``; a malformed or out-of-range number gives the nearest."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))
