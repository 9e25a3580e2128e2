"""The control tower's incident section: where the reports the viewer may see stand on their
routes, the overdue reporting stages, the reports waiting for the viewer's organisation, how
long each hop takes, and the counts by category, sector and year. Every number links to the
incident list filtered to exactly the reports it counts."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from shireito.dashboard.figures import Cell, Chart, Column, Figure, Section, Table
from shireito.dashboard.tower import Viewer
from shireito.incidents import figures
from shireito.incidents.choices import HopStatus, IncidentCategory, ReportStage, TimingMeasure
from shireito.incidents.selectors import ANY_REGIME, SUBMITTED, route_places

ROWS = 20


def reports_href(**filters) -> str:
    """The incident list filtered as a figure counts."""
    query = urlencode({k: v for k, v in filters.items() if v not in ("", None)})
    return reverse("incidents:list") + (f"?{query}" if query else "")


def _report_href(number: str) -> str:
    return reverse("incidents:detail", args=[number])


def build(viewer: Viewer) -> Section | None:
    user = viewer.user
    stages = figures.stage_counts(user)
    overdue = figures.overdue_summary(user, rows=ROWS)
    waiting_count, waiting = figures.queue(user, rows=ROWS)
    if not stages and not overdue.stages and not waiting_count:
        return None
    by_stage = dict.fromkeys(ReportStage.values, 0)
    for row in stages:
        by_stage[row["stage"]] += row["reports"]
    section = Section(
        key="incidents",
        title=_("Incident reports"),
        description=_(
            "Reports your organization made or that reached it on their route; each number "
            "leads to the reports it counts."
        ),
    )
    section.figures = _headline(by_stage, overdue, waiting_count, viewer)
    section.tables = [
        _overdue_table(overdue, viewer),
        _waiting_table(waiting, waiting_count),
        _stage_table(stages),
        _timing_table(figures.timings(user)),
        _category_table(figures.counts_by(user, "category")),
        _sector_table(figures.counts_by(user, "sector"), figures.sector_names(user)),
        *_trend_tables(figures.trend(user), viewer),
    ]
    return section


def _headline(by_stage: dict, overdue, waiting_count: int, viewer: Viewer) -> list[Figure]:
    open_reports = by_stage[ReportStage.RECEIVED] + by_stage[ReportStage.ACKNOWLEDGED]
    found = [
        Figure(
            "open",
            _("Open reports"),
            open_reports,
            href=reports_href(status="open"),
        ),
        Figure(
            "not_acknowledged",
            _("Received, not yet acknowledged"),
            by_stage[ReportStage.RECEIVED],
            href=reports_href(stage=ReportStage.RECEIVED),
            flag="warning" if by_stage[ReportStage.RECEIVED] else "",
        ),
        Figure(
            "overdue",
            _("Reports with an overdue reporting stage"),
            overdue.reports,
            href=reports_href(overdue=ANY_REGIME),
            flag="danger" if overdue.reports else "",
            note=(
                ngettext("%(count)d stage overdue", "%(count)d stages overdue", overdue.stages)
                % {"count": overdue.stages}
                if overdue.stages
                else ""
            ),
        ),
    ]
    if viewer.user.organization_id:
        found.append(
            Figure(
                "waiting",
                _("Waiting for your organization"),
                waiting_count,
                href=reports_href(waiting=1),
                flag="warning" if waiting_count else "",
            )
        )
    if by_stage[ReportStage.DRAFT]:
        found.append(
            Figure(
                "drafts",
                _("Drafts not yet submitted"),
                by_stage[ReportStage.DRAFT],
                href=reports_href(stage=ReportStage.DRAFT),
            )
        )
    found.append(
        Figure(
            "closed",
            _("Closed reports"),
            by_stage[ReportStage.CLOSED],
            href=reports_href(stage=ReportStage.CLOSED),
        )
    )
    return found


def _overdue_table(overdue, viewer: Viewer) -> Table:
    english = viewer.english
    table = Table(
        key="overdue",
        title=_("Overdue reporting stages"),
        description=_("Regime stages past their deadline on reports you may see, earliest first"),
        columns=[
            Column("report", _("Incident report")),
            Column("stage", _("Reporting stage")),
            Column("due", _("Due"), "date"),
            Column("reporter", _("Reporting organization")),
        ],
        empty=_("No reporting stage is overdue."),
        more_href=reports_href(overdue=ANY_REGIME) if overdue.stages > ROWS else "",
    )
    for report, clock in overdue.first:
        regime = clock.regime.name_en if english else clock.regime.name
        stage = clock.stage.label_en if english else clock.stage.label
        due = timezone.localtime(clock.due_at) if clock.due_at else None
        table.rows.append(
            [
                Cell(
                    report.number,
                    href=_report_href(report.number),
                    display=f"{report.number} {report.title}",
                ),
                Cell(f"{regime}: {stage}"),
                Cell(due.date() if due else None, flag="danger", note=_("overdue")),
                Cell(str(report.reporter)),
            ]
        )
    return table


def _waiting_table(waiting: list, count: int) -> Table:
    table = Table(
        key="waiting",
        title=_("Waiting for your organization"),
        description=_("Reports your organization has on their route now, longest waiting first"),
        columns=[
            Column("report", _("Incident report")),
            Column("reporter", _("Reporting organization")),
            Column("step", _("Your step")),
            Column("received", _("Received"), "date"),
        ],
        empty=_("No report is waiting for your organization."),
        more_href=reports_href(waiting=1) if count > len(waiting) else "",
    )
    for hop in waiting:
        report = hop.report
        received = timezone.localtime(hop.received_at).date() if hop.received_at else None
        table.rows.append(
            [
                Cell(
                    report.number,
                    href=_report_href(report.number),
                    display=f"{report.number} {report.title}",
                ),
                Cell(str(report.reporter)),
                Cell(hop.status, display=str(HopStatus(hop.status).label)),
                Cell(received),
            ]
        )
    return table


def _stage_table(stages: list[dict]) -> Table:
    """Open reports by the place on the route that has them, received or being handled."""
    places: dict[str, dict[str, int]] = {}
    for row in stages:
        if row["stage"] in (ReportStage.RECEIVED, ReportStage.ACKNOWLEDGED):
            places.setdefault(row["place"], {}).setdefault(row["stage"], 0)
            places[row["place"]][row["stage"]] += row["reports"]
    table = Table(
        key="open_by_stage",
        title=_("Open reports by stage"),
        description=_(
            "Where on their route the open reports are, and whether it has acknowledged them"
        ),
        columns=[
            Column("place", _("Place on the route")),
            Column("received", str(ReportStage.RECEIVED.label), "count"),
            Column("acknowledged", str(ReportStage.ACKNOWLEDGED.label), "count"),
            Column("total", pgettext("incident reports", "Open"), "count"),
        ],
        empty=_("No report is open."),
        chart=Chart(kind="stacked", label="place", values=["received", "acknowledged"]),
    )
    for place, counts in sorted(places.items()):
        received = counts.get(ReportStage.RECEIVED, 0)
        acknowledged = counts.get(ReportStage.ACKNOWLEDGED, 0)
        table.rows.append(
            [
                Cell(place, display=figures.place_label(place) if place else "—"),
                Cell(received, href=reports_href(stage=ReportStage.RECEIVED, place=place)),
                Cell(acknowledged, href=reports_href(stage=ReportStage.ACKNOWLEDGED, place=place)),
                Cell(received + acknowledged, href=reports_href(place=place)),
            ]
        )
    return table


def _hours(value: float) -> str:
    return _("%(hours)s h") % {"hours": f"{value:,.1f}"}


def _timing_table(timings: list) -> Table:
    routes = route_places()
    table = Table(
        key="timings",
        title=_("Time to acknowledge and to close, per route and hop"),
        description=_(
            "Mean time from receiving a report to acknowledging it at each step of each "
            "route, and from submission to closing over the whole route; the median lies "
            "within the bound shown"
        ),
        columns=[
            Column("route", _("Route")),
            Column("step", _("Step")),
            Column("measure", _("Measure")),
            Column("reports", _("Reports"), "count"),
            Column("mean_hours", _("Mean (hours)")),
            Column("median_within_hours", _("Median within (hours)")),
        ],
        empty=_("No report has been acknowledged yet."),
    )
    for timing in timings:
        places = routes.get(timing.route_key, [])
        if timing.measure == TimingMeasure.CLOSE:
            step = _("whole route")
            href = reports_href(route=timing.route_key, stage=ReportStage.CLOSED)
        else:
            place = places[timing.position - 1] if timing.position <= len(places) else ""
            step = (
                f"{timing.position}. {figures.place_label(place)}"
                if place
                else str(timing.position)
            )
            href = reports_href(route=timing.route_key, acknowledged_hop=timing.position)
        median = timing.median_within_hours
        table.rows.append(
            [
                Cell(
                    timing.route_key,
                    display=figures.route_label(places) if places else _("another route"),
                ),
                Cell(timing.position, display=step),
                Cell(timing.measure, display=str(TimingMeasure(timing.measure).label)),
                Cell(timing.reports, href=href),
                Cell(timing.mean_hours, display=_hours(timing.mean_hours)),
                Cell(
                    median,
                    display=_hours(median) if median is not None else _("longer than 30 days"),
                ),
            ]
        )
    return table


def _count_columns(key: str, label: str) -> list[Column]:
    return [
        Column(key, label),
        Column("open", pgettext("incident report", "open"), "count"),
        Column("closed", pgettext("incident report", "closed"), "count"),
        Column("total", _("Submitted"), "count"),
    ]


def _count_row(key: str, display: str, row: dict, **filters) -> list[Cell]:
    return [
        Cell(row[key], display=display),
        Cell(row["open"], href=reports_href(status="open", **filters)),
        Cell(row["closed"], href=reports_href(status="closed", **filters)),
        Cell(row["total"], href=reports_href(stage=SUBMITTED, **filters)),
    ]


def _category_table(rows: list[dict]) -> Table:
    table = Table(
        key="categories",
        title=_("Reports by category"),
        description=_("Submitted reports by category, largest first"),
        columns=_count_columns("category", _("Category")),
        empty=_("No report has been submitted."),
        chart=Chart(kind="bar", label="category", values=["total"]),
    )
    for row in rows:
        label = str(IncidentCategory(row["category"]).label)
        table.rows.append(_count_row("category", label, row, category=row["category"]))
    return table


def _sector_table(rows: list[dict], names: dict[str, str]) -> Table:
    table = Table(
        key="sectors",
        title=_("Reports by sector"),
        description=_(
            "Submitted reports of critical-infrastructure operators by their sector "
            "(government bodies belong to no sector)"
        ),
        columns=_count_columns("sector", _("Sector")),
        empty=_("No operator's report has been submitted."),
        chart=Chart(kind="bar", label="sector", values=["total"]),
    )
    for row in rows:
        if row["sector"]:
            label = names.get(row["sector"], row["sector"])
            table.rows.append(_count_row("sector", label, row, sector=row["sector"]))
    return table


def _trend_tables(trend: dict, viewer: Viewer) -> list[Table]:
    years = Table(
        key="trend",
        title=_("Reports by fiscal year"),
        description=_("Submitted reports by the fiscal year in which the incident became known"),
        columns=[
            Column("fiscal_year", _("Fiscal year"), "fiscal_year"),
            Column("reports", _("Reports"), "count"),
        ],
        empty=_("No report has been submitted."),
        chart=Chart(kind="trend", label="fiscal_year", values=["reports"]),
    )
    for row in trend["fiscal_years"]:
        years.rows.append(
            [
                Cell(row["fiscal_year"]),
                Cell(
                    row["reports"],
                    href=reports_href(stage=SUBMITTED, fiscal_year=row["fiscal_year"]),
                ),
            ]
        )
    months = Table(
        key="trend_months",
        title=_("Reports by month, last twelve months"),
        description=_("Submitted reports by the month in which the incident became known"),
        columns=[Column("month", _("Month")), Column("reports", _("Reports"), "count")],
        empty=_("No report has been submitted."),
        chart=Chart(kind="trend", label="month", values=["reports"]),
    )
    today = viewer.today
    first = (today.year - 1) * 100 + today.month + 1 if today.month < 12 else today.year * 100 + 1
    for row in (r for r in trend["months"] if r["month"] >= first):
        text = f"{row['month'] // 100}-{row['month'] % 100:02d}"
        months.rows.append(
            [
                Cell(text),
                Cell(row["reports"], href=reports_href(stage=SUBMITTED, month=text)),
            ]
        )
    return [years, months]
