"""Incident reports and their routes, the reporting regimes whose clocks run on them, and the
in-app notices they raise.

A report belongs to its parties: the reporter and every organisation on its route that it has
reached (``ReportParty``). A hop further down sees nothing until the report is forwarded to it;
a draft is the reporter's alone. Everything a report holds is scoped through it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from shireito.core.concurrency import Versioned
from shireito.core.history import ChangeKey, Ref, route_of_codes
from shireito.core.languages import in_parentheses, list_separator
from shireito.core.models import TimeStampedModel
from shireito.incidents.choices import (
    ClockAnchor,
    EntryKind,
    HopStatus,
    Impact,
    IncidentCategory,
    IndicatorKind,
    ReportStage,
    ReportStatus,
    StageCondition,
    TimingMeasure,
)
from shireito.organizations.choices import ScopeClass
from shireito.organizations.rules import rule_label
from shireito.sharing.choices import Tlp

# The reporter first: the audit trail files each change under the reporting organisation.
THROUGH_REPORT = ("report__reporter", "report__parties__organization")


class ReportingRegime(TimeStampedModel):
    """A set of reporting stages with deadlines (a law's or a sector's rule), as data.

    Which reports it applies to follows from the reporter: its kind (and sector), every
    reporter, or organisations named one by one (an operator with business in the EU opts into
    NIS2); ``personal_data_only`` limits it to reports involving personal data.
    """

    key = models.SlugField(_("key"), max_length=64, unique=True)
    name = models.CharField(_("name (Japanese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    authority = models.CharField(_("reported to (Japanese)"), max_length=200, blank=True)
    authority_en = models.CharField(_("reported to (English)"), max_length=200, blank=True)
    description = models.TextField(_("description (Japanese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    all_reporters = models.BooleanField(_("applies to every reporter"), default=False)
    reporter_kinds = models.JSONField(_("applies to kinds of organization"), default=list)
    sectors = models.JSONField(_("only in these sectors"), default=list, blank=True)
    organizations = models.ManyToManyField(
        "organizations.Organization",
        verbose_name=_("applies to these organizations"),
        blank=True,
        related_name="reporting_regimes",
    )
    personal_data_only = models.BooleanField(
        _("only when personal data is involved"), default=False
    )
    active = models.BooleanField(_("active"), default=True)
    # Whether sending the report along its route is itself the report this regime asks for
    # (the government's and the electricity sector's authorities are on the route; the PPC,
    # EU and US authorities are not, so their stages are filed by the reporter).
    filed_by_route = models.BooleanField(
        _("the route's report files its first stage"), default=False
    )
    preset = models.BooleanField(_("shipped preset"), default=False, editable=False)

    # Regimes are public reference data (laws and sector rules), like catalogs: not scoped.
    audit_change_keys: ClassVar[dict[str, ChangeKey]] = {
        "reporter_kinds": ChangeKey(like="organizations.organization.kind"),
        "sectors": ChangeKey(refers_to="organizations.sector", by="code"),
    }

    class Meta:
        ordering = ["key"]
        verbose_name = _("reporting regime")
        verbose_name_plural = _("reporting regimes")

    def __str__(self) -> str:
        return self.name

    def in_language(self, field: str, english: bool) -> str:
        """``authority`` or ``description`` in the reader's language (the Japanese text when
        no English one is given)."""
        text = getattr(self, field)
        return (getattr(self, f"{field}_en") or text) if english else text


class RegimeStage(TimeStampedModel):
    """One stage of a regime: file by ``offset`` after ``anchor``, with ``required_fields``."""

    regime = models.ForeignKey(
        ReportingRegime,
        verbose_name=_("reporting regime"),
        on_delete=models.CASCADE,
        related_name="stages",
    )
    position = models.PositiveSmallIntegerField(_("position"))
    key = models.SlugField(_("key"), max_length=64)
    label = models.CharField(_("label (Japanese)"), max_length=200)
    label_en = models.CharField(_("label (English)"), max_length=200)
    anchor = models.CharField(_("clock starts"), max_length=20, choices=ClockAnchor.choices)
    offset = models.DurationField(_("deadline after the clock starts"))
    condition = models.CharField(
        _("applies"), max_length=20, choices=StageCondition.choices, default=StageCondition.ALWAYS
    )
    required_fields = models.JSONField(_("required fields"), default=list, blank=True)
    note = models.CharField(_("note (Japanese)"), max_length=300, blank=True)
    note_en = models.CharField(_("note (English)"), max_length=300, blank=True)

    class Meta:
        ordering = ["regime", "position"]
        verbose_name = _("regime stage")
        verbose_name_plural = _("regime stages")
        constraints = [
            models.UniqueConstraint(fields=["regime", "key"], name="regime_stage_key_unique"),
            models.UniqueConstraint(
                fields=["regime", "position"], name="regime_stage_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.regime.key}:{self.key}"

    @property
    def display_name(self) -> str:
        """The regime's name and the stage's label in the reader's language."""
        label = self.label_en if get_language() == "en" and self.label_en else self.label
        return f"{self.regime.name}: {label}"


