"""Reads of organisations, sectors, role holdings and governance models, each as the one
scoping layer (core.scoping) lets the user see them; this module is the app's only door to
it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from shireito.core.scoping import may_see_organization, visible_to
from shireito.organizations.governance import GovernanceModel, available_model_keys, load_model
from shireito.organizations.models import Organization, RoleHolding, Sector
from shireito.organizations.permissions import may_administer

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from shireito.accounts.models import User
    from shireito.organizations.mandates import ReportRouteAnswer, ShownHop

    Viewer = User | AnonymousUser | None


def organization_list(
    *, user: Viewer, search: str = "", kind: str = "", parent: str = "", sector: str = ""
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


def owner_choices(user: User) -> QuerySet[Organization]:
    """The organisations ``user`` may name as owner of what they create: their own, or any
    they can see for a platform admin. Used by every form with an owner field."""
    organizations = organization_list(user=user)
    if may_administer(user):
        return organizations
    return organizations.filter(pk=user.organization_id)


def organization_get(*, user: Viewer, code: str) -> Organization | None:
    return organization_list(user=user).filter(code=code).first()


def organization_parent(*, user: Viewer, organization: Organization) -> Organization | None:
    """The organisation supervising ``organization`` if ``user`` may open its page."""
    if organization.parent_id is None:
        return None
    return organization_list(user=user).filter(pk=organization.parent_id).first()


def organization_children(*, user: Viewer, organization: Organization) -> QuerySet[Organization]:
    """The organisations ``organization`` supervises that ``user`` may see."""
    return organization_list(user=user).filter(parent=organization)


def organization_members(*, user: Viewer, organization: Organization, limit: int = 200):
    """The people of ``organization`` whom ``user`` may see, by user name (through the
    relation, so this app needs nothing of the accounts app)."""
    members = visible_to(user, organization.users.select_related("organization"))
    return members.order_by("username")[:limit]


def shown_to(user: Viewer, organization: Organization | None) -> Organization | None:
    """``organization`` if ``user`` may see it, else None: the engine's answers name bodies,
    and an answer must not reveal one the user's scope hides."""
    if organization is None or not may_see_organization(user, Organization, organization.pk):
        return None
    return organization


def routes_shown_to(user: Viewer, answer: ReportRouteAnswer) -> ReportRouteAnswer:
    """A report-route answer with each hop as (place, organisation or None, hidden): hidden
    when an organisation holds the place but the user may not see it."""
    for route in answer.routes:
        route.hops = [_shown_hop(user, hop[0], hop[1]) for hop in route.hops]
    return answer


def _shown_hop(user: Viewer, place: str, organization: Organization | None) -> ShownHop:
    shown = shown_to(user, organization)
    return (place, shown, organization is not None and shown is None)


def sector_list(*, user: Viewer) -> QuerySet[Sector]:
    return visible_to(user, Sector.objects.select_related("supervising_ministry")).order_by(
        "position"
    )


def sector_get(*, user: Viewer, code: str) -> Sector | None:
    return sector_list(user=user).filter(code=code).first()


def sector_by_code(code: str) -> Sector | None:
    """A sector named in input. Sectors are reference data everyone may name."""
    return Sector.objects.filter(code=code).first()


def role_holdings(*, user: Viewer) -> QuerySet[RoleHolding]:
    return visible_to(user, RoleHolding.objects.select_related("organization")).order_by(
        "role", "valid_from"
    )


def governance_model(key: str) -> GovernanceModel | None:
    """The shipped governance model with ``key``, or None."""
    return load_model(key) if key in available_model_keys() else None


def organization_directory(*, kind: str = "") -> QuerySet[Organization]:
    """Every organisation, by code: the choices of a field where the governance model, not the
    reader's scope, decides who may be named (a system's builder, a recommendation's ministry);
    the service checks the choice."""
    organizations = Organization.objects.order_by("code")
    return organizations.filter(kind=kind) if kind else organizations
