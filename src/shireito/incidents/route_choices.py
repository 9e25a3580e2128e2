"""The report routes a reporter may choose for its draft (a read: the governance model's answer,
with every organisation the reader may not see left unnamed)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from shireito.incidents.models import IncidentReport
from shireito.incidents.permissions import may_report_for
from shireito.organizations.mandates import active_engine
from shireito.organizations.selectors import routes_shown_to

if TYPE_CHECKING:
    from shireito.accounts.models import User


def report_route_choices(user: User, report: IncidentReport, *, now: dt.datetime | None = None):
    """The model's answer for the report's reporter: its routes (the default first), each hop
    as (place, organisation or None, hidden), and the rule that decided."""
    if not may_report_for(user, report.reporter):
        raise PermissionDenied(_("Only the reporting organization chooses the route."))
    answer = active_engine(on=timezone.localdate(now or timezone.now())).report_routes(
        report.reporter
    )
    return routes_shown_to(user, answer)