def indicators_text(value: Any) -> str:
    """Indicators recorded as ``[kind, value, description, shareable]`` rows, as text."""
    kinds = dict(IndicatorKind.choices)
    shown = []
    for row in value if isinstance(value, list) else []:
        kind, text, description, *_rest = [*row, "", "", ""] if isinstance(row, list) else [row]
        line = f"{kinds.get(kind, kind)}: {text}"
        shown.append(in_parentheses(line, description) if description else line)
    return list_separator().join(shown) or "—"


class IncidentReport(Versioned, TimeStampedModel):
    """One incident as reported by one organisation."""

    number = models.CharField(_("number"), max_length=32, unique=True)
    reporter = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("reporting organization"),
        on_delete=models.PROTECT,
        related_name="incident_reports",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    title = models.CharField(_("title"), max_length=200)
    category = models.CharField(_("category"), max_length=32, choices=IncidentCategory.choices)
    impact = models.CharField(
        _("impact"), max_length=16, choices=Impact.choices, default=Impact.LOW
    )
    impact_description = models.TextField(_("impact description"), blank=True)
    detected_at = models.DateTimeField(_("detected at"), null=True, blank=True)
    aware_at = models.DateTimeField(_("became aware at"), null=True, blank=True)
    personal_data = models.BooleanField(_("personal data involved"), default=False)
    personal_data_count = models.PositiveIntegerField(
        _("number of people whose data is involved"), null=True, blank=True
    )
    malicious = models.BooleanField(_("caused with malicious intent"), default=False)
    ransom_paid_at = models.DateTimeField(_("ransom paid at"), null=True, blank=True)
    tlp = models.CharField(_("TLP"), max_length=16, choices=Tlp.choices, default=Tlp.AMBER)
    narrative = models.TextField(_("narrative"), blank=True)
    systems = models.ManyToManyField(
        "registry.InformationSystem",
        verbose_name=_("affected systems"),
        blank=True,
        related_name="incident_reports",
    )
    route_key = models.CharField(_("route"), max_length=64, blank=True)
    route_rule = models.CharField(_("rule"), max_length=300, blank=True)
    regimes = models.ManyToManyField(
        ReportingRegime,
        verbose_name=_("reporting regimes"),
        blank=True,
        related_name="reports",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closing_summary = models.TextField(_("closing summary"), blank=True)
    # What the national centre wrote for sharing: nothing else of the report leaves the route
    # (the narrative, the people's count and the reporter's name never do).
    shared_title = models.CharField(_("title for sharing"), max_length=200, blank=True)
    shared_summary = models.TextField(_("summary for sharing"), blank=True)
    shared_tlp = models.CharField(
        _("TLP for sharing"), max_length=16, choices=Tlp.choices, blank=True
    )
    shared_at = models.DateTimeField(_("shared at"), null=True, blank=True)

    scope_path = ("reporter", "parties__organization")
    scope_class = ScopeClass.INCIDENT
    # Changes the services record under names that are not fields (see core.history).
    audit_change_keys: ClassVar[dict[str, ChangeKey]] = {
        "route": ChangeKey(label=_("route"), read=route_of_codes()),
        "route_rule": ChangeKey(like="incidents.incidentreport.route_rule", read=rule_label),
        "filed": ChangeKey(
            label=pgettext_lazy("timeline", "regime stage filed"),
            read=lambda value: Ref(
                "incidents.regimestage", "regime__key+key", tuple(str(value).split(":", 1))
            ),
        ),
        "indicators": ChangeKey(label=_("indicators"), read=indicators_text),
        **{kind: ChangeKey(label=label) for kind, label in EntryKind.choices},
    }

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("incident report")
        verbose_name_plural = _("incident reports")
        indexes = [
            models.Index(fields=["status", "-submitted_at"], name="incident_status_idx"),
            # The overdue stages read open reports and those closed in the last year.
            models.Index(fields=["status", "closed_at"], name="incident_status_closed_idx"),
            models.Index(fields=["aware_at"], name="incident_aware_idx"),
            # The list's order: a page is read from the index, not sorted from every report.
            models.Index(fields=["-created_at", "-id"], name="incident_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ReportStatus.values), name="incident_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(tlp__in=Tlp.values), name="incident_tlp_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class ReportParty(models.Model):
    """An organisation the report has reached (the reporter from the first draft)."""

    report = models.ForeignKey(
        IncidentReport, on_delete=models.CASCADE, related_name="parties", verbose_name=_("report")
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organization"),
    )
    since = models.DateTimeField(_("reached at"))

    scope_path = THROUGH_REPORT
    scope_class = ScopeClass.INCIDENT

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "organization"], name="report_party_unique")
        ]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.organization_id}"


