"""Reactions to a post: one of each kind per person, toggled on and off by the members."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from shireito.cocreation import permissions
from shireito.cocreation.choices import Reaction
from shireito.cocreation.models import Post, PostReaction
from shireito.core.services import Rules

if TYPE_CHECKING:
    from shireito.accounts.models import User


def may_react(actor: User | None, post: Post) -> bool:
    """Members react to published posts that are not hidden."""
    return (
        actor is not None
        and not post.is_draft
        and post.hidden_at is None
        and permissions.may_post(actor, post.thread.space)
    )


def reaction_toggle(*, actor: User, post: Post, kind: str) -> bool:
    """Add the actor's reaction of ``kind`` to the post, or take it back if they had given it;
    whether it is now given."""
    if not may_react(actor, post):
        raise PermissionDenied
    rules = Rules()
    if kind not in Reaction.values:
        rules.add("kind", _("Choose one of the reactions."))
    rules.raise_all()
    with transaction.atomic():
        deleted, _rows = PostReaction.objects.filter(post=post, user=actor, kind=kind).delete()
        if deleted:
            return False
        try:
            with transaction.atomic():
                PostReaction.objects.create(post=post, user=actor, kind=kind)
        except IntegrityError:  # given meanwhile by the same person in another request
            pass
    return True
