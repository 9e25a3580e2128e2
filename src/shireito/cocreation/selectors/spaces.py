"""Spaces as a user may see them."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, QuerySet

from shireito.cocreation.choices import MemberRole
from shireito.cocreation.models import Membership, Space
from shireito.core.scoping import visible_to


def spaces_for(user) -> QuerySet[Space]:
    """The spaces open to the user (not archived first), each marked ``is_member``."""
    spaces = visible_to(user, Space.objects.all())
    return spaces.annotate(
        is_member=Exists(Membership.objects.filter(space=OuterRef("pk"), user_id=user.pk)),
        member_count=Count("memberships", distinct=True),
    ).select_related("host")


def space_get(user, slug: str) -> Space | None:
    """One space by its short name, or ``None`` (not there, or not open to the user)."""
    return visible_to(user, Space.objects.filter(slug=slug)).select_related("host").first()


def members_of(user, space: Space) -> QuerySet[Membership]:
    """A space's members (moderators first), with their organisations."""
    return (
        visible_to(user, Membership.objects.filter(space=space))
        .select_related("user", "user__organization")
        .order_by("-role", "user__full_name", "user__username")
    )


def moderators_of(user, space: Space) -> QuerySet[Membership]:
    return members_of(user, space).filter(role=MemberRole.MODERATOR)
