"""An audit's spreadsheets (three CSV files and one XLSX workbook) and the round trip of the
results sheet: export → edit offline → import through the results import, all or nothing,
problems named by sheet, row and column."""

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from shireito.accounts.services import api_token_create
from shireito.audits import services
from shireito.audits.importers import results_import
from shireito.audits.models import ControlResult
from shireito.audits.spreadsheets import (
    RESULT_COLUMNS,
    actions_csv_chunks,
    audit_xlsx_bytes,
    findings_csv_chunks,
    results_csv_chunks,
)
from shireito.core.models import AuditEvent
from shireito.core.problems import ProblemsError

pytestmark = pytest.mark.django_db

STATUSES = ["satisfied", "partially", "not_satisfied", "not_applicable", "not_assessed"]


@pytest.fixture
def worked(audit, people):
    """The NISC audit with results recorded by both sides (a note holding a formula, a line
    break and surrounding spaces), a finding and a corrective action with a milestone."""
    services.results_record(
        actor=people["nisc-auditor"],
        audit=audit,
        entries=[
            {"system": "mhlw-app", "control": "1.1", "status": "satisfied", "note": "方針を確認"},
            {
                "system": "mhlw-app",
                "control": "2.1",
                "status": "partially",
                "note": '=HYPERLINK("x")\r\n二行目 ',
            },
        ],
    )
    services.results_record(
        actor=people["mhlw-editor"],
        audit=audit,
        entries=[{"system": "mhlw-app", "control": "1.1", "claimed": "satisfied"}],
    )
    finding = services.finding_create(
        actor=people["nisc-auditor"],
        audit=audit,
        title="パッチ適用の遅れ",
        severity="high",
        grade="major",
        risk="既知の脆弱性が残る",
    )
    services.action_create(
        actor=people["mhlw-editor"],
        finding=finding,
        title="手順の整備",
        due_date=dt.date(2026, 9, 30),
        milestones=[{"title": "手順書", "due_date": dt.date(2026, 8, 31)}],
    )
    return audit


def _results(audit) -> dict[str, tuple[str, str, str, str]]:
    return {
        r.control.label: (r.status, r.note, r.claimed, r.claim_note)
        for r in ControlResult.objects.filter(audit=audit).select_related("control")
    }


def _csv(chunks) -> list[list[str]]:
    text = "".join(chunks)
    assert text.startswith("\ufeff")  # Excel opens it as UTF-8
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def _sheets(raw: bytes) -> dict:
    book = load_workbook(io.BytesIO(raw))
    return {sheet.title: sheet for sheet in book.worksheets}


def _edited(raw: bytes, edit) -> bytes:
    """Our workbook opened, changed by ``edit(results_sheet)`` as an auditor would, saved."""
    book = load_workbook(io.BytesIO(raw))
    edit(book.worksheets[0])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _row_of(sheet, label: str) -> int:
    return next(row[0].row for row in sheet.iter_rows(min_row=2) if row[1].value == label)


def _column(name: str) -> int:
    return RESULT_COLUMNS.index(name) + 1


def _token(user) -> str:
    return "Bearer " + api_token_create(actor=None, user=user, name="t")[1]


# --- what the files hold -------------------------------------------------------------------


def test_the_results_csv_has_the_importers_columns_then_read_only_ones(worked, people):
    # when the auditee downloads the results as CSV
    rows = _csv(results_csv_chunks(worked, people["mhlw-editor"]))
    # then the header is the import's keys, then control title, last result, updated, version
    assert rows[0] == [
        "system",
        "control",
        "status",
        "note",
        "claimed",
        "claim_note",
        "control_title",
        "previous_status",
        "updated_at",
        "version",
    ]
    by_control = {row[1]: row for row in rows[1:]}
    assert len(by_control) == ControlResult.objects.filter(audit=worked).count()
    assert by_control["1.1"][:7] == [
        "mhlw-app",
        "1.1",
        "satisfied",
        "方針を確認",
        "satisfied",
        "",
        "Policy",
    ]
    assert by_control["1.1"][8] and by_control["1.1"][9] == "3"  # saved twice since created
    # and a note that would run as a formula is guarded
    assert by_control["2.1"][3].startswith("'=HYPERLINK")


