"""What changed between two editions, as for catalogs: measures matched by code (added,
removed, changed: which fields, old → new), and within a measure its KPIs matched by code
(added, removed, targets moved). Values are given as people read them, so the page and the
CSV show the same text."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from shireito.plans.models import InterimTarget, Kpi, Measure, PlanEdition
from shireito.plans.selectors.editions import measures_of

MEASURE_COMPARED = (
    "name",
    "name_en",
    "area",
    "lead",
    "co_responsible",
    "principles",
    "description",
    "target_state",
    "deadline",
    "status",
)
KPI_COMPARED = (
    "name",
    "unit",
    "unit_en",
    "direction",
    "baseline_value",
    "baseline_date",
    "target_value",
    "target_date",
    "interim_targets",
)


@dataclass
class FieldChange:
    field: str
    label: str
    old: str
    new: str


@dataclass
class KpiChange:
    code: str
    old: Kpi
    new: Kpi
    fields: list[FieldChange]


@dataclass
class MeasureChange:
    code: str
    old: Measure
    new: Measure
    fields: list[FieldChange] = field(default_factory=list)
    kpis_added: list[Kpi] = field(default_factory=list)
    kpis_removed: list[Kpi] = field(default_factory=list)
    kpis_changed: list[KpiChange] = field(default_factory=list)


@dataclass
class EditionDiff:
    old: PlanEdition
    new: PlanEdition
    added: list[Measure]
    removed: list[Measure]
    changed: list[MeasureChange]

    @property
    def kpis_moved(self) -> int:
        return sum(len(change.kpis_changed) for change in self.changed)


def _number(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text


def _measures(edition: PlanEdition, user: Any) -> dict[str, Measure]:
    interim = Prefetch("interim_targets", queryset=InterimTarget.objects.order_by("due_on"))
    kpis = Prefetch(
        "kpis", queryset=Kpi.objects.order_by("position", "code").prefetch_related(interim)
    )
    measures = (
        (Measure.objects.filter(edition=edition) if user is _ALL else measures_of(user, edition))
        .select_related("area", "lead")
        .prefetch_related("co_responsible", "principles", kpis)
        .order_by("position", "code")
    )
    return {m.code: m for m in measures}


def _measure_value(measure: Measure, name: str) -> str:
    if name == "area":
        return f"{measure.area.code} {measure.area.display_name}"
    if name == "lead":
        return f"{measure.lead.code} {measure.lead}"
    if name == "co_responsible":
        return ", ".join(sorted(org.code for org in measure.co_responsible.all()))
    if name == "principles":
        return " ".join(p.mark for p in sorted(measure.principles.all(), key=lambda p: p.number))
    if name == "deadline":
        return measure.deadline.isoformat() if measure.deadline else ""
    if name == "status":
        return str(measure.get_status_display())
    return str(getattr(measure, name) or "")


def _kpi_value(kpi: Kpi, name: str) -> str:
    if name == "interim_targets":
        return ", ".join(
            f"{t.due_on.isoformat()}: {_number(t.value)}" for t in kpi.interim_targets.all()
        )
    if name == "direction":
        return str(kpi.get_direction_display())
    value = getattr(kpi, name)
    if isinstance(value, Decimal):
        return _number(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value or "")


def _label(model, name: str) -> str:
    if name == "interim_targets":
        return str(_("interim targets"))
    if model is Kpi and name in ("baseline_value", "target_value"):
        # A KPI's baseline and target, not a security baseline or an audit's target.
        return pgettext("kpi", "Baseline" if name == "baseline_value" else "Target")
    return str(model._meta.get_field(name).verbose_name)


def _fields(old: Any, new: Any, names, value, model) -> list[FieldChange]:
    changes = []
    for name in names:
        before, after = value(old, name), value(new, name)
        if before != after:
            changes.append(FieldChange(name, _label(model, name), before, after))
    return changes


_ALL = object()


def _unseen(edition: PlanEdition, seen: dict[str, Measure]) -> set[str]:
    codes = Measure.objects.filter(edition=edition).values_list("code", flat=True)
    return set(codes) - set(seen)


def edition_diff(old: PlanEdition, new: PlanEdition, user: Any = _ALL) -> EditionDiff:
    """Measures and KPIs of ``new`` against ``old``, matched by their codes; with ``user``,
    only the measures that user may see in each (of a draft, not every measure)."""
    before, after = _measures(old, user), _measures(new, user)
    if user is not _ALL:
        # A measure the user may not see on one side is left out of the other side too:
        # it is neither "removed" nor "added" for them.
        hidden_new, hidden_old = _unseen(new, after), _unseen(old, before)
        before = {c: m for c, m in before.items() if c not in hidden_new}
        after = {c: m for c, m in after.items() if c not in hidden_old}
    changed = []
    for code, measure in after.items():
        previous = before.get(code)
        if previous is None:
            continue
        change = MeasureChange(
            code,
            previous,
            measure,
            _fields(previous, measure, MEASURE_COMPARED, _measure_value, Measure),
        )
        old_kpis = {k.code: k for k in previous.kpis.all()}
        new_kpis = {k.code: k for k in measure.kpis.all()}
        change.kpis_added = [k for c, k in new_kpis.items() if c not in old_kpis]
        change.kpis_removed = [k for c, k in old_kpis.items() if c not in new_kpis]
        for kpi_code, kpi in new_kpis.items():
            if kpi_code in old_kpis:
                moved = _fields(old_kpis[kpi_code], kpi, KPI_COMPARED, _kpi_value, Kpi)
                if moved:
                    change.kpis_changed.append(KpiChange(kpi_code, old_kpis[kpi_code], kpi, moved))
        if change.fields or change.kpis_added or change.kpis_removed or change.kpis_changed:
            changed.append(change)
    return EditionDiff(
        old=old,
        new=new,
        added=[m for c, m in after.items() if c not in before],
        removed=[m for c, m in before.items() if c not in after],
        changed=changed,
    )


def diff_rows(diff: EditionDiff) -> list[list[str]]:
    """The diff as rows in the reader's language (a download to read, not to import back):
    one per measure added or removed, per field changed, per KPI added or removed, and per
    KPI field moved."""
    added, removed, changed = _("measure added"), _("measure removed"), _("measure changed")
    kpi_added, kpi_removed, kpi_moved = _("KPI added"), _("KPI removed"), _("KPI changed")
    rows = []
    for measure in diff.added:
        rows.append([added, measure.code, "", "", "", measure.display_name])
    for measure in diff.removed:
        rows.append([removed, measure.code, "", "", measure.display_name, ""])
    for change in diff.changed:
        for f in change.fields:
            rows.append([changed, change.code, "", f.label, f.old, f.new])
        for kpi in change.kpis_added:
            rows.append([kpi_added, change.code, kpi.code, "", "", kpi.display_name])
        for kpi in change.kpis_removed:
            rows.append([kpi_removed, change.code, kpi.code, "", kpi.display_name, ""])
        for moved in change.kpis_changed:
            for f in moved.fields:
                rows.append([kpi_moved, change.code, moved.code, f.label, f.old, f.new])
    return rows


def diff_header() -> list[str]:
    return [
        pgettext("diff", "Change"),
        pgettext("plan", "Measure"),
        _("KPI"),
        _("Field"),
        _("Before"),
        _("After"),
    ]
