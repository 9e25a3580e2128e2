"""Organisations, the sectors of critical infrastructure, who held which role when, and the
deployment's governance settings."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from shireito.core.concurrency import Versioned
from shireito.core.models import NamedInTwoLanguages, TimeStampedModel
from shireito.organizations.choices import (
    ROLE_KINDS,
    GovernanceRole,
    LocalGovernmentLevel,
    OpenQuestionSetting,
    OrganizationKind,
    ScopeClass,
)
from shireito.organizations.identifiers import (
    validate_corporate_number,
    validate_local_government_code,
)

code_validator = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    _("Use lower-case letters, digits and single hyphens, e.g. digital-agency."),
)


class Sector(TimeStampedModel):
    """A critical-infrastructure sector of the action plan, under its supervising ministry."""

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("name (Japanese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    supervising_ministry = models.ForeignKey(
        "Organization",
        verbose_name=_("supervising ministry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervised_sectors",
    )

    scope_class = ScopeClass.DIRECTORY
    scope_path = "supervising_ministry"

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self) -> str:
        return self.name_en if get_language() == "en" else self.name


# What may be set on an organisation after its code (forms, services and the API share it).
ORGANIZATION_EDITABLE_FIELDS = (
    "name",
    "name_en",
    "kind",
    "parent",
    "local_government_level",
    "sector",
    "corporate_number",
    "local_government_code",
    "valid_from",
    "valid_to",
)


class Organization(NamedInTwoLanguages, Versioned, TimeStampedModel):
    """A body in the governance model: ministry, agency, local government, operator …

    ``code`` is the stable identifier used in URLs, imports and the API. Names are kept in
    Japanese (official) and English; former names stay in ``names`` with their periods.
    """

    code = models.CharField(_("code"), max_length=64, unique=True, validators=[code_validator])
    name = models.CharField(_("name (Japanese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganizationKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("supervising organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_(
            "The supervising ministry of an independent agency; the prefecture of a municipality."
        ),
    )
    local_government_level = models.CharField(
        _("local government level"), max_length=16, choices=LocalGovernmentLevel.choices, blank=True
    )
    sector = models.ForeignKey(
        Sector,
        verbose_name=_("sector"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="operators",
    )
    corporate_number = models.CharField(
        _("corporate number"),
        max_length=13,
        blank=True,
        validators=[validate_corporate_number],
        help_text=_("The corporate number: 13 digits, the first a check digit."),
    )
    local_government_code = models.CharField(
        _("local government code"),
        max_length=6,
        blank=True,
        validators=[validate_local_government_code],
        help_text=_("The nationwide local government code: 6 digits, the last a check digit."),
    )
    valid_from = models.DateField(_("exists from"), null=True, blank=True)
    valid_to = models.DateField(_("exists until"), null=True, blank=True)

    scope_class = ScopeClass.DIRECTORY
    scope_path = "id"

    class Meta:
        ordering = ["code"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        indexes = [
            models.Index(Lower("name"), name="organization_name_lower_idx"),
            models.Index(fields=["kind", "code"], name="organization_kind_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=OrganizationKind.values), name="organization_kind_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")), name="organization_not_own_parent"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    kind="local_government",
                    local_government_level__in=["prefecture", "municipality"],
                )
                | (~models.Q(kind="local_government") & models.Q(local_government_level="")),
                name="organization_lg_level_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["corporate_number"],
                condition=~models.Q(corporate_number=""),
                name="organization_corporate_number_unique",
            ),
            models.UniqueConstraint(
                fields=["local_government_code"],
                condition=~models.Q(local_government_code=""),
                name="organization_lg_code_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="organization_period_ordered",
            ),
        ]

    def clean(self) -> None:
        """The shape each kind needs: agencies under a ministry, municipalities under a
        prefecture, operators in a sector; identifiers only where they belong."""
        errors: dict[str, list] = {}

        def error(field: str, message) -> None:
            errors.setdefault(field, []).append(message)

        parent = self.parent if self.parent_id else None
        if self.kind in (OrganizationKind.INDEPENDENT_AGENCY, OrganizationKind.IPA) and (
            parent is None or parent.kind != OrganizationKind.MINISTRY
        ):
            error("parent", _("An independent agency needs its supervising ministry."))
        if self.kind == OrganizationKind.LOCAL_GOVERNMENT:
            if not self.local_government_level:
                error("local_government_level", _("Choose prefecture or municipality."))
            elif self.local_government_level == LocalGovernmentLevel.MUNICIPALITY:
                if (
                    parent is None
                    or parent.local_government_level != LocalGovernmentLevel.PREFECTURE
                ):
                    error("parent", _("A municipality needs its prefecture."))
            elif parent is not None:
                error("parent", _("A prefecture has no supervising organization here."))
        elif self.local_government_level:
            error("local_government_level", _("Only local governments have a level."))
        elif self.local_government_code:
            error("local_government_code", _("Only local governments have this code."))
        if self.kind == OrganizationKind.CI_OPERATOR and not self.sector_id:
            error("sector", _("A critical-infrastructure operator needs its sector."))
        if self.kind != OrganizationKind.CI_OPERATOR and self.sector_id:
            error("sector", _("Only critical-infrastructure operators have a sector."))
        if (
            self.local_government_code
            and self.local_government_level == LocalGovernmentLevel.PREFECTURE
            and self.local_government_code[2:5] != "000"
        ):
            error("local_government_code", _("A prefecture's code ends in 000 and a check digit."))
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            error("valid_to", _("The end comes before the start."))
        # A cycle in supervision would make scoping loop: refuse it.
        seen = {self.pk} if self.pk else set()
        while parent is not None:
            if parent.pk in seen:
                error("parent", _("This would make the organization supervise itself."))
                break
            seen.add(parent.pk)
            parent = parent.parent
        if errors:
            raise ValidationError(errors)

    def exists_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    def name_on(self, day: dt.date) -> tuple[str, str]:
        """The (Japanese, English) name in force on ``day``."""
        for former in self.former_names.all():
            if former.covers(day):
                return former.name, former.name_en
        return self.name, self.name_en


class OrganizationName(TimeStampedModel):
    """A former name of an organisation and the period it was in force."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="former_names",
        verbose_name=_("organization"),
    )
    name = models.CharField(_("name (Japanese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    valid_from = models.DateField(_("from"), null=True, blank=True)
    valid_to = models.DateField(_("until"))

    scope_class = ScopeClass.DIRECTORY
    scope_path = "organization"

    class Meta:
        ordering = ["organization_id", "-valid_to"]
        verbose_name = _("former name")
        verbose_name_plural = _("former names")

    def __str__(self) -> str:
        return f"{self.name} (–{self.valid_to})"

    def covers(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and day <= self.valid_to


class RoleHolding(TimeStampedModel):
    """Which organisation held a governance role, and when. Mandates name the role, so a
    handover (NISC to the National Cybersecurity Office) keeps every rule and its history."""

    role = models.CharField(_("role"), max_length=40, choices=GovernanceRole.choices)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="role_holdings",
    )
    valid_from = models.DateField(_("from"), null=True, blank=True)
    valid_to = models.DateField(_("until"), null=True, blank=True)

    scope_class = ScopeClass.DIRECTORY
    scope_path = "organization"

    class Meta:
        ordering = ["role", "valid_from"]
        verbose_name = _("role holding")
        verbose_name_plural = _("role holdings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=GovernanceRole.values), name="role_holding_role_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="role_holding_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        period = f"{self.valid_from or ''}–{self.valid_to or ''}"
        return f"{self.get_role_display()}: {self.organization} ({period})"

    def covers(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    def clean(self) -> None:
        """The holder must be the kind of body the role is for, and one role has one holder
        on any day."""
        errors: dict[str, list] = {}
        if (
            self.organization_id
            and self.role in ROLE_KINDS
            and self.organization.kind not in ROLE_KINDS[self.role]
        ):
            errors.setdefault("organization", []).append(
                _("This kind of organization cannot hold this role.")
            )
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            errors.setdefault("valid_to", []).append(_("The end comes before the start."))
        overlapping = RoleHolding.objects.filter(role=self.role).exclude(pk=self.pk)
        if self.valid_to is not None:
            overlapping = overlapping.filter(
                models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=self.valid_to)
            )
        if self.valid_from is not None:
            overlapping = overlapping.filter(
                models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=self.valid_from)
            )
        if overlapping.exists():
            errors.setdefault("valid_from", []).append(
                _("Another organization holds this role during this period.")
            )
        if errors:
            raise ValidationError(errors)


class GovernanceSettings(TimeStampedModel):
    """The deployment's choice: which governance model is in force, the 論点 setting, and the
    default report route per reporter kind where the model allows alternatives."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    active_model = models.CharField(
        _("active governance model"), max_length=64, default="digital-agency"
    )
    open_question = models.CharField(
        _("Digital Agency audit beyond security"),
        max_length=32,
        choices=OpenQuestionSetting.choices,
        default=OpenQuestionSetting.NONE,
    )
    route_choices = models.JSONField(_("default report routes"), default=dict, blank=True)

    scope_class = ScopeClass.DIRECTORY

    class Meta:
        verbose_name = _("governance settings")
        verbose_name_plural = _("governance settings")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="governance_settings_single")
        ]

    def __str__(self) -> str:
        return f"{self.active_model} ({self.open_question})"
