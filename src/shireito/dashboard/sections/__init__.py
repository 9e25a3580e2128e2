"""The sections of the tower, and which tower shows which. Each section module has
``build(viewer) -> Section | None`` and reads its domain only through the domain's selectors;
a section answers None when the viewer has nothing there (a municipality has no budget)."""

from __future__ import annotations

from collections.abc import Callable

from shireito.dashboard.figures import Section
from shireito.dashboard.tower import TowerKind, Viewer

Builder = Callable[[Viewer], Section | None]

# Every section by its key (filled in by ``_register`` below).
BUILDERS: dict[str, Builder] = {}

# Which sections each tower shows, in order. Role sections (an auditor's audits, a handler's
# queue) are asked of every tower: they answer None for users without the role.
TOWERS: dict[str, list[str]] = {
    TowerKind.WHOLE_GOVERNMENT: [
        "portfolio",
        "budget",
        "posture",
        "compliance",
        "audits",
        "incidents",
        "recommendations",
        "local",
    ],
    TowerKind.MINISTRY: [
        "portfolio",
        "budget",
        "posture",
        "compliance",
        "audits",
        "incidents",
        "recommendations",
        "local",
    ],
    TowerKind.PREFECTURE: ["local", "portfolio", "posture", "compliance", "audits", "incidents"],
    TowerKind.MUNICIPALITY: ["local", "posture", "compliance", "incidents"],
    TowerKind.ORGANIZATION: ["portfolio", "posture", "compliance", "audits", "incidents"],
}


def keys_for(viewer: Viewer) -> list[str]:
    return [key for key in TOWERS[viewer.kind] if key in BUILDERS]


def build(viewer: Viewer, only: str | None = None) -> list[Section]:
    """The viewer's sections (or the one named ``only``), those with something to show."""
    sections = []
    for key in keys_for(viewer):
        if only and key != only:
            continue
        section = BUILDERS[key](viewer)
        if section is not None:
            sections.append(section)
    return sections


def _register() -> None:
    """Every section module, by its key. Imported here, after the registry above, because
    the section modules import the shared helpers beside them in this package."""
    from shireito.dashboard.sections import (
        audits,
        budget,
        compliance,
        incidents,
        local,
        portfolio,
        posture,
        recommendations,
    )

    BUILDERS.update(
        portfolio=portfolio.build,
        budget=budget.build,
        posture=posture.build,
        compliance=compliance.build,
        audits=audits.build,
        incidents=incidents.build,
        recommendations=recommendations.build,
        local=local.build,
    )


_register()
