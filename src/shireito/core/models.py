"""Base model and the tamper-evident audit trail."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from shireito.core.choices import AuditAction


class TimeStampedModel(models.Model):
    """Base for every domain model: creation and change times kept by the database row itself."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, editable=False)

    # Fields whose values never go into the audit trail (only the fact that they changed).
    audit_redacted_fields: frozenset[str] = frozenset()
    # Fields left out of the audit trail altogether (bookkeeping, not a change of substance).
    audit_ignored_fields: frozenset[str] = frozenset({"created_at", "updated_at", "version"})

    class Meta:
        abstract = True


class NamedInTwoLanguages:
    """A record named in Japanese (``name``) and English (``name_en``), shown in the page's
    language: Japanese, or where English is asked for and there is no English name."""

    name: str
    name_en: str

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if get_language() == "en" and self.name_en:
            return self.name_en
        return self.name


class AuditEvent(models.Model):
    """One append-only row of the audit trail.

    Rows form a hash chain: ``hash`` is the SHA-256 of the row's own content and the previous
    row's hash, so editing, deleting or reordering rows directly in the database is detected by
    ``shireito auditlog verify``. Actor and organisation are kept as plain values, not foreign
    keys, so that deleting a user never rewrites history.
    """

    sequence = models.PositiveBigIntegerField(_("sequence"), unique=True)
    occurred_at = models.DateTimeField(_("time"), db_index=True)
    actor_id = models.BigIntegerField(_("acting user id"), null=True, blank=True)
    actor_label = models.CharField(_("acting user"), max_length=150)
    actor_organization_id = models.BigIntegerField(
        _("acting organization id"), null=True, blank=True
    )
    actor_organization_label = models.CharField(_("acting organization"), max_length=300)
    owner_organization_id = models.BigIntegerField(
        _("owning organization id"), null=True, blank=True, db_index=True
    )
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=300)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    changes = models.JSONField(_("changes"), default=dict)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    previous_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    class Meta:
        ordering = ["-sequence"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id"], name="core_audit_object_idx")]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("Audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("Audit events are append-only")


class AuditChainHead(models.Model):
    """The single row that says where the chain ends.

    Appending locks this row, so concurrent writers queue up instead of forking the chain, and
    verification compares the last event with it, so deleting the newest rows is detected too.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("audit chain head")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="core_chain_head_single")
        ]

    def __str__(self) -> str:
        return f"head #{self.last_sequence}"
