"""Importing control results: CSV and XLSX sheets (problems by row and column) and OSCAL
assessment results (problems by JSON path), all or nothing, through the results service."""

import importlib.util
import io
import json

import hypothesis
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from hypothesis import strategies as st

from shireito.accounts.services import api_token_create
from shireito.audits import services
from shireito.audits.importers import results_import
from shireito.audits.models import ControlResult
from shireito.core.models import AuditEvent
from shireito.core.problems import ProblemsError

pytestmark = pytest.mark.django_db
HAS_EXPORTERS = importlib.util.find_spec("shireito.audits.exporters") is not None


def _statuses(audit) -> dict[str, tuple[str, str]]:
    return {
        r.control.label: (r.status, r.note)
        for r in ControlResult.objects.filter(audit=audit).select_related("control")
    }


def _upload(client, user, audit, raw: bytes, fmt: str, name: str):
    _token, secret = api_token_create(actor=None, user=user, name="t")
    return client.post(
        f"/api/v1/audits/{audit.number}/results/import",
        {"file": SimpleUploadedFile(name, raw), "format": fmt},
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )


# --- spreadsheets --------------------------------------------------------------------------


def test_a_csv_of_results_is_recorded_with_one_audit_event(client, audit, people):
    # given a sheet without the system column (the audit has one system) and a blank row
    raw = (
        "\ufeffcontrol,status,note\r\n"
        "1.1,satisfied,方針を確認\r\n"
        ",,\r\n"
        "2.3,not_satisfied,\r\n"
        "2.2,,\r\n"
    ).encode()
    events = AuditEvent.objects.filter(object_type="audits.audit").count()
    # when the auditors import it
    response = _upload(client, people["nisc-auditor"], audit, raw, "csv", "results.csv")
    # then
    assert response.status_code == 200, response.content
    assert response.json() == {
        "changed": 2,
        "encoding": "utf-8-sig",
        "encoding_label": "BOM付きUTF-8",
    }
    found = _statuses(audit)
    assert found["1.1"] == ("satisfied", "方針を確認")
    assert found["2.3"] == ("not_satisfied", "")  # a blank note leaves the note alone
    assert found["2.2"] == ("not_assessed", "")
    assert AuditEvent.objects.filter(object_type="audits.audit").count() == events + 1


def test_a_row_with_a_problem_is_named_and_nothing_is_written(client, audit, people):
    raw = b"system,control,status\nmhlw-app,1.1,satisfied\nmhlw-app,1.2,good\nmhlw-app,9.9,satisfied\n"
    response = _upload(client, people["nisc-auditor"], audit, raw, "csv", "results.csv")
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [e["path"] for e in errors] == ["row 3.status", "row 4.control"]
    assert {e["location"] for e in errors} == {"file"} and {e["field"] for e in errors} == {"file"}
    assert "good" in errors[0]["message"]
    assert not ControlResult.objects.exclude(status="not_assessed").exists()


def test_the_auditee_imports_its_self_assessment_but_not_results(audit, people):
    auditee = people["mhlw-editor"]
    raw = "control,claimed,claim_note\n1.1,satisfied,規程あり\n2.1,partially,\n".encode()
    assert results_import(actor=auditee, audit=audit, raw=raw, fmt="csv") == 2
    result = ControlResult.objects.get(audit=audit, control__label="1.1")
    assert (result.claimed, result.claim_note, result.status) == (
        "satisfied",
        "規程あり",
        "not_assessed",
    )
    with pytest.raises(ProblemsError) as caught:
        results_import(
            actor=auditee, audit=audit, raw=b"control,status\n1.1,satisfied\n", fmt="csv"
        )
    assert [p.path for p in caught.value.problems] == ["row 2.status"]


