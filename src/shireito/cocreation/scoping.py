"""Who a space is open to, as a rule of the one scoping layer (core.scoping).

Every cocreation model names the space's host and invited organisations as its parties
(``scope_path``). The staff of a domestic government body read every space (``ALL``); anyone
else reads only the spaces that invite their organisation, which their own organisation id
already matches. Nothing else widens it: mandates do not reach into conversations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Model

from shireito.core.scoping import ALL
from shireito.organizations.choices import OrganizationKind, ScopeClass

if TYPE_CHECKING:
    from shireito.accounts.models import User
    from shireito.core.scoping import _All

# Domestic government bodies: national, local and the agencies. Overseas counterparts,
# critical-infrastructure operators, quasi-public and other bodies come in by invitation.
GOVERNMENT_KINDS = frozenset(
    {
        OrganizationKind.CABINET,
        OrganizationKind.DIGITAL_AGENCY,
        OrganizationKind.NATIONAL_CYBER_CENTRE,
        OrganizationKind.CYBERSECURITY_HQ,
        OrganizationKind.IPA,
        OrganizationKind.MINISTRY,
        OrganizationKind.INDEPENDENT_AGENCY,
        OrganizationKind.LOCAL_GOVERNMENT,
        OrganizationKind.J_LIS,
    }
)

KEY = "_shireito_cocreation_government"


def is_government_staff(user) -> bool:
    """Whether the user works for a domestic government body (kept on the user object for the
    request, as the mandate engine is)."""
    if KEY not in user.__dict__:
        organization = getattr(user, "organization", None)
        user.__dict__[KEY] = bool(organization and organization.kind in GOVERNMENT_KINDS)
    return user.__dict__[KEY]


def cocreation_visibility(user: User, model: type[Model], scope_class: str) -> set[int] | _All:
    if scope_class != ScopeClass.COCREATION:
        return set()
    return ALL if is_government_staff(user) else set()
