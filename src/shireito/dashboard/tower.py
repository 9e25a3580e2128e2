"""Which tower a user gets: the whole government for the bodies that oversee it, a ministry's
own bodies, a prefecture's municipalities, a municipality's own migration; plus the audits of
an auditor and the queue of an incident handler. Every section is then scoped to the user by
the domains' selectors: the tower decides only what to show, never what may be seen."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from shireito.accounts.choices import Role
from shireito.organizations.choices import LocalGovernmentLevel, OrganizationKind

if TYPE_CHECKING:
    from shireito.accounts.models import User
    from shireito.organizations.models import Organization


class TowerKind(models.TextChoices):
    WHOLE_GOVERNMENT = "whole_government", _("whole government")
    MINISTRY = "ministry", _("ministry and the bodies it supervises")
    PREFECTURE = "prefecture", _("prefecture and its municipalities")
    MUNICIPALITY = "municipality", _("municipality")
    ORGANIZATION = "organization", _("own organization")


# The bodies whose tower is the whole government: they oversee, audit or coordinate it.
WHOLE_GOVERNMENT_KINDS = frozenset(
    {
        OrganizationKind.DIGITAL_AGENCY,
        OrganizationKind.NATIONAL_CYBER_CENTRE,
        OrganizationKind.CYBERSECURITY_HQ,
        OrganizationKind.CABINET,
    }
)


@dataclass
class Viewer:
    """Who looks at the tower, and from when: built once per request."""

    user: User
    kind: str
    # The body the tower is drilled down to (its own tower kind, the user's rights), if any.
    focus: Organization | None = None
    today: dt.date = field(default_factory=timezone.localdate)
    language: str = field(default_factory=lambda: get_language() or "ja")

    @property
    def kind_label(self) -> str:
        return str(TowerKind(self.kind).label)

    @property
    def organization(self) -> Organization:
        """The body whose tower this is: the one drilled down to, or the user's own."""
        return self.focus or self.user.organization

    @property
    def english(self) -> bool:
        return self.language.startswith("en")

    @property
    def is_auditor(self) -> bool:
        return self.user.has_role(Role.AUDITOR)

    @property
    def is_incident_handler(self) -> bool:
        return self.user.has_role(Role.INCIDENT_HANDLER)


def tower_kind(user: User, focus: Organization | None = None) -> str:
    if focus is None and getattr(user, "is_platform_admin", False):
        return TowerKind.WHOLE_GOVERNMENT
    organization = focus or user.organization
    if organization.kind in WHOLE_GOVERNMENT_KINDS:
        return TowerKind.WHOLE_GOVERNMENT
    if organization.kind == OrganizationKind.MINISTRY:
        return TowerKind.MINISTRY
    if organization.kind == OrganizationKind.LOCAL_GOVERNMENT:
        if organization.local_government_level == LocalGovernmentLevel.PREFECTURE:
            return TowerKind.PREFECTURE
        return TowerKind.MUNICIPALITY
    return TowerKind.ORGANIZATION


def viewer_for(user: User, focus: Organization | None = None) -> Viewer:
    return Viewer(user=user, kind=tower_kind(user, focus), focus=focus)
