import csv
import io
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import translation

from shireito.core.models import AuditEvent
from shireito.registry import transfer
from shireito.registry.models import InformationSystem
from shireito.registry.services import system_set_related
from shireito.registry.transfer import COLUMNS, export_csv, import_systems
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def csv_text(rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, "") for c in COLUMNS})
    return buffer.getvalue()


GOOD = [
    {"code": "new-1", "name": "新システム1", "owner": "mhlw", "category": "ministry_system"},
    {
        "code": "new-2",
        "name": "新システム2",
        "owner": "tokyo",
        "category": "local_government_system",
        "standard_business": "resident_registry",
        "migration_status": "migrated",
    },
]


def test_export_then_import_round_trips(government, systems):
    text = "".join(export_csv(InformationSystem.objects.order_by("code")))
    InformationSystem.objects.filter(code="meti-app").update(name="changed")
    result = import_systems(StringIO(text), actor=None)
    assert result.ok and result.written
    assert result.updated == len(systems)
    assert InformationSystem.objects.get(code="meti-app").name == "meti-app システム"


def test_dry_run_checks_without_writing(government):
    result = import_systems(StringIO(csv_text(GOOD)), actor=None, dry_run=True)
    assert result.ok and not result.written
    assert result.created == 2
    assert not InformationSystem.objects.filter(code__startswith="new-").exists()


def test_a_file_with_any_problem_writes_nothing_and_names_row_and_column(government):
    before = AuditEvent.objects.count()
    rows = [
        *GOOD,
        {"code": "new-3", "name": "", "owner": "mhlw", "category": "ministry_system"},
        {"code": "new-4", "name": "x", "owner": "atlantis", "category": "ministry_system"},
        {
            "code": "new-5",
            "name": "x",
            "owner": "mhlw",
            "category": "ministry_system",
            "phase_since": "31/12/2025",
        },
        {"code": "new-1", "name": "dup", "owner": "mhlw", "category": "ministry_system"},
        {
            "code": "new-6",
            "name": "x",
            "owner": "mhlw",
            "category": "joint_system",
            "builder": "mhlw",
        },
    ]
    result = import_systems(StringIO(csv_text(rows)), actor=None)
    assert not result.written
    problems = {(p.row, p.column) for p in result.problems}
    assert {(4, "name"), (5, "owner"), (6, "phase_since"), (7, "code"), (8, "builder")} <= problems
    assert not InformationSystem.objects.filter(code__startswith="new-").exists()
    assert AuditEvent.objects.count() == before


def test_wrong_header_is_reported_before_any_row(government):
    result = import_systems(StringIO("code,name,colour\nx,y,z\n"), actor=None)
    messages = " ".join(p.message for p in result.problems)
    assert "colour" in messages and "owner" in messages