def test_a_sheet_must_name_the_system_when_the_audit_has_several(audit, people, systems):
    services.audit_widen(actor=people["nisc-auditor"], audit=audit, systems=[systems["joint"]])
    with pytest.raises(ProblemsError) as caught:
        results_import(
            actor=people["nisc-auditor"],
            audit=audit,
            raw=b"system,control,status\n,1.1,satisfied\njoint,,satisfied\n",
            fmt="csv",
        )
    assert [p.path for p in caught.value.problems] == ["row 2.system", "row 3.control"]
    assert caught.value.location == "file"
    count = results_import(
        actor=people["nisc-auditor"],
        audit=audit,
        raw=b"system,control,status\njoint,1.1,satisfied\n",
        fmt="csv",
    )
    assert count == 1
    assert (
        ControlResult.objects.get(audit=audit, system__code="joint", control__label="1.1").status
        == "satisfied"
    )


@pytest.mark.parametrize(
    ("raw", "path", "words"),
    [
        (b"status\nsatisfied\n", "row 1", "control"),
        (b"control,status\n", "$", "no rows"),
        (b"control,status\n,\n", "$", "no rows"),
        (b"\x80\x81\xfe\xff\x00", "$", "encoding could not be recognised"),
    ],
)
def test_unreadable_sheets_are_refused(audit, people, raw, path, words):
    with translation.override("en"), pytest.raises(ProblemsError) as caught:
        results_import(actor=people["nisc-auditor"], audit=audit, raw=raw, fmt="csv")
    problem = caught.value.problems[0]
    assert problem.path == path and words in problem.message


def test_an_xlsx_sheet_imports_like_a_csv(audit, people):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["system", "control", "status", "note"])
    sheet.append(["mhlw-app", "2.1", "partially", "一部のみ"])
    sheet.append(["mhlw-app", "2.2", "not_applicable", None])
    out = io.BytesIO()
    book.save(out)
    assert (
        results_import(actor=people["nisc-auditor"], audit=audit, raw=out.getvalue(), fmt="xlsx")
        == 2
    )
    found = _statuses(audit)
    assert found["2.1"] == ("partially", "一部のみ") and found["2.2"][0] == "not_applicable"


def test_an_oversized_file_and_an_unknown_format_are_refused(audit, people, monkeypatch):
    monkeypatch.setattr("shireito.standards.importers.MAX_BYTES", 10)
    with translation.override("en"), pytest.raises(ProblemsError) as caught:
        results_import(
            actor=people["nisc-auditor"], audit=audit, raw=b"control,status\n" * 3, fmt="csv"
        )
    assert caught.value.location == "file" and "larger" in caught.value.problems[0].message
    with pytest.raises(ProblemsError):
        results_import(actor=people["nisc-auditor"], audit=audit, raw=b"x", fmt="ods")


# --- OSCAL assessment results --------------------------------------------------------------


@pytest.mark.skipif(not HAS_EXPORTERS, reason="the OSCAL exporter is not written yet")
def test_oscal_assessment_results_round_trip_into_the_next_cycle(audit, people):
    from shireito.audits.exporters import export_assessment_results

    # given results of every kind, and one of the audit's own findings on control 2.3
    auditor = people["nisc-auditor"]
    services.results_record(
        actor=auditor,
        audit=audit,
        entries=[
            {"system": "mhlw-app", "control": "1.1", "status": "satisfied", "note": "方針を確認"},
            {"system": "mhlw-app", "control": "1.2", "status": "partially", "note": "一部"},
            {"system": "mhlw-app", "control": "2.1", "status": "not_applicable"},
            {"system": "mhlw-app", "control": "2.2", "status": "not_satisfied", "note": "無し"},
            {"system": "mhlw-app", "control": "2.3", "status": "satisfied"},
        ],
    )
    services.finding_create(
        actor=auditor,
        audit=audit,
        controls=[audit.results.get(control__label="2.3").control],
        title="t",
        severity="low",
        grade="major",
        risk="r",
    )
    services.audit_advance(actor=auditor, audit=audit, status="reporting")
    services.audit_update(actor=auditor, audit=audit, conclusion="概ね適合")
    services.audit_advance(actor=auditor, audit=audit, status="closed")
    document = json.dumps(export_assessment_results(audit)).encode()
    following = services.audit_next_cycle(actor=auditor, previous=audit)
    # when the export is imported into next year's audit
    changed = results_import(actor=auditor, audit=following, raw=document, fmt="oscal")
    # then every result and note arrives as it was; the audit's own finding changes nothing
    assert changed == 5
    assert _statuses(following) == _statuses(audit)
    assert _statuses(following)["2.1"] == ("not_applicable", "")


