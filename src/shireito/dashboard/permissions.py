"""What a user may do in the control tower. Seeing a figure is decided by the scoping layer;
these rules decide only which drill-downs the tower offers, so it never links to an empty or
refused view."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shireito.core.permissions import rule
from shireito.dashboard.tower import WHOLE_GOVERNMENT_KINDS

if TYPE_CHECKING:
    from shireito.accounts.models import User
    from shireito.organizations.models import Organization


@rule
def may_focus(actor: User, organization: Organization) -> bool:
    """Drill down to one body's tower: the bodies that oversee, audit or coordinate the
    government to any body; everyone else to their own and the bodies under them (a ministry
    to its agencies, a prefecture to its municipalities)."""
    own = actor.organization
    if own.kind in WHOLE_GOVERNMENT_KINDS:
        return True
    return organization.pk == own.pk or organization.parent_id == own.pk
