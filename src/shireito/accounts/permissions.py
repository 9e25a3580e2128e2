"""Who may manage whom: every rule of the accounts app, asked alike by its services (which
refuse), its views and API (which hide buttons and answer 403) and, through the view's
context, its templates. ``actor=None`` is the command line, run by whoever operates the
server."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings

from shireito.accounts.choices import Role
from shireito.core.permissions import rule
from shireito.core.selectors import may_read_history
from shireito.organizations.permissions import may_use_national_areas

if TYPE_CHECKING:
    from shireito.accounts.models import User
    from shireito.organizations.models import Organization


@rule
def may_manage_users(actor: User, organization: Organization) -> bool:
    """Organisation admins manage their own organisation's users; platform admins everyone's."""
    return actor.has_role(Role.ORG_ADMIN) and actor.organization_id == organization.pk


def may_manage_user(actor: User | None, user: User) -> bool:
    """As ``may_manage_users`` for the user's organisation; and a platform admin (or
    superuser) is managed by platform admins only, never by an organisation admin."""
    if not may_manage_users(actor, user.organization):
        return False
    if actor is None or actor.is_platform_admin:
        return True
    return not user.is_platform_admin


def may_act_on_user(actor: User | None, user: User) -> bool:
    """Acting on oneself (a password, a token, one's own second factor) is always allowed
    where the service offers it; on others, see ``may_manage_user``."""
    if actor is not None and actor.pk == user.pk:
        return True
    return may_manage_user(actor, user)


def may_change_other_user(actor: User, user: User) -> bool:
    """The "change details and roles" page is for someone else: one's own roles are never
    one's own to change there."""
    return user != actor and may_manage_user(actor, user)


def may_add_users(actor: User) -> bool:
    """Whether ``actor`` manages any organisation's users (see ``organizations_managed_by``)."""
    return actor.is_platform_admin or actor.has_role(Role.ORG_ADMIN)


def may_grant_platform_admin(actor: User | None) -> bool:
    """Only platform admins (and the command line) grant or withdraw platform admin."""
    return actor is None or actor.is_platform_admin


def may_read_user_history(actor: User, user: User) -> bool:
    """Everyone reads their own history; others' as the audit log allows."""
    return may_read_history(actor) or user == actor


def user_requires_two_factor(user: User) -> bool:
    """Platform admins must sign in with a second factor, except in demo mode."""
    return user.is_platform_admin and not settings.DEMO_MODE


def may_turn_off_two_factor(user: User) -> bool:
    """Turning it off needs the session signed in with it, so a stolen password alone can
    never remove the second factor; and platform admins must keep it."""
    # django-otp's middleware gives each request's user ``is_verified``.
    verified = getattr(user, "is_verified", lambda: False)()
    return bool(verified) and not user_requires_two_factor(user)


@rule
def may_see_people(actor: User) -> bool:
    """The people area: the user's own organisation's people, for domestic bodies."""
    return may_use_national_areas(actor)
