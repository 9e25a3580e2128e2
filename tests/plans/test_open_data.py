"""The published plan as open data: CSV and JSON per table, a Frictionless Data Package
that validates with the data, the API's pages of the same rows; only what is published."""

import csv
import io
import json

import pytest
from django.test import Client
from ninja.testing import TestClient

from shireito.api import api
from shireito.plans import open_data
from tests.plans.publication_world import SECRETS

pytestmark = pytest.mark.django_db

TABLES = list(open_data.TABLES)


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _csv(client, path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(_body(client.get(path)).decode("utf-8"))))


def test_every_table_is_open_as_csv_and_json_without_signing_in(world):
    # given the published 2026 edition and an anonymous reader
    client = Client()
    for table in TABLES:
        # when they download the table in both formats
        as_csv = client.get(f"/open-data/plan/2026/{table}.csv")
        as_json = client.get(f"/open-data/plan/2026/{table}.json")
        # then both answer, publicly cacheable, with the same rows and the declared fields
        assert as_csv.status_code == as_json.status_code == 200, table
        assert as_csv["Content-Type"] == "text/csv; charset=utf-8"
        assert as_json["Content-Type"] == "application/json"
        assert "public" in as_csv["Cache-Control"]
        raw = _body(as_csv)
        assert not raw.startswith(b"\xef\xbb\xbf")  # as the other open data: BOM on request
        rows = list(csv.DictReader(io.StringIO(raw.decode())))
        records = json.loads(_body(as_json))
        assert len(rows) == len(records), table
        names = open_data.TABLES[table].names
        assert list(rows[0]) == names if rows else True
        assert all(list(r) == names for r in records)


def test_excel_asks_for_the_bom(world):
    raw = _body(Client().get("/open-data/plan/2026/measures.csv?bom=1"))
    assert raw.startswith(b"\xef\xbb\xbf")


def test_the_files_hold_only_what_is_published(world):
    # given the world with entered and returned values, proposals and comments
    client = Client()
    # when every file is read
    everything = "".join(
        _body(client.get(f"/open-data/plan/2026/{t}.{f}")).decode()
        for t in TABLES
        for f in ("csv", "json")
    )
    # then nothing internal is in them
    assert not [s for s in SECRETS if s in everything]
    # and the measurements are the accepted ones, the ratings the reviewed one
    values = _csv(client, "/open-data/plan/2026/measurements.csv")
    assert [(r["kpi_code"], r["measured_on"], r["value"]) for r in values] == [
        ("K-1", "2025-10-01", "150"),
        ("K-1", "2026-04-01", "210"),
        ("K-2", "2026-04-01", "60.5"),
    ]
    ratings = _csv(client, "/open-data/plan/2026/ratings.csv")
    assert [(r["measure_code"], r["confidence"], r["reason"]) for r in ratings] == [
        ("M-1", "probable", "REVIEWED-REASON-PUBLIC")
    ]
    measures = {r["measure_code"]: r for r in _csv(client, "/open-data/plan/2026/measures.csv")}
    assert set(measures) == {"M-1", "M-2"}
    assert measures["M-1"]["confidence"] == "probable"
    assert measures["M-1"]["principles"] == "3;5"
    assert measures["M-1"]["co_responsible_codes"] == "meti"
    assert measures["M-2"]["confidence"] == ""  # its only rating is a proposal
    milestones = _csv(client, "/open-data/plan/2026/milestones.csv")
    assert [(m["planned_on"], m["done_on"]) for m in milestones] == [("2026-09-30", "2026-09-20")]


def test_json_numbers_are_numbers(world):
    records = json.loads(_body(Client().get("/open-data/plan/2026/kpis.json")))
    k1 = next(r for r in records if r["kpi_code"] == "K-1")
    assert k1["baseline_value"] == 100 and k1["target_value"] == 500
    assert k1["baseline_date"] == "2025-04-01" and k1["edition_year"] == 2026


def test_latest_redirects_to_the_newest_published_edition(world):
    # given 2026 published and 2027 in draft
    # when the stable "latest" address is asked
    response = Client().get("/open-data/plan/latest/measures.csv?bom=1")
    # then it points to 2026, keeping the query
    assert response.status_code == 302
    assert response["Location"] == "/open-data/plan/2026/measures.csv?bom=1"


