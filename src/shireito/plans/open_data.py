"""The published plan as open data: six tables per edition (measures, KPIs, interim targets,
measurements, milestones, ratings), each as CSV and JSON, and their data dictionary as a
Frictionless Data Package (``datapackage.json``: a Table Schema per table, with field types,
titles and descriptions in Japanese and English, units, primary and foreign keys).

The tables and their fields are declared once here; the files, the dictionary and the API
all come from these declarations, so they cannot drift apart. Rows are read only through
``selectors.publication`` (what is published) with ``values_list`` and streamed, so an
edition of 30,000 measurements is written without holding it whole.

Values are written as data, not as pages: codes for choices (``in_progress``; the dictionary
lists each code's meaning), ISO dates, decimals without trailing zeros, lists joined by ``;``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import translation

from shireito.plans.choices import Confidence, Direction, MeasureStatus
from shireito.plans.models import PlanEdition
from shireito.plans.selectors import publication as published

FORMATS = ("csv", "json")


@dataclass(frozen=True)
class Field:
    """One column: its name, Table Schema type, and what it means in both languages."""

    name: str
    type: str  # string, integer, number, date, datetime
    title: str
    title_en: str
    description: str = ""
    description_en: str = ""
    unit: str = ""
    enum: tuple[str, ...] = ()
    required: bool = False

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "title": self.title,
            "description": self.description or self.title,
            # Table Schema allows further properties: the English of the two above.
            "title_en": self.title_en,
            "description_en": self.description_en or self.title_en,
        }
        if self.unit:
            out["unit"] = self.unit
        constraints: dict[str, Any] = {}
        if self.required:
            constraints["required"] = True
        if self.enum:
            constraints["enum"] = list(self.enum)
        if constraints:
            out["constraints"] = constraints
        return out


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    title_en: str
    description: str
    description_en: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    rows: Callable[[PlanEdition], Iterator[tuple]]
    count: Callable[[PlanEdition], int]
    foreign_keys: tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...] = field(default=())

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]


def _labels(choices) -> tuple[str, str]:
    """The codes of a choice with their meanings, in both languages, for a description."""
    parts_ja, parts_en = [], []
    for value, label in choices.choices:
        with translation.override("ja"):
            parts_ja.append(f"{value}={label}")
        with translation.override("en"):
            parts_en.append(f"{value}={label}")
    return "; ".join(parts_ja), "; ".join(parts_en)


def _number(value: Decimal | None) -> str | None:
    """A decimal as written in data: no exponent, no trailing zeros (``12.5``, ``500``)."""
    if value is None:
        return None
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    return value.isoformat()


# --- rows ---------------------------------------------------------------------------------

YEAR = Field("edition_year", "integer", "版（年）", "Edition year", required=True)
MEASURE_CODE = Field("measure_code", "string", "施策コード", "Measure code", required=True)


def _measure_rows(edition: PlanEdition) -> Iterator[tuple]:
    measures = published.open_measures(edition)
    co: dict[int, list[str]] = defaultdict(list)
    for measure_id, code in measures.values_list("pk", "co_responsible__code").order_by(
        "pk", "co_responsible__code"
    ):
        if code:
            co[measure_id].append(code)
    principles: dict[int, list[str]] = defaultdict(list)
    for measure_id, number in measures.values_list("pk", "principles__number").order_by(
        "pk", "principles__number"
    ):
        if number:
            principles[measure_id].append(str(number))
    latest = published.latest_reviewed(measures)
    rows = measures.values_list(
        "pk",
        "code",
        "area__code",
        "area__name",
        "area__name_en",
        "name",
        "name_en",
        "description",
        "description_en",
        "lead__code",
        "lead__name",
        "lead__name_en",
        "target_state",
        "target_state_en",
        "deadline",
        "status",
    )
    for pk, *values in rows.iterator(chunk_size=2000):
        rating = latest.get(pk)
        yield (
            edition.year,
            *values[:13],
            _iso(values[13]),
            values[14],
            ";".join(co[pk]),
            ";".join(principles[pk]),
            rating.confidence if rating else None,
            rating.reason if rating else None,
            rating.report.fiscal_year if rating else None,
            rating.report.quarter if rating else None,
        )


def _kpi_rows(edition: PlanEdition) -> Iterator[tuple]:
    rows = published.open_kpis(edition).values_list(
        "measure__code",
        "code",
        "series_id",
        "name",
        "name_en",
        "unit",
        "unit_en",
        "direction",
        "baseline_value",
        "baseline_date",
        "target_value",
        "target_date",
        "source",
    )
    for (
        m,
        code,
        series,
        name,
        name_en,
        unit,
        unit_en,
        direction,
        bv,
        bd,
        tv,
        td,
        source,
    ) in rows.iterator(chunk_size=2000):
        yield (
            edition.year,
            m,
            code,
            series,
            name,
            name_en,
            unit,
            unit_en,
            direction,
            _number(bv),
            _iso(bd),
            _number(tv),
            _iso(td),
            source,
        )


def _interim_rows(edition: PlanEdition) -> Iterator[tuple]:
    rows = published.open_interim_targets(edition).values_list(
        "kpi__measure__code", "kpi__code", "due_on", "value"
    )
    for measure, kpi, due, value in rows.iterator(chunk_size=2000):
        yield (edition.year, measure, kpi, _iso(due), _number(value))


def _measurement_rows(edition: PlanEdition) -> Iterator[tuple]:
    rows = published.open_measurements(edition).values_list(
        "series__kpis__measure__code", "series__kpis__code", "measured_on", "value", "source"
    )
    for measure, kpi, day, value, source in rows.iterator(chunk_size=5000):
        yield (edition.year, measure, kpi, _iso(day), _number(value), source)


def _milestone_rows(edition: PlanEdition) -> Iterator[tuple]:
    rows = published.open_milestones(edition).values_list(
        "pk",
        "measure__code",
        "name",
        "name_en",
        "fiscal_year",
        "quarter",
        "planned_on",
        "done_on",
    )
    for pk, measure, name, name_en, fy, quarter, planned, done in rows.iterator(chunk_size=2000):
        yield (edition.year, pk, measure, name, name_en, fy, quarter, _iso(planned), _iso(done))


def _rating_rows(edition: PlanEdition) -> Iterator[tuple]:
    rows = published.open_ratings(edition).values_list(
        "pk",
        "report__measure__code",
        "report__fiscal_year",
        "report__quarter",
        "confidence",
        "reason",
        "given_at",
    )
    for pk, measure, fy, quarter, confidence, reason, given in rows.iterator(chunk_size=2000):
        yield (edition.year, pk, measure, fy, quarter, confidence, reason, _iso(given))


_STATUS = _labels(MeasureStatus)
_DIRECTION = _labels(Direction)
_CONFIDENCE = _labels(Confidence)
_KPI_UNIT = "kpis.unit"

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "measures",
            "施策",
            "Measures",
            "版の施策：内容、責任組織、基本原則、目標と期限、状況、最新の実施の確度（デジタル庁の確認済み）",
            "The edition's measures: what, who, which principles, target and deadline, status, "
            "and the latest delivery confidence set by the Digital Agency",
            (
                YEAR,
                MEASURE_CODE,
                Field("area_code", "string", "分野コード", "Area code", required=True),
                Field("area_title", "string", "分野", "Area"),
                Field("area_title_en", "string", "分野（英語）", "Area (English)"),
                Field("title", "string", "施策名", "Title", required=True),
                Field("title_en", "string", "施策名（英語）", "Title (English)"),
                Field("description", "string", "概要", "Description"),
                Field("description_en", "string", "概要（英語）", "Description (English)"),
                Field("lead_code", "string", "主担当組織コード", "Lead organization code"),
                Field("lead_name", "string", "主担当組織", "Lead organization"),
                Field(
                    "lead_name_en", "string", "主担当組織（英語）", "Lead organization (English)"
                ),
                Field("target_state", "string", "目標とする姿", "Target state"),
                Field(
                    "target_state_en", "string", "目標とする姿（英語）", "Target state (English)"
                ),
                Field("deadline", "date", "期限", "Deadline"),
                Field(
                    "status",
                    "string",
                    "状況",
                    "Status",
                    _STATUS[0],
                    _STATUS[1],
                    enum=tuple(MeasureStatus.values),
                ),
                Field(
                    "co_responsible_codes",
                    "string",
                    "共同担当組織コード",
                    "Co-responsible organization codes",
                    "「;」区切り",
                    "Separated by ';'",
                ),
                Field(
                    "principles",
                    "string",
                    "基本原則の番号",
                    "Basic principle numbers",
                    "①〜⑩の番号（1〜10）、「;」区切り",
                    "Numbers 1-10 of the ten principles, separated by ';'",
                ),
                Field(
                    "confidence",
                    "string",
                    "実施の確度（最新・確認済み）",
                    "Delivery confidence (latest, reviewed)",
                    _CONFIDENCE[0],
                    _CONFIDENCE[1],
                    enum=tuple(Confidence.values),
                ),
                Field("confidence_reason", "string", "確度の理由", "Reason for the rating"),
                Field("confidence_fiscal_year", "integer", "確度の年度", "Rating's fiscal year"),
                Field(
                    "confidence_quarter",
                    "integer",
                    "確度の四半期",
                    "Rating's quarter",
                    "年度の四半期（第1四半期は4〜6月）",
                    "Quarter of the fiscal year (Q1 is April to June)",
                ),
            ),
            ("measure_code",),
            _measure_rows,
            lambda e: published.open_measures(e).count(),
        ),
        Table(
            "kpis",
            "KPI",
            "KPIs",
            "施策の重要業績評価指標：基準値から目標値へ",
            "The measures' key performance indicators: from a baseline to a target",
            (
                YEAR,
                MEASURE_CODE,
                Field("kpi_code", "string", "KPIコード", "KPI code", required=True),
                Field(
                    "series_id",
                    "integer",
                    "系列番号",
                    "Series number",
                    "版をまたいで同じ指標を示す番号",
                    "Identifies the same indicator across editions",
                ),
                Field("name", "string", "指標名", "Name", required=True),
                Field("name_en", "string", "指標名（英語）", "Name (English)"),
                Field("unit", "string", "単位", "Unit", required=True),
                Field(
                    "unit_en",
                    "string",
                    "単位（英語）",
                    "Unit (English)",
                    "英語の単位。空欄は日本語の単位と同じ",
                    "The unit in English; blank where it is the Japanese one",
                ),
                Field(
                    "direction",
                    "string",
                    "望ましい方向",
                    "Direction",
                    _DIRECTION[0],
                    _DIRECTION[1],
                    enum=tuple(Direction.values),
                ),
                Field("baseline_value", "number", "基準値", "Baseline", unit=_KPI_UNIT),
                Field("baseline_date", "date", "基準日", "Baseline date"),
                Field("target_value", "number", "目標値", "Target", unit=_KPI_UNIT),
                Field("target_date", "date", "目標期日", "Target date"),
                Field("source", "string", "データの出典", "Source of data"),
            ),
            ("measure_code", "kpi_code"),
            _kpi_rows,
            lambda e: published.open_kpis(e).count(),
            ((("measure_code",), "measures", ("measure_code",)),),
        ),
        Table(
            "interim_targets",
            "中間目標",
            "Interim targets",
            "KPIが目標期日までの途中で達すべき値",
            "Values a KPI should reach on the way to its target",
            (
                YEAR,
                MEASURE_CODE,
                Field("kpi_code", "string", "KPIコード", "KPI code", required=True),
                Field("due_on", "date", "期日", "Due on", required=True),
                Field("value", "number", "値", "Value", unit=_KPI_UNIT, required=True),
            ),
            ("measure_code", "kpi_code", "due_on"),
            _interim_rows,
            lambda e: published.open_interim_targets(e).count(),
            ((("measure_code", "kpi_code"), "kpis", ("measure_code", "kpi_code")),),
        ),
        Table(
            "measurements",
            "実績値",
            "Measurements",
            "KPIの実績値（デジタル庁が受理したもののみ）",
            "KPI values over time (only those accepted by the Digital Agency)",
            (
                YEAR,
                MEASURE_CODE,
                Field("kpi_code", "string", "KPIコード", "KPI code", required=True),
                Field("measured_on", "date", "時点", "Date", required=True),
                Field("value", "number", "実績値", "Value", unit=_KPI_UNIT, required=True),
                Field("source", "string", "出典", "Source"),
            ),
            ("measure_code", "kpi_code", "measured_on"),
            _measurement_rows,
            lambda e: published.open_measurements(e).count(),
            ((("measure_code", "kpi_code"), "kpis", ("measure_code", "kpi_code")),),
        ),
        Table(
            "milestones",
            "工程表",
            "Roadmap milestones",
            "施策の工程表の項目：予定日と実施日",
            "The steps of each measure's roadmap, with planned and actual dates",
            (
                YEAR,
                Field("milestone_id", "integer", "項目番号", "Milestone number", required=True),
                MEASURE_CODE,
                Field("title", "string", "項目", "Title", required=True),
                Field("title_en", "string", "項目（英語）", "Title (English)"),
                Field("fiscal_year", "integer", "年度", "Fiscal year"),
                Field(
                    "quarter",
                    "integer",
                    "四半期",
                    "Quarter",
                    "年度の四半期（第1四半期は4〜6月）",
                    "Quarter of the fiscal year (Q1 is April to June)",
                ),
                Field("planned_on", "date", "予定日", "Planned date"),
                Field("done_on", "date", "実施日", "Actual date", "未実施は空", "Empty until done"),
            ),
            ("milestone_id",),
            _milestone_rows,
            lambda e: published.open_milestones(e).count(),
            ((("measure_code",), "measures", ("measure_code",)),),
        ),
        Table(
            "ratings",
            "実施の確度",
            "Delivery confidence ratings",
            "四半期ごとの進捗報告についてデジタル庁が確認して定めた実施の確度と理由（履歴）",
            "The delivery confidence set by the Digital Agency in review of each quarterly "
            "progress report, with its reason (the history)",
            (
                YEAR,
                Field("rating_id", "integer", "評価番号", "Rating number", required=True),
                MEASURE_CODE,
                Field("fiscal_year", "integer", "年度", "Fiscal year", required=True),
                Field(
                    "quarter",
                    "integer",
                    "四半期",
                    "Quarter",
                    "年度の四半期（第1四半期は4〜6月）",
                    "Quarter of the fiscal year (Q1 is April to June)",
                    required=True,
                ),
                Field(
                    "confidence",
                    "string",
                    "実施の確度",
                    "Delivery confidence",
                    _CONFIDENCE[0],
                    _CONFIDENCE[1],
                    enum=tuple(Confidence.values),
                    required=True,
                ),
                Field("reason", "string", "理由", "Reason"),
                Field("given_at", "datetime", "評価日時", "Given at"),
            ),
            ("rating_id",),
            _rating_rows,
            lambda e: published.open_ratings(e).count(),
            ((("measure_code",), "measures", ("measure_code",)),),
        ),
    )
}


def records(table: Table, edition: PlanEdition) -> Iterator[dict[str, Any]]:
    """The table's rows as JSON objects: numbers as numbers, the rest as written in CSV."""
    numeric = {f.name for f in table.fields if f.type == "number"}
    names = table.names
    for row in table.rows(edition):
        record = dict(zip(names, row, strict=True))
        for name in numeric:
            if record[name] is not None:
                number = Decimal(record[name])
                record[name] = int(number) if number == number.to_integral() else float(number)
        yield record