@pytest.mark.parametrize(
    ("language", "sheets", "severity", "headers"),
    [
        ("ja", ["評価結果", "指摘事項", "改善計画", "列の説明"], "高", ("指摘事項", "重大度")),
        (
            "en",
            ["Results", "Findings", "Corrective actions", "Columns"],
            "high",
            ("Finding", "Severity"),
        ),
    ],
)
def test_the_workbook_has_a_sheet_per_part_with_frozen_filtered_headers(
    worked, people, language, sheets, severity, headers
):
    # when the auditors download the workbook in the user's language
    found = _sheets(audit_xlsx_bytes(worked, people["nisc-auditor"], language))
    # then it has results, findings, corrective actions and the columns' meanings
    assert list(found) == sheets
    results, findings, actions, legend = found.values()
    for sheet in (results, findings, actions):
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref.startswith("A1:")
    assert results.auto_filter.ref == f"A1:J{results.max_row}"
    # the results keep the import's keys and values in every language
    assert [c.value for c in results[1]] == list(RESULT_COLUMNS)
    assert results.cell(_row_of(results, "1.1"), _column("status")).value == "satisfied"
    # findings and actions are for people: headers and values in their language
    assert (findings.cell(1, 1).value, findings.cell(1, 3).value) == headers
    assert [c.value for c in findings[2]][:3] == ["F1", "パッチ適用の遅れ", severity]
    assert actions.cell(2, 2).value == "手順の整備"
    assert actions.cell(2, 6).value == dt.datetime(2026, 9, 30)  # a date cell, not text
    assert "2026-08-31" in actions.cell(2, 12).value
    # and the last sheet says what every column and status value means
    assert set(RESULT_COLUMNS) | set(STATUSES) <= {row[0].value for row in legend.iter_rows()}


@pytest.mark.parametrize(
    ("language", "header", "status"), [("ja", "状態", "計画済み"), ("en", "Status", "planned")]
)
def test_findings_and_actions_csv_are_in_the_readers_language(
    worked, people, language, header, status
):
    findings = _csv(findings_csv_chunks(worked, people["mhlw-editor"], language=language))
    actions = _csv(actions_csv_chunks(worked, people["mhlw-editor"], language=language))
    assert len(findings) == 2 and findings[1][0] == "F1"
    assert header in actions[0]
    assert actions[1][actions[0].index(header)] == status


# --- who may download ----------------------------------------------------------------------

