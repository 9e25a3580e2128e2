"""Who may manage whom: every rule of the accounts app, asked alike by its services (which
refuse), its views and API (which hide buttons and answer 403) and, through the view's
context, its templates. ``actor=None`` is the command line, run by whoever operates the
server."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext as _

from shireito.accounts.choices import Role, TokenScope
from shireito.core.permissions import rule
from shireito.core.selectors import may_read_history
from shireito.organizations.permissions import may_use_national_areas

if TYPE_CHECKING:
    from shireito.accounts.models import ApiToken, User
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


# --- API tokens -------------------------------------------------------------------------

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
API = "api"
TAXII = "taxii"


def token_refusal(token: ApiToken, *, surface: str, method: str) -> str | None:
    """Why ``token`` may not make this request (``surface`` is ``"api"`` or ``"taxii"``), or
    None when it may. Read-only tokens read the API and TAXII; read-write tokens do all the
    user may on both; TAXII tokens, kept on a sharing tool, reach TAXII only."""
    if token.scope == TokenScope.TAXII and surface != TAXII:
        return _("This API token is for TAXII only.")
    if token.scope == TokenScope.READ_ONLY and method.upper() not in SAFE_METHODS:
        return _("This API token is read-only.")
    if token.scope not in TokenScope.values:
        return _("This API token has no scope: create a new one.")
    return None


def token_creation_refusal(actor: User | None, user: User) -> str | None:
    """Why ``actor`` may not make a token for ``user``, or None. Whoever signs in with a
    second factor makes tokens only from a session verified with it: a token outlives the
    session and skips the second factor, so a stolen password alone must not mint one. The
    command line (``actor=None``) is the operator's."""
    if actor is None:
        return None
    if not may_act_on_user(actor, user):
        return _("You may not change this user.")
    verified = bool(getattr(actor, "is_verified", lambda: False)())
    if not verified and (user_requires_two_factor(actor) or _has_second_factor(actor)):
        return _("Sign in with your second factor before you create an API token.")
    return None


def _has_second_factor(user: User) -> bool:
    from shireito.accounts.selectors import has_confirmed_totp  # selectors import models

    return has_confirmed_totp(user)


# --- The last admin ---------------------------------------------------------------------


def last_admin_refusal(
    actor: User | None, user: User, *, is_active: bool, roles: frozenset[str] | set[str]
) -> str | None:
    """Why ``actor`` may not leave ``user`` with this active state and these roles, or None.
    Nobody removes themselves as the last active admin of their organisation, or as the last
    active platform admin: nobody else could then undo it. (Only the command line, the
    operator's way back in, may.)"""
    if actor is None or actor.pk != user.pk:
        return None
    from shireito.accounts.selectors import active_admins  # selectors import models

    held = set(user.role_grants.values_list("role", flat=True))
    keeps = is_active and Role.ORG_ADMIN in roles
    if user.is_active and Role.ORG_ADMIN in held and not keeps:
        others = active_admins(Role.ORG_ADMIN, organization_id=user.organization_id)
        if not others.exclude(pk=user.pk).exists():
            return _(
                "You are the last active admin of your organisation: make someone else an "
                "organisation admin first."
            )
    keeps_platform = is_active and (Role.PLATFORM_ADMIN in roles or user.is_superuser)
    was_platform = user.is_active and (Role.PLATFORM_ADMIN in held or user.is_superuser)
    if (
        was_platform
        and not keeps_platform
        and not active_admins(Role.PLATFORM_ADMIN).exclude(pk=user.pk).exists()
    ):
        return _("You are the last active platform admin: make someone else one first.")
    return None
