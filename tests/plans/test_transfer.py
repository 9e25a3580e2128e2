"""A whole edition out and back in: the round trip keeps it, a file with problems writes
nothing and names every problem by sheet (or file), row and column, in the user's language."""

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from shireito.core.models import AuditEvent
from shireito.core.problems import ProblemsError
from shireito.plans import services
from shireito.plans.models import (
    InterimTarget,
    Kpi,
    Measure,
    MeasureBudget,
    MeasureControl,
    MeasureSystem,
    PlanEdition,
)
from shireito.plans.transfer import edition_import, export_xlsx, export_zip
from shireito.plans.transfer.export import legend_rows, table_rows
from shireito.registry.oversight import budget_request
from tests.kit.factories.standards import make_catalog


@pytest.fixture
def linked(draft, planners, systems):
    """The draft with an interim target and a link of every kind."""
    da = planners["da-editor"]
    measure = Measure.objects.get(edition=draft, code="M-1")
    kpi = Kpi.objects.get(measure=measure, code="K-1")
    services.content_create(
        actor=da,
        instance=InterimTarget(kpi=kpi, due_on=dt.date(2027, 3, 31), value=Decimal("250.5")),
    )
    services.content_create(
        actor=da, instance=MeasureSystem(measure=measure, system=systems["mhlw-app"])
    )
    line = budget_request(
        actor=None, system=systems["mhlw-app"], fiscal_year=2026, development=10, operation=5
    )
    services.content_create(
        actor=da, instance=MeasureBudget(measure=measure, budget_line=line, share=40)
    )
    catalog = make_catalog(key="plan-cat")
    services.content_create(
        actor=da,
        instance=MeasureControl(
            measure=measure, catalog=catalog, control=catalog.nodes.get(label="2.1")
        ),
    )
    services.content_create(actor=da, instance=MeasureControl(measure=measure, catalog=catalog))
    return draft


def _content(user, edition):
    rows = table_rows(user, edition)
    rows.pop("edition")
    return rows


def _zip(files: dict[str, str], encoding: str = "utf-8") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text.encode(encoding))
    return out.getvalue()


@pytest.mark.parametrize("export", [export_xlsx, export_zip], ids=["xlsx", "csv-zip"])
def test_an_exported_edition_imports_back_as_the_same_edition(linked, planners, export):
    # given the draft's export, and a new draft of it
    da = planners["da-editor"]
    raw = export(da, linked)
    before = _content(da, linked)
    # when it is imported into the same draft and as a new draft
    same = edition_import(actor=da, year=2026, raw=raw)
    new = edition_import(actor=da, year=2030, raw=raw)
    # then both hold exactly what was exported, and the KPI keeps its series in the draft
    assert same.counts["measures"] == 2 and same.counts["controls"] == 2 and not same.new_edition
    assert new.new_edition
    assert _content(da, PlanEdition.objects.get(year=2026)) == before
    copy = PlanEdition.objects.get(year=2030)
    assert _content(da, copy) == before
    assert copy.title == "重点計画2026" and copy.status == "draft"
    # and the KPI's unit comes back in both languages
    kpi = Kpi.objects.get(measure__edition=copy, code="K-1")
    assert (kpi.unit, kpi.unit_en) == ("施設", "facilities")
    assert any("unit_en" in row for row in legend_rows())


def test_a_file_without_english_units_imports_with_them_blank(linked, planners):
    # given the draft's CSV export with the unit_en column taken out of the KPI table
    da = planners["da-editor"]
    archive = zipfile.ZipFile(io.BytesIO(export_zip(da, linked)))
    files = {}
    for name in archive.namelist():
        text = archive.read(name).decode("utf-8-sig")
        if name.startswith("kpis"):
            lines = [line.split(",") for line in text.splitlines()]
            at = lines[0].index("unit_en")
            text = "\n".join(",".join(cells[:at] + cells[at + 1 :]) for cells in lines)
        files[name] = text
    # when it is imported as a new draft
    edition_import(actor=da, year=2031, raw=_zip(files))
    # then the KPIs are there, their English units blank
    kpi = Kpi.objects.get(measure__edition__year=2031, code="K-1")
    assert (kpi.unit, kpi.unit_en) == ("施設", "")


