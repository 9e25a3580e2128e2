"""Reads of accounts: users as the one scoping layer lets each user see them, one's own
tokens and second factors."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from shireito.accounts.choices import Role
from shireito.accounts.models import ApiToken, User
from shireito.core.scoping import visible_to
from shireito.organizations.models import Organization

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


def organizations_managed_by(actor: User) -> QuerySet[Organization]:
    """The organisations whose users ``actor`` may add and change."""
    if actor.is_platform_admin:
        return Organization.objects.order_by("code")
    if actor.has_role(Role.ORG_ADMIN):
        return Organization.objects.filter(pk=actor.organization_id)
    return Organization.objects.none()


def user_list(
    *,
    user: User | AnonymousUser | None,
    search: str = "",
    organization_code: str = "",
    role: str = "",
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


def user_get(*, user: User | AnonymousUser | None, username: str) -> User | None:
    return user_list(user=user).filter(username=username).first()


def active_user(user_id: int) -> User | None:
    """The active user with this id: whom a half-finished sign-in is for, if they still may."""
    return User.objects.filter(pk=user_id, is_active=True).first()


def api_tokens_of(*, user: User | AnonymousUser | None) -> QuerySet[ApiToken]:
    """A user's own tokens. Tokens are personal: nobody else lists them."""
    if not (user and user.is_authenticated):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def api_token_get(*, user: User | AnonymousUser | None, token_id: int) -> ApiToken | None:
    return api_tokens_of(user=user).filter(pk=token_id).first()


def has_confirmed_totp(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def confirmed_totp_devices(user: User) -> QuerySet[TOTPDevice]:
    return TOTPDevice.objects.filter(user=user, confirmed=True)


def active_admins(role: str, *, organization_id: int | None = None) -> QuerySet[User]:
    """Active holders of an admin role (superusers count as platform admins)."""
    holders = Q(role_grants__role=role)
    if role == Role.PLATFORM_ADMIN:
        holders |= Q(is_superuser=True)
    users = User.objects.filter(holders, is_active=True)
    if organization_id is not None:
        users = users.filter(organization_id=organization_id)
    return users.distinct()
