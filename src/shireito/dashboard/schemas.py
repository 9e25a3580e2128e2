from typing import Any

from ninja import Schema


class FigureOut(Schema):
    key: str
    label: str
    value: Any
    kind: str
    href: str
    flag: str


class ColumnOut(Schema):
    key: str
    label: str
    kind: str


class TableOut(Schema):
    key: str
    title: str
    columns: list[ColumnOut]
    rows: list[dict[str, Any]]


class SectionOut(Schema):
    key: str
    title: str
    description: str
    figures: list[FigureOut]
    tables: list[TableOut]


class TowerOut(Schema):
    tower: str
    organization: str
    sections: list[SectionOut]
