"""Organisations: the bodies whose users, systems, audits and reports Shireitō holds."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from shireito.core.models import TimeStampedModel
from shireito.organizations.choices import OrganizationKind

code_validator = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    _("Use lower-case letters, digits and single hyphens, e.g. digital-agency."),
)


class Organization(TimeStampedModel):
    """A body in the governance model: ministry, agency, local government, operator …

    ``code`` is the stable identifier used in URLs, imports and the API; names are kept in
    Japanese (official) and English.
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
    )

    # Every signed-in user may read the directory of organisations.
    scope_public = True
    scope_path = "id"

    class Meta:
        ordering = ["code"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        indexes = [models.Index(Lower("name"), name="organization_name_lower_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=OrganizationKind.values), name="organization_kind_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")), name="organization_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if get_language() == "en" and self.name_en:
            return self.name_en
        return self.name
