"""The main menu: each area offered only to those its own permission rule lets in, so a menu
never leads where the user has nothing to do (an overseas liaison gets the sharing area and
their account, not empty national pages). The dashboard builds it because it is the one app
that may ask every domain."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise, SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from shireito.accounts.permissions import may_see_people
from shireito.audits.permissions import may_see_audits
from shireito.cocreation.permissions import may_use_cocreation
from shireito.dashboard.permissions import may_see_tower
from shireito.incidents.permissions import may_see_reports
from shireito.organizations.permissions import may_use_national_areas
from shireito.plans.permissions import may_read_plan
from shireito.registry.permissions import may_see_systems
from shireito.sharing.permissions import may_read_shared
from shireito.standards.permissions import may_see_catalogs


def _everyone(_user: Any) -> bool:
    """The user's own account: every signed-in user."""
    return True


@dataclass(frozen=True)
class Area:
    key: str
    label: str | Promise
    url_name: str
    rule: Callable[[Any], bool]
    # Whether every page under the area's address is the area's (else the address alone).
    prefix: bool = True
    # What the home page says of the area, for those it shows as a card.
    description: str | Promise = ""


AREAS: list[Area] = [
    Area("tower", _("Control tower"), "dashboard:home", may_see_tower, prefix=False),
    Area(
        "organizations",
        _("Organizations"),
        "organizations:list",
        may_use_national_areas,
        description=_("The bodies in the governance model and their people."),
    ),
    Area("systems", _("Information systems"), "registry:list", may_see_systems),
    Area("standards", _("Standards"), "standards:list", may_see_catalogs),
    Area("audits", _("Audits"), "audits:list", may_see_audits),
    Area("incidents", _("Incident reports"), "incidents:list", may_see_reports),
    Area(
        "plans",
        _("Priority plan"),
        "plans:editions",
        may_read_plan,
        description=_("The government's priority plan: its measures, KPIs and roadmaps."),
    ),
    Area(
        "shared",
        _("Shared threat information"),
        "shared:list",
        may_read_shared,
        description=_(
            "The threat information shared with your organization through TAXII, at the TLP "
            "level agreed with it."
        ),
    ),
    Area(
        "cocreation",
        _("Co-creation"),
        "cocreation:index",
        may_use_cocreation,
        description=_(
            "Spaces where central and local government staff ask, answer and propose together."
        ),
    ),
    Area(
        "governance",
        _("Governance"),
        "governance:index",
        may_use_national_areas,
        description=_("Who writes, builds, audits and oversees what, and who reports to whom."),
    ),
    Area("people", _("People"), "accounts:user_list", may_see_people, prefix=False),
    Area(
        "history",
        _("History"),
        "core:audit_log",
        may_use_national_areas,
        prefix=False,
        description=_("The tamper-evident record of every change."),
    ),
    Area(
        "tokens",
        _("API tokens"),
        "accounts:api_tokens",
        _everyone,
        prefix=False,
        description=_("Tokens for scripts and other systems that use the API."),
    ),
    Area("two_factor", _("Two-factor sign-in"), "accounts:two_factor", _everyone, prefix=False),
]


@dataclass(frozen=True)
class MenuItem:
    key: str
    label: str | Promise
    url: str
    current: bool
    description: str | Promise = ""


def menu_for(user: Any, path: str = "") -> list[MenuItem]:
    """The areas ``user`` may use, in menu order, the one ``path`` is in marked current."""
    if not (user and user.is_authenticated):
        return []
    notices = reverse("incidents:notices")
    items = []
    for area in AREAS:
        if not area.rule(user):
            continue
        url = reverse(area.url_name)
        inside = path.startswith(url) if area.prefix else path == url
        if area.key == "incidents" and path.startswith(notices):
            inside = False  # the notices live under /incidents/ but belong to the account
        items.append(MenuItem(area.key, area.label, url, inside, area.description))
    return items


def main_menu(request) -> dict:
    """Context processor: ``main_menu``, worked out only when a page shows it."""
    return {
        "main_menu": SimpleLazyObject(
            lambda: menu_for(getattr(request, "user", None), request.path)
        )
    }