def _foreign_document(findings: list[dict]) -> bytes:
    """A small assessment-results document as another tool would write it: systems as
    components, named through the observations' subjects."""
    component = "11111111-1111-4111-8111-111111111111"
    observation = "22222222-2222-4222-8222-222222222222"
    return json.dumps(
        {
            "assessment-results": {
                "uuid": "33333333-3333-4333-8333-333333333333",
                "metadata": {"title": "Review", "oscal-version": "1.1.2"},
                "import-ap": {"href": "#plan"},
                "results": [
                    {
                        "uuid": "44444444-4444-4444-8444-444444444444",
                        "title": "Review",
                        "description": "Review",
                        "start": "2026-06-01T00:00:00+09:00",
                        "local-definitions": {
                            "components": [
                                {
                                    "uuid": component,
                                    "type": "this-system",
                                    "title": "Benefits system",
                                    "props": [{"name": "system-id", "value": "mhlw-app"}],
                                }
                            ]
                        },
                        "reviewed-controls": {"control-selections": [{"include-all": {}}]},
                        "observations": [
                            {
                                "uuid": observation,
                                "description": "seen",
                                "methods": ["EXAMINE"],
                                "subjects": [{"subject-uuid": component, "type": "component"}],
                                "collected": "2026-07-01T00:00:00+09:00",
                            }
                        ],
                        "findings": [
                            {
                                "uuid": f"55555555-5555-4555-8555-55555555555{i}",
                                "title": "f",
                                "related-observations": [{"observation-uuid": observation}],
                                **finding,
                            }
                            for i, finding in enumerate(findings)
                        ],
                    }
                ],
            }
        }
    ).encode()


def test_a_hand_written_oscal_document_is_read_by_target_state_and_subject(audit, people):
    raw = _foreign_document(
        [
            {
                "description": "Policy approved",
                "target": {
                    "type": "objective-id",
                    "target-id": "1.1",
                    "status": {"state": "satisfied"},
                },
            },
            {
                "description": "Roles only partly named",
                "target": {
                    "type": "objective-id",
                    "target-id": "1.2",
                    "status": {"state": "not-satisfied"},
                    "implementation-status": {"state": "partial"},
                },
            },
            {
                "description": "No logging",
                "target": {
                    "type": "objective-id",
                    "target-id": "2.2",
                    "status": {"state": "not-satisfied"},
                },
            },
            {
                "description": "Not used here",
                "target": {
                    "type": "objective-id",
                    "target-id": "2.3",
                    "props": [{"name": "shireito-status", "value": "not_applicable"}],
                    "status": {"state": "satisfied"},
                },
            },
        ]
    )
    assert results_import(actor=people["nisc-auditor"], audit=audit, raw=raw, fmt="oscal") == 4
    found = _statuses(audit)
    assert found["1.1"] == ("satisfied", "Policy approved")
    assert found["1.2"] == ("partially", "Roles only partly named")
    assert found["2.2"] == ("not_satisfied", "No logging")
    assert found["2.3"] == ("not_applicable", "Not used here")


def test_oscal_problems_are_named_by_json_path_and_nothing_is_written(client, audit, people):
    raw = _foreign_document(
        [
            {
                "description": "ok",
                "target": {
                    "type": "objective-id",
                    "target-id": "1.1",
                    "status": {"state": "satisfied"},
                },
            },
            {
                "description": "x",
                "target": {"type": "objective-id", "status": {"state": "satisfied"}},
            },
            {"description": "x", "target": {"type": "objective-id", "target-id": "2.1"}},
        ]
    )
    response = _upload(client, people["nisc-auditor"], audit, raw, "oscal", "ar.json")
    assert response.status_code == 422
    finding = "$.assessment-results.results[0].findings"
    assert [e["path"] for e in response.json()["errors"]] == [
        f"{finding}[1].target.target-id",
        f"{finding}[2].target.status.state",
    ]
    unknown = _foreign_document(
        [
            {
                "description": "x",
                "target": {
                    "type": "objective-id",
                    "target-id": "zz-9",
                    "status": {"state": "satisfied"},
                },
            }
        ]
    )
    response = _upload(client, people["nisc-auditor"], audit, unknown, "oscal", "ar.json")
    assert [e["path"] for e in response.json()["errors"]] == [f"{finding}[0].target.target-id"]
    assert not ControlResult.objects.exclude(status="not_assessed").exists()


