"""Who may do what with TAXII collections: manage them (the services refuse others), and read
or write a visible collection's objects, an ``Access`` worked out from the user's roles and
their organisation's access row (the selectors find the row)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q

from shireito.accounts.choices import Role
from shireito.core.permissions import rule
from shireito.sharing.choices import TLP_RANK, Tlp
from shireito.sharing.models import Collection, CollectionAccess

if TYPE_CHECKING:
    from shireito.accounts.models import User
    from shireito.organizations.models import Organization


@rule
def may_manage_collections(actor: User, owner: Organization) -> bool:
    """Platform admins, the owner's organisation admins, and the command line (None)."""
    return actor.has_role(Role.ORG_ADMIN) and actor.organization_id == owner.pk


WRITER_ROLES = (Role.INCIDENT_HANDLER, Role.ORG_ADMIN)


@dataclass(frozen=True)
class Access:
    """What one user may do with one collection they can see."""

    can_read: bool
    can_write: bool
    # The most restricted TLP level the user may read there (None: may not read).
    max_tlp: str | None

    @property
    def readable_levels(self) -> tuple[str, ...]:
        if self.max_tlp is None:
            return ()
        return tuple(level for level in Tlp.values if TLP_RANK[level] <= TLP_RANK[self.max_tlp])


NO_ACCESS = Access(can_read=False, can_write=False, max_tlp=None)
COMMAND_LINE = Access(can_read=True, can_write=True, max_tlp=Tlp.RED)


def _has_any_role(user: User) -> bool:
    return bool(user.roles) or user.is_platform_admin


def may_write_collections(user: User) -> bool:
    """The roles that write to collections (where the user's organisation may)."""
    return any(user.has_role(role) for role in WRITER_ROLES)


def access_from(user: User | None, collection: Collection, row: CollectionAccess | None) -> Access:
    """``user``'s access to ``collection`` given their organisation's access row (or None)."""
    if user is None:
        return COMMAND_LINE
    if not (user.is_authenticated and user.is_active):
        return NO_ACCESS
    if collection.owner_id == user.organization_id:
        read, write, ceiling = True, True, str(Tlp.RED)
    elif row is not None:
        read, write, ceiling = row.can_read, row.can_write, row.max_tlp
    else:
        return NO_ACCESS
    can_read = read and _has_any_role(user)
    return Access(
        can_read=can_read,
        can_write=write and may_write_collections(user),
        max_tlp=ceiling if can_read else None,
    )


@rule
def may_read_shared(actor: User) -> bool:
    """The page of threat information shared through TAXII: members (with any role) of an
    organisation that owns a collection or may read one. What each may read there is the
    TAXII server's answer (``selectors.shared_objects``)."""
    if not _has_any_role(actor) or not actor.organization_id:
        return False
    readable = CollectionAccess.objects.filter(
        organization_id=actor.organization_id, can_read=True
    ).values("collection_id")
    return Collection.objects.filter(
        Q(owner_id=actor.organization_id) | Q(pk__in=readable)
    ).exists()