def test_an_import_keeps_the_kpi_series_and_writes_one_audit_event(linked, planners):
    # given the draft's KPI series and its audit trail
    da = planners["da-editor"]
    series = Kpi.objects.get(code="K-1").series_id
    raw = export_xlsx(da, linked)
    events = AuditEvent.objects.count()
    # when it is imported over itself
    edition_import(actor=da, year=2026, raw=raw)
    # then the KPI continues the same series and one event names the counts
    assert Kpi.objects.get(code="K-1").series_id == series
    event = AuditEvent.objects.order_by("-sequence").first()
    assert AuditEvent.objects.count() == events + 1
    assert event.changes["imported"][1]["kpis"] == 2


def test_a_check_writes_nothing(linked, planners):
    # given an export changed to hold one measure fewer
    da = planners["da-editor"]
    raw = export_zip(da, linked)
    # when it is only checked
    summary = edition_import(actor=da, year=2031, raw=raw, dry_run=True)
    # then it says what it would write, and nothing is written
    assert summary.counts["measures"] == 2
    assert not PlanEdition.objects.filter(year=2031).exists()


AREAS = "code,parent,name,name_en,position\r\n1,,行政,Government,0\r\n1.1,9,安全,,0\r\n"
MEASURES = (
    "code,area,name,lead,principles,deadline,status\r\n"
    'M-1,1,施策,mhlw,"1,3",2028-03-31,not_started\r\n'
    "M-2,1,施策2,nobody,11,31/03/2028,finished\r\n"
    "M-1,2,,da,,,\r\n"
)
KPIS = (
    "measure,code,name,unit,direction,baseline_value,baseline_date,target_value,target_date\r\n"
    "M-1,K-1,件数,件,up,100,2025-04-01,50,2028-03-31\r\n"
    "M-9,K-2,件数,件,sideways,abc,2025-04-01,50,2024-03-31\r\n"
)


@pytest.mark.parametrize(
    ("language", "required", "date"),
    [
        ("ja", "この列は必須です。", "日付は YYYY-MM-DD で書いてください。"),
        ("en", "This column is required.", "Write a date as YYYY-MM-DD."),
    ],
)
def test_every_problem_is_named_at_once_by_file_row_and_column(
    draft, planners, language, required, date
):
    # given a ZIP whose tables have problems on many rows
    raw = _zip({"areas.csv": AREAS, "measures.csv": MEASURES, "kpis.csv": KPIS})
    before = _content(planners["da-editor"], draft)
    # when it is imported in the user's language
    with translation.override(language), pytest.raises(ProblemsError) as raised:
        edition_import(actor=planners["da-editor"], year=2026, raw=raw)
    # then every problem is named by place, in that language, and nothing is written
    problems = {p.path: p.message for p in raised.value.problems}
    assert set(problems) >= {
        "areas.csv!row 3.parent",
        "measures.csv!row 3.lead",
        "measures.csv!row 3.principles",
        "measures.csv!row 3.deadline",
        "measures.csv!row 3.status",
        "measures.csv!row 4.code",
        "measures.csv!row 4.area",
        "measures.csv!row 4.name",
        "kpis.csv!row 2.target_value",
        "kpis.csv!row 3.measure",
        "kpis.csv!row 3.direction",
        "kpis.csv!row 3.baseline_value",
    }
    assert problems["measures.csv!row 4.name"] == required
    assert problems["measures.csv!row 3.deadline"] == date
    assert _content(planners["da-editor"], draft) == before


def test_a_workbook_names_its_sheet_in_the_readers_language(linked, planners):
    # given the Japanese workbook with a KPI whose target date is no date
    from openpyxl import load_workbook

    da = planners["da-editor"]
    with translation.override("ja"):
        raw = export_xlsx(da, linked)
    book = load_workbook(io.BytesIO(raw))
    book["KPI"]["K2"] = "いつか"  # the target date, after unit and unit_en
    out = io.BytesIO()
    book.save(out)
    # when it is imported
    with translation.override("ja"), pytest.raises(ProblemsError) as raised:
        edition_import(actor=da, year=2026, raw=out.getvalue())
    # then the problem is on the sheet as the user sees it
    assert [p.path for p in raised.value.problems] == ["KPI!row 2.target_date"]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"code,name\r\n", "Upload the edition's XLSX workbook or its ZIP of CSV files."),
        (b"PK\x03\x04 broken", "The ZIP archive is damaged and cannot be read."),
        (_zip({"notes.txt": "x"}), "The ZIP archive holds none of the edition's CSV files."),
    ],
    ids=["not-a-file-we-read", "broken-zip", "no-tables"],
)
def test_a_file_that_is_no_edition_is_refused_clearly(draft, planners, raw, message):
    with translation.override("en"), pytest.raises(ProblemsError) as raised:
        edition_import(actor=planners["da-editor"], year=2026, raw=raw)
    assert [p.message for p in raised.value.problems] == [message]


