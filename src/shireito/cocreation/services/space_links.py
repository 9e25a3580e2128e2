"""What a space is about: its links, set as a whole by those who manage it. Each must be
something the person setting it can see (resolved through the owning app's selectors), so a
link never names an object its author could not."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shireito.cocreation import permissions
from shireito.cocreation.models import Space, SpaceLink
from shireito.cocreation.selectors.space_links import resolve
from shireito.core.services import audited_create, audited_delete

if TYPE_CHECKING:
    from shireito.accounts.models import User


def space_links_set(*, actor: User | None, space: Space, links: list[tuple[str, str]]) -> None:
    """Replace the space's links with ``links`` (kind, key)."""
    if actor is not None and not permissions.may_manage_space(actor, space):
        raise PermissionDenied
    wanted = list(dict.fromkeys(links))
    if actor is not None:
        known = {(link.kind, link.key) for link in resolve(actor, wanted)}
        unknown = [f"{kind} {key}" for kind, key in wanted if (kind, key) not in known]
        if unknown:
            raise ValidationError(
                {"links": _("Nothing you may see is known as: %s") % ", ".join(unknown)}
            )
    with transaction.atomic():
        current = {(link.kind, link.key): link for link in space.links.all()}
        for pair, link in current.items():
            if pair not in wanted:
                audited_delete(actor=actor, instance=link)
        for kind, key in wanted:
            if (kind, key) not in current:
                audited_create(actor=actor, instance=SpaceLink(space=space, kind=kind, key=key))