@pytest.mark.parametrize(
    ("raw", "path"),
    [
        (b"{not json", "$"),
        (b'{"catalog": {}}', "$"),
        (b'{"assessment-results": {"results": []}}', "$.assessment-results.results"),
        (
            b'{"assessment-results": {"results": [{"findings": {}}]}}',
            "$.assessment-results.results[0].findings",
        ),
        (
            b'{"assessment-results": {"results": [{"findings": [1]}]}}',
            "$.assessment-results.results[0].findings[0]",
        ),
        (
            b'{"assessment-results": {"results": [{"title": "\\u0000"}]}}',
            "$.assessment-results.results[0].title",
        ),
    ],
)
def test_malformed_oscal_is_refused_with_its_path(audit, people, raw, path):
    with pytest.raises(ProblemsError) as caught:
        results_import(actor=people["nisc-auditor"], audit=audit, raw=raw, fmt="oscal")
    assert caught.value.location == "file"
    assert caught.value.problems[0].path == path


def test_an_oscal_document_without_a_system_is_refused_when_the_audit_has_several(
    audit, people, systems
):
    services.audit_widen(actor=people["nisc-auditor"], audit=audit, systems=[systems["joint"]])
    raw = json.dumps(
        {
            "assessment-results": {
                "results": [
                    {
                        "findings": [
                            {
                                "description": "d",
                                "target": {"target-id": "1.1", "status": {"state": "satisfied"}},
                            },
                            {
                                "description": "d",
                                "props": [{"name": "system-id", "value": "joint"}],
                                "target": {"target-id": "1.1", "status": {"state": "satisfied"}},
                            },
                        ]
                    }
                ]
            }
        }
    ).encode()
    with pytest.raises(ProblemsError) as caught:
        results_import(actor=people["nisc-auditor"], audit=audit, raw=raw, fmt="oscal")
    assert [p.path for p in caught.value.problems] == [
        "$.assessment-results.results[0].findings[0].props"
    ]
    assert not ControlResult.objects.exclude(status="not_assessed").exists()


def test_import_respects_a_closed_audit(audit, people):
    auditor = people["nisc-auditor"]
    services.audit_advance(actor=auditor, audit=audit, status="reporting")
    services.audit_update(actor=auditor, audit=audit, conclusion="適合")
    services.results_record(
        actor=auditor,
        audit=audit,
        entries=[{"id": r.pk, "status": "satisfied"} for r in audit.results.all()],
    )
    services.audit_advance(actor=auditor, audit=audit, status="closed")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        results_import(
            actor=auditor, audit=audit, raw=b"control,status\n1.1,partially\n", fmt="csv"
        )
    assert not ControlResult.objects.filter(audit=audit, status="partially").exists()


# --- values of the wrong JSON type ---------------------------------------------------------

FINDING = "$.assessment-results.results[0].findings[0]"
RESULT = "$.assessment-results.results[0]"


def _good_finding() -> dict:
    return {
        "description": "Policy approved",
        "props": [{"name": "system-id", "value": "mhlw-app"}],
        "target": {
            "type": "objective-id",
            "target-id": "1.1",
            "status": {"state": "satisfied"},
            "implementation-status": {"state": "implemented"},
        },
    }


def _set(document: dict, path: list, value) -> dict:
    """The document with the value at ``path`` (keys and list indexes) replaced."""
    element = document
    for step in path[:-1]:
        element = element[step]
    element[path[-1]] = value
    return document


def _without_system_prop(finding: dict) -> dict:
    finding.pop("props")
    return finding


R = ["assessment-results", "results", 0]
F = [*R, "findings", 0]


