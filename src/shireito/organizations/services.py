"""Writes to organisations, sectors, role holdings and the governance settings. Each is one
audited transaction; who may do what is checked here, not in views."""

from __future__ import annotations

import copy
import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shireito.core.services import Rules, audited_create, audited_delete, audited_update
from shireito.organizations.choices import GovernanceRole, OpenQuestionSetting, OrganizationKind
from shireito.organizations.governance import GovernanceModelError, available_model_keys, load_model
from shireito.organizations.models import (
    ORGANIZATION_EDITABLE_FIELDS,
    GovernanceSettings,
    Organization,
    OrganizationName,
    RoleHolding,
    Sector,
)
from shireito.organizations.permissions import (
    may_administer,
    may_change_organization_field,
    may_edit_organization,
)

if TYPE_CHECKING:
    from shireito.accounts.models import User

ALL_FIELDS = frozenset(ORGANIZATION_EDITABLE_FIELDS)


def _require_platform_admin(actor: User | None) -> None:
    if not may_administer(actor):
        raise PermissionDenied(_("Only platform admins may do this."))


def organization_check(
    *,
    organization: Organization | None = None,
    name_effective_from: dt.date | None = None,
    **fields,
) -> None:
    """Every rule a new organisation or a change to ``organization`` must meet, without
    writing: the model's shape for each kind on the fields given, the organisations it
    supervises still fitting a new kind, and a rename's effective day. One ``ValidationError``
    names every problem; the services call it before they write, a form with what it read."""
    unknown = set(fields) - ALL_FIELDS - {"code", "name", "kind"}
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    rules = Rules()
    if organization is None:
        candidate = Organization(**fields)
    else:
        candidate = copy.copy(organization)
        for name, value in fields.items():
            setattr(candidate, name, value)
    rules.model(candidate, set(fields))
    if organization is None:
        rules.raise_all()
        return
    if any(
        name in fields and fields[name] != getattr(organization, name)
        for name in ("kind", "local_government_level")
    ):
        rules.check(_recheck_supervised, candidate)
    if name_effective_from and name_effective_from > timezone.localdate():
        rules.add("name_effective_from", _("Record a rename on or after the day it takes effect."))
    elif "name" in fields and fields["name"] != organization.name:
        effective = name_effective_from or timezone.localdate()
        previous = organization.former_names.order_by("-valid_to").first()
        start = previous.valid_to + dt.timedelta(days=1) if previous else organization.valid_from
        if start and effective - dt.timedelta(days=1) < start:
            rules.add(
                "name_effective_from", _("The new name must take effect after the last change.")
            )
    rules.raise_all()


def organization_create(
    *, actor: User | None, code: str, name: str, kind: str, **fields
) -> Organization:
    _require_platform_admin(actor)
    unknown = set(fields) - ALL_FIELDS
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    organization_check(code=code, name=name, kind=kind, **fields)
    return audited_create(
        actor=actor, instance=Organization(code=code, name=name, kind=kind, **fields)
    )


def organization_update(
    *,
    actor: User | None,
    organization: Organization,
    name_effective_from: dt.date | None = None,
    **fields,
) -> Organization:
    """Change an organisation. A new official (Japanese) name takes effect on
    ``name_effective_from`` (default today); the old names are kept with their period, so
    history keeps the name of its day. A change of the English name alone is a correction of
    the translation: the audit trail keeps it, the name history does not."""
    unknown = set(fields) - ALL_FIELDS
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    if not may_edit_organization(actor, organization):
        raise PermissionDenied(_("You may not change this organization."))
    restricted = {
        name
        for name, value in fields.items()
        if not may_change_organization_field(actor, name) and value != getattr(organization, name)
    }
    if restricted:
        raise PermissionDenied(
            _("Only platform admins may change: %s") % ", ".join(sorted(restricted))
        )
    organization_check(organization=organization, name_effective_from=name_effective_from, **fields)
    with transaction.atomic():
        old_name, old_name_en = organization.name, organization.name_en
        renamed = "name" in fields and fields["name"] != old_name
        organization, changes = audited_update(actor=actor, instance=organization, **fields)
        if {"kind", "local_government_level"} & set(changes):
            _recheck_supervised(organization)
        if renamed:
            effective = name_effective_from or timezone.localdate()
            previous = organization.former_names.order_by("-valid_to").first()
            former = OrganizationName(
                organization=organization,
                name=old_name,
                name_en=old_name_en,
                valid_from=previous.valid_to + dt.timedelta(days=1)
                if previous
                else organization.valid_from,
                valid_to=effective - dt.timedelta(days=1),
            )
            if former.valid_from and former.valid_to < former.valid_from:
                raise ValidationError(
                    {
                        "name_effective_from": _(
                            "The new name must take effect after the last change."
                        )
                    }
                )
            audited_create(actor=actor, instance=former)
    return organization


def _recheck_supervised(organization: Organization) -> None:
    """A change of kind must not leave the organisations it supervises invalid (an agency whose
    ministry stopped being a ministry)."""
    for child in Organization.objects.filter(parent=organization).select_related("parent"):
        child.parent = organization
        try:
            child.full_clean()
        except ValidationError as exc:
            raise ValidationError(
                {
                    "kind": _("%(child)s would no longer fit: %(problem)s")
                    % {"child": child, "problem": " ".join(exc.messages)}
                }
            ) from exc


