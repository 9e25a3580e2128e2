"""Compliance: the share of controls satisfied in the latest audits, per organisation and per
catalog area (weakest first), and its trend across fiscal years. A ministry sees its bodies
beside the median and quartiles of the bodies in its view, no body named (see
``audits.figures`` for why the benchmark is drawn from what the viewer may see)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from shireito.audits import figures as audit_figures
from shireito.audits.choices import AuditStatus
from shireito.dashboard.figures import (
    Cell,
    Chart,
    Column,
    Figure,
    Section,
    Table,
    benchmark,
)
from shireito.dashboard.sections.posture import postures_of
from shireito.dashboard.tower import TowerKind, Viewer
from shireito.registry.selectors import fiscal_year_label


def _audits_href(**query) -> str:
    return reverse("audits:list") + "?" + urlencode(query)


def build(viewer: Viewer) -> Section | None:
    postures = postures_of(viewer)
    organizations = audit_figures.organization_postures(postures)
    if not any(o.audited.assessed for o in organizations.values()):
        return None
    names = audit_figures.organizations_named(organizations)
    whole = audit_figures.Share()
    for org in organizations.values():
        whole.add(org.audited.satisfied, org.audited.assessed)
    section = Section(
        key="compliance",
        title=_("Compliance"),
        description=_(
            "Share of assessed controls satisfied, from each system's latest closed audit "
            "(not applicable and not assessed controls left out)."
        ),
        figures=[
            Figure(
                "satisfied_share",
                _("Controls satisfied in the latest audits"),
                whole.percent,
                kind="percent",
                href=_audits_href(status=AuditStatus.CLOSED),
            ),
            Figure("systems_audited", _("Systems with an audit result"), _audited(postures)),
        ],
    )
    section.tables.append(_by_organization(organizations, names))
    if viewer.kind == TowerKind.MINISTRY:
        _add_benchmark(section, organizations)
    areas = audit_figures.compliance_by_area(
        user=viewer.user, audit_ids=audit_figures.latest_audits(postures)
    )
    if areas:
        weakest = areas[0]
        section.figures.append(
            Figure(
                "weakest_area",
                _("Weakest area"),
                weakest.share.percent,
                kind="percent",
                note=f"{weakest.label} {weakest.title}".strip(),
            )
        )
    section.tables.append(_by_area(areas))
    section.tables.append(_trend(audit_figures.compliance_trend(user=viewer.user), viewer))
    return section


def _audited(postures) -> int:
    return sum(1 for p in postures.values() if p.audited.assessed)


def _by_organization(organizations, names) -> Table:
    table = Table(
        key="by_organization",
        title=_("Compliance per organization"),
        columns=[
            Column("organization", _("Organization")),
            Column("systems", _("Systems audited"), "count"),
            Column("satisfied", _("Controls satisfied"), "count"),
            Column("assessed", _("Controls assessed"), "count"),
            Column("share", _("Share satisfied"), "percent"),
        ],
        chart=Chart("bar", "organization", ["share"]),
        empty=_("No closed audits yet."),
    )
    rows = [o for o in organizations.values() if o.audited.assessed]
    rows.sort(key=lambda o: (o.audited.percent or 0, names[o.organization_id].code))
    for org in rows:
        body = names[org.organization_id]
        href = _audits_href(search=body.code, status=AuditStatus.CLOSED)
        table.rows.append(
            [
                Cell(body.code, href=href, display=str(body)),
                Cell(org.audited_systems),
                Cell(org.audited.satisfied),
                Cell(org.audited.assessed),
                Cell(org.audited.percent),
            ]
        )
    return table


def _add_benchmark(section: Section, organizations) -> None:
    spread = benchmark([o.audited.percent for o in organizations.values() if o.audited.assessed])
    if spread is None:
        section.description += " " + _(
            "No median is shown: fewer than five bodies are in view, and a median of so few "
            "would let a reader work out one body's figure."
        )
        return
    section.figures += [
        Figure("median_share", _("Median of the bodies in view"), spread.median, "percent"),
        Figure("lower_quartile", _("Lower quartile"), spread.lower_quartile, "percent"),
        Figure("upper_quartile", _("Upper quartile"), spread.upper_quartile, "percent"),
    ]


def _by_area(areas) -> Table:
    table = Table(
        key="by_area",
        title=_("Compliance per catalog area, weakest first"),
        description=_("An area is a top-level part of the catalog the controls belong to."),
        columns=[
            Column("area", _("Area")),
            Column("satisfied", _("Controls satisfied"), "count"),
            Column("assessed", _("Controls assessed"), "count"),
            Column("share", _("Share satisfied"), "percent"),
        ],
        chart=Chart("bar", "area", ["share"]),
        empty=_("No closed audits yet."),
    )
    several = len({area.catalog for area in areas}) > 1
    for area in areas:
        name = f"{area.label} {area.title}".strip()
        if several:  # the same part number in two catalogs: say which
            name = f"{name} ({area.catalog})"
        table.rows.append(
            [
                Cell(area.label, display=name),
                Cell(area.share.satisfied),
                Cell(area.share.assessed),
                Cell(area.share.percent),
            ]
        )
    return table


def _trend(years, viewer: Viewer) -> Table:
    table = Table(
        key="trend",
        title=_("Compliance by fiscal year"),
        columns=[
            Column("fiscal_year", _("Fiscal year"), "fiscal_year"),
            Column("audits", _("Closed audits"), "count"),
            Column("audited", _("Share satisfied (audit)"), "percent"),
            Column("claimed", _("Share satisfied (self-assessment)"), "percent"),
        ],
        chart=Chart("trend", "fiscal_year", ["audited", "claimed"]),
        empty=_("No closed audits yet."),
    )
    for year in years:
        href = _audits_href(year=year.fiscal_year, status=AuditStatus.CLOSED)
        table.rows.append(
            [
                Cell(
                    year.fiscal_year, display=fiscal_year_label(year.fiscal_year, viewer.language)
                ),
                Cell(year.audits, href=href),
                Cell(year.audited.percent),
                Cell(year.claimed.percent),
            ]
        )
    return table
