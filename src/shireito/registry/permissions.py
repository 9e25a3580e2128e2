"""Who may do what in the portfolio: every rule of the app, asked by the services (which
enforce them), the views and the API (which show or refuse), and the templates (through the
view's context). ``user=None`` is the command line, which may do everything."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shireito.core.permissions import rule
from shireito.organizations.choices import OrganizationKind
from shireito.organizations.mandates import active_engine
from shireito.organizations.permissions import may_use_national_areas
from shireito.registry import selectors
from shireito.registry.choices import RecommendationStatus

if TYPE_CHECKING:
    from shireito.accounts.models import User
    from shireito.organizations.models import Organization
    from shireito.registry.models import InformationSystem, Recommendation


def _is_editor(user: User) -> bool:
    return user.has_role("editor") or user.has_role("org_admin")


@rule
def may_edit_system(
    user: User, *, owner: Organization | None, builder: Organization | None = None
) -> bool:
    """Editors and organisation admins of the owner or of the builder; platform admins."""
    if not _is_editor(user):
        return False
    return user.organization_id in {getattr(owner, "pk", None), getattr(builder, "pk", None)}


def may_change_system(user: User | None, system: InformationSystem) -> bool:
    """``may_edit_system`` for a system as it is now."""
    return may_edit_system(user, owner=system.owner, builder=system.builder)


def may_add_system(user: User) -> bool:
    """Adding systems (by form or by import) starts from the user's own organisation."""
    return may_edit_system(user, owner=user.organization)


@rule
def acts_for_digital_agency(actor: User, engine=None) -> bool:
    """Platform admins, and editors or organisation admins of the body holding the Digital
    Agency's role (overseer in the model) today."""
    if not _is_editor(actor):
        return False
    engine = engine or active_engine()
    return any(engine.matches(actor.organization, o.overseer) for o in engine.model.oversight)


@rule
def may_see_migration(user: User, engine=None) -> bool:
    """The local-government migration list: local governments (their own systems, and a
    prefecture's municipalities) and the bodies the governance model names as coordinators."""
    organization = user.organization
    if organization is None:
        return False
    if organization.kind == OrganizationKind.LOCAL_GOVERNMENT:
        return True
    engine = engine or active_engine()
    return any(engine.matches(organization, c.coordinator) for c in engine.model.coordination)


def may_see_oversight(user: User | None, system: InformationSystem) -> bool:
    """A system's ratings and budget section: national systems under oversight, for those who
    may see its owner's oversight data."""
    return selectors.is_overseen(system) and selectors.oversight_visible(user, system)


def may_answer(user: User | None, recommendation: Recommendation) -> bool:
    """The ministry's editors and organisation admins (and platform admins) answer an open
    recommendation."""
    if recommendation.status != RecommendationStatus.OPEN:
        return False
    if user is None:
        return True
    return bool(
        user.is_authenticated
        and (
            user.is_platform_admin
            or (user.organization_id == recommendation.ministry_id and _is_editor(user))
        )
    )


@rule
def may_see_systems(actor: User) -> bool:
    """The information systems area: every domestic body sees its own systems at least."""
    return may_use_national_areas(actor)
