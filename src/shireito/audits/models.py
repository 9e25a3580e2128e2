"""Audits under the mandates: the engagement and its scope, the yearly assurance cycle's
stages, control results, findings, corrective action plans (POA&M) and evidence.

An audit belongs to its parties (auditee, auditor and, for entrusted audits, the entrusting
body); everything it holds is scoped through it.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shireito.audits.choices import (
    ActionStatus,
    AuditKind,
    AuditStatus,
    FindingStatus,
    NonconformityGrade,
    ResultStatus,
    Severity,
    StageKind,
)
from shireito.core.concurrency import Versioned
from shireito.core.history import ChangeKey, pairs, refs
from shireito.core.models import TimeStampedModel
from shireito.organizations.choices import OrganizationKind, ScopeClass
from shireito.organizations.rules import rule_label

AUDIT_PARTIES = ("auditee", "auditor", "entrusting")


def _through_audit(prefix: str) -> tuple[str, ...]:
    return tuple(f"{prefix}__{party}" for party in AUDIT_PARTIES)


class Audit(Versioned, TimeStampedModel):
    """One audit engagement (or one self-assessment), for one fiscal year."""

    number = models.CharField(_("number"), max_length=32, unique=True)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=AuditKind.choices)
    mandate_key = models.CharField(_("mandate"), max_length=64, blank=True)
    mandate_rule = models.CharField(_("rule"), max_length=300, blank=True)
    auditor = models.ForeignKey(
        "organizations.Organization",
        verbose_name=pgettext_lazy("audit", "auditor"),
        on_delete=models.PROTECT,
        related_name="audits_conducted",
    )
    entrusting = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("entrusted by"),
        on_delete=models.PROTECT,
        related_name="audits_entrusted",
        null=True,
        blank=True,
    )
    auditee = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("auditee"),
        on_delete=models.PROTECT,
        related_name="audits_received",
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lead auditor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audits_led",
    )
    baseline = models.ForeignKey(
        "standards.Catalog",
        verbose_name=_("baseline"),
        on_delete=models.PROTECT,
        related_name="audits",
    )
    fiscal_year = models.PositiveSmallIntegerField(
        _("fiscal year"), validators=[MinValueValidator(2000)]
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    status = models.CharField(
        _("status"), max_length=16, choices=AuditStatus.choices, default=AuditStatus.PLANNED
    )
    previous = models.ForeignKey(
        "self",
        verbose_name=_("previous cycle"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_cycles",
    )
    method = models.TextField(_("method"), blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    scope_class = ScopeClass.AUDIT
    scope_path = AUDIT_PARTIES
    # Changes the services record under names that are not fields (see core.history); a
    # result's change is named "<system>/<control>.<field>".
    audit_change_keys: ClassVar[dict[str, ChangeKey]] = {
        "scope": ChangeKey(
            label=_("systems in scope"),
            read=pairs(
                " ← ", refs("registry.informationsystem", "code"), refs("standards.catalog", "key")
            ),
        ),
        "results": ChangeKey(label=_("control results")),
        "mandate_rule": ChangeKey(like="audits.audit.mandate_rule", read=rule_label),
        **{
            f"*.{name}": ChangeKey(like=f"audits.controlresult.{name}")
            for name in ("status", "note", "claimed", "claim_note")
        },
    }

    class Meta:
        ordering = ["-fiscal_year", "-number"]
        verbose_name = _("audit")
        verbose_name_plural = _("audits")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=AuditStatus.values), name="audit_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=AuditKind.values), name="audit_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="audit_period_ordered",
            ),
        ]
        indexes = [models.Index(fields=["auditee", "fiscal_year"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_self_assessment(self) -> bool:
        return self.kind == AuditKind.SELF_ASSESSMENT

    @property
    def is_closed(self) -> bool:
        return self.status == AuditStatus.CLOSED


class ScopeItem(models.Model):
    """A system in an audit's scope, and the baseline it is held to (a catalog or a resolved
    profile, or only the listed controls of it)."""

    audit = models.ForeignKey(
        Audit, on_delete=models.CASCADE, related_name="scope_items", verbose_name=_("audit")
    )
    system = models.ForeignKey(
        "registry.InformationSystem",
        verbose_name=_("system"),
        on_delete=models.PROTECT,
        related_name="audit_scope_items",
    )
    baseline = models.ForeignKey(
        "standards.Catalog",
        verbose_name=_("baseline"),
        on_delete=models.PROTECT,
        related_name="audit_scope_items",
    )
    selection = models.JSONField(_("selected controls"), default=list, blank=True)

    scope_class = ScopeClass.AUDIT
    scope_path = _through_audit("audit")

    class Meta:
        ordering = ["audit", "system__code"]
        verbose_name = _("system in scope")
        verbose_name_plural = _("systems in scope")
        constraints = [
            models.UniqueConstraint(fields=["audit", "system"], name="scope_item_unique")
        ]

    def __str__(self) -> str:
        return f"{self.audit.number}: {self.system.code}"


class AuditStage(models.Model):
    """One stage of the yearly assurance cycle: who owns it, by when, and when it was done."""

    audit = models.ForeignKey(
        Audit, on_delete=models.CASCADE, related_name="stages", verbose_name=_("audit")
    )
    stage = models.CharField(_("stage"), max_length=20, choices=StageKind.choices)
    position = models.PositiveSmallIntegerField(_("position"))
    owner = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_date = models.DateField(_("due"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)

    scope_class = ScopeClass.AUDIT
    scope_path = _through_audit("audit")

    class Meta:
        ordering = ["audit", "position"]
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        constraints = [
            models.UniqueConstraint(fields=["audit", "stage"], name="audit_stage_unique")
        ]

    def __str__(self) -> str:
        return f"{self.audit.number}: {self.get_stage_display()}"

    def is_overdue(self, today) -> bool:
        return self.completed_on is None and self.due_date is not None and self.due_date < today


class ControlResult(Versioned, models.Model):
    """How one system meets one control: the auditee's own claim (self-assessment) and the
    auditor's conclusion, with the last cycle's conclusion kept beside them."""

    # No index of their own: the unique (audit, system, control) and the (system, control)
    # indexes serve them, and each index less is millions of entries less at national scale.
    audit = models.ForeignKey(
        Audit,
        on_delete=models.CASCADE,
        related_name="results",
        db_index=False,
        verbose_name=_("audit"),
    )
    system = models.ForeignKey(
        "registry.InformationSystem",
        on_delete=models.PROTECT,
        related_name="control_results",
        db_index=False,
        verbose_name=_("system"),
    )
    control = models.ForeignKey(
        "standards.CatalogNode",
        on_delete=models.PROTECT,
        related_name="control_results",
        verbose_name=_("control"),
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    claimed = models.CharField(
        _("self-assessment"),
        max_length=16,
        choices=ResultStatus.choices,
        default=ResultStatus.NOT_ASSESSED,
    )
    claim_note = models.TextField(_("self-assessment note"), blank=True)
    status = models.CharField(
        _("result"),
        max_length=16,
        choices=ResultStatus.choices,
        default=ResultStatus.NOT_ASSESSED,
    )
    note = models.TextField(_("note"), blank=True)
    previous_status = models.CharField(
        _("last cycle's result"), max_length=16, choices=ResultStatus.choices, blank=True
    )
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)

    scope_class = ScopeClass.AUDIT
    scope_path = _through_audit("audit")

    class Meta:
        ordering = ["audit", "system", "position"]
        verbose_name = _("control result")
        verbose_name_plural = _("control results")
        constraints = [
            models.UniqueConstraint(
                fields=["audit", "system", "control"], name="control_result_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ResultStatus.values)
                & models.Q(claimed__in=ResultStatus.values),
                name="control_result_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["system", "control"])]

    def __str__(self) -> str:
        return f"{self.audit_id}/{self.system_id}/{self.control_id}: {self.status}"

    # What ``display_name`` reads, fetched with the row when the history names results.
    display_related = ("system", "control")

    @property
    def display_name(self) -> str:
        """The system and control, as the history names a result."""
        return f"{self.system.code}/{self.control.label}"


class Finding(Versioned, TimeStampedModel):
    audit = models.ForeignKey(
        Audit, on_delete=models.CASCADE, related_name="findings", verbose_name=_("audit")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    grade = models.CharField(
        _("nonconformity grade"), max_length=12, choices=NonconformityGrade.choices
    )
    controls = models.ManyToManyField(
        "standards.CatalogNode", verbose_name=_("controls"), blank=True, related_name="findings"
    )
    systems = models.ManyToManyField(
        "registry.InformationSystem",
        verbose_name=_("systems"),
        blank=True,
        related_name="findings",
    )
    risk = models.TextField(_("risk statement"))
    root_cause = models.TextField(_("root cause"), blank=True)
    recommendation = models.TextField(pgettext_lazy("finding", "recommendation"), blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )
    follow_up = models.ForeignKey(
        "registry.Recommendation",
        verbose_name=_("Digital Agency recommendation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="findings",
    )

    scope_class = ScopeClass.AUDIT
    scope_path = _through_audit("audit")

    class Meta:
        ordering = ["audit", "number"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        constraints = [
            models.UniqueConstraint(fields=["audit", "number"], name="finding_number_unique"),
            models.CheckConstraint(
                condition=models.Q(severity__in=Severity.values)
                & models.Q(grade__in=NonconformityGrade.values),
                name="finding_grades_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.audit.number}-F{self.number} {self.title}"

    @property
    def label(self) -> str:
        return f"F{self.number}"


class CorrectiveAction(Versioned, TimeStampedModel):
    """One item of the plan of action and milestones (POA&M) answering a finding."""

    finding = models.ForeignKey(
        Finding, on_delete=models.CASCADE, related_name="actions", verbose_name=_("finding")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="corrective_actions",
    )
    owner_contact = models.CharField(_("person responsible"), max_length=150, blank=True)
    due_date = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=24, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    completed_on = models.DateField(_("done on"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    verification_note = models.TextField(_("verification note"), blank=True)

    scope_class = ScopeClass.AUDIT
    scope_path = _through_audit("finding__audit")

    class Meta:
        ordering = ["finding", "due_date", "id"]
        verbose_name = _("corrective action")
        verbose_name_plural = _("corrective actions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ActionStatus.values),
                name="corrective_action_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=ActionStatus.CLOSED)
                | models.Q(verified_on__isnull=False),
                name="corrective_action_closed_verified",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today) -> bool:
        return self.status != ActionStatus.CLOSED and self.due_date < today


class Milestone(models.Model):
    action = models.ForeignKey(
        CorrectiveAction,
        on_delete=models.CASCADE,
        related_name="milestones",
        verbose_name=_("corrective action"),
    )
    title = models.CharField(_("title"), max_length=200)
    due_date = models.DateField(_("due"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    scope_class = ScopeClass.AUDIT
    scope_path = _through_audit("action__finding__audit")

    class Meta:
        ordering = ["action", "due_date", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today) -> bool:
        return self.done_on is None and self.due_date < today


class Evidence(TimeStampedModel):
    """A piece of evidence attached to a control result or a finding; its file is kept in
    revisions, each stored once by its SHA-256."""

    audit = models.ForeignKey(
        Audit, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("audit")
    )
    result = models.ForeignKey(
        ControlResult,
        verbose_name=_("control result"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evidence",
    )
    finding = models.ForeignKey(
        Finding,
        verbose_name=_("finding"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="evidence",
    )
    title = models.CharField(_("title"), max_length=200)

    scope_class = ScopeClass.AUDIT
    scope_path = _through_audit("audit")

    class Meta:
        ordering = ["audit", "title", "id"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.title


class EvidenceRevision(models.Model):
    evidence = models.ForeignKey(
        Evidence, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("evidence")
    )
    number = models.PositiveSmallIntegerField(_("revision"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("file type"), max_length=100)
    filename = models.CharField(_("file name"), max_length=200)
    effective_date = models.DateField(_("effective from"))
    expiry_date = models.DateField(_("expires on"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    scope_class = ScopeClass.AUDIT
    scope_path = _through_audit("evidence__audit")

    class Meta:
        ordering = ["evidence", "-number"]
        verbose_name = _("evidence revision")
        verbose_name_plural = _("evidence revisions")
        constraints = [
            models.UniqueConstraint(fields=["evidence", "number"], name="evidence_revision_unique"),
        ]
        indexes = [models.Index(fields=["sha256"])]

    def __str__(self) -> str:
        return f"{self.filename} (r{self.number})"

    def is_expired(self, today) -> bool:
        return self.expiry_date is not None and self.expiry_date < today


class AuditCycleRule(TimeStampedModel):
    """How often organisations of one kind must be audited (every N fiscal years): the annual
    audit plan's due list is read from these."""

    organization_kind = models.CharField(
        _("kind of organization"), max_length=32, choices=OrganizationKind.choices, unique=True
    )
    interval_years = models.PositiveSmallIntegerField(
        _("at least once every (years)"), validators=[MinValueValidator(1)]
    )

    # Deployment-wide configuration, like the governance settings: every signed-in user reads
    # it, and its changes belong to no organisation in the audit trail.
    scope_class = ScopeClass.DIRECTORY

    class Meta:
        ordering = ["organization_kind"]
        verbose_name = _("audit cycle rule")
        verbose_name_plural = _("audit cycle rules")

    def __str__(self) -> str:
        return f"{self.organization_kind}: {self.interval_years}"


