"""Base model and the tamper-evident audit trail."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from shireito.core.choices import AuditAction, JobStatus


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

    Rows form a keyed hash chain: ``hash`` is the HMAC-SHA256, under a key held outside the
    database (``core.audit_key``), of the row's own content and the previous row's hash, so
    editing, deleting or reordering rows directly in the database, even with the hashes
    recomputed, is detected by ``shireito auditlog verify``. Actor and organisation are kept
    as plain values, not foreign keys, so that deleting a user never rewrites history.
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
    # The server's own id of the request; the id a client or proxy sent (validated) beside it.
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    client_request_id = models.CharField(_("client request id"), max_length=64, blank=True)
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


class PeriodicRun(models.Model):
    """One run of a periodic job in one time slot. The unique (job, slot) row is the claim:
    however many workers on however many machines look for due jobs, only the one whose insert
    succeeds enqueues the slot's run (core.periodic)."""

    job = models.CharField(_("job"), max_length=100)
    slot = models.DateTimeField(_("slot"), help_text=_("When the slot starts."))
    task_result_id = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, editable=False)

    class Meta:
        ordering = ["-slot", "job"]
        constraints = [
            models.UniqueConstraint(fields=["job", "slot"], name="core_periodic_run_once_per_slot")
        ]

    def __str__(self) -> str:
        return f"{self.job} @ {self.slot:%Y-%m-%d %H:%M}"


class BackgroundJob(TimeStampedModel):
    """A long import or export that a user started and a worker runs (core.jobs). Its page
    shows the progress, then the result; only the user who started it sees it. The uploaded
    file waits in ``payload`` and is dropped when the job ends."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="background_jobs",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=60)
    status = models.CharField(
        _("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), null=True, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    payload = models.BinaryField(_("file"), default=b"", blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"], name="core_job_user_recent")]

    def __str__(self) -> str:
        return f"{self.kind} {self.id}"

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)