DOWNLOADS = [
    ("results_csv", "results-csv", "text/csv"),
    ("findings_csv", "findings-csv", "text/csv"),
    ("actions_csv", "actions-csv", "text/csv"),
    ("workbook", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
]


@pytest.mark.parametrize(("name", "fmt", "content_type"), DOWNLOADS)
def test_the_parties_download_by_page_and_api(client, worked, people, name, fmt, content_type):
    client.force_login(people["mhlw-viewer"])
    page = client.get(reverse(f"audits:{name}", args=[worked.number]))
    api = client.get(
        f"/api/v1/audits/{worked.number}/export",
        {"format": fmt},
        HTTP_AUTHORIZATION=_token(people["mhlw-viewer"]),
    )
    for response in (page, api):
        assert response.status_code == 200
        assert response["Content-Type"].startswith(content_type)
        assert response["Content-Disposition"].startswith("attachment")
        assert response["Cache-Control"] == "private, no-store"
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert body.startswith(b"\xef\xbb\xbf" if fmt != "xlsx" else b"PK")


@pytest.mark.parametrize(("name", "fmt", "content_type"), DOWNLOADS)
def test_who_may_not_see_the_audit_gets_404_by_page_and_api(
    client, worked, people, name, fmt, content_type
):
    outsider = people["meti-editor"]
    client.force_login(outsider)
    page = client.get(reverse(f"audits:{name}", args=[worked.number]))
    api = client.get(
        f"/api/v1/audits/{worked.number}/export",
        {"format": fmt},
        HTTP_AUTHORIZATION=_token(outsider),
    )
    assert (page.status_code, api.status_code) == (404, 404)


@pytest.mark.parametrize(
    ("language", "label"),
    [("ja", "ワークブック（XLSX）"), ("en", "Workbook (XLSX)")],
)
def test_the_audit_page_offers_the_spreadsheets_to_its_parties(
    client, worked, people, language, label
):
    client.cookies["django_language"] = language
    client.force_login(people["mhlw-viewer"])
    page = client.get(reverse("audits:detail", args=[worked.number])).content.decode()
    for name, _fmt, _type in DOWNLOADS:
        assert f'href="{reverse(f"audits:{name}", args=[worked.number])}"' in page
    assert label in page
    # and the import page tells how to work offline
    client.force_login(people["nisc-auditor"])
    importing = client.get(reverse("audits:results_import", args=[worked.number]))
    assert reverse("audits:workbook", args=[worked.number]) in importing.content.decode()


def test_no_link_is_shown_to_someone_who_cannot_see_the_audit(client, worked, people):
    client.force_login(people["meti-editor"])
    assert client.get(reverse("audits:detail", args=[worked.number])).status_code == 404
    listing = client.get(reverse("audits:list")).content.decode()
    assert reverse("audits:workbook", args=[worked.number]) not in listing


# --- the round trip ------------------------------------------------------------------------


def test_an_untouched_export_imports_back_as_no_change(worked, people):
    before = _results(worked)
    events = AuditEvent.objects.count()
    auditor = people["nisc-auditor"]
    workbook = audit_xlsx_bytes(worked, auditor, "ja")
    sheet = "".join(results_csv_chunks(worked, auditor)).encode()
    # when either file goes back unchanged, by either side
    for user in (auditor, people["mhlw-editor"]):
        assert results_import(actor=user, audit=worked, raw=workbook, fmt="xlsx") == 0
        assert results_import(actor=user, audit=worked, raw=sheet, fmt="csv") == 0
    # then nothing changed and nothing was written to the trail
    assert _results(worked) == before
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("language", ["ja", "en"])
def test_an_edited_workbook_imports_the_edits_and_leaves_the_rest(worked, people, language):
    auditor = people["nisc-auditor"]
    before = _results(worked)

    def edit(sheet):
        sheet.cell(_row_of(sheet, "2.2"), _column("status")).value = "not_satisfied"
        sheet.cell(_row_of(sheet, "2.2"), _column("note")).value = "ログが残っていない"
        sheet.cell(_row_of(sheet, "1.2"), _column("status")).value = "not_applicable"
        sheet.cell(_row_of(sheet, "1.2"), _column("control_title")).value = "read-only edit"

    raw = _edited(audit_xlsx_bytes(worked, auditor, language), edit)
    # when the auditors import the edited workbook
    assert results_import(actor=auditor, audit=worked, raw=raw, fmt="xlsx") == 2
    # then the edited results are the sheet's, and the rest as before
    after = _results(worked)
    assert after["2.2"] == ("not_satisfied", "ログが残っていない", "not_assessed", "")
    assert after["1.2"][0] == "not_applicable"
    assert {k: v for k, v in after.items() if k not in {"2.2", "1.2"}} == {
        k: v for k, v in before.items() if k not in {"2.2", "1.2"}
    }


def test_an_edited_csv_imports_the_edits_through_the_api(client, worked, people):
    auditee = people["mhlw-editor"]
    rows = _csv(results_csv_chunks(worked, auditee))
    claimed = rows[0].index("claimed")
    for row in rows[1:]:
        if row[1] == "2.3":
            row[claimed] = "partially"
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    response = client.post(
        f"/api/v1/audits/{worked.number}/results/import",
        {"file": SimpleUploadedFile("results.csv", out.getvalue().encode()), "format": "csv"},
        HTTP_AUTHORIZATION=_token(auditee),
    )
    assert response.status_code == 200, response.content
    assert response.json()["changed"] == 1
    assert _results(worked)["2.3"][2] == "partially"


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    edits=st.dictionaries(
        st.sampled_from(["1.1", "1.2", "2.1", "2.2", "2.3"]), st.sampled_from(STATUSES)
    )
)
def test_any_status_edits_round_trip(worked, people, edits):
    auditor = people["nisc-auditor"]
    before = _results(worked)

    def edit(sheet):
        for label, status in edits.items():
            sheet.cell(_row_of(sheet, label), _column("status")).value = status

    raw = _edited(audit_xlsx_bytes(worked, auditor, "en"), edit)
    changed = results_import(actor=auditor, audit=worked, raw=raw, fmt="xlsx")
    after = _results(worked)
    assert changed == sum(1 for label, status in edits.items() if before[label][0] != status)
    assert {label: after[label][0] for label in after} == {
        label: edits.get(label, before[label][0]) for label in before
    }


