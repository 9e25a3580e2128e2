"""The portfolio: every information system, with who owns and builds it, where it runs, what
data it holds and, for local governments, its move to standard-conformant systems."""

from __future__ import annotations

from typing import ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from shireito.core.concurrency import Versioned
from shireito.core.history import ChangeKey, labels_of
from shireito.core.models import NamedInTwoLanguages, TimeStampedModel
from shireito.organizations.choices import ScopeClass, SystemCategory
from shireito.registry.choices import (
    Availability,
    BudgetStatus,
    CloudProvider,
    Confidentiality,
    Hosting,
    Integrity,
    LifecyclePhase,
    MigrationStatus,
    RecommendationStatus,
    StandardBusiness,
)

system_code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$",
    _("Use 2 to 64 letters, digits, dots, hyphens or underscores; begin with a letter or digit."),
)


# Words the portfolio's own pages use after /systems/.
RESERVED_CODES = frozenset(
    {
        "new",
        "import",
        "export",
        "export.csv",
        "export.json",
        "budget",
        "oversight",
        "recommendations",
        "migration",
    }
)


class InformationSystem(NamedInTwoLanguages, Versioned, TimeStampedModel):
    """One information system in the portfolio.

    ``code`` is stable and human-readable (used in URLs, CSV and the API). The builder must be
    the one the governance model names for the category (checked by the service, which names
    the rule when it refuses).
    """

    code = models.CharField(
        _("system id"), max_length=64, unique=True, validators=[system_code_validator]
    )
    name = models.CharField(_("name (Japanese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    owner = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="systems",
    )
    category = models.CharField(_("category"), max_length=32, choices=SystemCategory.choices)
    builder = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("builder"),
        on_delete=models.PROTECT,
        related_name="built_systems",
    )
    important = models.BooleanField(_("important system"), default=False)
    phase = models.CharField(
        _("lifecycle phase"),
        max_length=16,
        choices=LifecyclePhase.choices,
        default=LifecyclePhase.PLANNING,
    )
    phase_since = models.DateField(_("in this phase since"), null=True, blank=True)
    operation_start = models.DateField(_("operation started"), null=True, blank=True)
    retirement_date = models.DateField(_("retired or to retire on"), null=True, blank=True)
    hosting = models.CharField(
        _("hosting"), max_length=20, choices=Hosting.choices, default=Hosting.ON_PREMISES
    )
    cloud_provider = models.CharField(
        _("Government Cloud provider"), max_length=16, choices=CloudProvider.choices, blank=True
    )
    confidentiality = models.PositiveSmallIntegerField(
        _("confidentiality"), choices=Confidentiality.choices, default=Confidentiality.C2
    )
    integrity = models.PositiveSmallIntegerField(
        _("integrity"), choices=Integrity.choices, default=Integrity.I2
    )
    availability = models.PositiveSmallIntegerField(
        _("availability"), choices=Availability.choices, default=Availability.A2
    )
    people_served = models.PositiveBigIntegerField(_("people served"), null=True, blank=True)
    contact_name = models.CharField(_("contact"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    related_systems = models.ManyToManyField("self", verbose_name=_("related systems"), blank=True)
    standard_business = models.CharField(
        _("standardised business"), max_length=40, choices=StandardBusiness.choices, blank=True
    )
    migration_status = models.CharField(
        _("migration to standard-conformant systems"),
        max_length=20,
        choices=MigrationStatus.choices,
        blank=True,
    )
    migration_target = models.DateField(_("migration target date"), null=True, blank=True)
    special_support_deadline = models.DateField(
        _("extended deadline (special migration support)"), null=True, blank=True
    )

    scope_class = ScopeClass.PORTFOLIO
    scope_path = "owner"
    # Changes the services record under names that are not fields (see core.history).
    audit_change_keys: ClassVar[dict[str, ChangeKey]] = {
        "left_oversight_because": ChangeKey(
            label=_("reason for leaving oversight"), read=labels_of(SystemCategory.choices)
        ),
    }

    class Meta:
        ordering = ["code"]
        verbose_name = _("information system")
        verbose_name_plural = _("information systems")
        indexes = [
            models.Index(fields=["owner", "category"], name="system_owner_category_idx"),
            models.Index(fields=["category", "code"], name="system_category_idx"),
            models.Index(fields=["phase"], name="system_phase_idx"),
            models.Index(Lower("name"), name="system_name_lower_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(category__in=SystemCategory.values), name="system_category_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(hosting="government_cloud") | models.Q(cloud_provider=""),
                name="system_provider_only_on_government_cloud",
            ),
            models.CheckConstraint(
                condition=models.Q(category="local_government_system")
                | (models.Q(standard_business="") & models.Q(migration_status="")),
                name="system_standardisation_only_local",
            ),
        ]

    def clean(self) -> None:
        errors: dict[str, list] = {}

        def error(field, message):
            errors.setdefault(field, []).append(message)

        if self.code in RESERVED_CODES:
            error("code", _("This id is a page of its own; choose another."))

        if self.hosting == Hosting.GOVERNMENT_CLOUD and not self.cloud_provider:
            error("cloud_provider", _("Name the Government Cloud provider."))
        if self.hosting != Hosting.GOVERNMENT_CLOUD and self.cloud_provider:
            error("cloud_provider", _("Only systems on the Government Cloud have a provider."))
        local = self.category == SystemCategory.LOCAL_GOVERNMENT_SYSTEM
        if not local and (self.standard_business or self.migration_status):
            error(
                "standard_business",
                _("Only local-government systems serve a standardised business."),
            )
        if self.migration_status and not self.standard_business:
            error("standard_business", _("Name the standardised business it serves."))
        if (
            self.migration_status == MigrationStatus.SPECIAL_SUPPORT
            and not self.special_support_deadline
        ):
            error("special_support_deadline", _("Give the extended deadline."))
        if (
            self.special_support_deadline
            and self.migration_status != MigrationStatus.SPECIAL_SUPPORT
        ):
            error(
                "special_support_deadline",
                _("Only systems with special migration support have one."),
            )
        if (
            self.operation_start
            and self.retirement_date
            and self.retirement_date < self.operation_start
        ):
            error("retirement_date", _("Retirement comes before the start of operation."))
        if self.phase == LifecyclePhase.RETIRED and not self.retirement_date:
            error("retirement_date", _("Give the retirement date."))
        if errors:
            raise ValidationError(errors)


class BudgetLine(Versioned, TimeStampedModel):
    """One system's budget for one fiscal year (April to March), in yen: what the owner
    requested, what the Digital Agency approved, what was executed; development and operation
    apart. Amounts are whole yen, never floats."""

    system = models.ForeignKey(
        InformationSystem,
        verbose_name=_("system"),
        on_delete=models.PROTECT,
        related_name="budget_lines",
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    status = models.CharField(
        _("status"), max_length=16, choices=BudgetStatus.choices, default=BudgetStatus.REQUESTED
    )
    development_requested = models.PositiveBigIntegerField(_("development, requested (yen)"))
    operation_requested = models.PositiveBigIntegerField(_("operation, requested (yen)"))
    development_approved = models.PositiveBigIntegerField(
        _("development, approved (yen)"), null=True, blank=True
    )
    operation_approved = models.PositiveBigIntegerField(
        _("operation, approved (yen)"), null=True, blank=True
    )
    development_executed = models.PositiveBigIntegerField(
        _("development, executed (yen)"), null=True, blank=True
    )
    operation_executed = models.PositiveBigIntegerField(
        _("operation, executed (yen)"), null=True, blank=True
    )
    review_note = models.TextField(_("review note"), blank=True)

    scope_class = ScopeClass.OVERSIGHT
    scope_path = "system__owner"

    class Meta:
        ordering = ["system_id", "-fiscal_year"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.UniqueConstraint(
                fields=["system", "fiscal_year"], name="budget_one_per_system_year"
            ),
            models.CheckConstraint(
                condition=models.Q(fiscal_year__gte=2000, fiscal_year__lte=2100),
                name="budget_fiscal_year_range",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=BudgetStatus.values), name="budget_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["fiscal_year", "status"], name="budget_year_status_idx")]

    def __str__(self) -> str:
        return f"{self.system.code} FY{self.fiscal_year}"

    @property
    def requested(self) -> int:
        return self.development_requested + self.operation_requested

    @property
    def approved(self) -> int | None:
        if self.development_approved is None or self.operation_approved is None:
            return None
        return self.development_approved + self.operation_approved

    @property
    def executed(self) -> int | None:
        if self.development_executed is None and self.operation_executed is None:
            return None
        return (self.development_executed or 0) + (self.operation_executed or 0)


class OversightRating(TimeStampedModel):
    """The Digital Agency's risk rating of a national system (1 low – 5 high), with its reason.
    Ratings are kept, never changed: the newest is the current one."""

    system = models.ForeignKey(
        InformationSystem,
        verbose_name=_("system"),
        on_delete=models.PROTECT,
        related_name="ratings",
    )
    risk = models.PositiveSmallIntegerField(_("risk (1 low – 5 high)"))
    reason = models.TextField(_("reason"))
    rated_by = models.CharField(_("rated by"), max_length=150)
    rated_on = models.DateField(_("rated on"))

    scope_class = ScopeClass.OVERSIGHT
    scope_path = "system__owner"

    class Meta:
        ordering = ["system_id", "-rated_on", "-id"]
        verbose_name = _("oversight rating")
        verbose_name_plural = _("oversight ratings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(risk__gte=1, risk__lte=5), name="rating_risk_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.system.code}: {self.risk} ({self.rated_on})"


class Recommendation(Versioned, TimeStampedModel):
    """A formal recommendation (勧告) of the Digital Agency to a ministry about systems."""

    number = models.CharField(_("number"), max_length=32, unique=True)
    ministry = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("ministry"),
        on_delete=models.PROTECT,
        related_name="recommendations",
    )
    systems = models.ManyToManyField(
        InformationSystem, verbose_name=_("systems"), related_name="recommendations"
    )
    reason = models.TextField(_("reason"))
    due_date = models.DateField(_("answer due"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=RecommendationStatus.choices,
        default=RecommendationStatus.OPEN,
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    scope_class = ScopeClass.OVERSIGHT
    scope_path = "ministry"

    class Meta:
        ordering = ["-due_date", "number"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=RecommendationStatus.values),
                name="recommendation_status_valid",
            )
        ]

    def __str__(self) -> str:
        return self.number

    def is_overdue(self, today) -> bool:
        return self.status == RecommendationStatus.OPEN and self.due_date < today


class OversightSchedule(TimeStampedModel):
    """How often the Digital Agency re-rates each national system; older ratings are stale."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    rating_interval_days = models.PositiveSmallIntegerField(_("re-rate every (days)"), default=365)

    scope_class = ScopeClass.DIRECTORY

    class Meta:
        verbose_name = _("oversight schedule")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="oversight_schedule_single")
        ]

    def __str__(self) -> str:
        return f"{self.rating_interval_days} days"


# --- summary tables ("tallies") ----------------------------------------------------------
# Counts and sums the control tower reads, kept current by the services in the same transaction
# as each write (``registry.tallies``) and rebuilt wholesale by the bulk generators. Each row is
# keyed by the owning organisation, so a figure is scoped with the same organisation ids as the
# rows behind it. Rows at zero are deleted. Which ministry or prefecture an owner belongs to is
# read through the organisation's parent when the tower asks, never stored: the directory may
# move a body without the portfolio hearing of it.


class SystemTally(models.Model):
    """How many systems an owner has per category, phase, hosting and importance."""

    owner = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("owner"),
    )
    category = models.CharField(max_length=32, verbose_name=_("category"))
    phase = models.CharField(max_length=16, verbose_name=_("lifecycle phase"))
    hosting = models.CharField(max_length=20, verbose_name=_("hosting"))
    important = models.BooleanField(verbose_name=_("important system"))
    systems = models.PositiveIntegerField(default=0, verbose_name=_("number of systems"))

    scope_class = ScopeClass.PORTFOLIO
    scope_path = "owner"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "category", "phase", "hosting", "important"],
                name="system_tally_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.owner_id} {self.category} {self.phase} {self.hosting}: {self.systems}"


class BudgetTally(models.Model):
    """The single budget of an owner's systems of one category in one fiscal year, in yen:
    requested over every line, approved over the lines decided, executed over the lines with
    spending recorded (with those counts, so a partial total is never taken for a whole)."""

    owner = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("owner"),
    )
    fiscal_year = models.PositiveSmallIntegerField(verbose_name=_("fiscal year"))
    category = models.CharField(max_length=32, verbose_name=_("category"))
    lines = models.PositiveIntegerField(default=0, verbose_name=_("number of budget lines"))
    requested = models.BigIntegerField(default=0, verbose_name=_("requested (yen)"))
    approved_lines = models.PositiveIntegerField(default=0, verbose_name=_("budget lines approved"))
    approved = models.BigIntegerField(default=0, verbose_name=_("approved (yen)"))
    executed_lines = models.PositiveIntegerField(
        default=0, verbose_name=_("budget lines with spending")
    )
    executed = models.BigIntegerField(default=0, verbose_name=_("executed (yen)"))

    scope_class = ScopeClass.OVERSIGHT
    scope_path = "owner"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "fiscal_year", "category"], name="budget_tally_key"
            )
        ]
        indexes = [models.Index(fields=["fiscal_year"], name="budget_tally_year_idx")]

    def __str__(self) -> str:
        return f"{self.owner_id} FY{self.fiscal_year} {self.category}: {self.requested}"


class MigrationTally(models.Model):
    """How many of a local government's systems serve each standardised business in each
    migration status, by their target date and special-support deadline. Whether a system is
    behind its target depends on the day the tower is read, so it is worked out then from the
    dates kept here (few distinct ones: targets are ends of fiscal years)."""

    owner = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("owner"),
    )
    standard_business = models.CharField(max_length=40, verbose_name=_("standardised business"))
    migration_status = models.CharField(
        max_length=20, verbose_name=_("migration to standard-conformant systems")
    )
    migration_target = models.DateField(null=True, verbose_name=_("migration target date"))
    special_support_deadline = models.DateField(
        null=True, verbose_name=_("extended deadline (special migration support)")
    )
    systems = models.PositiveIntegerField(default=0, verbose_name=_("number of systems"))

    scope_class = ScopeClass.COORDINATION
    scope_path = "owner"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "owner",
                    "standard_business",
                    "migration_status",
                    "migration_target",
                    "special_support_deadline",
                ],
                name="migration_tally_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.owner_id} {self.standard_business} {self.migration_status}: {self.systems}"


# --- the same tallies added up by group ------------------------------------------------------
# At national scale an owner holds about twenty systems, so a tally keyed by owner hardly
# compresses. These add the rows up by the group an owner's figures roll up to (its prefecture
# for a local government, its supervising ministry for an agency, else itself; see
# ``tallies.rollup_group``): a viewer who may see every member of a group reads the group's
# rows, the rest the owners' (``figures.split_by_group``). Kept with the owners' tallies.


class SystemGroupTally(models.Model):
    """``SystemTally`` added up by the owners' group."""

    group = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("group"),
    )
    category = models.CharField(max_length=32, verbose_name=_("category"))
    phase = models.CharField(max_length=16, verbose_name=_("lifecycle phase"))
    hosting = models.CharField(max_length=20, verbose_name=_("hosting"))
    important = models.BooleanField(verbose_name=_("important system"))
    systems = models.PositiveIntegerField(default=0, verbose_name=_("number of systems"))

    # Only read for a viewer who may see every member of the group.
    scope_class = ScopeClass.PORTFOLIO
    scope_path = "group"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["group", "category", "phase", "hosting", "important"],
                name="system_group_tally_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.group_id} {self.category} {self.phase} {self.hosting}: {self.systems}"


class MigrationGroupTally(models.Model):
    """``MigrationTally`` added up by prefecture (the owners' group), with only the date that
    decides whether a system is behind: the target of a system neither migrated nor under
    special support, the extended deadline of one under special support, none for a migrated
    one (fewer rows, the same figures)."""

    group = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("group"),
    )
    standard_business = models.CharField(max_length=40, verbose_name=_("standardised business"))
    migration_status = models.CharField(
        max_length=20, verbose_name=_("migration to standard-conformant systems")
    )
    migration_target = models.DateField(null=True, verbose_name=_("migration target date"))
    special_support_deadline = models.DateField(
        null=True, verbose_name=_("extended deadline (special migration support)")
    )
    systems = models.PositiveIntegerField(default=0, verbose_name=_("number of systems"))

    # Only read for a viewer who may count every member of the group.
    scope_class = ScopeClass.COORDINATION
    scope_path = "group"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "group",
                    "standard_business",
                    "migration_status",
                    "migration_target",
                    "special_support_deadline",
                ],
                name="migration_group_tally_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.group_id} {self.standard_business} {self.migration_status}: {self.systems}"
