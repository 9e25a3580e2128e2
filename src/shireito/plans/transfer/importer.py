"""A whole edition in from a file: into a draft (its content replaced) or as a new draft.

Checked first, every row of every table, and every problem reported at once by its place in
the file (``施策!row 4.deadline``) in the user's language; only a file without problems is
written, in one transaction, with a handful of bulk inserts (an edition of 500 measures and
1,500 KPIs imports in a few seconds) and one audit-trail event naming the counts, as the
catalog importer does. ``dry_run`` runs the whole import and rolls it back
(``core.services.rehearse``), so the check makes exactly the import's checks.

A KPI keeps its series (and so its measurements) when the draft, or the edition the draft was
copied from, already has a KPI of the same code under a measure of the same code.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from shireito.core.choices import AuditAction
from shireito.core.concurrency import claim
from shireito.core.problems import Problem, ProblemsError
from shireito.core.services import is_unstorable, record_audit_event, rehearse
from shireito.organizations.selectors import organization_directory
from shireito.plans.choices import EditionStatus
from shireito.plans.models import (
    InterimTarget,
    Kpi,
    KpiSeries,
    Measure,
    MeasureBudget,
    MeasureControl,
    MeasureSystem,
    Milestone,
    PlanArea,
    PlanEdition,
    Principle,
)
from shireito.plans.permissions import may_import_edition, may_import_new_edition
from shireito.plans.services import edition_create
from shireito.plans.transfer.reader import Row, read_file
from shireito.plans.transfer.tables import BY_KEY, TABLES
from shireito.registry.models import BudgetLine
from shireito.registry.selectors import budget_lines, systems_in_reach
from shireito.standards.models import Catalog, CatalogNode
from shireito.standards.selectors import catalog_visible

if TYPE_CHECKING:
    from shireito.accounts.models import User


@dataclass
class ImportSummary:
    """What an import wrote (or, checked, would write)."""

    year: int
    counts: dict[str, int]
    new_edition: bool
    written: bool = False


@dataclass
class _Plan:
    edition_fields: dict[str, Any] = field(default_factory=dict)
    areas: list[tuple[PlanArea, str]] = field(default_factory=list)
    measures: list[tuple[Measure, str, list[int], list[int]]] = field(default_factory=list)
    kpis: list[tuple[Kpi, str]] = field(default_factory=list)
    interims: list[tuple[InterimTarget, tuple[str, str]]] = field(default_factory=list)
    milestones: list[tuple[Milestone, str]] = field(default_factory=list)
    systems: list[tuple[str, int]] = field(default_factory=list)
    budgets: list[tuple[str, int, int]] = field(default_factory=list)
    controls: list[tuple[str, int, int | None]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "areas": len(self.areas),
            "measures": len(self.measures),
            "kpis": len(self.kpis),
            "interim_targets": len(self.interims),
            "milestones": len(self.milestones),
            "systems": len(self.systems),
            "budget_lines": len(self.budgets),
            "controls": len(self.controls),
        }


def year_taken(year: int) -> bool:
    """Whether an edition of ``year`` exists (seen or not): an import then goes into it."""
    return PlanEdition.objects.filter(year=year).exists()


def edition_import(
    *,
    actor: User | None,
    year: int,
    raw: bytes,
    dry_run: bool = False,
    title: str = "",
) -> ImportSummary:
    """Import ``raw`` (our XLSX workbook or ZIP of CSV files) as the ``year`` edition: into its
    draft, replacing the content, or as a new draft when there is no edition of that year.
    Raises ``ProblemsError`` (location ``file``) with every problem, ``PermissionDenied``, or
    ``ValidationError`` for a published edition."""
    if dry_run:
        summary = rehearse(lambda: edition_import(actor=actor, year=year, raw=raw, title=title))
        summary.written = False
        return summary
    edition = PlanEdition.objects.filter(year=year).first()
    if edition is not None and edition.is_published:
        raise ValidationError(
            _("The %(edition)s is published and cannot change; start a new edition.")
            % {"edition": edition}
        )
    if not (may_import_edition(actor, edition) if edition else may_import_new_edition(actor)):
        raise PermissionDenied(_("Only the Digital Agency's authors import an edition."))
    read = read_file(raw)
    if read.failed >= set(BY_KEY):
        raise ProblemsError(read.problems, location="file")
    # A table that could not be read is reported once; rows referring to it are not blamed.
    blocked = read.failed | {t.key for t in TABLES if t.required and t.key not in read.tables}
    plan, problems = _check(read.tables, actor, blocked)
    problems = read.problems + problems
    fields = plan.edition_fields
    if edition is None and not (title or fields.get("title")):
        problems.append(Problem("$", _("Give the new edition a title (in the form or the file).")))
    if problems:
        raise ProblemsError(problems, location="file")
    with transaction.atomic():
        new = edition is None
        if edition is None:
            fields = {**fields, **({"title": title} if title else {})}
            edition = edition_create(actor=actor, year=year, **fields)
        edition = PlanEdition.objects.select_for_update().get(pk=edition.pk)
        if edition.status != EditionStatus.DRAFT:
            raise ValidationError(_("The edition was published meanwhile."))
        changed = {}
        if not new:
            changed = {
                k: [getattr(edition, k), v] for k, v in fields.items() if getattr(edition, k) != v
            }
            for name, (_before, after) in changed.items():
                setattr(edition, name, after)
            if changed:
                edition.save(update_fields=[*changed, "updated_at"])
        _write(edition, plan)
        claim(edition)
        counts = plan.counts()
        record_audit_event(
            actor=actor,
            action=AuditAction.UPDATE,
            instance=edition,
            changes={**changed, "imported": [None, counts]},
        )
    return ImportSummary(year=year, counts=counts, new_edition=new, written=True)


# --- checking ------------------------------------------------------------------------------

_CODES = re.compile(r"[,、，;\s]+")


class _Cells:
    """Typed reads of a row's cells, each problem kept with its place."""

    def __init__(self, problems: list[Problem], blocked: set[str]) -> None:
        self.problems = problems
        self.blocked = blocked
        self.places: set[str] = set()

    def add(self, row: Row, column: str | None, message: str) -> None:
        place = row.at(column)
        if place not in self.places:  # one problem per cell: the first says it
            self.places.add(place)
            self.problems.append(Problem(place, message))

    def text(self, row: Row, column: str, required: bool = False) -> str:
        value = (row.cells.get(column) or "").strip()
        if required and not value:
            self.add(row, column, _("This column is required."))
        elif is_unstorable(value):
            self.add(row, column, _("Null characters and unpaired surrogates are not allowed."))
            return ""
        return value

    def date(self, row: Row, column: str, required: bool = False) -> Any:
        value = self.text(row, column, required)
        if not value:
            return None
        try:
            return dt.date.fromisoformat(value[:10].replace("/", "-"))
        except ValueError:
            self.add(row, column, _("Write a date as YYYY-MM-DD."))
            return None

    def whole(
        self, row: Row, column: str, required: bool = False, default: int | None = None
    ) -> Any:
        value = self.text(row, column, required)
        if not value:
            return default
        if value.endswith(".0"):
            value = value[:-2]
        if not value.isdigit() or len(value) > 9:
            self.add(row, column, _("Write a whole number."))
            return None
        return int(value)

    def number(self, row: Row, column: str, required: bool = False) -> Any:
        value = self.text(row, column, required).replace(",", "")
        if not value:
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite():
            self.add(row, column, _("Write a number."))
            return None
        return number

    def model(self, row: Row, instance: Model, exclude: list[str]) -> None:
        """The model's own rules (lengths, choices, ranges, ``clean``); uniqueness and
        references are checked across the file instead."""
        try:
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for column, messages in exc.message_dict.items():
                for message in messages:
                    self.add(row, None if column == "__all__" else column, message)


