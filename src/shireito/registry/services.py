"""Writes to the portfolio: each one validated (with the governance model's rule for who builds
what), audited, and all or nothing."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from shireito.core import concurrency
from shireito.core.choices import AuditAction
from shireito.core.services import (
    Rules,
    audited_create,
    audited_delete,
    audited_update,
    record_audit_event,
)
from shireito.organizations.mandates import active_engine
from shireito.organizations.rules import rule_label
from shireito.registry import tallies
from shireito.registry.models import InformationSystem
from shireito.registry.oversight import record_oversight_exit
from shireito.registry.permissions import may_change_system, may_edit_system
from shireito.registry.selectors import overseen_categories, related_kept

if TYPE_CHECKING:
    from shireito.accounts.models import User
    from shireito.organizations.models import Organization

SYSTEM_FIELDS = (
    "name",
    "name_en",
    "owner",
    "category",
    "builder",
    "important",
    "phase",
    "phase_since",
    "operation_start",
    "retirement_date",
    "hosting",
    "cloud_provider",
    "confidentiality",
    "integrity",
    "availability",
    "people_served",
    "contact_name",
    "contact_email",
    "standard_business",
    "migration_status",
    "migration_target",
    "special_support_deadline",
)


def check_builder(system: InformationSystem, engine=None) -> None:
    """The builder must be the one the governance model in force names for the category."""
    if not (system.owner_id and system.builder_id and system.category):
        return
    engine = engine or active_engine()
    allowed, decision = engine.check_builder(system.category, system.owner, system.builder)
    if allowed:
        return
    if not decision.builders:
        raise ValidationError(
            {
                "category": _("Not allowed by the governance model: %(rule)s")
                % {"rule": decision.rule}
            }
        )
    names = ", ".join(str(b) for b in decision.builders)
    raise ValidationError(
        {
            "builder": _("The governance model says %(builders)s builds this (%(rule)s).")
            % {"builders": names, "rule": rule_label(decision.rule)}
        }
    )


def default_builder(*, category: str, owner: Organization, engine=None) -> Organization | None:
    """The builder the model names, to fill in when an import or a form leaves it empty."""
    builders = (engine or active_engine()).builder_for(category, owner).builders
    return builders[0] if len(builders) == 1 else None


def system_check(
    *,
    system: InformationSystem | None = None,
    code: str | None = None,
    reason: str = "",
    engine=None,
    **fields,
) -> None:
    """Every rule a new system (``code``) or a change to ``system`` must meet, without writing:
    the model's checks on the fields given, the governance model's builder, and the reason a
    move out of oversight needs. One ``ValidationError`` names every problem. The services
    call it before they write; a form calls it with the fields it could read."""
    unknown = set(fields) - set(SYSTEM_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    rules = Rules()
    if system is None:
        candidate = InformationSystem(
            code=code or "", **{k: v for k, v in fields.items() if v is not None}
        )
        given = {name for name, value in fields.items() if value is not None}
        if code is not None:
            given.add("code")
    else:
        candidate = copy.copy(system)
        for name, value in fields.items():
            setattr(candidate, name, value)
        given = set(fields)
        if _leaves_oversight(system, fields, engine) and not reason.strip():
            rules.add(
                "category",
                _("Moving a system out of the Digital Agency's oversight needs a reason."),
            )
    rules.model(candidate, given)
    rules.check(check_builder, candidate, engine)
    rules.raise_all()


def _leaves_oversight(system: InformationSystem, fields: dict, engine=None) -> bool:
    overseen = overseen_categories(engine)
    return system.category in overseen and fields.get("category", system.category) not in overseen


def system_create(
    *, actor: User | None, code: str, engine=None, related_systems=(), **fields
) -> InformationSystem:
    unknown = set(fields) - set(SYSTEM_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    owner = fields.get("owner")
    if fields.get("builder") is None and owner is not None and fields.get("category"):
        fields["builder"] = default_builder(category=fields["category"], owner=owner, engine=engine)
    if not may_edit_system(actor, owner=owner, builder=fields.get("builder")):
        raise PermissionDenied(_("You may not add systems for this organization."))
    system_check(code=code, engine=engine, **fields)
    with transaction.atomic():
        system = InformationSystem(code=code, **{k: v for k, v in fields.items() if v is not None})
        audited_create(actor=actor, instance=system)
        tallies.system_changed(None, system)
        if related_systems:
            system.related_systems.set(related_systems)
    return system


def system_update(
    *, actor: User | None, system: InformationSystem, engine=None, reason: str = "", **fields
) -> InformationSystem:
    """Change a system. Moving it out of the Digital Agency's oversight by reclassifying it
    needs a ``reason``, which the audit trail keeps (lessons of the US IT Dashboard)."""
    unknown = set(fields) - set(SYSTEM_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    if not may_change_system(actor, system):
        raise PermissionDenied(_("You may not change this system."))
    if "owner" in fields and not may_edit_system(
        actor, owner=fields["owner"], builder=fields.get("builder", system.builder)
    ):
        raise PermissionDenied(_("You may not move systems to this organization."))
    old_category = system.category
    leaves = _leaves_oversight(system, fields, engine)
    system_check(system=system, reason=reason, engine=engine, **fields)
    with transaction.atomic():
        stored = InformationSystem.objects.select_for_update().get(pk=system.pk)
        for name, value in fields.items():
            setattr(system, name, value)
        check_builder(system, engine)
        system, changes = audited_update(actor=actor, instance=system, **fields)
        if changes:
            tallies.system_changed(stored, system)
        if leaves:
            record_oversight_exit(
                actor=actor, system=system, old_category=old_category, reason=reason.strip()
            )
    return system


def system_delete(*, actor: User | None, system: InformationSystem) -> None:
    """Remove a system entered by mistake. One with a budget, ratings, recommendations or
    audit records is history, not a mistake: it is retired instead, and this refuses."""
    if not may_change_system(actor, system):
        raise PermissionDenied(_("You may not change this system."))
    with transaction.atomic():
        stored = InformationSystem.objects.select_for_update().get(pk=system.pk)
        try:
            audited_delete(actor=actor, instance=stored)
        except ProtectedError as exc:
            raise ValidationError(
                _("This system has records that refer to it; retire it instead.")
            ) from exc
        tallies.system_changed(stored, None)


def system_set_related(
    *, actor: User | None, system: InformationSystem, related: list[InformationSystem]
) -> None:
    """Make ``related`` the system's related systems (both ways), as one audited change."""
    if not may_change_system(actor, system):
        raise PermissionDenied(_("You may not change this system."))
    if any(other.pk == system.pk for other in related):
        raise ValidationError({"related": _("A system is not related to itself.")})
    with transaction.atomic():
        before = sorted(system.related_systems.values_list("code", flat=True))
        after = sorted({other.code for other in related})
        if before == after:
            return
        concurrency.claim(system)
        system.related_systems.set(related)
        record_audit_event(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=system,
            changes={"related_systems": [before, after]},
        )
        # The link is both ways: the other systems' histories say so too.
        for other in InformationSystem.objects.filter(code__in=set(before) ^ set(after)):
            linked = other.code in after
            record_audit_event(
                actor=actor,
                action=AuditAction.UPDATE,
                instance=other,
                changes={"related_systems": [None, system.code] if linked else [system.code, None]},
            )


def system_add(
    *, actor: User | None, code: str, related: list[InformationSystem], **fields
) -> InformationSystem:
    """A new system and its links, together or not at all (the add form's and the API's)."""
    with transaction.atomic():
        system = system_create(actor=actor, code=code, **fields)
        system_set_related(actor=actor, system=system, related=related)
    return system


def system_change(
    *,
    actor: User | None,
    system: InformationSystem,
    reason: str = "",
    related: list[InformationSystem] | None = None,
    **fields,
) -> InformationSystem:
    """Change a system and (unless ``related`` is None) its links, together or not at all.
    ``related`` is what the actor chose among the systems they see; links to others stay."""
    with transaction.atomic():
        system = system_update(actor=actor, system=system, reason=reason, **fields)
        if related is not None:
            system_set_related(
                actor=actor, system=system, related=related_kept(actor, system, related)
            )
    return system
