"""Spaces and who is in them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from shireito.cocreation import permissions
from shireito.cocreation.choices import MemberRole
from shireito.cocreation.models import Membership, Space
from shireito.core.services import audited_create, audited_delete, audited_update

if TYPE_CHECKING:
    from shireito.accounts.models import User
    from shireito.organizations.models import Organization

# The fixed addresses under /cocreation/ that come before a space's own (``urls.py``): no
# space may take one as its short name, or its page could never be reached.
RESERVED_SLUGS = frozenset(
    {
        "new", "faq", "search", "following", "drafts", "official", "api", "feed", "me",
        "notifications", "moderation", "reports", "mine", "spaces", "threads", "posts",
        "attachments", "static", "media", "help", "about", "admin",
    }
)  # fmt: skip


def space_create(
    *,
    actor: User | None,
    slug: str,
    name: str,
    host: Organization,
    name_en: str = "",
    description: str = "",
    description_en: str = "",
    responsible: list[Organization] | None = None,
    invited: list[Organization] | None = None,
) -> Space:
    """Open a space; its creator (a person) becomes its first moderator."""
    if not permissions.may_create_space(actor):
        raise PermissionDenied
    if actor is not None and not actor.is_platform_admin and host.pk != actor.organization_id:
        raise ValidationError({"host": _("A space is hosted by its creator's organization.")})
    if slug in RESERVED_SLUGS:
        raise ValidationError({"slug": _("This short name is kept for the platform's own pages.")})
    with transaction.atomic():
        space = audited_create(
            actor=actor,
            instance=Space(
                slug=slug,
                name=name,
                name_en=name_en,
                description=description,
                description_en=description_en,
                host=host,
                created_by=actor,
            ),
        )
        space.responsible.set(responsible if responsible is not None else [host])
        space.invited.set(invited or [])
        if actor is not None:
            audited_create(
                actor=actor,
                instance=Membership(space=space, user=actor, role=MemberRole.MODERATOR),
            )
            permissions.forget_membership(actor)
    return space


def space_update(*, actor: User | None, space: Space, **fields) -> Space:
    """Change a space's names and description (``responsible``/``invited``: lists of
    organisations, replacing the old)."""
    if actor is not None and not permissions.may_manage_space(actor, space):
        raise PermissionDenied
    responsible = fields.pop("responsible", None)
    invited = fields.pop("invited", None)
    with transaction.atomic():
        audited_update(actor=actor, instance=space, **fields)
        if responsible is not None:
            space.responsible.set(responsible)
        if invited is not None:
            space.invited.set(invited)
    return space


def membership_join(*, actor: User, space: Space) -> Membership:
    """Join a space one may read, as a member."""
    if not permissions.may_join(actor, space):
        raise PermissionDenied
    try:
        with transaction.atomic():
            membership = audited_create(
                actor=actor, instance=Membership(space=space, user=actor, role=MemberRole.MEMBER)
            )
    except IntegrityError:  # joined in another tab meanwhile
        membership = Membership.objects.get(space=space, user=actor)
    permissions.forget_membership(actor)
    return membership


def membership_leave(*, actor: User, space: Space) -> None:
    """Leave a space; the last moderator stays until another is named."""
    membership = Membership.objects.filter(space=space, user=actor).first()
    if membership is None:
        raise PermissionDenied
    with transaction.atomic():
        if membership.role == MemberRole.MODERATOR:
            others = (
                Membership.objects.select_for_update()
                .filter(space=space, role=MemberRole.MODERATOR)
                .exclude(pk=membership.pk)
            )
            if not others.exists():
                raise ValidationError(
                    _("Name another moderator before the space's last moderator leaves.")
                )
        audited_delete(actor=actor, instance=membership)
    permissions.forget_membership(actor)


def membership_set_role(*, actor: User | None, space: Space, user: User, role: str) -> Membership:
    """Make a member a moderator or a moderator a member (by a moderator or the host's
    admin); a user not yet a member who may read the space is added."""
    if actor is not None and not permissions.may_manage_space(actor, space):
        raise PermissionDenied
    if role not in MemberRole.values:
        raise ValidationError({"role": _("Choose member or moderator.")})
    if not permissions.may_read_space(user, space):
        raise ValidationError({"user": _("The space is not open to this person.")})
    with transaction.atomic():
        membership = Membership.objects.select_for_update().filter(space=space, user=user).first()
        if membership is None:
            membership = audited_create(
                actor=actor, instance=Membership(space=space, user=user, role=role)
            )
        else:
            if role == MemberRole.MEMBER and membership.role == MemberRole.MODERATOR:
                others = Membership.objects.filter(space=space, role=MemberRole.MODERATOR).exclude(
                    pk=membership.pk
                )
                if not others.exists():
                    raise ValidationError({"role": _("A space keeps at least one moderator.")})
            audited_update(actor=actor, instance=membership, role=role)
    permissions.forget_membership(user)
    return membership