def organization_delete(*, actor: User | None, organization: Organization) -> None:
    _require_platform_admin(actor)
    try:
        audited_delete(actor=actor, instance=organization)
    except ProtectedError as exc:
        raise ValidationError(
            _(
                "%(name)s still has people, supervised organizations or role holdings: "
                "remove those first."
            )
            % {"name": organization}
        ) from exc


def organization_ensure(
    *, actor: User | None, code: str, name: str, kind: str, **fields
) -> Organization:
    """Create the organisation, or bring an existing one to these values (idempotent)."""
    existing = Organization.objects.filter(code=code).first()
    if existing is None:
        return organization_create(actor=actor, code=code, name=name, kind=kind, **fields)
    return organization_update(actor=actor, organization=existing, name=name, kind=kind, **fields)


def organization_name_ensure(
    *, actor: User | None, organization: Organization, name: str, name_en: str, valid_from, valid_to
) -> OrganizationName:
    """Record a former name (idempotent, for reference data)."""
    _require_platform_admin(actor)
    existing = organization.former_names.filter(valid_to=valid_to).first()
    if existing:
        existing, _changes = audited_update(
            actor=actor, instance=existing, name=name, name_en=name_en, valid_from=valid_from
        )
        return existing
    return audited_create(
        actor=actor,
        instance=OrganizationName(
            organization=organization,
            name=name,
            name_en=name_en,
            valid_from=valid_from,
            valid_to=valid_to,
        ),
    )


def sector_update(
    *, actor: User | None, sector: Sector, supervising_ministry: Organization | None
) -> Sector:
    _require_platform_admin(actor)
    if supervising_ministry is not None and supervising_ministry.kind != OrganizationKind.MINISTRY:
        raise ValidationError({"supervising_ministry": _("Choose a ministry.")})
    sector, _changes = audited_update(
        actor=actor, instance=sector, supervising_ministry=supervising_ministry
    )
    return sector


def role_handover(
    *, actor: User | None, role: str, organization: Organization, on: dt.date
) -> RoleHolding:
    """``organization`` holds ``role`` from ``on``; the current holder's period ends the day
    before. Mandates follow the role, so every rule moves with it and history stays right."""
    _require_platform_admin(actor)
    if role not in GovernanceRole.values:
        raise ValidationError({"role": _("Unknown role.")})
    if not organization.exists_on(on):
        raise ValidationError({"organization": _("This organization does not exist on that day.")})
    with transaction.atomic():
        later = RoleHolding.objects.filter(role=role, valid_from__gte=on)
        if later.exists():
            raise ValidationError({"on": _("A handover on or after this day is already recorded.")})
        covering = RoleHolding.objects.select_for_update().filter(
            Q(valid_from__isnull=True) | Q(valid_from__lt=on),
            Q(valid_to__isnull=True) | Q(valid_to__gte=on),
            role=role,
        )
        for current in covering:
            if current.organization_id == organization.pk and current.valid_to is None:
                return current
            audited_update(actor=actor, instance=current, valid_to=on - dt.timedelta(days=1))
        return audited_create(
            actor=actor, instance=RoleHolding(role=role, organization=organization, valid_from=on)
        )


def role_holding_ensure(
    *, actor: User | None, role: str, organization: Organization, valid_from, valid_to=None
) -> RoleHolding:
    """Record a holding exactly (idempotent, for reference data)."""
    _require_platform_admin(actor)
    existing = RoleHolding.objects.filter(
        role=role, organization=organization, valid_from=valid_from
    ).first()
    if existing:
        existing, _changes = audited_update(actor=actor, instance=existing, valid_to=valid_to)
        return existing
    return audited_create(
        actor=actor,
        instance=RoleHolding(
            role=role, organization=organization, valid_from=valid_from, valid_to=valid_to
        ),
    )


def governance_configure(
    *,
    actor: User | None,
    active_model: str,
    open_question: str,
    route_choices: dict[str, str] | None = None,
) -> GovernanceSettings:
    """Switch the active model, the 論点 setting or the default report routes (platform
    admins). Takes effect at once: the next question to the engine uses it."""
    _require_platform_admin(actor)
    if active_model not in available_model_keys():
        raise ValidationError({"active_model": _("No governance model has this key.")})
    try:
        model = load_model(active_model)
    except GovernanceModelError as exc:
        raise ValidationError({"active_model": str(exc)}) from exc
    if open_question not in OpenQuestionSetting.values:
        raise ValidationError({"open_question": _("Unknown setting.")})
    route_choices = dict(route_choices or {})
    for reporter, route in route_choices.items():
        entry = model.routes_for(reporter)
        if entry is None:
            raise ValidationError(
                {f"route_choices.{reporter}": _("The model has no routes for this reporter.")}
            )
        if route not in {r.key for r in entry.routes}:
            raise ValidationError({f"route_choices.{reporter}": _("The model has no such route.")})
    with transaction.atomic():
        settings = GovernanceSettings.objects.select_for_update().filter(id=1).first()
        if settings is None:
            return audited_create(
                actor=actor,
                instance=GovernanceSettings(
                    active_model=active_model,
                    open_question=open_question,
                    route_choices=route_choices,
                ),
            )
        settings, _changes = audited_update(
            actor=actor,
            instance=settings,
            active_model=active_model,
            open_question=open_question,
            route_choices=route_choices,
        )
    return settings