class RouteHop(TimeStampedModel):
    """One place on the report's route, the organisation that held it when the report was
    submitted, and how far it has dealt with the report."""

    report = models.ForeignKey(
        IncidentReport,
        verbose_name=_("incident report"),
        on_delete=models.CASCADE,
        related_name="hops",
    )
    position = models.PositiveSmallIntegerField(_("position"))
    place = models.CharField(_("place on the route"), max_length=80)
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=pgettext_lazy("route", "hop"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=HopStatus.choices, default=HopStatus.WAITING
    )
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    forwarded_at = models.DateTimeField(_("forwarded at"), null=True, blank=True)

    scope_path = THROUGH_REPORT
    scope_class = ScopeClass.INCIDENT
    audit_change_keys: ClassVar[dict[str, ChangeKey]] = {
        "party": ChangeKey(
            label=_("organization on the route"),
            refers_to="organizations.organization",
            by="code",
        ),
        "note": ChangeKey(label=_("note")),
    }

    class Meta:
        ordering = ["report", "position"]
        verbose_name = pgettext_lazy("route", "hop")
        verbose_name_plural = pgettext_lazy("route", "hops")
        constraints = [
            models.UniqueConstraint(fields=["report", "position"], name="route_hop_unique")
        ]
        indexes = [
            # The tower's "acknowledged at hop N" drill-down (a scan of every hop without it).
            models.Index(
                fields=["position", "report"],
                condition=models.Q(received_at__isnull=False, acknowledged_at__isnull=False),
                name="route_hop_acknowledged_idx",
            ),
            # What waits for an organisation (the tower's queue, the list's "waiting"),
            # longest waiting first: the centre holds a hop of nearly every report.
            models.Index(
                fields=["organization", "status", "received_at"], name="route_hop_waiting_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report.number} #{self.position} {self.organization}"


class TimelineEntry(models.Model):
    """One timestamped step of a report: submitted, received, acknowledged, a question, an
    assessment, forwarded, an update, a stage filed, shared, closed."""

    report = models.ForeignKey(
        IncidentReport, on_delete=models.CASCADE, related_name="timeline", verbose_name=_("report")
    )
    at = models.DateTimeField(_("time"), db_index=True)
    kind = models.CharField(_("kind of entry"), max_length=20, choices=EntryKind.choices)
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    hop = models.ForeignKey(
        RouteHop, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("hop")
    )
    text = models.TextField(_("text"), blank=True)
    reply_to = models.ForeignKey(
        "self", verbose_name=_("in reply to"), on_delete=models.SET_NULL, null=True, blank=True
    )
    details = models.JSONField(_("details"), default=dict, blank=True)

    scope_path = THROUGH_REPORT
    scope_class = ScopeClass.INCIDENT

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")

    def __str__(self) -> str:
        return f"{self.report_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class StageFiling(models.Model):
    """That the reporter filed one stage of one regime for this report, and when."""

    report = models.ForeignKey(
        IncidentReport, on_delete=models.CASCADE, related_name="filings", verbose_name=_("report")
    )
    stage = models.ForeignKey(
        RegimeStage, on_delete=models.PROTECT, related_name="filings", verbose_name=_("stage")
    )
    filed_at = models.DateTimeField(_("filed at"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("filed by"),
    )

    scope_path = THROUGH_REPORT
    scope_class = ScopeClass.INCIDENT

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "stage"], name="stage_filing_unique")
        ]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.stage_id}"