# --- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "sheet", "words"),
    [
        ("ja", "評価結果", "は使えません"),
        ("en", "Results", "Unknown status"),
    ],
)
def test_every_problem_is_named_by_sheet_row_and_column_and_nothing_written(
    worked, people, settings, language, sheet, words
):
    auditor = people["nisc-auditor"]
    before = _results(worked)

    def edit(results):
        results.cell(_row_of(results, "1.2"), _column("status")).value = "done"
        results.cell(_row_of(results, "1.2"), _column("claimed")).value = "satisfied"
        results.cell(_row_of(results, "2.2"), _column("control")).value = "9.9"
        results.cell(_row_of(results, "2.3"), _column("status")).value = "satisfied"

    raw = _edited(audit_xlsx_bytes(worked, auditor, language), edit)
    settings.LANGUAGE_CODE = language
    from django.utils import translation

    with translation.override(language), pytest.raises(ProblemsError) as caught:
        results_import(actor=auditor, audit=worked, raw=raw, fmt="xlsx")
    row = _row_of(load_workbook(io.BytesIO(raw)).worksheets[0], "1.2")
    problems = {p.path: p.message for p in caught.value.problems}
    # then each problem names the sheet, the row and the column: all of them at once
    assert set(problems) == {
        f"{sheet}!row {row}.status",
        f"{sheet}!row {row}.claimed",
        f"{sheet}!row {_row_of(load_workbook(io.BytesIO(raw)).worksheets[0], '9.9')}.control",
    }
    assert words in problems[f"{sheet}!row {row}.status"]
    # and nothing was written, not even the good row
    assert _results(worked) == before


@pytest.mark.parametrize(
    ("language", "words"), [("ja", "という名前のシートがありません"), ("en", "no sheet titled")]
)
def test_a_workbook_without_the_results_sheet_is_refused(worked, people, language, words):
    from django.utils import translation

    raw = audit_xlsx_bytes(worked, people["nisc-auditor"], language)
    book = load_workbook(io.BytesIO(raw))
    book.worksheets[0].title = "メモ"
    out = io.BytesIO()
    book.save(out)
    with translation.override(language), pytest.raises(ProblemsError) as caught:
        results_import(actor=people["nisc-auditor"], audit=worked, raw=out.getvalue(), fmt="xlsx")
    [problem] = caught.value.problems
    assert problem.path == "$" and words in problem.message
    assert "Results" in problem.message and "評価結果" in problem.message


def test_the_results_sheet_is_found_by_title_not_by_place(worked, people):
    book = Workbook()
    book.active.title = "notes"
    book.active.append(["anything"])
    sheet = book.create_sheet("Results")
    sheet.append(["control", "status"])
    sheet.append(["2.3", "satisfied"])
    out = io.BytesIO()
    book.save(out)
    assert (
        results_import(actor=people["nisc-auditor"], audit=worked, raw=out.getvalue(), fmt="xlsx")
        == 1
    )
    assert _results(worked)["2.3"][0] == "satisfied"


@pytest.mark.parametrize(("language", "heading"), [("ja", "問題"), ("en", "problems")])
def test_the_import_page_shows_the_sheets_problems(client, worked, people, language, heading):
    auditor = people["nisc-auditor"]
    client.cookies["django_language"] = language
    client.force_login(auditor)

    def edit(results):
        results.cell(_row_of(results, "1.2"), _column("status")).value = "done"

    raw = _edited(audit_xlsx_bytes(worked, auditor, language), edit)
    response = client.post(
        reverse("audits:results_import", args=[worked.number]),
        {"file": SimpleUploadedFile("a.xlsx", raw), "format": "xlsx", "action": "import"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and heading in page
    assert "!row " in page and ".status" in page