@pytest.mark.parametrize(
    ("path", "value", "where", "message"),
    [
        ([*R, "local-definitions", "components", 0, "uuid"], ["x"], "local-definitions.components[0].uuid", "Expected a string."),
        ([*R, "local-definitions", "components", 0, "title"], {"a": 1}, "local-definitions.components[0].title", "Expected a string."),
        ([*R, "local-definitions", "components", 0, "props", 0, "value"], 7, "local-definitions.components[0].props[0].value", "Expected a string."),
        ([*R, "local-definitions", "components"], {"uuid": "x"}, "local-definitions.components", "Expected a list."),
        ([*R, "local-definitions"], ["x"], "local-definitions", "Expected an object."),
        ([*R, "observations", 0, "uuid"], {"a": 1}, "observations[0].uuid", "Expected a string."),
        ([*R, "observations", 0, "subjects", 0, "subject-uuid"], ["u"], "observations[0].subjects[0].subject-uuid", "Expected a string."),
        ([*R, "observations", 0, "subjects", 0], "u", "observations[0].subjects[0]", "Expected an object."),
        ([*R, "observations"], {"uuid": "u"}, "observations", "Expected a list."),
        ([*F, "related-observations", 0, "observation-uuid"], ["o"], "findings[0].related-observations[0].observation-uuid", "Expected a string."),
        ([*F, "related-observations"], "o", "findings[0].related-observations", "Expected a list."),
        ([*F, "target", "status", "state"], ["satisfied"], "findings[0].target.status.state", "Expected a string."),
        ([*F, "target", "status", "state"], 1, "findings[0].target.status.state", "Expected a string."),
        ([*F, "target", "status"], "satisfied", "findings[0].target.status", "Expected an object."),
        ([*F, "target", "implementation-status", "state"], {"x": 1}, "findings[0].target.implementation-status.state", "Expected a string."),
        ([*F, "target", "target-id"], 11, "findings[0].target.target-id", "Expected a string."),
        ([*F, "target", "props"], [{"name": "result", "value": ["satisfied"]}], "findings[0].target.props[0].value", "Expected a string."),
        ([*F, "target"], "1.1", "findings[0].target", "Expected an object."),
        ([*F, "props", 0, "value"], ["mhlw-app"], "findings[0].props[0].value", "Expected a string."),
        ([*F, "props", 0, "name"], {"system-id": 1}, "findings[0].props[0].name", "Expected a string."),
        ([*F, "props", 0], "system-id", "findings[0].props[0]", "Expected an object."),
        ([*F, "description"], 3, "findings[0].description", "Expected a string."),
        ([*F, "remarks"], [], "findings[0].remarks", "Expected a string."),
    ],
)  # fmt: skip
def test_a_value_of_the_wrong_type_is_named_by_its_path_and_nothing_is_written(
    audit, people, path, value, where, message
):
    # given a good document (whose finding's remarks are read when it has no description)
    finding = _good_finding() | ({"description": ""} if path[-1] == "remarks" else {})
    document = json.loads(_foreign_document([finding]))
    events = AuditEvent.objects.count()
    # when one value read from it has the wrong JSON type
    raw = json.dumps(_set(document, path, value)).encode()
    with translation.override("en"), pytest.raises(ProblemsError) as caught:
        results_import(actor=people["nisc-auditor"], audit=audit, raw=raw, fmt="oscal")
    # then the problem names it, and nothing is written
    expected = f"{RESULT}.{where}"
    assert (expected, message) in [(p.path, p.message) for p in caught.value.problems]
    assert caught.value.location == "file"
    assert not ControlResult.objects.exclude(status="not_assessed").exists()
    assert AuditEvent.objects.count() == events


