from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AuditKind(models.TextChoices):
    """The mandate kinds of the governance model, and the organisation's own check (自己点検),
    which needs no mandate and is kept apart from audits."""

    SECURITY_AUDIT = "security_audit", _("security audit")
    ENTRUSTED_SECURITY_AUDIT = "entrusted_security_audit", _("entrusted security audit")
    SERVICE_ASSURANCE = "service_assurance", _("service-assurance verification")
    NON_SECURITY_AUDIT = "non_security_audit", _("non-security audit")
    SELF_ASSESSMENT = "self_assessment", _("self-assessment")


class AuditStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    FIELDWORK = "fieldwork", _("fieldwork")
    REPORTING = "reporting", _("reporting")
    CLOSED = "closed", _("closed")


# The one way forward (and the one step back, when a report sends the auditors back to work).
STATUS_NEXT: dict[str, str] = {
    AuditStatus.PLANNED: AuditStatus.FIELDWORK,
    AuditStatus.FIELDWORK: AuditStatus.REPORTING,
    AuditStatus.REPORTING: AuditStatus.CLOSED,
}
STATUS_BACK: dict[str, str] = {AuditStatus.REPORTING: AuditStatus.FIELDWORK}


class StageKind(models.TextChoices):
    """The yearly assurance cycle, in order."""

    SCOPE = "scope", _("scope")
    SELF_ASSESSMENT = "self_assessment", _("self-assessment with evidence")
    REVIEW = "review", _("independent review")
    REPORT = "report", _("report")
    IMPROVEMENT = "improvement", _("improvement plan")


# Who owns each stage: the auditor or the auditee.
STAGE_OWNED_BY_AUDITEE = frozenset({StageKind.SELF_ASSESSMENT, StageKind.IMPROVEMENT})


class ResultStatus(models.TextChoices):
    SATISFIED = "satisfied", _("satisfied")
    PARTIALLY = "partially", _("partially satisfied")
    NOT_SATISFIED = "not_satisfied", _("not satisfied")
    NOT_APPLICABLE = "not_applicable", _("not applicable")
    NOT_ASSESSED = "not_assessed", _("not assessed")


class Severity(models.TextChoices):
    CRITICAL = "critical", _("critical")
    HIGH = "high", _("high")
    MEDIUM = "medium", _("medium")
    LOW = "low", _("low")


class NonconformityGrade(models.TextChoices):
    MAJOR = "major", _("major nonconformity")
    MINOR = "minor", _("minor nonconformity")
    OBSERVATION = "observation", _("observation")


class FindingStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("finding status", "open")
    CLOSED = "closed", _("closed")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    IN_PROGRESS = "in_progress", pgettext_lazy("corrective action status", "in progress")
    AWAITING_VERIFICATION = "awaiting_verification", _("done, awaiting verification")
    CLOSED = "closed", _("closed (verified)")
