import json

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language

from shireito.accounts.http import AuthenticatedHttpRequest
from shireito.core.pages import file_response, get_or_404
from shireito.core.textfiles import wants_bom
from shireito.dashboard import selectors, statistics
from shireito.dashboard.navigation import menu_for
from shireito.dashboard.permissions import may_see_tower


def _focus(request: AuthenticatedHttpRequest):
    """The body the tower is drilled down to (``?organization=<code>``), if any."""
    code = request.GET.get("organization", "").strip()
    if not code:
        return None
    try:
        return selectors.focus_get(request.user, code)
    except selectors.FocusRefused as refused:
        raise Http404 from refused


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The control tower: the user's tower, every figure leading to the records behind it.
    Someone without one (an overseas liaison) gets the areas they may use instead."""
    areas = [item for item in menu_for(request.user, request.path) if item.description]
    if not may_see_tower(request.user):
        return render(request, "dashboard/start.html", {"areas": areas})
    focus = _focus(request)
    viewer, sections = selectors.tower(request.user, focus)
    return render(
        request,
        "dashboard/home.html",
        {"viewer": viewer, "sections": sections, "focus": focus, "areas": areas},
    )


@login_required
def table_csv(request: AuthenticatedHttpRequest, section: str, table: str) -> HttpResponseBase:
    """One table of the tower as CSV: the figures on the page, as the user sees them."""
    focus = _focus(request)
    found = get_or_404(selectors.table_get(request.user, section, table, focus))
    suffix = f"-{focus.code}" if focus else ""
    return file_response(
        selectors.table_csv(found, bom=wants_bom(request)),
        filename=f"shireito-{section}-{table}{suffix}.csv",
        content_type="text/csv; charset=utf-8",
    )


# --- open statistics: no sign-in ------------------------------------------------------------


def statistics_index(request: HttpRequest) -> HttpResponse:
    """The statistics the governance model publishes, each with its CSV and JSON."""
    return render(request, "dashboard/statistics_index.html", {"published": statistics.published()})


def statistic(request: HttpRequest, key: str) -> HttpResponse:
    table = get_or_404(statistics.table_of(key, get_language() or "ja"))
    return render(request, "dashboard/statistic.html", {"table": table, "key": key})


def statistic_download(request: HttpRequest, key: str, fmt: str) -> HttpResponseBase:
    """A published statistic as CSV or JSON, at an address that stays the same."""
    if fmt not in {"csv", "json"}:
        raise Http404
    table = get_or_404(statistics.table_of(key, get_language() or "ja"))
    if fmt == "csv":
        content = selectors.table_csv(table, bom=wants_bom(request))
        content_type = "text/csv; charset=utf-8"
    else:
        body = {
            "key": key,
            "title": str(table.title),
            "description": str(table.description),
            "generated_at": timezone.now().isoformat(timespec="seconds"),
            "columns": [
                {"key": c.key, "label": str(c.label), "kind": c.kind} for c in table.columns
            ],
            "rows": table.as_records(),
        }
        content = json.dumps(body, ensure_ascii=False, indent=1)
        content_type = "application/json"
    response = file_response(content, filename=f"shireito-{key}.{fmt}", content_type=content_type)
    # Open data: anyone may keep a copy (the download is the same for every reader).
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response
