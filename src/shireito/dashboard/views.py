from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import render

from shireito.accounts.http import AuthenticatedHttpRequest
from shireito.core.pages import file_response, get_or_404
from shireito.dashboard import selectors


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
    """The control tower: the user's tower, every figure leading to the records behind it."""
    focus = _focus(request)
    viewer, sections = selectors.tower(request.user, focus)
    return render(
        request,
        "dashboard/home.html",
        {"viewer": viewer, "sections": sections, "focus": focus},
    )


@login_required
def table_csv(request: AuthenticatedHttpRequest, section: str, table: str) -> HttpResponseBase:
    """One table of the tower as CSV: the figures on the page, as the user sees them."""
    focus = _focus(request)
    found = get_or_404(selectors.table_get(request.user, section, table, focus))
    suffix = f"-{focus.code}" if focus else ""
    return file_response(
        selectors.table_csv(found),
        filename=f"shireito-{section}-{table}{suffix}.csv",
        content_type="text/csv; charset=utf-8",
    )
