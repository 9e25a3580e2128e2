"""``?within=<organization code>`` on any page: the control tower's drill-down carried into the
lists its figures link to. A figure in a ministry's tower counts that ministry's records, so
its link opens the list narrowed to the same bodies, and the list then shows exactly the
records counted; every selector is narrowed by the scoping layer, none needs a filter of its
own. The page says so and offers the way back to the whole list."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404

from shireito.core.scoping import narrowed_to
from shireito.dashboard import selectors

PARAMETER = "within"


class WithinMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        code = request.GET.get(PARAMETER, "").strip()
        user = getattr(request, "user", None)
        if (
            not code
            or user is None
            or not user.is_authenticated
            or request.path.startswith("/api/")
        ):
            return self.get_response(request)
        try:
            focus = selectors.focus_get(user, code)
        except selectors.FocusRefused as refused:
            raise Http404 from refused
        if focus is None:  # the user's own body: nothing to narrow
            return self.get_response(request)
        request.within = focus
        rest = [(key, value) for key, value in request.GET.items() if key != PARAMETER]
        request.within_cleared = request.path + (f"?{urlencode(rest)}" if rest else "")
        with narrowed_to(user, selectors.focus_ids(user, focus)):
            return self.get_response(request)