def test_an_unknown_table_or_format_is_404(world):
    client = Client()
    for path in [
        "/open-data/plan/2026/reports.csv",
        "/open-data/plan/2026/measures.xlsx",
        "/open-data/plan/2026/flags.json",
        "/open-data/plan/2026/datapackage.csv",
    ]:
        assert client.get(path).status_code == 404, path


def test_the_data_package_describes_every_table_in_both_languages(world):
    # when the data dictionary is read
    package = json.loads(_body(Client().get("/open-data/plan/2026/datapackage.json")))
    # then each table is a resource beside it, every field titled in Japanese and English
    assert [r["name"] for r in package["resources"]] == TABLES
    for resource in package["resources"]:
        assert resource["path"] == f"{resource['name']}.csv"
        schema = resource["schema"]
        assert schema["primaryKey"]
        for field in schema["fields"]:
            assert field["title"] and field["title_en"] and field["description_en"], field
    kpis = next(r for r in package["resources"] if r["name"] == "kpis")
    assert kpis["schema"]["foreignKeys"] == [
        {
            "fields": ["measure_code"],
            "reference": {"resource": "measures", "fields": ["measure_code"]},
        }
    ]


@pytest.fixture
def csv_limit_kept():
    """frictionless raises the csv module's field size limit for the whole process when it is
    imported (to 2 GB); our CSV readers rely on the standard limit to refuse an endless cell,
    and later tests build a cell just over the limit. Put it back."""
    import csv

    limit = csv.field_size_limit()
    yield
    csv.field_size_limit(limit)


def test_the_data_package_validates_with_its_data(world, tmp_path, csv_limit_kept):
    # given the data package and its files saved side by side, as a reader would
    frictionless = pytest.importorskip("frictionless")
    client = Client()
    (tmp_path / "datapackage.json").write_bytes(
        _body(client.get("/open-data/plan/2026/datapackage.json"))
    )
    for table in TABLES:
        (tmp_path / f"{table}.csv").write_bytes(
            _body(client.get(f"/open-data/plan/2026/{table}.csv"))
        )
    # when the Frictionless library validates it (types, keys, foreign keys)
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    # then it is valid
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_the_api_serves_the_same_rows_without_signing_in(world):
    # given the API's client without a token
    client = TestClient(api)
    # when a table is asked a page at a time
    first = client.get("/plans/open-data/2026/measurements?limit=2")
    second = client.get("/plans/open-data/2026/measurements?limit=2&offset=2")
    # then the pages hold the accepted values, with the count of them all
    assert first.status_code == 200, first.content
    assert first.json()["count"] == 3
    values = [r["value"] for r in first.json()["items"] + second.json()["items"]]
    assert values == [150, 210, 60.5]
    # and a draft edition or an unknown table is not there
    assert client.get("/plans/open-data/2027/measures").status_code == 404
    assert client.get("/plans/open-data/2026/reports").status_code in {404, 422}
    ratings = client.get("/plans/open-data/2026/ratings").json()
    assert [r["reason"] for r in ratings["items"]] == ["REVIEWED-REASON-PUBLIC"]


def test_latest_is_404_while_nothing_is_published(draft):
    # given only a draft edition
    # when the stable "latest" address is asked
    # then there is nothing to point to
    assert Client().get("/open-data/plan/latest/measures.csv").status_code == 404
    assert Client().get("/priority-plan/2026/").status_code == 404


def test_a_kpi_unit_is_open_in_both_languages(world):
    # given the published KPI K-1 counted in 施設 (facilities)
    client = Client()
    # when its table and the data dictionary are read
    rows = _csv(client, "/open-data/plan/2026/kpis.csv")
    package = json.loads(_body(client.get("/open-data/plan/2026/datapackage.json")))
    # then the row holds both units and the field is described in both languages
    k1 = next(r for r in rows if r["kpi_code"] == "K-1")
    assert (k1["unit"], k1["unit_en"]) == ("施設", "facilities")
    kpis = next(r for r in package["resources"] if r["name"] == "kpis")
    field = next(f for f in kpis["schema"]["fields"] if f["name"] == "unit_en")
    assert field["title"] == "単位（英語）" and field["title_en"] == "Unit (English)"
    assert field["description"] and field["description_en"]
