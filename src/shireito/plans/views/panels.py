"""The plan's panels on other apps' pages (``core.panels``)."""

from __future__ import annotations

from django.template.loader import render_to_string

from shireito.plans.selectors.authoring import measures_serving


def system_measures(request, system) -> str:
    """On a system's page: the measures of the plan it delivers (nothing when none)."""
    measures = measures_serving(request.user, system)
    if not measures:
        return ""
    return render_to_string(
        "plans/partials/_system_measures.html", {"measures": measures}, request=request
    )
