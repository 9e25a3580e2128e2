"""Who may do what with catalogs and mappings: the one place services, views and the API ask
(templates get the answers through the view's context)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from shireito.core.permissions import rule
from shireito.organizations.permissions import may_use_national_areas

if TYPE_CHECKING:
    from shireito.accounts.models import User
    from shireito.organizations.models import Organization


@rule
def may_manage_catalogs(user: User, owner: Organization | None = None) -> bool:
    """Platform admins for any owner; editors and organisation admins for their own
    organisation. ``user=None`` is the command line."""
    if not (user.has_role("editor") or user.has_role("org_admin")):
        return False
    return owner is None or owner.pk == user.organization_id


def import_owner(actor: User | None, owner: Organization | None) -> Organization | None:
    """The owner an import is filed under (the actor's own organisation unless a platform
    admin names none), once the actor may import for it; else ``PermissionDenied``."""
    if actor is not None and owner is None and not actor.is_platform_admin:
        owner = actor.organization
    if not may_manage_catalogs(actor, owner):
        raise PermissionDenied(_("You may not import catalogs for this organization."))
    return owner


@rule
def may_see_catalogs(actor: User) -> bool:
    """The standards area: the catalogs that apply to domestic bodies."""
    return may_use_national_areas(actor)
