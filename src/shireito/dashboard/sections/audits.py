"""Audits: the annual plan's coverage (organisations due an audit under the cycle rules,
covered or not, and their systems without one), open findings by grade and age, overdue
corrective actions; for an auditor, their own organisation's audits by status and those with
a stage overdue. Each count links to the list that produces it."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from shireito.audits import figures as audit_figures
from shireito.audits import selectors as audit_selectors
from shireito.audits.choices import AuditStatus, FindingStatus, NonconformityGrade
from shireito.dashboard.figures import Cell, Column, Figure, Section, Table
from shireito.dashboard.tower import Viewer
from shireito.registry.selectors import current_fiscal_year

AGE_BANDS = audit_figures.AGE_BAND_CHOICES


def _href(name: str, **query) -> str:
    url = reverse(name)
    return url + "?" + urlencode(query) if query else url


def build(viewer: Viewer) -> Section | None:
    user, today = viewer.user, viewer.today
    year = current_fiscal_year(today)
    plan = audit_selectors.audit_plan(user=user, fiscal_year=year)
    findings = audit_figures.open_findings_by_grade_and_age(user=user, today=today)
    overdue = audit_figures.overdue_action_count(user=user, today=today)
    own = audit_figures.own_audits_by_status(user=user) if viewer.is_auditor else {}
    if not (plan or findings or overdue or own):
        return None
    open_total = sum(sum(bands.values()) for bands in findings.values())
    due = [e for e in plan if e.due]
    gaps = [e for e in due if not e.covered]
    plan_href = _href("audits:plan", year=year)
    section = Section(
        key="audits",
        title=_("Audits"),
        description=_(
            "Coverage of this fiscal year's audit plan under the audit cycle rules, open "
            "findings by grade and age, and corrective actions past their due date."
        ),
        figures=[
            Figure(
                "plan_gaps",
                _("Organizations due an audit with none planned"),
                len(gaps),
                href=plan_href,
                flag="warning" if gaps else "",
            ),
            Figure(
                "open_findings",
                _("Open findings"),
                open_total,
                href=_href("audits:findings", status=FindingStatus.OPEN),
            ),
            Figure(
                "overdue_actions",
                _("Overdue corrective actions"),
                overdue,
                href=_href("audits:actions", overdue=1),
                flag="danger" if overdue else "",
            ),
        ],
    )
    section.tables.append(_plan(due, gaps, plan_href))
    section.tables.append(_findings(findings))
    if viewer.is_auditor:
        section.tables.append(
            _own_audits(own, audit_figures.own_audits_with_overdue_stages(user=user, today=today))
        )
    return section


def _plan(due, gaps, href: str) -> Table:
    systems = sum(e.systems for e in due)
    covered = sum(min(e.systems_covered, e.systems) for e in due)
    table = Table(
        key="plan",
        title=_("This fiscal year's audit plan"),
        columns=[Column("item", _("Item")), Column("count", _("Count"), "count")],
    )
    table.rows = [
        [Cell("due", display=_("Organizations due an audit")), Cell(len(due), href=href)],
        [
            Cell("covered", display=_("of which with an audit planned")),
            Cell(len(due) - len(gaps), href=href),
        ],
        [
            Cell("gaps", display=_("of which with none planned")),
            Cell(len(gaps), href=href, flag="warning" if gaps else ""),
        ],
        [Cell("systems", display=_("Systems of the organizations due")), Cell(systems)],
        [
            Cell("systems_unplanned", display=_("of which in no audit this year")),
            Cell(systems - covered, href=href, flag="warning" if systems > covered else ""),
        ],
    ]
    return table


def _findings(findings: dict[str, dict[str, int]]) -> Table:
    table = Table(
        key="open_findings",
        title=_("Open findings by grade and age"),
        description=_("Age in days since the finding was raised."),
        columns=[
            Column("grade", _("Nonconformity grade")),
            *(
                Column(f"age_{key}", str(label), "count")
                for key, label in audit_figures.AGE_BAND_CHOICES
            ),
            Column("total", _("Total"), "count"),
        ],
        empty=_("No open findings."),
    )
    for grade, label in NonconformityGrade.choices:
        bands = findings.get(grade)
        if not bands:
            continue
        query = {"grade": grade, "status": FindingStatus.OPEN}
        cells = [Cell(grade, display=str(label))]
        for key, _label in AGE_BANDS:
            late = key == "181-" and bands[key]
            cells.append(
                Cell(
                    bands[key],
                    href=_href("audits:findings", **query, age=key),
                    flag="warning" if late else "",
                )
            )
        cells.append(Cell(sum(bands.values()), href=_href("audits:findings", **query)))
        table.rows.append(cells)
    return table


def _own_audits(by_status: dict[str, int], overdue_stages: int) -> Table:
    table = Table(
        key="own_audits",
        title=_("Audits my organization carries out"),
        columns=[Column("status", _("Status")), Column("count", _("Audits"), "count")],
    )
    for status, label in AuditStatus.choices:
        table.rows.append(
            [
                Cell(status, display=str(label)),
                Cell(by_status.get(status, 0), href=_href("audits:list", mine=1, status=status)),
            ]
        )
    table.rows.append(
        [
            Cell("overdue", display=_("with a stage overdue")),
            Cell(
                overdue_stages,
                href=_href("audits:list", mine=1, overdue=1),
                flag="warning" if overdue_stages else "",
            ),
        ]
    )
    return table
