"""What the incident pages share: the scoped report lookup, field names in words, a service's
errors as text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import get_language, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _lazy

from shireito.core.pages import get_or_404
from shireito.incidents import (
    selectors,
)
from shireito.incidents.choices import (
    REQUIRABLE_FIELDS,
    HopStatus,
)
from shireito.incidents.models import IncidentReport
from shireito.registry.selectors import system_list

if TYPE_CHECKING:
    from shireito.accounts.models import User

ACTIVE_HOP = (HopStatus.RECEIVED, HopStatus.ACKNOWLEDGED)


def _report(request, number: str) -> IncidentReport:
    return get_or_404(selectors.report_get(request.user, number))


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _own_systems(user: User, organization):
    """The reporter's systems the user may see (the services refuse anyone else's)."""
    return system_list(user=user, owner=organization.code)


def _english() -> bool:
    return get_language() == "en"


# Names for the fields a service's error may be about, beyond those a stage may require.
FIELD_LABELS = {
    **REQUIRABLE_FIELDS,
    "route": pgettext_lazy("incident report", "route"),
    "personal_data": _lazy("personal data involved"),
    "tlp": "TLP",
    "stage": pgettext_lazy("incident report", "regime stage"),
    "file": _lazy("file"),
}


def _field_label(name: str) -> str:
    return str(FIELD_LABELS.get(name, name))


def _named_errors(error: ValidationError) -> list[str]:
    """A service's errors, each with the field it is about named in words."""
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    texts = []
    for name, problems in error.message_dict.items():
        for problem in problems:
            if name in ("__all__", "", None):
                texts.append(problem)
            else:
                texts.append(f"{_field_label(name)}: {problem}")
    return texts


def _offset_text(offset) -> str:
    """A deadline offset in hours, and in days where it is whole days."""
    hours = offset.total_seconds() / 3600
    text = ngettext("%(hours)s hour", "%(hours)s hours", int(hours) if hours >= 1 else 2) % {
        "hours": f"{hours:g}"
    }
    if hours >= 48 and hours % 24 == 0:
        days = int(hours // 24)
        text += " " + ngettext("(%(days)d day)", "(%(days)d days)", days) % {"days": days}
    return text


def _back(report):
    return redirect("incidents:detail", number=report.number)
