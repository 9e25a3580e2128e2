"""Who may do what on the co-creation platform: one rule per question, asked by the services,
the pages, the API and the templates alike.

Reading a space is the scoping layer's answer (``cocreation.scoping``): the staff of domestic
government bodies and of the organisations it invites. Posting takes membership, which those
readers take for themselves. An *officer* of an organisation is its editors and organisation
admins: they speak for it, so they give its official answers (one proposes, a second
approves) and decide on proposals in the spaces it is responsible for."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shireito.cocreation.choices import MemberRole, ThreadKind
from shireito.cocreation.scoping import is_government_staff
from shireito.core.permissions import rule
from shireito.core.scoping import is_platform_admin, may_see_organization

if TYPE_CHECKING:
    from shireito.accounts.models import User
    from shireito.cocreation.models import OfficialAnswer, Post, Space, Thread

MEMBERSHIP_KEY = "_shireito_cocreation_roles"
OFFICER_ROLES = ("editor", "org_admin")


def is_officer(user) -> bool:
    return any(user.has_role(role) for role in OFFICER_ROLES)


def membership_role(user, space: Space) -> str | None:
    """The user's role in the space (``None``: not a member), read once per request."""
    if not (user and user.is_authenticated):
        return None
    roles = user.__dict__.setdefault(MEMBERSHIP_KEY, {})
    if space.pk not in roles:
        from shireito.cocreation.models import Membership

        roles[space.pk] = (
            Membership.objects.filter(space=space, user=user).values_list("role", flat=True).first()
        )
    return roles[space.pk]


def forget_membership(user) -> None:
    """After a join or leave within the same request."""
    user.__dict__.pop(MEMBERSHIP_KEY, None)


def may_read_space(user, space: Space) -> bool:
    """The scoping layer's answer for one space already in hand."""
    from shireito.cocreation.models import Space as SpaceModel

    if is_platform_admin(user) or (user and user.is_authenticated and is_government_staff(user)):
        return bool(user.is_active)
    if not (user and user.is_authenticated and user.is_active):
        return False
    return (
        may_see_organization(user, SpaceModel, space.host_id)
        or space.invited.filter(pk=user.organization_id).exists()
    )


@rule
def may_use_cocreation(actor: User) -> bool:
    """The platform is in the menu of government staff and of invited bodies' staff."""
    if is_government_staff(actor):
        return True
    return actor.organization_id is not None and actor.organization.space_invitations.exists()


@rule
def may_create_space(actor: User) -> bool:
    """Officers of a domestic government body open spaces (and host them)."""
    return is_government_staff(actor) and is_officer(actor)


@rule
def may_manage_space(actor: User, space: Space) -> bool:
    """A space's moderators and the host's organisation admins change its description, links,
    invitations and moderators."""
    if membership_role(actor, space) == MemberRole.MODERATOR:
        return True
    return actor.organization_id == space.host_id and actor.has_role("org_admin")


def may_join(actor: User | None, space: Space) -> bool:
    if actor is None or space.archived_at is not None:
        return False
    return may_read_space(actor, space) and membership_role(actor, space) is None


def may_leave(actor: User | None, space: Space) -> bool:
    return actor is not None and membership_role(actor, space) is not None


def may_post(actor: User | None, space: Space) -> bool:
    """Members post; an archived space is read only."""
    if actor is None:
        return True
    if space.archived_at is not None or not (actor.is_authenticated and actor.is_active):
        return False
    return membership_role(actor, space) is not None


def may_moderate(actor: User | None, space: Space) -> bool:
    if actor is None:
        return True
    if not (actor.is_authenticated and actor.is_active):
        return False
    return membership_role(actor, space) == MemberRole.MODERATOR or is_platform_admin(actor)


def may_edit_post(actor: User | None, post: Post) -> bool:
    """Its author, while the post is not hidden."""
    if actor is None:
        return True
    return (
        actor.is_authenticated
        and post.author_id == actor.pk
        and post.hidden_at is None
        and may_post(actor, post.thread.space)
    )


def may_accept_answer(actor: User | None, thread: Thread) -> bool:
    """A question's asker or a moderator marks its accepted answer."""
    if thread.kind != ThreadKind.QUESTION:
        return False
    if actor is None:
        return True
    return thread.author_id == actor.pk or may_moderate(actor, thread.space)


def responsible_ids(space: Space) -> set[int]:
    return {organization.pk for organization in space.responsible.all()}


def may_propose_official(actor: User | None, thread: Thread) -> bool:
    """An officer of one of the space's responsible organisations proposes a post as the
    organisation's official answer."""
    if actor is None:
        return True
    if not (actor.is_authenticated and actor.is_active) or thread.kind == ThreadKind.NOTICE:
        return False
    return is_officer(actor) and actor.organization_id in responsible_ids(thread.space)


def may_approve_official(actor: User | None, answer: OfficialAnswer) -> bool:
    """A second officer of the same organisation approves (or refuses) it."""
    if actor is None:
        return True
    if not (actor.is_authenticated and actor.is_active):
        return False
    return (
        is_officer(actor)
        and actor.organization_id == answer.organization_id
        and actor.pk != answer.proposed_by_id
    )


def may_decide_proposal(actor: User | None, thread: Thread) -> bool:
    """An officer of a responsible organisation sets a proposal's status, with a reason."""
    if thread.kind != ThreadKind.PROPOSAL:
        return False
    if actor is None:
        return True
    return (
        actor.is_authenticated
        and is_officer(actor)
        and actor.organization_id in responsible_ids(thread.space)
    )


def may_support(actor: User | None, thread: Thread) -> bool:
    """Members support a proposal, once each; its author needs not."""
    if thread.kind != ThreadKind.PROPOSAL or actor is None:
        return False
    return thread.author_id != actor.pk and may_post(actor, thread.space)


def may_report(actor: User | None, post: Post) -> bool:
    """Members report others' posts to the moderators."""
    if actor is None:
        return False
    return post.author_id != actor.pk and may_post(actor, post.thread.space)


def may_see_hidden_text(actor: User | None, post: Post) -> bool:
    """A hidden post's text and the reason for hiding it: its author and the moderators."""
    if post.hidden_at is None:
        return True
    if actor is None or not actor.is_authenticated:
        return False
    return post.author_id == actor.pk or may_moderate(actor, post.thread.space)
