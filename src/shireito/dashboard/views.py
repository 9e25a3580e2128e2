from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import render

from shireito.accounts.http import AuthenticatedHttpRequest
from shireito.core.pages import file_response, get_or_404
from shireito.dashboard import selectors


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The control tower: the user's tower, every figure leading to the records behind it."""
    viewer, sections = selectors.tower(request.user)
    return render(request, "dashboard/home.html", {"viewer": viewer, "sections": sections})


@login_required
def table_csv(request: AuthenticatedHttpRequest, section: str, table: str) -> HttpResponseBase:
    """One table of the tower as CSV: the figures on the page, as the user sees them."""
    found = get_or_404(selectors.table_get(request.user, section, table))
    return file_response(
        selectors.table_csv(found),
        filename=f"shireito-{section}-{table}.csv",
        content_type="text/csv; charset=utf-8",
    )