def test_the_documents_of_the_tests_above_import_as_they_are(audit, people):
    # the system named by a property, or only through an observation's subject
    auditor = people["nisc-auditor"]
    changed = [
        results_import(actor=auditor, audit=audit, raw=_foreign_document([finding]), fmt="oscal")
        for finding in (_without_system_prop(_good_finding()), _good_finding())
    ]
    assert changed == [1, 0]  # the second finds the result as the first left it
    assert _statuses(audit)["1.1"] == ("satisfied", "Policy approved")


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (
            b'{"assessment-results": {"results": [' + b"1" * 5000 + b"]}}",
            "a number has too many digits",
        ),
    ],
)
def test_json_python_cannot_read_is_a_problem_not_a_crash(audit, people, raw, words):
    with translation.override("en"), pytest.raises(ProblemsError) as caught:
        results_import(actor=people["nisc-auditor"], audit=audit, raw=raw, fmt="oscal")
    assert caught.value.problems[0].path == "$" and words in caught.value.problems[0].message


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def test_the_import_page_checks_a_shift_jis_sheet_then_imports_it(english, audit, people):
    # given the auditors' sheet saved by Excel as Shift_JIS, with a Japanese note
    client = english
    client.force_login(people["nisc-auditor"])
    page = f"/audits/{audit.number}/results/import/"
    raw = "control,status,note\r\n1.1,satisfied,規程①を確認\r\n".encode("cp932")
    before = _statuses(audit)

    def post(action: str):
        upload = SimpleUploadedFile("results.csv", raw)
        return client.post(page, {"file": upload, "format": "csv", "action": action})

    # when it is checked
    checked = post("check").content.decode()
    # then the page says how it was read and what importing changes, and nothing is written
    assert "Character encoding: read as Shift_JIS (CP932)." in checked
    assert "Importing it changes 1 result." in checked
    assert _statuses(audit) == before
    # when it is imported
    assert post("import").status_code == 302
    # then the note is stored as written
    assert _statuses(audit)["1.1"] == ("satisfied", "規程①を確認")


def test_the_import_page_shows_a_bad_file_and_never_fails(english, audit, people, monkeypatch):
    client = english
    client.force_login(people["nisc-auditor"])
    page = f"/audits/{audit.number}/results/import/"
    wrong = _set(
        json.loads(_foreign_document([_good_finding()])),
        [*F, "target", "status", "state"],
        ["satisfied"],
    )
    for raw in (json.dumps(wrong).encode(), b"[" * 100_000):
        response = client.post(
            page, {"file": SimpleUploadedFile("ar.json", raw), "format": "oscal"}
        )
        assert response.status_code == 200
        assert "nothing was written" in response.content.decode()
    assert (
        f"{FINDING}.target.status.state"
        in client.post(
            page,
            {"file": SimpleUploadedFile("ar.json", json.dumps(wrong).encode()), "format": "oscal"},
        ).content.decode()
    )

    # a file the importers did not foresee at all is still an error on the form
    def unforeseen(**kwargs):
        raise TypeError("unhashable type: 'list'")

    from shireito.audits import importers

    monkeypatch.setattr(importers, "results_import", unforeseen)
    response = client.post(
        page, {"file": SimpleUploadedFile("r.csv", b"control,status\n"), "format": "csv"}
    )
    assert response.status_code == 200
    assert "The file could not be read; nothing was written." in response.content.decode()
    assert not ControlResult.objects.exclude(status="not_assessed").exists()


# --- any JSON value anywhere -----------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(value, path=()) -> list[tuple]:
    """Every place in a document a value can be put."""
    found = [path] if path else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*path, index))
    return found


BASE_DOCUMENT = json.loads(
    _foreign_document([_good_finding(), _without_system_prop(_good_finding())])
)
PATHS = _paths(BASE_DOCUMENT)


@hypothesis.settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture],
)
@hypothesis.given(where=st.sampled_from(PATHS), value=JSON_VALUES)
def test_any_json_value_in_any_field_is_imported_or_named_never_a_crash(
    audit, people, where, value
):
    document = _set(json.loads(json.dumps(BASE_DOCUMENT)), list(where), value)
    raw = json.dumps(document).encode()
    events = AuditEvent.objects.count()
    try:
        changed = results_import(actor=people["nisc-auditor"], audit=audit, raw=raw, fmt="oscal")
    except ProblemsError as exc:
        assert exc.problems and exc.location == "file"
        assert all(isinstance(p.path, str) and isinstance(p.message, str) for p in exc.problems)
        assert AuditEvent.objects.count() == events  # nothing written
    else:
        assert isinstance(changed, int) and changed >= 0
