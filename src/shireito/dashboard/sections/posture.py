"""Posture, three ways side by side: for each organisation and system, its own
self-assessment, its latest audit result and the Digital Agency's oversight rating, each with
its date and age; flagged where the self-assessment is far above the audit
(``audits.figures.GAP_POINTS``) or the rating is older than its schedule."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from shireito.audits import figures as audit_figures
from shireito.dashboard.figures import Cell, Column, Figure, Section, Table
from shireito.dashboard.sections._common import tower_link
from shireito.dashboard.tower import Viewer
from shireito.registry import selectors as registry_selectors

SYSTEMS_SHOWN = 50
ORGANIZATIONS_SHOWN = 100


def postures_of(viewer: Viewer) -> dict:
    """The systems' postures, read once per viewer (a request): the posture and compliance
    sections both start from them."""
    cached = viewer.__dict__.get("_audit_postures")
    if cached is None:
        cached = viewer.__dict__["_audit_postures"] = audit_figures.system_postures(
            user=viewer.user
        )
    return cached


def _age(day, viewer: Viewer) -> int | None:
    return (viewer.today - day).days if day else None


def _results_href(number: str, system_code: str) -> str:
    if not number:
        return ""
    return reverse("audits:results", args=[number]) + "?" + urlencode({"system": system_code})


def _gap_cell(gap: float | None, disagrees: bool) -> Cell:
    if not disagrees:
        return Cell(gap)
    return Cell(
        gap,
        flag="warning",
        note=_("The self-assessment is %(points)d points or more above the audit result.")
        % {"points": audit_figures.GAP_POINTS},
    )


def build(viewer: Viewer) -> Section | None:
    postures = postures_of(viewer)
    if not postures:
        return None
    organizations = audit_figures.organization_postures(postures)
    shown = sorted(organizations.values(), key=lambda o: -(o.gap or -1000))
    names = audit_figures.organizations_named(
        {o.organization_id for o in shown[:ORGANIZATIONS_SHOWN]}
        | {
            p.owner_id
            for p in sorted(postures.values(), key=lambda p: -(p.gap or -1000))[:SYSTEMS_SHOWN]
        }
    )
    disagreeing = [p for p in postures.values() if p.disagrees]
    section = Section(
        key="posture",
        title=_("Posture: self-assessed, audited and overseen"),
        description=_(
            "Each organization's own self-assessment, its latest audit result and the Digital "
            "Agency's oversight rating, with their dates and age in days. A self-assessment "
            "%(points)d points or more above the audit result is flagged."
        )
        % {"points": audit_figures.GAP_POINTS},
        figures=[
            Figure("systems", _("Systems with a self-assessment or audit"), len(postures)),
            Figure(
                "disagreeing",
                _("Systems self-assessed far above their audit"),
                len(disagreeing),
                flag="warning" if disagreeing else "",
            ),
        ],
    )
    section.tables.append(_organizations(organizations, names, viewer))
    section.tables.append(_systems(postures, names, viewer))
    return section


def _organizations(organizations, names, viewer: Viewer) -> Table:
    table = Table(
        key="by_organization",
        title=_("Posture per organization"),
        columns=[
            Column("organization", _("Organization")),
            Column("systems", _("Systems"), "count"),
            Column("claimed", _("Self-assessment: share satisfied"), "percent"),
            Column("claimed_age", _("Self-assessment: age of the oldest"), "days"),
            Column("audited", _("Audit: share satisfied"), "percent"),
            Column("audited_age", _("Audit: age of the oldest"), "days"),
            Column("gap", _("Self-assessment above audit (points)"), "count"),
            Column("disagreeing", _("Systems flagged"), "count"),
        ],
    )
    rows = sorted(organizations.values(), key=lambda o: -(o.gap or -1000))
    if len(rows) > ORGANIZATIONS_SHOWN:
        table.description = _("The %(count)d organizations furthest apart of %(total)d.") % {
            "count": ORGANIZATIONS_SHOWN,
            "total": len(rows),
        }
    for org in rows[:ORGANIZATIONS_SHOWN]:
        body = names[org.organization_id]
        table.rows.append(
            [
                Cell(
                    body.code,
                    display=str(body),
                    href=tower_link(viewer.user, {"id": org.organization_id, "code": body.code}),
                ),
                Cell(org.systems),
                Cell(org.claimed.percent),
                Cell(_age(org.claimed_on, viewer)),
                Cell(org.audited.percent),
                Cell(_age(org.audited_on, viewer)),
                _gap_cell(org.gap, org.disagrees),
                Cell(org.disagreeing_systems),
            ]
        )
    return table


def _systems(postures, names, viewer: Viewer) -> Table:
    """The systems furthest apart first (the flagged ones), with their oversight rating."""
    shown = sorted(postures.values(), key=lambda p: -(p.gap or -1000))[:SYSTEMS_SHOWN]
    systems = audit_figures.systems_named(p.system_id for p in shown)
    ratings = registry_selectors.latest_ratings(
        user=viewer.user, system_ids=[p.system_id for p in shown]
    )
    stale_before = registry_selectors.stale_before(viewer.today)
    table = Table(
        key="by_system",
        title=_("Posture per system, furthest apart first"),
        columns=[
            Column("system", _("System")),
            Column("owner", _("Owner")),
            Column("claimed", _("Self-assessment: share satisfied"), "percent"),
            Column("claimed_on", _("Self-assessment: date"), "date"),
            Column("claimed_age", _("Self-assessment: age"), "days"),
            Column("audited", _("Audit: share satisfied"), "percent"),
            Column("audited_on", _("Audit: date"), "date"),
            Column("audited_age", _("Audit: age"), "days"),
            Column("gap", _("Self-assessment above audit (points)"), "count"),
            Column("risk", _("Oversight rating"), "risk"),
            Column("rated_on", _("Oversight rating: date"), "date"),
            Column("rated_age", _("Oversight rating: age"), "days"),
        ],
    )
    for posture in shown:
        system = systems[posture.system_id]
        rating = ratings.get(posture.system_id)
        stale = rating is not None and rating.rated_on < stale_before
        table.rows.append(
            [
                Cell(system.code, display=f"{system.code} {system}"),
                Cell(names[posture.owner_id].code, display=str(names[posture.owner_id])),
                Cell(
                    posture.claimed.percent,
                    href=_results_href(posture.claimed_audit, system.code),
                ),
                Cell(posture.claimed_on),
                Cell(_age(posture.claimed_on, viewer)),
                Cell(
                    posture.audited.percent,
                    href=_results_href(posture.audited_audit, system.code),
                ),
                Cell(posture.audited_on),
                Cell(_age(posture.audited_on, viewer)),
                _gap_cell(posture.gap, posture.disagrees),
                Cell(rating.risk if rating else None),
                Cell(rating.rated_on if rating else None),
                Cell(
                    _age(rating.rated_on, viewer) if rating else None,
                    flag="warning" if stale else "",
                    note=_("Older than the rating schedule.") if stale else "",
                ),
            ]
        )
    return table
