"""Following a space, a thread or an object threads are about (a system, a standardised
business, a control, a plan measure): the follower is then told of new posts there
(``cocreation.notices``). One may follow only what one may read."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from shireito.cocreation import permissions
from shireito.cocreation.choices import FollowKind
from shireito.cocreation.models import Follow
from shireito.cocreation.selectors.follows import follow_target
from shireito.core.services import Rules, audited_create, audited_delete

if TYPE_CHECKING:
    from shireito.accounts.models import User


def follow_check(*, actor: User, kind: str, key: str) -> None:
    rules = Rules()
    if kind not in FollowKind.values:
        rules.add("kind", _("Choose what to follow."))
    elif follow_target(actor, kind, key) is None:
        rules.add("key", _("There is nothing of that kind you may follow under that key."))
    rules.raise_all()


def follow(*, actor: User, kind: str, key: str) -> Follow:
    """Follow (again: nothing changes)."""
    if not permissions.may_use_cocreation(actor):
        raise PermissionDenied(_("You may not use the co-creation platform."))
    follow_check(actor=actor, kind=kind, key=key)
    with transaction.atomic():
        found = Follow.objects.filter(user=actor, kind=kind, key=key).first()
        if found is not None:
            return found
        return audited_create(actor=actor, instance=Follow(user=actor, kind=kind, key=key))


def unfollow(*, actor: User, kind: str, key: str) -> bool:
    """Stop following; whether there was anything to stop."""
    with transaction.atomic():
        found = Follow.objects.filter(user=actor, kind=kind, key=key).first()
        if found is None:
            return False
        audited_delete(actor=actor, instance=found)
        return True
