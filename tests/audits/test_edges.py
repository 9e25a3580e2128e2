"""Edges found in review: far-off dates, duplicate rows, oversized sheets, who may import,
characters no database stores, unwritable export paths and who may lead."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from shireito.audits import services
from shireito.audits.importers import results_import
from shireito.audits.models import Audit, ControlResult
from tests.factories import make_user


def test_a_period_far_from_its_fiscal_year_is_refused(government, systems, baseline, people):
    for start, end in [
        (dt.date(2026, 6, 1), dt.date(9999, 12, 31)),
        (dt.date(1999, 6, 1), dt.date(2026, 12, 1)),
        (dt.date(2030, 6, 1), dt.date(2030, 12, 1)),
    ]:
        with pytest.raises(ValidationError):
            services.audit_create(
                actor=people["nisc-auditor"],
                kind="security_audit",
                auditee=government["mhlw"],
                systems=[systems["mhlw-app"]],
                baseline=baseline,
                fiscal_year=2026,
                period_start=start,
                period_end=end,
            )
    assert not Audit.objects.exists()


def test_a_period_is_checked_when_changed_too(audit, people):
    with pytest.raises(ValidationError):
        services.audit_update(
            actor=people["nisc-auditor"], audit=audit, period_end=dt.date(9999, 12, 31)
        )


def test_the_api_answers_a_far_off_date_with_its_field(api, government, systems, baseline, people):
    response = api(
        people["nisc-auditor"],
        "post",
        "/api/v1/audits",
        {
            "kind": "security_audit",
            "auditee": "mhlw",
            "systems": ["mhlw-app"],
            "baseline": baseline.key,
            "fiscal_year": 2026,
            "period_start": "2026-06-01",
            "period_end": "9999-12-31",
        },
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["period_end"]


def test_the_same_result_twice_in_one_file_is_a_problem(audit, people):
    sheet = "system,control,status\nmhlw-app,1.1,satisfied\nmhlw-app,1.1,not_satisfied\n"
    with pytest.raises(services.ProblemsError) as caught:
        results_import(actor=people["nisc-auditor"], audit=audit, raw=sheet.encode(), fmt="csv")
    assert [p.path for p in caught.value.problems] == ["row 3"]
    assert "row 2" in caught.value.problems[0].message
    assert not ControlResult.objects.filter(audit=audit, status="satisfied").exists()


def test_a_workbook_one_row_over_the_limit_is_refused_whole():
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["system", "control", "status"])
    for label in ["1.1", "1.2", "2.1", "2.2"]:
        sheet.append(["mhlw-app", label, "satisfied"])
    raw = io.BytesIO()
    book.save(raw)
    from shireito.standards.spreadsheet import read_rows

    problems = []
    rows = read_rows(
        raw.getvalue(), "xlsx", lambda p, m: problems.append((p, m)), required=(), max_rows=3
    )
    assert rows is None and problems and "3" in problems[0][1]


def test_a_csv_of_blank_lines_stops_at_the_limit():
    from shireito.standards.spreadsheet import read_rows

    problems = []
    rows = read_rows(
        b"system,control\n" + b"\n" * 100_000,
        "csv",
        lambda p, m: problems.append((p, m)),
        required=(),
        max_rows=10,
    )
    assert rows is None and problems


def test_a_viewer_cannot_even_upload_results(audit, people):
    with pytest.raises(PermissionDenied):
        results_import(
            actor=people["meti-editor"], audit=audit, raw=b"system,control,status\n", fmt="csv"
        )


def test_a_null_character_in_a_json_body_is_refused_before_any_view(api, people, baseline):
    response = api(
        people["nisc-auditor"],
        "post",
        "/api/v1/audits",
        {"kind": "security_audit", "auditee": "mh\x00lw", "systems": [], "baseline": "x"},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["location"] == "body"
    lone = api(
        people["nisc-auditor"],
        "post",
        "/api/v1/audits",
        {"kind": "security_audit", "auditee": "\ud800", "systems": [], "baseline": "x"},
    )
    assert lone.status_code == 400


def test_an_unwritable_export_path_is_a_plain_error(audit, tmp_path):
    with pytest.raises(CommandError, match="Cannot write"):
        call_command("audit", "export", audit.number, "--format", "oscal-ar", "-o", str(tmp_path))


def test_the_plan_form_offers_only_active_auditors(client, people, government):
    gone = make_user(username="gone-auditor", organization=government["nisc"], roles=["auditor"])
    gone.is_active = False
    gone.save()
    client.force_login(people["nisc-auditor"])
    page = client.get("/audits/new/").content.decode()
    assert "nisc-auditor" in page and "gone-auditor" not in page
    client.force_login(people["mhlw-editor"])
    own = client.get("/audits/new/", {"self": "1"}).content.decode()
    assert "mhlw-viewer" in own  # any active member may lead a self-assessment
