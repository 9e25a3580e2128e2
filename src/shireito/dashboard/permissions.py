"""What a user may do in the control tower. Seeing a figure is decided by the scoping layer;
these rules decide only which drill-downs the tower offers, so it never links to an empty or
refused view."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shireito.core.permissions import rule
from shireito.core.scoping import ALL, _All
from shireito.dashboard.tower import WHOLE_GOVERNMENT_KINDS
from shireito.organizations.permissions import may_use_national_areas
from shireito.registry.figures import migration_ids

if TYPE_CHECKING:
    from shireito.accounts.models import User
    from shireito.organizations.models import Organization

REACH_KEY = "_shireito_tower_reach"


def focus_reach(actor: User) -> set[int] | _All:
    """The bodies whose tower ``actor`` may drill down to: every body for those who oversee,
    audit or coordinate the whole government; for everyone else their own and the bodies
    whose systems they may list or whose migration they coordinate (a ministry's agencies, a
    prefecture's municipalities). Kept on the user for the request."""
    if REACH_KEY not in actor.__dict__:
        if actor.is_platform_admin or actor.organization.kind in WHOLE_GOVERNMENT_KINDS:
            actor.__dict__[REACH_KEY] = ALL
        else:
            actor.__dict__[REACH_KEY] = migration_ids(actor)
    return actor.__dict__[REACH_KEY]


@rule
def may_focus(actor: User, organization: Organization) -> bool:
    return may_focus_on(actor, organization.pk)


def may_focus_on(actor: User | None, organization_id: int) -> bool:
    """``may_focus`` for a body known by its id (a row of a figures table)."""
    if actor is None:
        return True
    if not (actor.is_authenticated and actor.is_active):
        return False
    reach = focus_reach(actor)
    return isinstance(reach, _All) or organization_id in reach


@rule
def may_see_tower(actor: User) -> bool:
    """The control tower: every domestic body has one (its own at least)."""
    return may_use_national_areas(actor)