# --- summary tables ("tallies") of control results ------------------------------------------


class ResultCounts(models.Model):
    """Counts of control results by the auditors' result and by the auditee's claim, with
    the audit's parties, fiscal year and kind copied from the audit (they never change once
    it is planned): the tower filters and scopes these rows without touching the results.

    Kept current in the same transaction as every write of results (``audits.tallies``)."""

    audit = models.ForeignKey(
        Audit, on_delete=models.CASCADE, related_name="+", verbose_name=_("audit")
    )
    auditee = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("auditee"),
    )
    auditor = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("auditor"),
    )
    entrusting = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("entrusted by"),
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    kind = models.CharField(_("kind"), max_length=32, choices=AuditKind.choices)
    satisfied = models.PositiveIntegerField(default=0, verbose_name=_("number satisfied"))
    partially = models.PositiveIntegerField(default=0, verbose_name=_("number partially satisfied"))
    not_satisfied = models.PositiveIntegerField(default=0, verbose_name=_("number not satisfied"))
    not_applicable = models.PositiveIntegerField(default=0, verbose_name=_("number not applicable"))
    not_assessed = models.PositiveIntegerField(default=0, verbose_name=_("number not assessed"))
    claimed_satisfied = models.PositiveIntegerField(
        default=0, verbose_name=_("number self-assessed as satisfied")
    )
    claimed_partially = models.PositiveIntegerField(
        default=0, verbose_name=_("number self-assessed as partially satisfied")
    )
    claimed_not_satisfied = models.PositiveIntegerField(
        default=0, verbose_name=_("number self-assessed as not satisfied")
    )
    claimed_not_applicable = models.PositiveIntegerField(
        default=0, verbose_name=_("number self-assessed as not applicable")
    )
    claimed_not_assessed = models.PositiveIntegerField(
        default=0, verbose_name=_("number not self-assessed")
    )
    # The latest write of a result counted here (None while none was ever written).
    updated_at = models.DateTimeField(null=True, blank=True)

    scope_class = ScopeClass.AUDIT
    scope_path = AUDIT_PARTIES

    class Meta:
        abstract = True


