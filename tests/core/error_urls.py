"""The project's addresses plus a few that fail on purpose, for the error page tests."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.urls import path

from shireito.urls import handler400, handler403, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


class Broken(Exception):
    """What a bug raises."""


def _raise(error: Exception):
    def view(request):
        raise error

    return view


failing = [
    path("systems/fail/400/", _raise(SuspiciousOperation("bad"))),
    path("systems/fail/403/", _raise(PermissionDenied())),
    path("systems/fail/404/", _raise(Http404())),
    path("systems/fail/500/", _raise(Broken("boom"))),
    path("taxii2/fail/", _raise(Broken("boom"))),
]

urlpatterns = [*failing, *urlpatterns]
