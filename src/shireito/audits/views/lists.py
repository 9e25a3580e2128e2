"""Findings and corrective actions across every audit the user is a party to: where the
tower's counts of open findings (by grade and age) and overdue actions lead."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.utils import timezone

from shireito.audits import selectors
from shireito.audits.figures import age_band_dates
from shireito.audits.forms import ActionListFilter, FindingListFilter
from shireito.core.pages import list_page


@login_required
def finding_list(request):
    filters = FindingListFilter(request.GET)
    values = filters.values()
    raised_from, raised_until = age_band_dates(values["age"], timezone.localdate())
    findings = selectors.finding_list(
        user=request.user,
        grade=values["grade"],
        status=values["status"],
        raised_from=raised_from,
        raised_until=raised_until,
        search=values["search"],
    )
    return list_page(request, template="audits/finding_list.html", items=findings, filters=filters)


@login_required
def action_list(request):
    filters = ActionListFilter(request.GET)
    values = filters.values()
    actions = selectors.action_list(
        user=request.user,
        status=values["status"],
        overdue_on=timezone.localdate() if values["overdue"] else None,
        search=values["search"],
    )
    return list_page(request, template="audits/action_list.html", items=actions, filters=filters)
