"""The control tower's section on incident reports (the home page)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import get_language

from shireito.incidents import selectors

if TYPE_CHECKING:
    from shireito.accounts.models import User

DASHBOARD_ROWS = 20


def dashboard_context(user: User) -> dict:
    """The overdue regime stages of reports the user may see, and the reports waiting on the
    user's organisation."""
    english = get_language() == "en"
    overdue = selectors.overdue_for(user)
    waiting = list(selectors.waiting_on(user)[:DASHBOARD_ROWS]) if user.organization_id else []
    return {
        "incident_overdue": [
            {
                "report": report,
                "regime": clock.regime.name_en if english else clock.regime.name,
                "stage": clock.stage.label_en if english else clock.stage.label,
                "due": clock.due_at,
            }
            for report, clock in overdue[:DASHBOARD_ROWS]
        ],
        "incident_overdue_count": len(overdue),
        "incident_waiting": waiting,
    }
