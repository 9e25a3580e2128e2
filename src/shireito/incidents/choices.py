from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class IncidentCategory(models.TextChoices):
    MALWARE = "malware", _("malware")
    UNAUTHORIZED_ACCESS = "unauthorized_access", _("unauthorised access")
    DENIAL_OF_SERVICE = "denial_of_service", _("denial of service")
    DATA_LEAK = "data_leak", _("data leak")
    MISDELIVERY = "misdelivery", _("misdelivery")
    DEFACEMENT = "defacement", _("defacement")
    LOSS_OR_THEFT = "loss_or_theft", _("loss or theft")
    OTHER = "other", pgettext_lazy("incident category", "other")


class Impact(models.TextChoices):
    """How badly the incident hurts the reporter's services (the reporter's own judgement)."""

    NONE = "none", pgettext_lazy("impact", "none")
    LOW = "low", pgettext_lazy("impact", "low")
    MEDIUM = "medium", pgettext_lazy("impact", "medium")
    HIGH = "high", pgettext_lazy("impact", "high")
    CRITICAL = "critical", pgettext_lazy("impact", "critical")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("incident report", "draft")
    OPEN = "open", pgettext_lazy("incident report", "open")
    CLOSED = "closed", pgettext_lazy("incident report", "closed")


class ReportStage(models.TextChoices):
    """Where a report stands, as the tower counts it: a draft, at a hop that has received it
    and not yet acknowledged it, at a hop that is handling it, or closed."""

    DRAFT = "draft", pgettext_lazy("incident report", "draft")
    RECEIVED = "received", _("received, not yet acknowledged")
    ACKNOWLEDGED = "acknowledged", _("acknowledged, being handled")
    CLOSED = "closed", pgettext_lazy("incident report", "closed")


class TimingMeasure(models.TextChoices):
    """What a timing of the route measures."""

    ACKNOWLEDGE = "acknowledge", _("time to acknowledge")
    CLOSE = "close", _("time to close")


class HopStatus(models.TextChoices):
    WAITING = "waiting", pgettext_lazy("hop", "not yet reached")
    RECEIVED = "received", pgettext_lazy("hop", "received")
    ACKNOWLEDGED = "acknowledged", pgettext_lazy("hop", "acknowledged")
    FORWARDED = "forwarded", pgettext_lazy("hop", "forwarded")
    CLOSED = "closed", pgettext_lazy("hop", "closed the report")


class EntryKind(models.TextChoices):
    """What a step on the report's timeline was."""

    CREATED = "created", pgettext_lazy("timeline", "draft saved")
    SUBMITTED = "submitted", pgettext_lazy("timeline", "submitted")
    RECEIVED = "received", pgettext_lazy("timeline", "received")
    ACKNOWLEDGED = "acknowledged", pgettext_lazy("timeline", "acknowledged")
    QUESTION = "question", pgettext_lazy("timeline", "question")
    ASSESSMENT = "assessment", pgettext_lazy("timeline", "assessment")
    FORWARDED = "forwarded", pgettext_lazy("timeline", "forwarded")
    UPDATE = "update", pgettext_lazy("timeline", "update from the reporter")
    STAGE_FILED = "stage_filed", pgettext_lazy("timeline", "regime stage filed")
    PUBLISHED = "published", pgettext_lazy("timeline", "shared")
    CLOSED = "closed", pgettext_lazy("timeline", "closed")


class ClockAnchor(models.TextChoices):
    """What a regime stage's deadline counts from."""

    AWARE = "aware", _("when the reporter became aware")
    DETECTED = "detected", _("when the incident was detected")
    SUBMITTED = "submitted", _("when the report was submitted")
    PREVIOUS = "previous", _("when the previous stage was filed")
    RANSOM_PAID = "ransom_paid", pgettext_lazy("clock starts", "when a ransom was paid")


class StageCondition(models.TextChoices):
    """When a regime stage applies to a report at all."""

    ALWAYS = "always", _("always")
    MALICIOUS = "malicious", _("when caused with malicious intent")
    NOT_MALICIOUS = "not_malicious", _("when not caused with malicious intent")
    RANSOM_PAID = "ransom_paid", pgettext_lazy("stage applies", "when a ransom was paid")


class ClockState(models.TextChoices):
    NOT_APPLICABLE = "not_applicable", pgettext_lazy("clock", "does not apply")
    WAITING = "waiting", pgettext_lazy("clock", "not started")
    RUNNING = "running", pgettext_lazy("clock", "running")
    OVERDUE = "overdue", pgettext_lazy("clock", "overdue")
    FILED = "filed", pgettext_lazy("clock", "filed in time")
    FILED_LATE = "filed_late", pgettext_lazy("clock", "filed late")


class IndicatorKind(models.TextChoices):
    IPV4 = "ipv4", _("IPv4 address")
    IPV6 = "ipv6", _("IPv6 address")
    DOMAIN = "domain", _("domain name")
    URL = "url", _("URL")
    EMAIL = "email", _("e-mail address")
    SHA256 = "sha256", _("file SHA-256")
    MD5 = "md5", _("file MD5")
    STIX_PATTERN = "stix_pattern", _("STIX pattern")


# Fields a reporter sets; the rest are the route's and the national centre's.
REPORT_FIELDS = (
    "title",
    "category",
    "impact",
    "impact_description",
    "detected_at",
    "aware_at",
    "personal_data",
    "personal_data_count",
    "malicious",
    "ransom_paid_at",
    "tlp",
    "narrative",
)

# Report fields a regime stage may require before it can be filed (the vocabulary of
# RegimeStage.required_fields).
REQUIRABLE_FIELDS: dict[str, str | Promise] = {
    "title": _("title"),
    "category": _("category"),
    "impact": _("impact"),
    "impact_description": _("impact description"),
    "detected_at": _("detected at"),
    "aware_at": _("became aware at"),
    "systems": _("affected systems"),
    "narrative": _("narrative"),
    "indicators": _("indicators"),
    "personal_data_count": _("number of people whose data is involved"),
    "ransom_paid_at": _("ransom paid at"),
}
