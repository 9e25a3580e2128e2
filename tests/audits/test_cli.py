"""`shireito audit list|export`: the operator's table of audits and the exports to a file or
standard output, with a clear error and a non-zero exit for what does not exist."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections

from shireito.cli import main

pytestmark = pytest.mark.django_db


def test_list_shows_every_audit_with_its_parties_and_year(
    audit, government, systems, baseline, people
):
    from shireito.audits import services

    own = services.audit_create(
        actor=people["mhlw-editor"],
        kind="self_assessment",
        auditee=government["mhlw"],
        systems=[systems["mhlw-app"]],
        baseline=baseline,
        fiscal_year=2025,
        period_start=audit.period_start.replace(year=2025),
        period_end=audit.period_end.replace(year=2025),
    )
    out = io.StringIO()
    call_command("audit", "list", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["number", "kind", "status", "auditee", "auditor", "FY"]
    assert lines[1].split() == [audit.number, "security_audit", "fieldwork", "mhlw", "nisc", "2026"]
    assert lines[2].split() == [own.number, "self_assessment", "planned", "mhlw", "mhlw", "2025"]
    only = io.StringIO()
    call_command("audit", "list", "--fiscal-year", "2025", stdout=only)
    assert audit.number not in only.getvalue() and own.number in only.getvalue()


def test_export_assessment_results_to_a_file(audit, tmp_path):
    target = tmp_path / "ar.json"
    call_command("audit", "export", audit.number, "--format", "oscal-ar", "-o", str(target))
    document = json.loads(target.read_text(encoding="utf-8"))["assessment-results"]
    assert len(document["results"][0]["findings"]) == audit.results.count()
    numbers = [p["value"] for p in document["metadata"]["props"] if p["name"] == "audit-number"]
    assert numbers == [audit.number]


def test_export_to_standard_output(audit):
    out = io.StringIO()
    call_command("audit", "export", audit.number, "--format", "oscal-ar", stdout=out)
    assert "assessment-results" in json.loads(out.getvalue())


def test_the_report_pdf_goes_to_a_file_or_as_bytes_to_standard_output(audit, tmp_path):
    target = tmp_path / "report.pdf"
    call_command(
        "audit", "export", audit.number, "--format", "pdf", "--language", "en", "-o", str(target)
    )
    assert target.read_bytes().startswith(b"%PDF")
    raw = io.BytesIO()
    stdout = io.TextIOWrapper(raw)  # like sys.stdout: text, with the bytes underneath
    call_command("audit", "export", audit.number, "--format", "pdf", stdout=stdout)
    assert raw.getvalue().startswith(b"%PDF")


def test_an_unknown_number_format_or_empty_plan_is_a_clear_error(audit):
    with pytest.raises(CommandError, match="No audit 'A1999-0001'"):
        call_command("audit", "export", "A1999-0001", "--format", "oscal-ar")
    with pytest.raises(CommandError, match="invalid choice: 'docx'"):
        call_command("audit", "export", audit.number, "--format", "docx")
    with pytest.raises(CommandError, match="no corrective actions"):
        call_command("audit", "export", audit.number, "--format", "oscal-poam")


def test_the_shireito_command_exits_non_zero_on_an_unknown_audit(audit, monkeypatch, capsys):
    # the command closes its database connections when it ends; keep the test's open
    monkeypatch.setattr(connections, "close_all", lambda: None)
    with pytest.raises(SystemExit) as exited:
        main(["audit", "export", "A1999-0001", "--format", "oscal-ar"])
    assert exited.value.code == 1
    assert "No audit 'A1999-0001'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exited:
        main(["audit", "export", audit.number, "--format", "xml"])
    assert exited.value.code == 2