def _check(
    tables: dict[str, list[Row]], actor: User | None, blocked: set[str]
) -> tuple[_Plan, list[Problem]]:
    problems: list[Problem] = []
    cells = _Cells(problems, blocked)
    plan = _Plan()
    for row in tables.get("edition", [])[:1]:
        plan.edition_fields = {
            name: value
            for name, value in (
                ("title", cells.text(row, "title")),
                ("title_en", cells.text(row, "title_en")),
                ("report_due_days", cells.whole(row, "report_due_days")),
            )
            if value not in (None, "") or name == "title_en"
        }
        probe = PlanEdition(year=2000, **{"title": "-", **plan.edition_fields})
        cells.model(row, probe, ["author", "year", "based_on"])
    area_codes = _areas(tables.get("areas", []), cells, plan)
    measure_codes = _measures(tables.get("measures", []), cells, plan, area_codes)
    kpi_codes = _kpis(tables.get("kpis", []), cells, plan, measure_codes)
    _interims(tables.get("interim_targets", []), cells, plan, kpi_codes)
    _milestones(tables.get("milestones", []), cells, plan, measure_codes)
    _links(tables, cells, plan, measure_codes, actor)
    return plan, problems


def _unique(seen: dict, key, row: Row, column: str, cells: _Cells) -> bool:
    if key in seen:
        cells.add(row, column, _("The same code is on %(place)s.") % {"place": seen[key]})
        return False
    seen[key] = row.place
    return True


