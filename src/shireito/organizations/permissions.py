"""Who may change organisations and the governance model: every rule of the organizations
app, asked alike by its services (which refuse), its views and API (which hide buttons and
answer 403) and, through the view's context, its templates. ``actor=None`` is the command
line, run by whoever operates the server."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shireito.core.permissions import rule
from shireito.organizations.choices import OrganizationKind

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from shireito.accounts.models import User
    from shireito.organizations.models import Organization

# What an organisation admin may change of their own organisation; the rest shapes the
# governance model and is the platform admins'.
OWN_ADMIN_FIELDS = frozenset({"name", "name_en", "corporate_number", "local_government_code"})


def may_administer(actor: User | AnonymousUser | None) -> bool:
    """Platform admins (and the command line) add organisations, configure the governance
    model, hand roles over and set sectors' ministries."""
    return actor is None or bool(actor.is_authenticated and actor.is_platform_admin)


@rule
def may_edit_organization(actor: User, organization: Organization) -> bool:
    """Platform admins edit every organisation; organisation admins their own one's names
    and identifiers."""
    return actor.has_role("org_admin") and actor.organization_id == organization.pk


def editable_organization_fields(actor: User | None) -> frozenset[str] | None:
    """The fields of an organisation ``actor`` may change (given ``may_edit_organization``);
    None for all of them."""
    return None if may_administer(actor) else OWN_ADMIN_FIELDS


def may_change_organization_field(actor: User | None, field: str) -> bool:
    fields = editable_organization_fields(actor)
    return fields is None or field in fields


@rule
def may_use_national_areas(actor: User) -> bool:
    """The national areas (the control tower, the directory and the governance model, systems,
    standards, audits, incident reports, people, history) are for domestic bodies. The people
    of an overseas counterpart use what is shared with them (the sharing area) and their own
    account; the directory's scoping shows them only whom they liaise with anyway. Each area's
    own rule (``may_see_systems`` …) asks this one, and the main menu asks those."""
    organization = actor.organization
    return organization is not None and organization.kind != OrganizationKind.OVERSEAS_COUNTERPART
