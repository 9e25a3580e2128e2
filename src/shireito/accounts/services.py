"""Writes to accounts: users, roles, API tokens and second factors. Each is audited."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from shireito.accounts.choices import Role, TokenScope
from shireito.accounts.models import ApiToken, RoleGrant, User
from shireito.accounts.names import is_valid_sign_in_name, normalize_sign_in_name, skeleton
from shireito.accounts.permissions import (
    last_admin_refusal,
    may_act_on_user,
    may_grant_platform_admin,
    may_manage_user,
    may_manage_users,
    token_creation_refusal,
    user_requires_two_factor,
)
from shireito.accounts.sessions import end_sessions_of
from shireito.core import concurrency
from shireito.core.choices import AuditAction
from shireito.core.services import (
    Rules,
    audited_create,
    audited_delete,
    audited_update,
    record_audit_event,
)
from shireito.organizations.models import Organization
from shireito.organizations.services import organization_create

TOKEN_PREFIX = "shireito_"  # noqa: S105 - a public marker, not a secret


def _check_can_manage_users(actor: User | None, organization: Organization) -> None:
    if not may_manage_users(actor, organization):
        raise PermissionDenied(_("You may not manage users of this organization."))


def _check_can_act_on_user(actor: User | None, user: User) -> None:
    if not may_act_on_user(actor, user):
        raise PermissionDenied(_("You may not change this user."))


def user_check(
    *,
    user: User | None = None,
    password: str | None = None,
    roles: list[str] | tuple[str, ...] | None = None,
    check_password_strength: bool = True,
    **fields,
) -> None:
    """Every rule a new user or a change to ``user`` must meet, without writing: the model's
    checks (a free user name, a valid e-mail address) on the fields given, the password's
    strength and known roles. One ``ValidationError`` names every problem; the services call
    it before they write, a form with what it could read."""
    allowed = {"username", "organization", "full_name", "email", "is_active"}
    if set(fields) - allowed:
        raise TypeError(f"unknown fields {sorted(set(fields) - allowed)}")
    rules = Rules()
    checked = set(fields)
    if "username" in fields:
        fields["username"] = normalize_sign_in_name(fields["username"])
        if _check_sign_in_name(rules, fields["username"], user):
            # Said once, in words about names: not again by the model's uniqueness checks.
            checked.discard("username")
    if user is None:
        candidate = User(**fields)
    else:
        candidate = copy.copy(user)
        for name, value in fields.items():
            setattr(candidate, name, value)
    rules.model(candidate, checked)
    if password is not None and check_password_strength:
        try:
            validate_password(password, candidate)
        except ValidationError as exc:
            rules.merge(ValidationError({"password": exc.messages}))
    unknown = set(roles or ()) - set(Role.values)
    if unknown:
        rules.add("roles", _("Unknown role: %s") % ", ".join(sorted(unknown)))
    rules.raise_all()


def _check_sign_in_name(rules: Rules, name: str, user: User | None) -> bool:
    """A normalised name keeps to ASCII and is not another user's in all but case or
    look-alike letters (see ``accounts/names.py``). True when it found a problem."""
    if not is_valid_sign_in_name(name):
        rules.add(
            "username",
            _(
                "Use only lower-case letters a-z, digits and . _ -, starting and ending with "
                "a letter or digit."
            ),
        )
        return True
    others = User.objects.exclude(pk=user.pk) if user is not None else User.objects.all()
    wanted = skeleton(name)
    for existing in others.values_list("username", flat=True).iterator():
        if skeleton(normalize_sign_in_name(existing)) == wanted:
            rules.add(
                "username",
                _(
                    "The name %(name)s reads like an existing user name (look-alike letters "
                    "such as 0 and o, 1 and l, rn and m). Choose another."
                )
                % {"name": name}
                if normalize_sign_in_name(existing) != name
                else _("A user with that user name already exists."),
            )
            return True
    return False


def user_create(
    *,
    actor: User | None,
    username: str,
    organization: Organization,
    password: str | None,
    full_name: str = "",
    email: str = "",
    roles: list[str] | tuple[str, ...] = (),
    check_password_strength: bool = True,
) -> User:
    """Create a user in an organisation with roles. Only platform admins grant platform admin."""
    _check_can_manage_users(actor, organization)
    user_check(
        username=username,
        organization=organization,
        full_name=full_name,
        email=email,
        password=password,
        roles=roles,
        check_password_strength=check_password_strength,
    )
    with transaction.atomic():
        user = User(
            username=normalize_sign_in_name(username),
            organization=organization,
            full_name=full_name,
            email=email,
        )
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
        audited_create(actor=actor, instance=user)
        user_set_roles(actor=actor, user=user, roles=roles)
    return user


def user_set_roles(*, actor: User | None, user: User, roles: list[str] | tuple[str, ...]) -> User:
    """Make the user's roles exactly ``roles``, auditing the change as one row."""
    if not may_manage_user(actor, user):
        raise PermissionDenied(_("You may not change this user."))
    wanted = set(roles)
    unknown = wanted - set(Role.values)
    if unknown:
        raise ValidationError({"roles": _("Unknown role: %s") % ", ".join(sorted(unknown))})
    with transaction.atomic():
        current = set(user.role_grants.values_list("role", flat=True))
        if wanted == current:
            return user
        if Role.PLATFORM_ADMIN in (wanted ^ current) and not may_grant_platform_admin(actor):
            raise PermissionDenied(_("Only a platform admin may grant or withdraw platform admin."))
        refusal = last_admin_refusal(actor, user, is_active=user.is_active, roles=wanted)
        if refusal:
            raise ValidationError({"roles": refusal})
        concurrency.claim(user)
        # The roles are recorded as one change of the user, so the user's history reads
        # "roles: [viewer] -> [viewer, editor]" rather than as rows of a join table.
        user.role_grants.filter(role__in=current - wanted).delete()
        RoleGrant.objects.bulk_create(
            [RoleGrant(user=user, role=role) for role in sorted(wanted - current)]
        )
        record_audit_event(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=user,
            changes={"roles": [sorted(current), sorted(wanted)]},
        )
    user.__dict__.pop("roles", None)
    return user


