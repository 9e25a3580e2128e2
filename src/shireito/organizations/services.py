"""Writes to organisations. The full governance model arrives with its own issue."""

from __future__ import annotations

from shireito.core.services import audited_create, audited_update
from shireito.organizations.models import Organization


def organization_create(
    *, actor, code: str, name: str, kind: str, name_en: str = "", parent: Organization | None = None
) -> Organization:
    return audited_create(
        actor=actor,
        instance=Organization(code=code, name=name, name_en=name_en, kind=kind, parent=parent),
    )


def organization_update(*, actor, organization: Organization, **fields) -> Organization:
    allowed = {"name", "name_en", "kind", "parent"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"cannot update {sorted(unknown)}")
    organization, _changes = audited_update(actor=actor, instance=organization, **fields)
    return organization


def organization_ensure(
    *, actor, code: str, name: str, kind: str, name_en: str = "", parent: Organization | None = None
) -> Organization:
    """Create the organisation, or bring an existing one to these values (idempotent)."""
    existing = Organization.objects.filter(code=code).first()
    if existing is None:
        return organization_create(
            actor=actor, code=code, name=name, name_en=name_en, kind=kind, parent=parent
        )
    return organization_update(
        actor=actor, organization=existing, name=name, name_en=name_en, kind=kind, parent=parent
    )