def json_chunks(rows: Iterator[dict[str, Any]]) -> Iterator[str]:
    """A JSON array of ``rows``, a few hundred rows per chunk."""
    yield "["
    batch: list[str] = []
    first = True
    for row in rows:
        batch.append(json.dumps(row, ensure_ascii=False))
        if len(batch) >= 500:
            yield ("" if first else ",") + ",".join(batch)
            first, batch = False, []
    if batch:
        yield ("" if first else ",") + ",".join(batch)
    yield "]"


def datapackage(edition: PlanEdition, base_url: str = "") -> dict[str, Any]:
    """The edition's data dictionary as a Frictionless Data Package. Paths are relative to
    the package (the files sit beside ``datapackage.json``)."""
    resources = []
    for table in TABLES.values():
        schema: dict[str, Any] = {
            "fields": [f.schema() for f in table.fields],
            "primaryKey": list(table.primary_key),
        }
        if table.foreign_keys:
            schema["foreignKeys"] = [
                {"fields": list(own), "reference": {"resource": other, "fields": list(theirs)}}
                for own, other, theirs in table.foreign_keys
            ]
        resources.append(
            {
                "name": table.name,
                "path": f"{table.name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "title": table.title,
                "title_en": table.title_en,
                "description": table.description,
                "description_en": table.description_en,
                "schema": schema,
            }
        )
    title_en = edition.title_en or edition.title
    return {
        "profile": "tabular-data-package",
        "name": f"priority-plan-{edition.year}",
        "title": f"{edition.title}（{edition.year}年版）",
        "title_en": f"{title_en} ({edition.year} edition)",
        "description": "デジタル社会の実現に向けた重点計画の公開データ。実績値は受理済みのもの、"
        "実施の確度はデジタル庁が確認したもののみ。",
        "description_en": "Open data of the priority plan for the digital society. Only "
        "accepted measurements and the delivery confidence set by the Digital Agency.",
        "homepage": f"{base_url}/priority-plan/{edition.year}/",
        "version": str(edition.year),
        "created": _iso(edition.published_at),
        "licenses": [
            {
                "name": "CC-BY-4.0",
                "path": "https://creativecommons.org/licenses/by/4.0/",
                "title": "Creative Commons Attribution 4.0",
            }
        ],
        "resources": resources,
    }