def user_update(*, actor: User | None, user: User, **fields) -> User:
    """Change a user's details or active state. Deactivating ends every session of the
    user and revokes their API tokens, so reactivating them later revives neither."""
    allowed = {"full_name", "email", "is_active"}
    if set(fields) - allowed:
        raise TypeError(f"cannot update {sorted(set(fields) - allowed)}")
    if not may_manage_user(actor, user):
        raise PermissionDenied(_("You may not change this user."))
    user_check(user=user, **fields)
    deactivating = user.is_active and fields.get("is_active") is False
    if deactivating:
        roles = set(user.role_grants.values_list("role", flat=True))
        refusal = last_admin_refusal(actor, user, is_active=False, roles=roles)
        if refusal:
            raise ValidationError({"is_active": refusal})
    with transaction.atomic():
        user, _changes = audited_update(actor=actor, instance=user, **fields)
        if deactivating:
            for token in user.api_tokens.filter(revoked_at__isnull=True):
                api_token_revoke(actor=actor, token=token, check=False)
            # In the same transaction (the sessions live in the database): a refused or
            # rolled-back deactivation leaves them alone.
            end_sessions_of(user)
    return user


def user_set_password(
    *, actor: User | None, user: User, password: str, check_strength: bool = True
) -> User:
    if check_strength:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from exc
    _check_can_act_on_user(actor, user)
    user, _changes = audited_update(actor=actor, instance=user, password=make_password(password))
    return user


def superuser_create(*, username: str, email: str, password: str | None) -> User:
    """A platform admin in the organisation that operates the platform (``createsuperuser``)."""
    with transaction.atomic():
        code = settings.SHIREITO_PLATFORM_ORGANIZATION
        platform_org = Organization.objects.filter(code=code).first() or organization_create(
            actor=None,
            code=code,
            name="デジタル庁",
            name_en="Digital Agency",
            kind="digital_agency",
        )
        user = user_create(
            actor=None,
            username=username,
            organization=platform_org,
            password=password,
            email=email,
            roles=[Role.PLATFORM_ADMIN],
            check_password_strength=False,
        )
        user, _changes = audited_update(actor=None, instance=user, is_superuser=True, is_staff=True)
    return user


