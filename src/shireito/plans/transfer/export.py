"""A whole edition out: an XLSX workbook (a sheet per table and a legend sheet), or a ZIP of
one CSV per table (UTF-8 with BOM, so Excel opens Japanese right). Both import back
(``transfer.importer``) into the same edition.

The ZIP is written whole with ``zipfile`` rather than streamed (``core.zipstream``): an
edition's content is a few megabytes at most, and a ZIP without the stream's manifest and
checksums is exactly the CSV files a user edits and uploads again.

Content is read through the plan's selectors, so a file holds what its reader may see (a
responsible organisation reading a draft gets its own measures).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from shireito.core.spreadsheets import Sheet, xlsx_bytes
from shireito.core.textfiles import csv_text
from shireito.plans.models import (
    InterimTarget,
    Kpi,
    MeasureBudget,
    MeasureControl,
    MeasureSystem,
    Milestone,
    PlanEdition,
)
from shireito.plans.selectors import areas_visible, measures_of
from shireito.plans.transfer.tables import LEGEND_TITLE, TABLES

if TYPE_CHECKING:
    from shireito.accounts.models import User

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_TYPE = "application/zip"
FORMATS = {"xlsx": XLSX_TYPE, "csv-zip": ZIP_TYPE}


def filename(edition: PlanEdition, fmt: str) -> str:
    """``plan-2026.xlsx``, ``plan-2026-csv.zip``."""
    return f"plan-{edition.year}.xlsx" if fmt == "xlsx" else f"plan-{edition.year}-csv.zip"


def _number(value: Decimal | None) -> Decimal | int | None:
    """A stored decimal without its trailing zeros (``500.0000`` as 500)."""
    if value is None:
        return None
    normal = value.normalize()
    return int(normal) if normal == normal.to_integral_value() else normal


def _codes(values: Iterable[Any]) -> str:
    return ",".join(str(v) for v in sorted(values, key=str))


def table_rows(user: User | None, edition: PlanEdition) -> dict[str, list[list[Any]]]:
    """Every table's rows (dates as dates, numbers as numbers), in the tables' column order;
    a dozen queries whatever the edition's size."""
    measures = list(measures_of(user, edition).prefetch_related("co_responsible", "principles"))
    ids = [m.pk for m in measures]
    code = {m.pk: m.code for m in measures}
    areas = {a.pk: a for a in areas_visible(user, edition)}
    rows: dict[str, list[list[Any]]] = {
        "edition": [[edition.year, edition.title, edition.title_en, edition.report_due_days]],
        "areas": [
            [a.code, areas[a.parent_id].code if a.parent_id else "", a.name, a.name_en, a.position]
            for a in sorted(areas.values(), key=lambda a: (a.position, a.code))
        ],
        "measures": [
            [
                m.code,
                m.area.code,
                m.name,
                m.name_en,
                m.description,
                m.description_en,
                m.lead.code,
                _codes(o.code for o in m.co_responsible.all()),
                ",".join(str(n) for n in sorted(p.number for p in m.principles.all())),
                m.target_state,
                m.target_state_en,
                m.deadline,
                m.status,
                m.position,
            ]
            for m in measures
        ],
    }
    kpis = list(Kpi.objects.filter(measure_id__in=ids).order_by("measure_id", "position", "code"))
    kpi_code = {k.pk: (code[k.measure_id], k.code) for k in kpis}
    rows["kpis"] = [
        [
            code[k.measure_id],
            k.code,
            k.name,
            k.name_en,
            k.unit,
            k.unit_en,
            k.direction,
            _number(k.baseline_value),
            k.baseline_date,
            _number(k.target_value),
            k.target_date,
            k.source,
            k.position,
        ]
        for k in kpis
    ]
    rows["interim_targets"] = [
        [*kpi_code[i.kpi_id], i.due_on, _number(i.value)]
        for i in InterimTarget.objects.filter(kpi_id__in=kpi_code).order_by("kpi_id", "due_on")
    ]
    rows["milestones"] = [
        [
            code[m.measure_id],
            m.name,
            m.name_en,
            m.fiscal_year,
            m.quarter,
            m.planned_on,
            m.done_on,
            m.position,
        ]
        for m in Milestone.objects.filter(measure_id__in=ids).order_by(
            "measure_id", "planned_on", "position", "id"
        )
    ]
    rows["systems"] = [
        [code[measure_id], system]
        for measure_id, system in MeasureSystem.objects.filter(measure_id__in=ids)
        .order_by("measure_id", "system__code")
        .values_list("measure_id", "system__code")
    ]
    rows["budget_lines"] = [
        [code[measure_id], system, year, share]
        for measure_id, system, year, share in MeasureBudget.objects.filter(measure_id__in=ids)
        .order_by("measure_id", "budget_line__system__code", "budget_line__fiscal_year")
        .values_list("measure_id", "budget_line__system__code", "budget_line__fiscal_year", "share")
    ]
    rows["controls"] = [
        [code[measure_id], catalog, control or ""]
        for measure_id, catalog, control in MeasureControl.objects.filter(measure_id__in=ids)
        .order_by("measure_id", "catalog__key", "control__label")
        .values_list("measure_id", "catalog__key", "control__label")
    ]
    return rows


def legend_rows() -> Iterator[list[str]]:
    """The legend: per table and column, its meaning in the reader's language."""
    for table in TABLES:
        for column in table.columns:
            required = _("required") if column.required else ""
            yield [table.key, str(table.title), column.key, str(column.meaning), required]


def export_xlsx(user: User | None, edition: PlanEdition) -> bytes:
    """The edition as a workbook: a sheet per table, titled in the reader's language, with the
    column keys as header, then the legend."""
    rows = table_rows(user, edition)
    sheets = [
        Sheet(
            str(table.title),
            table.keys,
            rows[table.key],
            freeze_header=True,
            filter_header=True,
            widths=[16] * len(table.columns),
        )
        for table in TABLES
    ]
    sheets.append(
        Sheet(
            str(LEGEND_TITLE),
            [_("file"), _("sheet"), _("column"), _("meaning"), _("required")],
            list(legend_rows()),
            freeze_header=True,
            widths=(16, 18, 18, 80, 10),
        )
    )
    return xlsx_bytes(sheets)


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else value


def export_zip(user: User | None, edition: PlanEdition) -> bytes:
    """The edition as a ZIP of CSV files, one per table (``measures.csv`` …) and the legend
    (``legend.csv``), each UTF-8 with a byte order mark."""
    rows = table_rows(user, edition)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in TABLES:
            text = csv_text(table.keys, ([_cell(v) for v in r] for r in rows[table.key]), bom=True)
            archive.writestr(table.filename, text.encode("utf-8"))
        legend = csv_text(
            ["file", "sheet", "column", "meaning", "required"], legend_rows(), bom=True
        )
        archive.writestr("legend.csv", legend.encode("utf-8"))
    return out.getvalue()