def _areas(rows: list[Row], cells: _Cells, plan: _Plan) -> set[str]:
    seen: dict[str, str] = {}
    parents: dict[str, tuple[str, Row]] = {}
    for row in rows:
        area = PlanArea(
            code=cells.text(row, "code", True),
            name=cells.text(row, "name", True),
            name_en=cells.text(row, "name_en"),
            position=cells.whole(row, "position", default=0),
        )
        cells.model(row, area, ["edition", "parent"])
        if area.code and _unique(seen, area.code, row, "code", cells):
            parent = cells.text(row, "parent")
            parents[area.code] = (parent, row)
            plan.areas.append((area, parent))
    for code, (parent, row) in parents.items():
        if parent and parent not in parents:
            cells.add(row, "parent", _("No area of the file has the code %s.") % parent)
            continue
        node, steps = parent, 0
        while node and steps <= len(parents):
            if node == code:
                cells.add(row, "parent", _("An area cannot lie within itself."))
                break
            node, steps = parents.get(node, ("", None))[0], steps + 1
    return set(parents)


def _measures(rows: list[Row], cells: _Cells, plan: _Plan, areas: set[str]) -> set[str]:
    organizations = dict(organization_directory().values_list("code", "pk"))
    principles = dict(Principle.objects.values_list("number", "pk"))
    seen: dict[str, str] = {}
    for row in rows:
        measure = Measure(
            code=cells.text(row, "code", True),
            name=cells.text(row, "name", True),
            name_en=cells.text(row, "name_en"),
            description=cells.text(row, "description"),
            description_en=cells.text(row, "description_en"),
            target_state=cells.text(row, "target_state"),
            target_state_en=cells.text(row, "target_state_en"),
            deadline=cells.date(row, "deadline"),
            status=cells.text(row, "status") or "not_started",
            position=cells.whole(row, "position", default=0),
        )
        cells.model(row, measure, ["edition", "area", "lead"])
        area = cells.text(row, "area", True)
        if area and area not in areas and "areas" not in cells.blocked:
            cells.add(row, "area", _("No area of the file has the code %s.") % area)
        lead = cells.text(row, "lead", True)
        if lead in organizations:
            measure.lead_id = organizations[lead]
        elif lead:
            cells.add(row, "lead", _("No organization has the code %s.") % lead)
        co = [c for c in _CODES.split(cells.text(row, "co_responsible")) if c]
        unknown = [c for c in co if c not in organizations]
        if unknown:
            cells.add(
                row, "co_responsible", _("No organization has the code %s.") % ", ".join(unknown)
            )
        if lead and lead in co:
            cells.add(row, "co_responsible", _("The lead organization is not also co-responsible."))
        numbers = [n for n in _CODES.split(cells.text(row, "principles")) if n]
        wrong = [n for n in numbers if not n.isdigit() or int(n) not in principles]
        if wrong:
            cells.add(
                row,
                "principles",
                _("Name the basic principles by their numbers, 1 to 10: not %s.")
                % ", ".join(wrong),
            )
        if measure.code and _unique(seen, measure.code, row, "code", cells):
            plan.measures.append(
                (
                    measure,
                    area,
                    sorted({organizations[c] for c in co if c in organizations}),
                    sorted(
                        {
                            principles[int(n)]
                            for n in numbers
                            if n.isdigit() and int(n) in principles
                        }
                    ),
                )
            )
    return set(seen)


def _measure_of(row: Row, cells: _Cells, measures: set[str]) -> str:
    code = cells.text(row, "measure", True)
    if code and code not in measures and "measures" not in cells.blocked:
        cells.add(row, "measure", _("No measure of the file has the code %s.") % code)
    return code


def _kpis(rows: list[Row], cells: _Cells, plan: _Plan, measures: set[str]) -> set[tuple[str, str]]:
    seen: dict[tuple[str, str], str] = {}
    for row in rows:
        measure = _measure_of(row, cells, measures)
        kpi = Kpi(
            code=cells.text(row, "code", True),
            name=cells.text(row, "name", True),
            name_en=cells.text(row, "name_en"),
            unit=cells.text(row, "unit", True),
            unit_en=cells.text(row, "unit_en"),
            direction=cells.text(row, "direction", True),
            baseline_value=cells.number(row, "baseline_value", True),
            baseline_date=cells.date(row, "baseline_date", True),
            target_value=cells.number(row, "target_value", True),
            target_date=cells.date(row, "target_date", True),
            source=cells.text(row, "source"),
            position=cells.whole(row, "position", default=0),
        )
        cells.model(row, kpi, ["measure", "series"])
        if kpi.code and _unique(seen, (measure, kpi.code), row, "code", cells):
            plan.kpis.append((kpi, measure))
    return set(seen)


