from __future__ import annotations

from django.db.models import Q, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from shireito.accounts.choices import Role
from shireito.accounts.models import ApiToken, User
from shireito.core.scoping import visible_to
from shireito.organizations.models import Organization


def may_manage_users(actor, organization) -> bool:
    """Organisation admins manage their own organisation's users; platform admins everyone's.
    ``actor=None`` is the command line, run by whoever operates the server."""
    if actor is None:
        return True
    if not actor.is_authenticated:
        return False
    if actor.is_platform_admin:
        return True
    return actor.has_role(Role.ORG_ADMIN) and actor.organization_id == organization.pk


def may_manage_user(actor, user) -> bool:
    """As ``may_manage_users`` for the user's organisation; and a platform admin (or
    superuser) is managed by platform admins only, never by an organisation admin."""
    if not may_manage_users(actor, user.organization):
        return False
    if actor is None or actor.is_platform_admin:
        return True
    return not user.is_platform_admin


def organizations_managed_by(actor) -> QuerySet[Organization]:
    """The organisations whose users ``actor`` may add and change."""
    if actor.is_platform_admin:
        return Organization.objects.order_by("code")
    if actor.has_role(Role.ORG_ADMIN):
        return Organization.objects.filter(pk=actor.organization_id)
    return Organization.objects.none()


def user_list(
    *, user, search: str = "", organization_code: str = "", role: str = ""
) -> QuerySet[User]:
    users = visible_to(user, User.objects.select_related("organization"))
    if search:
        users = users.filter(
            Q(username__icontains=search)
            | Q(full_name__icontains=search)
            | Q(email__icontains=search)
        )
    if organization_code:
        users = users.filter(organization__code=organization_code)
    if role:
        users = users.filter(role_grants__role=role)
    return users.order_by("username").distinct()


def user_get(*, user, username: str) -> User | None:
    return user_list(user=user).filter(username=username).first()


def api_tokens_of(*, user) -> QuerySet[ApiToken]:
    """A user's own tokens. Tokens are personal: nobody else lists them."""
    if not (user and user.is_authenticated):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def has_confirmed_totp(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def confirmed_totp_devices(user) -> QuerySet[TOTPDevice]:
    return TOTPDevice.objects.filter(user=user, confirmed=True)
