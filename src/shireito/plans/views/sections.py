"""What the measure page shows beside the measure's own content, one function per section,
each kept by the part it belongs to: tracking (reports, ratings, flags), the chain (money,
systems, posture) and the KPI charts. The measure page calls all three and includes
``plans/partials/_tracking.html``, ``_chain.html`` and, per KPI, ``_kpi_chart.html``."""

from __future__ import annotations

from typing import Any


def tracking_context(request, measure) -> dict[str, Any]:
    """Reports, rating history, flags and the actions the user may take on them."""
    return {}


def chain_context(request, measure) -> dict[str, Any]:
    """Budget against plan, the delivering systems and their security posture, as the
    reader may see them (``selectors.chain``)."""
    from shireito.plans.selectors.chain import measure_chain

    return {"chain": measure_chain(request.user, measure)}


def kpi_charts(request, measure, kpis) -> dict[int, Any]:
    """Per KPI id, what ``_kpi_chart.html`` draws (measurements, target, trajectory)."""
    return {}
