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
    """Budget against plan, the delivering systems and their security posture."""
    return {}


def kpi_charts(request, measure, kpis) -> dict[int, Any]:
    """Per KPI id, what ``_kpi_chart.html`` draws (its context variable ``chart``):
    accepted measurements, baseline, interim and final targets, trajectory; for the readers
    of internal tracking also the values entered and not yet accepted, marked so."""
    from shireito.plans import permissions
    from shireito.plans.charts import kpi_chart
    from shireito.plans.selectors.kpi_values import chart_values

    kpis = list(kpis)
    accepted, entered = chart_values(
        {kpi.series_id for kpi in kpis},
        with_entered=permissions.reads_internal(request.user, measure),
    )
    return {
        kpi.pk: kpi_chart(
            kpi,
            accepted.get(kpi.series_id, []),
            pending=entered.get(kpi.series_id, []),
            id=f"kpi-{kpi.pk}",
        )
        for kpi in kpis
    }