class ComplianceTally(ResultCounts):
    """One audit's results for one system, counted."""

    system = models.ForeignKey(
        "registry.InformationSystem",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("system"),
    )

    class Meta:
        verbose_name = _("compliance tally")
        verbose_name_plural = _("compliance tallies")
        constraints = [
            models.UniqueConstraint(fields=["audit", "system"], name="compliance_tally_unique")
        ]
        indexes = [
            models.Index(fields=["system", "fiscal_year"], name="compliance_tally_system_idx"),
            models.Index(fields=["auditee", "fiscal_year"], name="compliance_tally_auditee_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.audit_id}/{self.system_id}"


class AreaTally(ResultCounts):
    """One audit's results in one area of its catalog (the control's top-level group, see
    ``ControlArea``), counted over every system in scope."""

    area = models.ForeignKey(
        "standards.CatalogNode",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("control area"),
    )

    class Meta:
        verbose_name = _("compliance tally by area")
        verbose_name_plural = _("compliance tallies by area")
        constraints = [models.UniqueConstraint(fields=["audit", "area"], name="area_tally_unique")]
        indexes = [models.Index(fields=["area", "fiscal_year"], name="area_tally_area_idx")]

    def __str__(self) -> str:
        return f"{self.audit_id}/{self.area_id}"


class ControlArea(models.Model):
    """The area of a control: its top-level ancestor in its catalog (the part or chapter a
    reader knows it by; a control at the top is its own area). Worked out once per catalog,
    when its controls are first assessed, so the area tallies group results by a join."""

    control = models.OneToOneField(
        "standards.CatalogNode", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    area = models.ForeignKey(
        "standards.CatalogNode",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("control area"),
    )

    scope_class = ScopeClass.DIRECTORY
    scope_path = "control__catalog__owner"

    class Meta:
        verbose_name = _("area of a control")
        verbose_name_plural = _("areas of controls")

    def __str__(self) -> str:
        return f"{self.control_id} → {self.area_id}"
