"""A measure's chain: the money that pays for it, the systems that deliver it, those
systems' security posture and the controls it is about, each read through its own app's
selectors so the reader sees only what they may see there.

- Budget lines the reader may not see are counted ("n lines you may not see") without any
  amount: the link is part of the published plan, the amounts are the owner's and the
  overseer's. The totals are of the lines shown and say so.
- Systems the reader may not see are counted the same way.
- Audit results and findings are their parties' only: a system shows its latest audit's
  results and open findings to a party, and to anyone else exactly what a system never
  audited shows (nothing), so no one learns that an audit exists.

The whole chain is read in a constant number of queries, however many systems or lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count
from django.utils.translation import get_language

from shireito.audits.choices import AuditKind, FindingStatus, ResultStatus
from shireito.audits.selectors import compliance_tallies, finding_list
from shireito.plans.models import Measure, MeasureBudget, MeasureControl, MeasureSystem
from shireito.registry.selectors import budget_lines, fiscal_year_label, system_list
from shireito.standards.selectors import catalog_visible

if TYPE_CHECKING:
    from shireito.registry.models import BudgetLine, InformationSystem

# Counted per system in this order (best first), as the audits app shows them.
POSTURE_COLUMNS = (
    ("satisfied", ResultStatus.SATISFIED),
    ("partially", ResultStatus.PARTIALLY),
    ("not_satisfied", ResultStatus.NOT_SATISFIED),
    ("not_applicable", ResultStatus.NOT_APPLICABLE),
    ("not_assessed", ResultStatus.NOT_ASSESSED),
)


def share_of(amount: int | None, share: int) -> int | None:
    """``share`` percent of a yen amount, rounded half up to the yen (amounts stay whole)."""
    if amount is None:
        return None
    return (amount * share + 50) // 100


def percent(part: int | None, whole: int | None) -> int | None:
    if part is None or not whole:
        return None
    return round(part * 100 / whole)


@dataclass
class Money:
    """Requested, approved and executed yen, with what of the approved was executed (only
    over lines whose spending is recorded: this year's is recorded when it closes)."""

    requested: int = 0
    approved: int | None = None
    executed: int | None = None
    # The approved amount of the lines whose spending is recorded: what ``executed`` is
    # measured against.
    approved_spent: int = 0

    def add(self, requested: int, approved: int | None, executed: int | None) -> None:
        self.requested += requested
        if approved is not None:
            self.approved = (self.approved or 0) + approved
        if executed is not None:
            self.executed = (self.executed or 0) + executed
            self.approved_spent += approved or 0

    @property
    def execution_percent(self) -> int | None:
        return percent(self.executed, self.approved_spent)


@dataclass
class BudgetRow:
    """One budget line's part paying for the measure (its amounts times the link's share)."""

    line: BudgetLine
    share: int
    money: Money


@dataclass
class BudgetYear:
    fiscal_year: int
    label: str
    rows: list[BudgetRow] = field(default_factory=list)
    money: Money = field(default_factory=Money)


@dataclass
class Posture:
    """A system's latest audit (not a self-assessment) the reader is a party to."""

    audit_number: str
    fiscal_year: int
    kind: str
    counts: list[tuple[str, int]]  # (ResultStatus label, count), best first
    total: int

    @property
    def kind_label(self) -> str:
        return str(AuditKind(self.kind).label)


@dataclass
class SystemRow:
    system: InformationSystem
    posture: Posture | None = None
    open_findings: int | None = None  # None: no finding the reader may see


@dataclass
class ControlRow:
    catalog: Any
    control: Any | None


@dataclass
class Chain:
    years: list[BudgetYear]
    total: Money
    hidden_lines: int
    systems: list[SystemRow]
    hidden_systems: int
    controls: list[ControlRow]
    hidden_controls: int

    @property
    def is_empty(self) -> bool:
        return not (
            self.years
            or self.hidden_lines
            or self.systems
            or self.hidden_systems
            or self.controls
            or self.hidden_controls
        )


def measure_chain(user, measure: Measure) -> Chain:
    """The chain of ``measure`` as ``user`` may see it (see the module's docstring)."""
    years, total, hidden_lines = _budget(user, measure)
    systems, hidden_systems = _systems(user, measure)
    controls, hidden_controls = _controls(user, measure)
    return Chain(
        years=years,
        total=total,
        hidden_lines=hidden_lines,
        systems=systems,
        hidden_systems=hidden_systems,
        controls=controls,
        hidden_controls=hidden_controls,
    )


def _budget(user, measure: Measure) -> tuple[list[BudgetYear], Money, int]:
    shares = dict(
        MeasureBudget.objects.filter(measure=measure).values_list("budget_line_id", "share")
    )
    if not shares:
        return [], Money(), 0
    lines = list(
        budget_lines(user=user).filter(pk__in=list(shares)).order_by("-fiscal_year", "system__code")
    )
    language = get_language() or "ja"
    years: dict[int, BudgetYear] = {}
    total = Money()
    for line in lines:
        share = shares[line.pk]
        row = BudgetRow(line=line, share=share, money=Money())
        parts = (
            share_of(line.requested, share) or 0,
            share_of(line.approved, share),
            share_of(line.executed, share),
        )
        row.money.add(*parts)
        year = years.get(line.fiscal_year)
        if year is None:
            label = fiscal_year_label(line.fiscal_year, language)
            if not label.startswith("FY"):
                label = f"{label} (FY{line.fiscal_year})"
            year = years[line.fiscal_year] = BudgetYear(line.fiscal_year, label)
        year.rows.append(row)
        year.money.add(*parts)
        total.add(*parts)
    return list(years.values()), total, len(shares) - len(lines)


def _systems(user, measure: Measure) -> tuple[list[SystemRow], int]:
    linked = list(MeasureSystem.objects.filter(measure=measure).values_list("system_id", flat=True))
    if not linked:
        return [], 0
    rows = [SystemRow(system) for system in system_list(user=user).filter(pk__in=linked)]
    ids = [row.system.pk for row in rows]
    if ids:
        postures = _postures(user, ids)
        findings = _open_findings(user, ids)
        for row in rows:
            row.posture = postures.get(row.system.pk)
            count = findings.get(row.system.pk, 0)
            # Zero is said only to a party to an audit of the system; to anyone else the
            # system shows nothing, as one never audited does.
            row.open_findings = count if count or row.posture else None
    return rows, len(linked) - len(rows)


def _postures(user, system_ids: list[int]) -> dict[int, Posture]:
    """Each system's latest audit results the user is a party to, from the tallies (one row
    per audit and system), in one query."""
    tallies = (
        compliance_tallies(user=user)
        .filter(system_id__in=system_ids)
        .exclude(kind=AuditKind.SELF_ASSESSMENT)
        .order_by("system_id", "-fiscal_year", "-audit_id")
        .values(
            "system_id", "audit__number", "fiscal_year", "kind", *(c for c, _ in POSTURE_COLUMNS)
        )
    )
    found: dict[int, Posture] = {}
    for tally in tallies:
        if tally["system_id"] in found:
            continue
        counts = [(str(status.label), tally[column]) for column, status in POSTURE_COLUMNS]
        found[tally["system_id"]] = Posture(
            audit_number=tally["audit__number"],
            fiscal_year=tally["fiscal_year"],
            kind=tally["kind"],
            counts=counts,
            total=sum(n for _, n in counts),
        )
    return found


def _open_findings(user, system_ids: list[int]) -> dict[int, int]:
    """Open findings per system, of the audits the user is a party to, in one query."""
    rows = (
        finding_list(user=user, status=FindingStatus.OPEN)
        .filter(systems__in=system_ids)
        .order_by()
        .values("systems")
        .annotate(n=Count("pk", distinct=True))
    )
    return {row["systems"]: row["n"] for row in rows}


def _controls(user, measure: Measure) -> tuple[list[ControlRow], int]:
    links = list(
        MeasureControl.objects.filter(measure=measure)
        .select_related("catalog", "control")
        .only(
            "catalog_id",
            "control_id",
            "catalog__key",
            "catalog__title",
            "catalog__edition",
            "control__label",
            "control__title",
            "control__oscal_id",
            "control__position",
        )
        .order_by("catalog__key", "control__position")
    )
    if not links:
        return [], 0
    visible = set(
        catalog_visible(user)
        .filter(pk__in={link.catalog_id for link in links})
        .values_list("pk", flat=True)
    )
    rows = [ControlRow(link.catalog, link.control) for link in links if link.catalog_id in visible]
    return rows, len(links) - len(rows)


def mark_visible_links(user, measure: Measure) -> Measure:
    """Set on a measure (its links prefetched) the links whose system, budget line or
    catalog ``user`` may see, as ``visible_system_links``, ``visible_budget_links`` and
    ``visible_control_links``, and how many others there are as ``hidden_links``: what the
    API answers about a measure names nothing the reader may not open, as the chain only
    counts it."""
    systems = list(measure.system_links.all())
    lines = list(measure.budget_links.all())
    controls = list(measure.control_links.all())
    seen_systems = set(
        system_list(user=user)
        .filter(pk__in={link.system_id for link in systems})
        .values_list("pk", flat=True)
    )
    seen_lines = set(
        budget_lines(user=user)
        .filter(pk__in={link.budget_line_id for link in lines})
        .values_list("pk", flat=True)
    )
    seen_catalogs = set(
        catalog_visible(user)
        .filter(pk__in={link.catalog_id for link in controls})
        .values_list("pk", flat=True)
    )
    shown: dict[str, list[Any]] = {
        "visible_system_links": [link for link in systems if link.system_id in seen_systems],
        "visible_budget_links": [link for link in lines if link.budget_line_id in seen_lines],
        "visible_control_links": [link for link in controls if link.catalog_id in seen_catalogs],
    }
    for name, links in shown.items():
        setattr(measure, name, links)
    measure.hidden_links = (  # type: ignore[attr-defined]
        len(systems) + len(lines) + len(controls) - sum(len(links) for links in shown.values())
    )
    return measure
