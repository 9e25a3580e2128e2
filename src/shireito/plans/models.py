"""The priority plan (重点計画): yearly editions of areas and measures, each measure with its
KPIs, roadmap and links to the money, systems and controls behind it; and, on a published
edition, the progress reported against it each quarter.

Content (what the Cabinet decided) is fixed once its edition is published; tracking
(measurements, milestones' actual dates, reports, ratings, flags) goes on against it. Identity
across editions is kept by codes (a measure's and a KPI's) and by the KPI's series, which the
measurements hang on, so a new edition continues the same lines.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from shireito.core.concurrency import Versioned
from shireito.core.models import NamedInTwoLanguages, TimeStampedModel
from shireito.organizations.choices import ScopeClass
from shireito.plans.choices import (
    Confidence,
    Direction,
    EditionStatus,
    FlagKind,
    MeasurementStatus,
    MeasureStatus,
    RatingKind,
    ReportStatus,
)

code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$",
    _("Use 1 to 40 letters, digits, dots, hyphens or underscores; begin with a letter or digit."),
)


class Principle(NamedInTwoLanguages, models.Model):
    """One of the ten basic principles of the digital society (①オープン・透明 …), as data:
    loaded by a migration, referred to by number."""

    number = models.PositiveSmallIntegerField(
        _("number"), unique=True, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)

    scope_class = ScopeClass.DIRECTORY
    scope_path = None

    class Meta:
        ordering = ["number"]
        verbose_name = _("basic principle")
        verbose_name_plural = _("basic principles")

    def __str__(self) -> str:
        return f"{self.mark} {self.display_name}"

    @property
    def mark(self) -> str:
        """The circled number the plan prints (① … ⑩)."""
        return chr(0x2460 + self.number - 1)


class PlanEdition(Versioned, TimeStampedModel):
    """One yearly edition of the plan, written by the Digital Agency (``author``) and, once
    decided by the Cabinet and published, fixed."""

    year = models.PositiveSmallIntegerField(
        _("edition year"),
        unique=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=EditionStatus.choices, default=EditionStatus.DRAFT
    )
    author = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="plan_editions",
    )
    decided_on = models.DateField(_("decided by the Cabinet on"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("copied from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copies",
    )
    report_due_days = models.PositiveSmallIntegerField(
        _("reports due (days after the quarter)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )

    # Drafts are their author's; a published edition is read through the publication
    # selectors by everyone.
    scope_class = ScopeClass.PLAN
    scope_path = "author"

    class Meta:
        ordering = ["-year"]
        verbose_name = _("plan edition")
        verbose_name_plural = _("plan editions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=EditionStatus.values),
                name="plan_edition_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        from django.utils.translation import get_language

        if get_language() == "en" and self.title_en:
            return self.title_en
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == EditionStatus.PUBLISHED


class PlanArea(NamedInTwoLanguages, TimeStampedModel):
    """A chapter or section of an edition; areas nest to any depth."""

    edition = models.ForeignKey(
        PlanEdition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="areas"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("within"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    code = models.CharField(_("code"), max_length=40, validators=[code_validator])
    name = models.CharField(_("title"), max_length=300)
    name_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    scope_class = ScopeClass.PLAN
    scope_path = "edition__author"

    class Meta:
        ordering = ["edition_id", "position", "code"]
        verbose_name = _("plan area")
        verbose_name_plural = _("plan areas")
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="plan_area_code_unique"),
        ]

    def clean(self) -> None:
        if self.parent_id and self.parent is not None:
            if self.parent.edition_id != self.edition_id:
                raise ValidationError({"parent": _("Choose an area of the same edition.")})
            seen = {self.pk}
            node: PlanArea | None = self.parent
            while node is not None:
                if node.pk in seen:
                    raise ValidationError({"parent": _("An area cannot lie within itself.")})
                seen.add(node.pk)
                node = node.parent


class Measure(NamedInTwoLanguages, Versioned, TimeStampedModel):
    """A measure (施策) of an edition: what will be done, by whom, by when, towards which
    principles. The law asks each measure for a target and a deadline: an edition with a
    measure lacking either is refused publication (a draft may lack them)."""

    edition = models.ForeignKey(
        PlanEdition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="measures"
    )
    area = models.ForeignKey(
        PlanArea, verbose_name=_("area"), on_delete=models.PROTECT, related_name="measures"
    )
    code = models.CharField(_("code"), max_length=40, validators=[code_validator])
    name = models.CharField(_("title"), max_length=300)
    name_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    lead = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("lead organization"),
        on_delete=models.PROTECT,
        related_name="led_measures",
    )
    co_responsible = models.ManyToManyField(
        "organizations.Organization",
        verbose_name=_("co-responsible organizations"),
        related_name="shared_measures",
        blank=True,
    )
    principles = models.ManyToManyField(
        Principle, verbose_name=_("basic principles"), related_name="measures", blank=True
    )
    target_state = models.TextField(_("target state"), blank=True)
    target_state_en = models.TextField(_("target state (English)"), blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=MeasureStatus.choices, default=MeasureStatus.NOT_STARTED
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    scope_class = ScopeClass.PLAN
    scope_path = ("edition__author", "lead", "co_responsible")

    class Meta:
        ordering = ["edition_id", "position", "code"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        constraints = [
            models.UniqueConstraint(fields=["edition", "code"], name="plan_measure_code_unique"),
            models.CheckConstraint(
                condition=models.Q(status__in=MeasureStatus.values),
                name="plan_measure_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["lead", "edition"], name="plan_measure_lead_idx")]

    def __str__(self) -> str:
        return f"{self.code} {self.display_name}"

    def clean(self) -> None:
        if self.area_id and self.edition_id and self.area.edition_id != self.edition_id:
            raise ValidationError({"area": _("Choose an area of the same edition.")})


class KpiSeries(models.Model):
    """The identity of one indicator across editions: its measurements hang here, so the
    2026 edition's copy of a KPI continues the 2025 edition's line."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    scope_class = ScopeClass.DIRECTORY
    scope_path = None

    class Meta:
        ordering = ["id"]
        verbose_name = _("KPI series")
        verbose_name_plural = _("KPI series")

    def __str__(self) -> str:
        return f"#{self.pk}"


