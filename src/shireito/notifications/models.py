"""A notification for one person, and how they want notifications e-mailed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shireito.notifications.choices import EmailPreference
from shireito.organizations.choices import ScopeClass


class Notification(models.Model):
    """Something one user is told. Stored as a kind (``app.what``) and its parameters, worded
    in the reader's language when shown by the renderer its app registered; ``key`` is unique
    per user, so the same thing is told once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=60)
    key = models.CharField(_("kind of notice"), max_length=200)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    # Where the notification leads: a path on this site ("/incidents/INC-…/").
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed = models.BooleanField(_("sent by e-mail"), default=False)
    # When a daily digest carried it (it is then ``emailed`` too).
    digest_at = models.DateTimeField(_("sent in a digest at"), null=True, blank=True)

    scope_path = "user__organization"
    scope_class = ScopeClass.OWN

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notification_once"),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at", "-id"], name="notification_of_user"),
            models.Index(fields=["user", "read_at"], name="notification_unread"),
            models.Index(fields=["key"], name="notification_key"),
            models.Index(fields=["emailed", "created_at"], name="notification_to_email"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"

    @property
    def namespace(self) -> str:
        return self.kind.split(".", 1)[0]


class NotificationPreference(models.Model):
    """How one user wants notifications e-mailed (no row: each one as it happens)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("user"),
    )
    email = models.CharField(
        _("e-mail"),
        max_length=20,
        choices=EmailPreference.choices,
        default=EmailPreference.IMMEDIATE,
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    audit_ignored_fields = frozenset({"updated_at"})
    scope_path = "user__organization"
    scope_class = ScopeClass.OWN

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user} {self.email}"