def _interims(rows: list[Row], cells: _Cells, plan: _Plan, kpis: set[tuple[str, str]]) -> None:
    seen: dict[tuple, str] = {}
    for row in rows:
        key = (cells.text(row, "measure", True), cells.text(row, "kpi", True))
        if all(key) and key not in kpis and not {"kpis", "measures"} & cells.blocked:
            cells.add(
                row,
                "kpi",
                _("No KPI of the file has the code %(kpi)s under measure %(measure)s.")
                % {"kpi": key[1], "measure": key[0]},
            )
        target = InterimTarget(
            due_on=cells.date(row, "due_on", True), value=cells.number(row, "value", True)
        )
        cells.model(row, target, ["kpi"])
        if target.due_on and _unique(seen, (*key, target.due_on), row, "due_on", cells):
            plan.interims.append((target, key))


def _milestones(rows: list[Row], cells: _Cells, plan: _Plan, measures: set[str]) -> None:
    for row in rows:
        measure = _measure_of(row, cells, measures)
        milestone = Milestone(
            name=cells.text(row, "name", True),
            name_en=cells.text(row, "name_en"),
            fiscal_year=cells.whole(row, "fiscal_year", True),
            quarter=cells.whole(row, "quarter", True),
            planned_on=cells.date(row, "planned_on", True),
            done_on=cells.date(row, "done_on"),
            position=cells.whole(row, "position", default=0),
        )
        cells.model(row, milestone, ["measure"])
        plan.milestones.append((milestone, measure))


def _links(tables, cells: _Cells, plan: _Plan, measures: set[str], actor: User | None) -> None:
    rows = tables.get("systems", [])
    wanted = {cells.text(r, "system") for r in rows}
    systems = dict(systems_in_reach(actor).filter(code__in=wanted).values_list("code", "pk"))
    seen: dict[tuple, str] = {}
    for row in rows:
        measure = _measure_of(row, cells, measures)
        code = cells.text(row, "system", True)
        if code and code not in systems:
            cells.add(row, "system", _("Unknown system ids: %s") % code)
        elif code and _unique(seen, (measure, code), row, "system", cells):
            plan.systems.append((measure, systems[code]))
    rows = tables.get("budget_lines", [])
    lines = {}
    if rows:
        wanted = {cells.text(r, "system") for r in rows}
        reach = systems_in_reach(actor).filter(code__in=wanted).values("pk")
        found = budget_lines(user=actor) if actor is not None else _all_budget_lines()
        lines = {
            (code, year): pk
            for pk, code, year in found.filter(system__in=reach).values_list(
                "pk", "system__code", "fiscal_year"
            )
        }
    seen = {}
    for row in rows:
        measure = _measure_of(row, cells, measures)
        code = cells.text(row, "system", True)
        year = cells.whole(row, "fiscal_year", True)
        share = cells.whole(row, "share", default=100)
        if share is not None and not 1 <= share <= 100:
            cells.add(row, "share", _("Give a share from 1 to 100."))
        if code and year is not None:
            line = lines.get((code, year))
            if line is None:
                cells.add(
                    row,
                    "fiscal_year",
                    _("System %(system)s has no budget line for fiscal year %(year)s.")
                    % {"system": code, "year": year},
                )
            elif share is not None and _unique(seen, (measure, line), row, "fiscal_year", cells):
                plan.budgets.append((measure, line, share))
    rows = tables.get("controls", [])
    keys = {cells.text(r, "catalog") for r in rows}
    catalogs = dict(_catalogs(actor).filter(key__in=keys).values_list("key", "pk")) if rows else {}
    labels: dict[tuple[int, str], int] = {}
    if rows:
        wanted_labels = {cells.text(r, "control") for r in rows} - {""}
        for pk, catalog_id, label in CatalogNode.objects.filter(
            catalog_id__in=catalogs.values(), label__in=wanted_labels
        ).values_list("pk", "catalog_id", "label"):
            labels.setdefault((catalog_id, label), pk)
    seen = {}
    for row in rows:
        measure = _measure_of(row, cells, measures)
        key = cells.text(row, "catalog", True)
        label = cells.text(row, "control")
        catalog = catalogs.get(key)
        if key and catalog is None:
            cells.add(row, "catalog", _("No catalog has the key %s.") % key)
            continue
        control = labels.get((catalog, label)) if label and catalog is not None else None
        if label and control is None:
            cells.add(
                row,
                "control",
                _("Catalog %(catalog)s has no control %(control)s.")
                % {"catalog": key, "control": label},
            )
        elif catalog is not None and _unique(
            seen, (measure, catalog, control), row, "control", cells
        ):
            plan.controls.append((measure, catalog, control))