class Kpi(NamedInTwoLanguages, Versioned, TimeStampedModel):
    """A key performance indicator of a measure: from a baseline to a target by a date, with
    interim targets on the way."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="kpis"
    )
    series = models.ForeignKey(
        KpiSeries, verbose_name=_("series"), on_delete=models.PROTECT, related_name="kpis"
    )
    code = models.CharField(_("code"), max_length=40, validators=[code_validator])
    name = models.CharField(_("name"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    unit = models.CharField(_("unit"), max_length=40)
    unit_en = models.CharField(_("unit (English)"), max_length=40, blank=True)
    direction = models.CharField(
        _("direction"), max_length=8, choices=Direction.choices, default=Direction.UP
    )
    baseline_value = models.DecimalField(_("baseline"), max_digits=20, decimal_places=4)
    baseline_date = models.DateField(_("baseline date"))
    target_value = models.DecimalField(_("target"), max_digits=20, decimal_places=4)
    target_date = models.DateField(_("target date"))
    source = models.CharField(_("source of data"), max_length=300, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    scope_class = ScopeClass.PLAN
    scope_path = ("measure__edition__author", "measure__lead", "measure__co_responsible")

    @property
    def display_unit(self) -> str:
        """The unit in the page's language, as ``display_name`` does for the name: English
        where asked for and given, Japanese otherwise."""
        if get_language() == "en" and self.unit_en:
            return self.unit_en
        return self.unit

    class Meta:
        ordering = ["measure_id", "position", "code"]
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")
        constraints = [
            models.UniqueConstraint(fields=["measure", "code"], name="plan_kpi_code_unique"),
            models.UniqueConstraint(fields=["measure", "series"], name="plan_kpi_series_unique"),
            models.CheckConstraint(
                condition=models.Q(direction__in=Direction.values), name="plan_kpi_direction_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(target_date__gt=models.F("baseline_date")),
                name="plan_kpi_target_after_baseline",
                violation_error_message=_("The target date comes after the baseline date."),
            ),
        ]

    def clean(self) -> None:
        errors = {}
        if self.baseline_date and self.target_date and self.target_date <= self.baseline_date:
            errors["target_date"] = _("The target date comes after the baseline date.")
        if (
            self.baseline_value is not None
            and self.target_value is not None
            and self.direction
            and (
                (self.direction == Direction.UP and self.target_value < self.baseline_value)
                or (self.direction == Direction.DOWN and self.target_value > self.baseline_value)
            )
        ):
            errors["target_value"] = _("The target lies the wrong way from the baseline.")
        if errors:
            raise ValidationError(errors)


class InterimTarget(TimeStampedModel):
    """A value a KPI should reach by a date on the way to its target."""

    kpi = models.ForeignKey(
        Kpi, verbose_name=_("KPI"), on_delete=models.CASCADE, related_name="interim_targets"
    )
    due_on = models.DateField(_("due on"))
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4)

    scope_class = ScopeClass.PLAN
    scope_path = (
        "kpi__measure__edition__author",
        "kpi__measure__lead",
        "kpi__measure__co_responsible",
    )

    class Meta:
        ordering = ["kpi_id", "due_on"]
        verbose_name = _("interim target")
        verbose_name_plural = _("interim targets")
        constraints = [
            models.UniqueConstraint(fields=["kpi", "due_on"], name="plan_interim_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.due_on}: {self.value}"


class Milestone(NamedInTwoLanguages, Versioned, TimeStampedModel):
    """A step of a measure's roadmap (工程表): planned for a quarter of a fiscal year, with
    the date it was planned for and, once done, the date it was done."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="milestones"
    )
    name = models.CharField(_("title"), max_length=300)
    name_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    fiscal_year = models.PositiveSmallIntegerField(
        _("fiscal year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    planned_on = models.DateField(_("planned date"))
    done_on = models.DateField(_("actual date"), null=True, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    scope_class = ScopeClass.PLAN
    scope_path = ("measure__edition__author", "measure__lead", "measure__co_responsible")

    class Meta:
        ordering = ["measure_id", "planned_on", "position"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="plan_milestone_quarter"
            ),
        ]


class Measurement(TimeStampedModel):
    """One value of a KPI's series, entered by a responsible organisation and reviewed by the
    Digital Agency. Only accepted values are published."""

    series = models.ForeignKey(
        KpiSeries,
        verbose_name=_("series"),
        on_delete=models.CASCADE,
        related_name="measurements",
    )
    measured_on = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4)
    source = models.CharField(_("source"), max_length=300, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=MeasurementStatus.choices,
        default=MeasurementStatus.ENTERED,
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("entered for"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    report = models.ForeignKey(
        "plans.ProgressReport",
        verbose_name=_("report"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="measurements",
    )
    review_note = models.TextField(_("review note"), blank=True)

    # The organisation that entered it; the Digital Agency reads them all by its rule.
    scope_class = ScopeClass.PLAN
    scope_path = "organization"

    class Meta:
        ordering = ["series_id", "measured_on"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        constraints = [
            models.UniqueConstraint(
                fields=["series", "measured_on"], name="plan_measurement_once_a_day"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=MeasurementStatus.values),
                name="plan_measurement_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measured_on}: {self.value}"


class MeasureSystem(TimeStampedModel):
    """A system that delivers a measure."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="system_links"
    )
    system = models.ForeignKey(
        "registry.InformationSystem",
        verbose_name=_("system"),
        on_delete=models.CASCADE,
        related_name="plan_links",
    )

    scope_class = ScopeClass.PLAN
    scope_path = ("measure__edition__author", "measure__lead", "measure__co_responsible")

    class Meta:
        ordering = ["measure_id", "system_id"]
        verbose_name = _("system delivering a measure")
        verbose_name_plural = _("systems delivering measures")
        constraints = [
            models.UniqueConstraint(fields=["measure", "system"], name="plan_system_link_once"),
        ]
        indexes = [models.Index(fields=["system"], name="plan_system_link_system_idx")]

    def __str__(self) -> str:
        return f"{self.measure.code} → {self.system.code}"


class MeasureBudget(TimeStampedModel):
    """A budget line of the single budget that pays for a measure, wholly or in part
    (``share``, in percent of the line)."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="budget_links"
    )
    budget_line = models.ForeignKey(
        "registry.BudgetLine",
        verbose_name=_("budget line"),
        on_delete=models.CASCADE,
        related_name="plan_links",
    )
    share = models.PositiveSmallIntegerField(
        _("share of the line (%)"),
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )

    scope_class = ScopeClass.PLAN
    scope_path = ("measure__edition__author", "measure__lead", "measure__co_responsible")

    class Meta:
        ordering = ["measure_id", "budget_line_id"]
        verbose_name = _("budget line paying for a measure")
        verbose_name_plural = _("budget lines paying for measures")
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "budget_line"], name="plan_budget_link_once"
            ),
            models.CheckConstraint(
                condition=models.Q(share__gte=1, share__lte=100), name="plan_budget_share_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure.code} → {self.budget_line}"


class MeasureControl(TimeStampedModel):
    """A catalog control (or a whole catalog, when ``control`` is empty) a security measure
    is about."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="control_links"
    )
    catalog = models.ForeignKey(
        "standards.Catalog",
        verbose_name=_("catalog"),
        on_delete=models.CASCADE,
        related_name="plan_links",
    )
    control = models.ForeignKey(
        "standards.CatalogNode",
        verbose_name=_("control"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="plan_links",
    )

    scope_class = ScopeClass.PLAN
    scope_path = ("measure__edition__author", "measure__lead", "measure__co_responsible")

    class Meta:
        ordering = ["measure_id", "catalog_id", "control_id"]
        verbose_name = _("control a measure is about")
        verbose_name_plural = _("controls measures are about")
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "catalog", "control"],
                name="plan_control_link_once",
                nulls_distinct=False,
            ),
        ]

    def clean(self) -> None:
        control = self.control if self.control_id else None
        if control is not None and self.catalog_id and control.catalog_id != self.catalog_id:
            raise ValidationError({"control": _("Choose a control of the catalog.")})

    def __str__(self) -> str:
        return f"{self.measure.code} → {self.control or self.catalog}"


class ProgressReport(Versioned, TimeStampedModel):
    """The lead organisation's report on a measure for one quarter of a fiscal year (Q1 is
    April to June): a narrative and a proposed delivery confidence with its reason; the
    Digital Agency's review sets the rating (with a reason) and may add a comment that stays
    internal. Every rating given is also kept in ``RatingRecord``."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="reports"
    )
    fiscal_year = models.PositiveSmallIntegerField(
        _("fiscal year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    narrative = models.TextField(_("narrative"), blank=True)
    proposed_confidence = models.CharField(
        _("proposed delivery confidence"), max_length=16, choices=Confidence.choices, blank=True
    )
    proposed_reason = models.TextField(_("reason for the proposed rating"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    confidence = models.CharField(
        _("delivery confidence"), max_length=16, choices=Confidence.choices, blank=True
    )
    review_reason = models.TextField(_("reason for the rating"), blank=True)
    review_comment = models.TextField(_("review comment (internal)"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    scope_class = ScopeClass.PLAN
    scope_path = ("measure__edition__author", "measure__lead", "measure__co_responsible")

    class Meta:
        ordering = ["measure_id", "-fiscal_year", "-quarter"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "fiscal_year", "quarter"], name="plan_report_once_a_quarter"
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="plan_report_quarter"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ReportStatus.values), name="plan_report_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "fiscal_year", "quarter"], name="plan_report_status_idx")
        ]

    def __str__(self) -> str:
        return f"{self.measure.code} FY{self.fiscal_year} Q{self.quarter}"


class RatingRecord(models.Model):
    """One delivery confidence rating as given: proposed by the lead, or set in review.
    Appended, never changed, so a measure's ratings keep their history."""

    report = models.ForeignKey(
        ProgressReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="ratings"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=RatingKind.choices)
    confidence = models.CharField(
        _("delivery confidence"), max_length=16, choices=Confidence.choices
    )
    reason = models.TextField(_("reason"))
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("given by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    given_at = models.DateTimeField(_("given at"))

    scope_class = ScopeClass.PLAN
    scope_path = (
        "report__measure__edition__author",
        "report__measure__lead",
        "report__measure__co_responsible",
    )

    class Meta:
        ordering = ["report_id", "given_at", "id"]
        verbose_name = _("delivery confidence rating")
        verbose_name_plural = _("delivery confidence ratings")

    def __str__(self) -> str:
        return f"{self.report}: {self.get_confidence_display()}"


class MeasureFlag(models.Model):
    """A reason a measure needs attention, raised by ``plans.flags.refresh`` and cleared when
    it no longer holds: a KPI off its trajectory, a milestone past due, a report not filed.
    ``key`` names the one thing flagged, so a flag is raised (and notified) once."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="flags"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=FlagKind.choices)
    key = models.CharField(_("what is flagged"), max_length=100)
    params = models.JSONField(_("details"), default=dict, blank=True)
    raised_on = models.DateField(_("raised on"))
    cleared_on = models.DateField(_("cleared on"), null=True, blank=True)

    scope_class = ScopeClass.PLAN
    scope_path = ("measure__edition__author", "measure__lead", "measure__co_responsible")

    class Meta:
        ordering = ["-raised_on", "id"]
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "key"],
                condition=models.Q(cleared_on__isnull=True),
                name="plan_flag_open_once",
            ),
        ]
        indexes = [models.Index(fields=["cleared_on", "kind"], name="plan_flag_open_idx")]

    def __str__(self) -> str:
        return f"{self.measure.code}: {self.get_kind_display()}"
