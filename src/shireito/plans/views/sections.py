"""What the measure page shows beside the measure's own content, one function per section,
each kept by the part it belongs to: tracking (reports, ratings, flags), the chain (money,
systems, posture) and the KPI charts. The measure page calls all three and includes
``plans/partials/_tracking.html``, ``_chain.html`` and, per KPI, ``_kpi_chart.html``."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from shireito.plans import calendar, notices, permissions
from shireito.plans.choices import CONFIDENCE_ORDER, Confidence, MeasurementStatus, ReportStatus


def confidence_shown(value: str) -> dict[str, Any] | None:
    """A delivery confidence as a page shows it: its level (1 best of 5) and its meaning in
    words, never a colour alone."""
    if value not in CONFIDENCE_ORDER:
        return None
    return {
        "value": value,
        "level": CONFIDENCE_ORDER.index(value) + 1,
        "levels": len(CONFIDENCE_ORDER),
        "label": Confidence(value).label,
    }


def tracking_context(request, measure) -> dict[str, Any]:
    """Reports, rating history, flags and the actions the user may take on them, under the
    one name ``tracking`` (the measure page's own names stay its own). ``measure`` comes from
    ``selectors.measure_get`` (its edition loaded)."""
    from shireito.plans import selectors
    from shireito.plans.models import Measurement

    user = request.user
    internal = permissions.may_read_tracking(user, measure)
    year, code = measure.edition.year, measure.code
    reviewed = selectors.latest_rating(measure)
    proposed = selectors.latest_rating(measure, kind="proposed") if internal else None
    reports = list(selectors.reports_of(user, measure))
    today = timezone.localdate()
    fiscal_year, quarter = calendar.previous_quarter(*calendar.quarter_of(today))
    due = calendar.report_due(fiscal_year, quarter, measure.edition.report_due_days)
    current = next(
        (r for r in reports if (r.fiscal_year, r.quarter) == (fiscal_year, quarter)), None
    )
    may_report = permissions.may_report(user, measure)
    kpis = list(measure.kpis.all())
    may_enter = permissions.may_enter_measurement(user, measure)
    waiting = 0
    if internal and kpis:
        waiting = Measurement.objects.filter(
            series_id__in=[k.series_id for k in kpis], status=MeasurementStatus.ENTERED
        ).count()
    return {
        "tracking": {
            "measure": measure,
            "internal": internal,
            "rating": reviewed,
            "rating_shown": confidence_shown(reviewed.confidence) if reviewed else None,
            "proposed": proposed,
            "proposed_shown": confidence_shown(proposed.confidence) if proposed else None,
            "ratings": [
                (r, confidence_shown(r.confidence)) for r in selectors.ratings_of(user, measure)
            ],
            "reports": [
                {
                    "report": r,
                    "url": reverse("plans:report", args=[year, code, r.pk]),
                    "proposed": confidence_shown(r.proposed_confidence) if internal else None,
                    "rating": confidence_shown(r.confidence)
                    if r.status == ReportStatus.REVIEWED
                    else None,
                }
                for r in reports
            ],
            "flags": notices.with_text(selectors.flags_of(user, measure)),
            "quarter": {"fiscal_year": fiscal_year, "quarter": quarter, "due": due},
            "file_url": reverse("plans:report_new", args=[year, code])
            if may_report and current is None
            else None,
            "continue_url": reverse("plans:report", args=[year, code, current.pk])
            if may_report and current is not None and current.status == ReportStatus.DRAFT
            else None,
            "enter": [
                (k, reverse("plans:measurement_new", args=[year, code, k.code])) for k in kpis
            ]
            if may_enter
            else [],
            "waiting": waiting,
            "reviews_url": reverse("plans:reviews") if permissions.may_review(user) else None,
        }
    }


def chain_context(request, measure) -> dict[str, Any]:
    """Budget against plan, the delivering systems and their security posture, as the
    reader may see them (``selectors.chain``)."""
    from shireito.plans.selectors.chain import measure_chain

    return {"chain": measure_chain(request.user, measure)}


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
