from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from shireito.accounts.http import AuthenticatedHttpRequest
from shireito.dashboard import selectors


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The first page after signing in: what waits on the user's organisation."""
    return render(request, "dashboard/home.html", selectors.incident_section(request.user))