# --- API tokens -------------------------------------------------------------------------


def _hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_create(
    *,
    actor: User | None,
    user: User,
    name: str,
    expires_in_days: int | None = 90,
    scope: str = TokenScope.READ_WRITE,
) -> tuple[ApiToken, str]:
    """Create a token for ``user`` and return it with its secret, which is never stored.
    The pages, the API and the command line ask for ``scope``; callers in code name theirs
    (the default is what every token could do before scopes)."""
    _check_can_act_on_user(actor, user)
    refusal = token_creation_refusal(actor, user)
    if refusal:
        raise PermissionDenied(refusal)
    if scope not in TokenScope.values:
        raise ValidationError({"scope": _("Choose one of the scopes offered.")})
    if expires_in_days is not None and not 1 <= expires_in_days <= 366:
        raise ValidationError({"expires_in_days": _("Choose between 1 and 366 days.")})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = timezone.now() + dt.timedelta(days=expires_in_days) if expires_in_days else None
    token = ApiToken(
        user=user,
        name=name.strip(),
        prefix=secret[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + 8],
        token_hash=_hash_token(secret),
        scope=scope,
        expires_at=expires_at,
    )
    audited_create(actor=actor, instance=token)
    return token, secret


def api_token_revoke(*, actor: User | None, token: ApiToken, check: bool = True) -> ApiToken:
    """Revoke a token. ``check=False`` is for ``user_update``, which has checked already."""
    if check:
        _check_can_act_on_user(actor, token.user)
    if token.revoked_at is not None:
        return token
    token, _changes = audited_update(actor=actor, instance=token, revoked_at=timezone.now())
    return token


def api_token_authenticate(secret: str) -> ApiToken | None:
    """The active token of an active user with this secret, or None; its user is loaded.
    Records when the token was last used. Whether its scope allows the request is for the
    caller to ask (``permissions.token_refusal``)."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user", "user__organization")
        .filter(token_hash=_hash_token(secret))
        .first()
    )
    if token is None or not token.is_active or not token.user.is_active:
        return None
    now = timezone.now()
    stale = now - dt.timedelta(seconds=settings.SHIREITO_TOKEN_TOUCH_SECONDS)
    if token.last_used_at is None or token.last_used_at < stale:
        # Bookkeeping, not a change of substance: no audit row for every request.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


# --- Second factor (TOTP) ---------------------------------------------------------------


def totp_enrolment_start(*, actor: User) -> TOTPDevice:
    """The user's unconfirmed TOTP device, created on first call, so a reload keeps the key."""
    pending = TOTPDevice.objects.filter(user=actor, confirmed=False).first()
    if pending is not None:
        return pending
    return audited_create(
        actor=actor, instance=TOTPDevice(user=actor, name="authenticator", confirmed=False)
    )


def totp_enrolment_confirm(*, actor: User, device: TOTPDevice, token: str) -> TOTPDevice:
    """Confirm enrolment with a code from the app; any earlier device is replaced."""
    if device.user_id != actor.pk or device.confirmed:
        raise PermissionDenied
    if not device.verify_token(token.strip()):
        raise ValidationError(
            {"token": _("The code is not valid. Check the time on your device and try again.")}
        )
    with transaction.atomic():
        for old in TOTPDevice.objects.filter(user=actor, confirmed=True).exclude(pk=device.pk):
            audited_delete(actor=actor, instance=old)
        device, _changes = audited_update(actor=actor, instance=device, confirmed=True)
    return device


def totp_remove(*, actor: User, user: User) -> None:
    """Turn off two-factor sign-in. Platform admins must keep it outside demo mode. An admin
    may remove a colleague's lost authenticator; a user removes their own from a session
    signed in with it (the view checks a current code too)."""
    _check_can_act_on_user(actor, user)
    if user_requires_two_factor(user):
        raise PermissionDenied(_("Platform admins must keep two-factor sign-in."))
    with transaction.atomic():
        for device in TOTPDevice.objects.filter(user=user):
            audited_delete(actor=actor, instance=device)