def test_command_line_import_and_export(government, systems, tmp_path):
    path = tmp_path / "systems.csv"
    path.write_text(csv_text(GOOD), encoding="utf-8")
    out = StringIO()
    call_command("registry", "import", str(path), "--dry-run", stdout=out)
    assert "would add 2" in out.getvalue()
    call_command("registry", "import", str(path), stdout=StringIO())
    assert InformationSystem.objects.filter(code__startswith="new-").count() == 2
    exported = tmp_path / "out.json"
    call_command("registry", "export", "--format", "json", "--output", str(exported))
    assert '"code": "new-1"' in exported.read_text(encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(
        csv_text([{"code": "b", "name": "b", "owner": "nowhere", "category": "ministry_system"}])
    )
    with pytest.raises(SystemExit):
        call_command("registry", "import", str(bad), stdout=StringIO(), stderr=StringIO())


def test_import_page_checks_then_imports(government, client):
    client.force_login(make_user(organization=government["mhlw"], roles=["editor"]))
    upload = lambda text: SimpleUploadedFile("s.csv", text.encode(), content_type="text/csv")  # noqa: E731
    bad = client.post(
        "/systems/import/",
        {"file": upload(csv_text([{**GOOD[0], "owner": "nowhere"}])), "action": "import"},
    )
    assert not InformationSystem.objects.filter(code="new-1").exists()
    assert "<caption>" in bad.content.decode()
    checked = client.post(
        "/systems/import/", {"file": upload(csv_text(GOOD[:1])), "action": "check"}
    )
    assert (
        checked.status_code == 200 and not InformationSystem.objects.filter(code="new-1").exists()
    )
    done = client.post("/systems/import/", {"file": upload(csv_text(GOOD[:1])), "action": "import"})
    assert done.status_code == 302
    assert InformationSystem.objects.filter(code="new-1").exists()


def test_a_dry_run_writes_nothing_not_even_to_the_audit_trail(government):
    before = AuditEvent.objects.count()
    import_systems(StringIO(csv_text(GOOD)), actor=None, dry_run=True)
    assert AuditEvent.objects.count() == before


def test_related_systems_round_trip_through_csv(government, systems):
    system_set_related(actor=None, system=systems["mhlw-app"], related=[systems["joint"]])
    text = "".join(export_csv(InformationSystem.objects.order_by("code")))
    systems["mhlw-app"].related_systems.clear()
    assert import_systems(StringIO(text), actor=None).written
    assert [s.code for s in systems["mhlw-app"].related_systems.all()] == ["joint"]


@pytest.mark.parametrize(
    ("rows", "column", "words"),
    [
        (
            [
                {
                    "code": "joint",
                    "name": "j",
                    "owner": "mhlw",
                    "category": "joint_system",
                    "related": "joint",
                }
            ],
            "related",
            "システム自身",
        ),
        (
            [
                {
                    "code": "da-portal",
                    "name": "d",
                    "owner": "tokyo",
                    "category": "local_government_system",
                    "builder": "tokyo",
                }
            ],
            "category",
            "理由",
        ),
        (
            [
                {
                    "code": "mhlw-app",
                    "name": "m",
                    "owner": "mhlw",
                    "category": "ministry_system",
                    "related": "meti-app",
                },
                {
                    "code": "meti-app",
                    "name": "m",
                    "owner": "meti",
                    "category": "ministry_system",
                    "related": "",
                },
            ],
            "related",
            "双方向",
        ),
    ],
)
def test_import_checks_what_the_services_would_refuse(government, systems, rows, column, words):
    result = import_systems(StringIO(csv_text(rows)), actor=None)
    assert not result.written
    assert any(p.column == column and words in p.message for p in result.problems), result.problems


def test_a_refusal_while_writing_rolls_the_whole_file_back(government, systems, monkeypatch):
    def refuse(**kwargs):
        raise ValidationError({"related": "changed meanwhile"})

    monkeypatch.setattr(transfer, "system_set_related", refuse)
    rows = [
        *GOOD,
        {
            "code": "new-9",
            "name": "x",
            "owner": "mhlw",
            "category": "ministry_system",
            "related": "mhlw-app",
        },
    ]
    result = import_systems(StringIO(csv_text(rows)), actor=None)
    assert not result.written
    assert [(p.row, p.column) for p in result.problems] == [(2, "related")]
    assert not InformationSystem.objects.filter(code__startswith="new-").exists()


def test_a_line_that_is_not_csv_is_a_problem_on_its_line_in_both_languages(government):
    # given a file whose third line has a cell longer than any CSV reader takes
    text = csv_text(GOOD) + "x" * (csv.field_size_limit() + 1) + "\n"

    # when it is imported by a Japanese and by an English reader
    with translation.override("ja"):
        japanese = import_systems(StringIO(text), actor=None)
    with translation.override("en"):
        english = import_systems(StringIO(text), actor=None)

    # then the line is named and nothing is written
    assert [(p.row, p.message) for p in japanese.problems] == [
        (4, "4行目をCSVとして読めません：長すぎるセルがあります。")
    ]
    assert [p.message for p in english.problems] == [
        "Line 4 cannot be read as CSV: a cell is too long."
    ]
    assert not japanese.written and not InformationSystem.objects.filter(code="new-1").exists()