class Indicator(TimeStampedModel):
    """An observable of the incident; ``shareable`` says the national centre may publish it."""

    report = models.ForeignKey(
        IncidentReport,
        verbose_name=_("incident report"),
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=IndicatorKind.choices)
    value = models.CharField(_("value"), max_length=2000)
    description = models.CharField(_("description"), max_length=500, blank=True)
    shareable = models.BooleanField(_("may be shared"), default=True)

    scope_path = THROUGH_REPORT
    scope_class = ScopeClass.INCIDENT

    class Meta:
        ordering = ["report", "id"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return f"{self.kind}: {self.value}"


class Attachment(TimeStampedModel):
    """A file of the report, stored once by SHA-256 (never shared outside the route)."""

    report = models.ForeignKey(
        IncidentReport,
        verbose_name=_("incident report"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"), validators=[MinValueValidator(1)])
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_by_organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        verbose_name=_("uploading organization"),
    )

    scope_path = THROUGH_REPORT
    scope_class = ScopeClass.INCIDENT

    class Meta:
        ordering = ["report", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename


class IncidentTally(models.Model):
    """How many reports one organisation may see, by category, the reporter's sector, stage,
    place on the route and month of awareness: one row per combination, kept current in the
    transaction of every write that moves a report (``incidents.tallies``).

    A report counts once for each of its parties (reporter and every organisation on the
    route it has reached), the organisations that may see it; ``party`` empty is every report
    once, what platform admins read (a sum over parties would count a report several times).
    """

    party = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
        verbose_name=_("organization on the route"),
    )
    category = models.CharField(
        max_length=32, choices=IncidentCategory.choices, verbose_name=_("category")
    )
    sector = models.CharField(
        max_length=40, blank=True, verbose_name=_("sector")
    )  # the reporter's sector's code
    stage = models.CharField(max_length=16, choices=ReportStage.choices, verbose_name=_("stage"))
    place = models.CharField(
        max_length=80, blank=True, verbose_name=_("place on the route")
    )  # of the hop that has an open report
    month = models.PositiveIntegerField(
        verbose_name=_("month")
    )  # YYYYMM of awareness (Japan time); 0 not given yet
    reports = models.PositiveIntegerField(default=0, verbose_name=_("number of reports"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["party", "category", "sector", "stage", "place", "month"],
                condition=models.Q(party__isnull=False),
                name="incident_tally_party_unique",
            ),
            models.UniqueConstraint(
                fields=["category", "sector", "stage", "place", "month"],
                condition=models.Q(party__isnull=True),
                name="incident_tally_all_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} {self.stage} {self.month}: {self.reports}"


# Upper bounds (in hours) of the timing buckets, for a median read from the tally; the last
# bucket has none.
TIMING_BUCKET_HOURS = (1, 4, 24, 72, 7 * 24, 30 * 24)


class IncidentTiming(models.Model):
    """How long the route took, per route and hop: for each party, the number of hops of
    ``position`` acknowledged (or, at position 0, of reports closed) and the seconds they
    took, in coarse buckets (a mean from the sums, a median's bucket from the counts)."""

    party = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
        verbose_name=_("organization on the route"),
    )
    route_key = models.CharField(max_length=64, verbose_name=_("route"))
    position = models.PositiveSmallIntegerField(
        verbose_name=_("position on the route")
    )  # the hop; 0 for the whole route (closing)
    measure = models.CharField(
        max_length=16, choices=TimingMeasure.choices, verbose_name=_("interval measured")
    )
    bucket = models.PositiveSmallIntegerField(
        verbose_name=_("time band")
    )  # index into TIMING_BUCKET_HOURS (or past it)
    reports = models.PositiveIntegerField(default=0, verbose_name=_("number of reports"))
    seconds = models.BigIntegerField(default=0, verbose_name=_("seconds"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["party", "route_key", "position", "measure", "bucket"],
                condition=models.Q(party__isnull=False),
                name="incident_timing_party_unique",
            ),
            models.UniqueConstraint(
                fields=["route_key", "position", "measure", "bucket"],
                condition=models.Q(party__isnull=True),
                name="incident_timing_all_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.route_key}#{self.position} {self.measure}: {self.reports}"


class OpenStageDeadline(models.Model):
    """A regime stage that applies to a submitted report and is not filed yet, and when it
    falls due (empty while its clock waits for the previous stage): one row for each party
    that may see the report, and one with ``party`` empty for every report once, like the
    tallies. Kept current in the transaction of every write that moves a clock
    (``incidents.deadlines``), so "overdue" is a range scan on ``due_at``, not every clock
    computed on every read."""

    report = models.ForeignKey(
        IncidentReport, on_delete=models.CASCADE, related_name="+", verbose_name=_("report")
    )
    party = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
        db_index=False,  # the index below leads with it
        verbose_name=_("organization on the route"),
    )
    regime = models.ForeignKey(
        ReportingRegime,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("reporting regime"),
    )
    stage = models.ForeignKey(
        RegimeStage, on_delete=models.CASCADE, related_name="+", verbose_name=_("stage")
    )
    due_at = models.DateTimeField(null=True, verbose_name=_("due at"))

    class Meta:
        indexes = [
            models.Index(fields=["party", "due_at"], name="open_deadline_party_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.stage_id} {self.due_at}"
