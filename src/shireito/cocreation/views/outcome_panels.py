"""The proposals a measure or a system carries out, on the measure's and the system's pages
(``core.panels``): only proposals of spaces the reader may read."""

from __future__ import annotations

from django.template.loader import render_to_string

from shireito.cocreation.choices import LinkKind
from shireito.cocreation.selectors.outcomes import measure_key, proposals_carried_by


def _panel(request, kind: str, key: str) -> str:
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return ""
    outcomes = proposals_carried_by(user, kind, key)
    if not outcomes:
        return ""
    return render_to_string(
        "cocreation/partials/_carried_proposals.html", {"outcomes": outcomes}, request=request
    )


def system_proposals(request, system) -> str:
    return _panel(request, LinkKind.SYSTEM, system.code)


def measure_proposals(request, measure) -> str:
    return _panel(request, LinkKind.MEASURE, measure_key(measure))
