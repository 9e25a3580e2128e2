from __future__ import annotations

from django.db.models import Q, QuerySet

from shireito.core.scoping import ALL, visible_organization_ids, visible_to
from shireito.organizations.models import Organization, RoleHolding, Sector


def organization_list(
    *, user, search: str = "", kind: str = "", parent: str = "", sector: str = ""
) -> QuerySet[Organization]:
    organizations = visible_to(user, Organization.objects.select_related("parent", "sector"))
    if search:
        organizations = organizations.filter(
            Q(name__icontains=search)
            | Q(name_en__icontains=search)
            | Q(code__icontains=search)
            | Q(corporate_number=search)
            | Q(local_government_code=search)
        )
    if kind:
        organizations = organizations.filter(kind=kind)
    if parent:
        organizations = organizations.filter(parent__code=parent)
    if sector:
        organizations = organizations.filter(sector__code=sector)
    return organizations.order_by("code")


def owner_choices(user) -> QuerySet[Organization]:
    """The organisations ``user`` may name as owner of what they create: their own, or any
    they can see for a platform admin. Used by every form with an owner field."""
    organizations = organization_list(user=user)
    return (
        organizations if user.is_platform_admin else organizations.filter(pk=user.organization_id)
    )


def organization_get(*, user, code: str) -> Organization | None:
    return organization_list(user=user).filter(code=code).first()


def may_edit_organization(actor, organization: Organization) -> bool:
    """Platform admins edit every organisation; organisation admins their own one's names
    and identifiers. ``actor=None`` is the command line."""
    if actor is None:
        return True
    if not actor.is_authenticated:
        return False
    if actor.is_platform_admin:
        return True
    return actor.has_role("org_admin") and actor.organization_id == organization.pk


def sector_list(*, user) -> QuerySet[Sector]:
    return visible_to(user, Sector.objects.select_related("supervising_ministry")).order_by(
        "position"
    )


def role_holdings(*, user) -> QuerySet[RoleHolding]:
    return visible_to(user, RoleHolding.objects.select_related("organization")).order_by(
        "role", "valid_from"
    )


def shown_to(user, organization: Organization | None) -> Organization | None:
    """``organization`` if ``user`` may see it, else None: the engine's answers name bodies,
    and an answer must not reveal one the user's scope hides."""
    if organization is None:
        return None
    ids = visible_organization_ids(user, Organization)
    return organization if ids is ALL or organization.pk in ids else None


def routes_shown_to(user, answer):
    """A report-route answer with each hop as (place, organisation or None, hidden): hidden
    when an organisation holds the place but the user may not see it."""
    for route in answer.routes:
        route.hops = [
            (place, shown_to(user, org), org is not None and shown_to(user, org) is None)
            for place, org, *_rest in route.hops
        ]
    return answer
