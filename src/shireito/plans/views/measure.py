"""A measure's page: all its content (what the Cabinet decided), then the sections other parts
fill through ``views/sections.py``: tracking, the chain, and each KPI's chart."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from shireito.core.pages import get_or_404
from shireito.plans import permissions, selectors
from shireito.plans.selectors.authoring import measure_kpis
from shireito.plans.views.authoring import edition_or_404
from shireito.plans.views.sections import chain_context, kpi_charts, tracking_context


@login_required
def measure_detail(request, edition: int, measure: str):
    plan = edition_or_404(request, edition)
    found = get_or_404(selectors.measure_get(request.user, plan, measure))
    kpis = measure_kpis(found)
    return render(
        request,
        "plans/measure_detail.html",
        {
            "edition": plan,
            "measure": found,
            "kpis": kpis,
            "milestones": list(found.milestones.order_by("planned_on", "position")),
            "may_edit": permissions.may_edit_edition(request.user, plan),
            "charts": kpi_charts(request, found, kpis),
            **tracking_context(request, found),
            **chain_context(request, found),
        },
    )