def test_a_csv_in_an_encoding_we_do_not_read_is_named(draft, planners):
    # given a ZIP whose measures file is not text
    raw = _zip({"areas.csv": AREAS.split("\r\n")[0] + "\r\n"})
    broken = io.BytesIO(raw)
    with zipfile.ZipFile(broken, "a") as archive:
        archive.writestr("measures.csv", b"\x81\x00\xff\xfe\x00code")
    with translation.override("en"), pytest.raises(ProblemsError) as raised:
        edition_import(actor=planners["da-editor"], year=2026, raw=broken.getvalue())
    assert [p.path for p in raised.value.problems] == ["measures.csv"]
    assert "encoding" in raised.value.problems[0].message


def test_a_shift_jis_csv_is_read(draft, planners):
    # given CSV files saved by Excel as Shift_JIS
    raw = _zip(
        {
            "areas.csv": AREAS.replace("1.1,9", "1.1,1"),
            "measures.csv": MEASURES.splitlines()[0] + "\r\n" + MEASURES.splitlines()[1] + "\r\n",
        },
        "cp932",
    )
    # when imported
    edition_import(actor=planners["da-editor"], year=2026, raw=raw)
    # then the Japanese reads right
    assert Measure.objects.get(edition=draft, code="M-1").name == "施策"


@pytest.mark.parametrize("who", ["mhlw-editor", "da-viewer"])
def test_only_the_digital_agencys_authors_import(draft, planners, who):
    raw = export_zip(planners["da-editor"], draft)
    with pytest.raises(PermissionDenied):
        edition_import(actor=planners[who], year=2026, raw=raw)
    with pytest.raises(PermissionDenied):
        edition_import(actor=planners[who], year=2032, raw=raw)


def test_a_published_edition_is_not_imported_into(published, planners):
    raw = export_zip(planners["da-editor"], published)
    with pytest.raises(ValidationError):
        edition_import(actor=planners["da-editor"], year=2026, raw=raw)


# --- pages ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("path", "start"), [("export.xlsx", b"PK"), ("export.zip", b"PK")])
def test_a_reader_downloads_the_edition(client, published, planners, path, start):
    client.force_login(planners["tokyo-viewer"])
    response = client.get(f"/plans/2026/{path}")
    assert response.status_code == 200
    assert response.content.startswith(start)


def test_the_import_page_checks_then_imports(client, draft, planners):
    # given the Digital Agency's author on the import page with the draft's export
    da = planners["da-editor"]
    client.force_login(da)
    raw = export_zip(da, draft)
    from django.core.files.uploadedfile import SimpleUploadedFile

    # when they check the file, then import it
    checked = client.post(
        "/plans/2026/import/",
        {"action": "check", "file": SimpleUploadedFile("plan.zip", raw)},
        HTTP_ACCEPT_LANGUAGE="ja",
    )
    imported = client.post(
        "/plans/2026/import/", {"action": "import", "file": SimpleUploadedFile("plan.zip", raw)}
    )
    # then the check says what it would write, and the import writes it
    assert checked.status_code == 200
    assert "取り込むと次の件数を書き込みます" in checked.content.decode()
    assert imported.status_code == 302


def test_the_import_page_shows_every_problem_in_a_table(client, draft, planners):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(planners["da-editor"])
    raw = _zip({"areas.csv": AREAS, "measures.csv": MEASURES, "kpis.csv": KPIS})
    response = client.post(
        "/plans/2026/import/", {"action": "check", "file": SimpleUploadedFile("plan.zip", raw)}
    )
    body = response.content.decode()
    assert "<code>measures.csv!row 3.deadline</code>" in body
    assert "<code>areas.csv!row 3.parent</code>" in body


