"""Users, their roles within their organisation, and API tokens."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from shireito.accounts.choices import Role, TokenScope
from shireito.core.concurrency import Versioned
from shireito.core.history import ChangeKey
from shireito.core.models import TimeStampedModel


class ShireitoUserManager(UserManager["User"]):
    """Routes ``createsuperuser`` through the audited service, into the platform organisation."""

    def create_superuser(self, username, email=None, password=None, **extra_fields):
        # Here, not at the top: the services import these models (a cycle).
        from shireito.accounts.services import superuser_create

        return superuser_create(username=username, email=email or "", password=password)

    def get_by_natural_key(self, username):
        """Sign-in compares names as they are stored: NFKC and case-insensitive, so people
        created before names were lowered still sign in however they type theirs."""
        from shireito.accounts.names import normalize_sign_in_name

        return self.get(username__iexact=normalize_sign_in_name(str(username)))


class User(AbstractUser, Versioned, TimeStampedModel):
    """A person who signs in. Belongs to exactly one organisation; roles say what they may do."""

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="users",
    )
    full_name = models.CharField(_("full name"), max_length=150, blank=True)

    scope_path = "organization"
    audit_redacted_fields = frozenset({"password"})
    audit_ignored_fields = frozenset(
        {"created_at", "updated_at", "version", "last_login", "date_joined"}
    )
    audit_change_keys: ClassVar[dict[str, ChangeKey]] = {
        "roles": ChangeKey(label=_("roles"), like="accounts.rolegrant.role")
    }

    objects: ClassVar[ShireitoUserManager] = ShireitoUserManager()

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # ``DA-ADMIN`` beside ``da-admin`` would read as one person in lists and the trail.
            models.UniqueConstraint(
                Lower("username"),
                name="user_username_unique_ignoring_case",
                violation_error_message=_("A user with that user name already exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        return frozenset(grant.role for grant in self.role_grants.all())

    def has_role(self, role: str) -> bool:
        """Platform admins hold every role; others only those granted to them."""
        return self.is_active and (role in self.roles or self.is_platform_admin)

    @property
    def is_platform_admin(self) -> bool:
        return self.is_active and (self.is_superuser or Role.PLATFORM_ADMIN in self.roles)


class RoleGrant(TimeStampedModel):
    """One role held by one user within their organisation."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="role_grants"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)

    scope_path = "user__organization"

    class Meta:
        ordering = ["user_id", "role"]
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="role_grant_unique"),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="role_grant_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.username}: {self.get_role_display()}"


class ApiToken(TimeStampedModel):
    """A bearer token for the API. Only its SHA-256 is stored; the secret is shown once."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True, verbose_name=_("token hash"))
    # Tokens made before scopes existed became read-only: the safer of the two readings.
    scope = models.CharField(
        _("may be used for"),
        max_length=16,
        choices=TokenScope.choices,
        default=TokenScope.READ_ONLY,
    )
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    scope_path = "user__organization"
    audit_redacted_fields = frozenset({"token_hash"})
    audit_ignored_fields = frozenset({"created_at", "updated_at", "last_used_at"})

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scope__in=TokenScope.values), name="api_token_scope_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