def _catalogs(actor: User | None):
    """The catalogs a link may name: those the importer sees (every one on the command line)."""
    if actor is not None:
        return catalog_visible(actor)
    return Catalog.objects.all()


def _all_budget_lines():
    """Every budget line, for the command line (which acts for no user)."""
    return BudgetLine.objects.all()


# --- writing -------------------------------------------------------------------------------


def _known_series(edition: PlanEdition) -> dict[tuple[str, str], int]:
    """The series of the KPIs the draft and the edition it was copied from hold, by
    (measure code, KPI code): the draft's own win."""
    editions = [e for e in (edition.based_on_id, edition.pk) if e]
    known = {}
    for pk in editions:
        known.update(
            {
                (m, k): s
                for m, k, s in Kpi.objects.filter(measure__edition_id=pk).values_list(
                    "measure__code", "code", "series_id"
                )
            }
        )
    return known


def _write(edition: PlanEdition, plan: _Plan) -> None:
    known = _known_series(edition)
    old_series = set(
        Kpi.objects.filter(measure__edition=edition).values_list("series_id", flat=True)
    )
    Measure.objects.filter(edition=edition).delete()
    PlanArea.objects.filter(edition=edition).delete()
    areas: dict[str, PlanArea] = {}
    pending = plan.areas
    while pending:  # parents before children, level by level
        ready = [(a, p) for a, p in pending if not p or p in areas]
        for area, parent in ready:
            area.edition = edition
            area.parent = areas.get(parent) if parent else None
        PlanArea.objects.bulk_create([a for a, _p in ready])
        areas.update({a.code: a for a, _p in ready})
        pending = [(a, p) for a, p in pending if a.code not in areas]
    for measure, area_code, _co, _principles in plan.measures:
        measure.edition, measure.area = edition, areas[area_code]
    Measure.objects.bulk_create([m for m, *_rest in plan.measures])
    measures = {m.code: m for m, *_rest in plan.measures}
    Parties = Measure.co_responsible.through
    Served = Measure.principles.through
    Parties.objects.bulk_create(
        Parties(measure_id=m.pk, organization_id=o) for m, _a, co, _p in plan.measures for o in co
    )
    Served.objects.bulk_create(
        Served(measure_id=m.pk, principle_id=p) for m, _a, _co, ps in plan.measures for p in ps
    )
    fresh = [kpi for kpi, code in plan.kpis if (code, kpi.code) not in known]
    series = KpiSeries.objects.bulk_create([KpiSeries() for _kpi in fresh])
    new_series = iter(series)
    for kpi, code in plan.kpis:
        kpi.measure = measures[code]
        reused = known.get((code, kpi.code))
        kpi.series_id = reused if reused is not None else next(new_series).pk
    Kpi.objects.bulk_create([k for k, _m in plan.kpis])
    kpis = {(m, k.code): k for k, m in plan.kpis}
    for target, key in plan.interims:
        target.kpi = kpis[key]
    InterimTarget.objects.bulk_create([t for t, _k in plan.interims])
    for milestone, code in plan.milestones:
        milestone.measure = measures[code]
    Milestone.objects.bulk_create([m for m, _c in plan.milestones])
    MeasureSystem.objects.bulk_create(
        MeasureSystem(measure=measures[m], system_id=s) for m, s in plan.systems
    )
    MeasureBudget.objects.bulk_create(
        MeasureBudget(measure=measures[m], budget_line_id=b, share=s) for m, b, s in plan.budgets
    )
    MeasureControl.objects.bulk_create(
        MeasureControl(measure=measures[m], catalog_id=c, control_id=n) for m, c, n in plan.controls
    )
    # The replaced KPIs' series no KPI continues and no measurement hangs on.
    KpiSeries.objects.filter(
        pk__in=old_series, kpis__isnull=True, measurements__isnull=True
    ).delete()