def test_a_new_edition_is_imported_from_its_own_page(client, draft, planners):
    from django.core.files.uploadedfile import SimpleUploadedFile

    da = planners["da-editor"]
    client.force_login(da)
    raw = export_xlsx(da, draft)
    response = client.post(
        "/plans/import/",
        {"action": "import", "year": 2033, "title": "", "file": SimpleUploadedFile("p.xlsx", raw)},
    )
    assert response.status_code == 302
    assert PlanEdition.objects.get(year=2033).title == "重点計画2026"


@pytest.mark.parametrize(
    ("who", "path", "status"),
    [
        ("mhlw-editor", "/plans/2026/import/", 403),
        ("da-viewer", "/plans/2026/import/", 403),
        ("mic-editor", "/plans/2026/import/", 404),
        ("mhlw-editor", "/plans/import/", 403),
        ("da-editor", "/plans/import/", 200),
        ("da-editor", "/plans/2026/import/", 200),
        ("mic-editor", "/plans/2026/export.xlsx", 404),
    ],
)
def test_only_the_digital_agencys_authors_see_the_import_page(
    client, draft, planners, who, path, status
):
    client.force_login(planners[who])
    assert client.get(path).status_code == status


def test_an_edition_of_500_measures_and_1500_kpis_imports_in_a_few_queries(draft, planners):
    # given a file of 500 measures with three KPIs, an interim target and a milestone each
    import time

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    areas = "code,name\r\n" + "".join(f"A{a},分野{a}\r\n" for a in range(10))
    measures = "code,area,name,lead,co_responsible,principles,target_state,deadline\r\n" + "".join(
        f'M{m},A{m % 10},施策{m},mhlw,meti,"1,3",目標,2030-03-31\r\n' for m in range(500)
    )
    kpis = (
        "measure,code,name,unit,direction,baseline_value,baseline_date,target_value,target_date\r\n"
        + "".join(
            f"M{m},K{k},指標,件,up,{k},2025-04-01,{100 + k},2030-03-31\r\n"
            for m in range(500)
            for k in range(3)
        )
    )
    interims = "measure,kpi,due_on,value\r\n" + "".join(
        f"M{m},K0,2027-03-31,50\r\n" for m in range(500)
    )
    milestones = "measure,name,fiscal_year,quarter,planned_on\r\n" + "".join(
        f"M{m},設計,2026,2,2026-09-30\r\n" for m in range(500)
    )
    raw = _zip(
        {
            "areas.csv": areas,
            "measures.csv": measures,
            "kpis.csv": kpis,
            "interim_targets.csv": interims,
            "milestones.csv": milestones,
        }
    )
    # when it is imported into the draft
    started = time.monotonic()
    with CaptureQueriesContext(connection) as queries:
        summary = edition_import(actor=planners["da-editor"], year=2026, raw=raw)
    took = time.monotonic() - started
    # then it is written in bulk, in seconds
    assert summary.counts["kpis"] == 1500 and summary.counts["measures"] == 500
    assert Kpi.objects.filter(measure__edition=draft).count() == 1500
    assert len(queries) < 80, len(queries)
    assert took < 20, took


def test_a_table_that_cannot_be_read_does_not_hide_the_others_problems(draft, planners):
    # given a ZIP whose KPI table has a misspelt column and whose measures have a bad date
    raw = _zip(
        {
            "areas.csv": "code,name\r\n1,行政\r\n",
            "measures.csv": "code,area,name,lead,deadline\r\nM-1,1,施策,mhlw,someday\r\n",
            "kpis.csv": "measure,code,nme,unit,direction,baseline_value,baseline_date,"
            "target_value,target_date\r\n",
            "interim_targets.csv": "measure,kpi,due_on,value\r\nM-1,K-1,2027-03-31,5\r\n",
        }
    )
    # when it is imported
    with translation.override("en"), pytest.raises(ProblemsError) as raised:
        edition_import(actor=planners["da-editor"], year=2026, raw=raw)
    # then both are named, and the interim target is not blamed for the unread KPI table
    assert [p.path for p in raised.value.problems] == [
        "kpis.csv!row 1",  # the unknown column
        "kpis.csv!row 1",  # the missing one
        "measures.csv!row 2.deadline",
    ]
