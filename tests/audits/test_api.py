"""The audits API: planning under the mandates, scoping (404 for non-parties), results read
and written in bulk with JSON-path errors, findings and corrective actions, evidence files,
the exports, and a whole catalog's results listed fast."""

import datetime as dt
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shireito.accounts.services import api_token_create
from shireito.audits import services
from shireito.audits.evidence import evidence_add
from shireito.audits.models import Audit, ControlResult, Evidence
from shireito.core.models import AuditEvent
from shireito.organizations.models import GovernanceSettings
from shireito.standards.importers import import_catalog
from tests.factories import pdf_bytes

pytestmark = pytest.mark.django_db
NIST = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "data"
    / "oscal"
    / "NIST_SP-800-53_rev5.0.1_catalog.json"
)


def _plan(**overrides) -> dict:
    body = {
        "kind": "security_audit",
        "auditee": "mhlw",
        "systems": ["mhlw-app"],
        "baseline": "baseline",
        "fiscal_year": 2026,
        "period_start": "2026-06-01",
        "period_end": "2026-12-01",
    }
    return body | overrides


def _bearer(user) -> dict:
    _token, secret = api_token_create(actor=None, user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _errors(response) -> dict:
    return {error["path"]: error for error in response.json()["errors"]}


# --- planning under the mandates -----------------------------------------------------------


def test_planning_without_a_mandate_is_refused_naming_the_rule_and_writes_nothing(
    api, people, baseline, systems
):
    # given the Digital Agency, which holds no security-audit mandate over a ministry
    # when it plans a security audit of MHLW's system
    response = api(people["da-auditor"], "post", "/api/v1/audits", body=_plan())
    # then
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "systems" and error["path"] == "$.systems"
    assert "mhlw-app" in error["message"] and "監査できる監査権限はありません" in error["message"]
    assert not Audit.objects.exists() and not ControlResult.objects.exists()
    assert not AuditEvent.objects.filter(object_type__startswith="audits.").exists()


@pytest.mark.parametrize(
    ("planner", "kind", "auditee", "system", "auditor", "entrusting", "mandate"),
    [
        ("nisc-auditor", "security_audit", "mhlw", "mhlw-app", "nisc", None, "government"),
        ("nisc-auditor", "entrusted_security_audit", "pmda", "pmda-app", "ipa", "nisc", "agency"),
        ("ipa-auditor", "entrusted_security_audit", "pmda", "pmda-app", "ipa", "nisc", "agency"),
        ("da-auditor", "service_assurance", "mhlw", "joint", "da", None, "service-assurance"),
    ],
)
def test_each_kind_is_planned_where_its_mandate_allows(
    api, people, baseline, systems, planner, kind, auditee, system, auditor, entrusting, mandate
):
    response = api(
        people[planner],
        "post",
        "/api/v1/audits",
        body=_plan(kind=kind, auditee=auditee, systems=[system]),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"] == "A2026-0001" and body["kind"] == kind
    assert (body["auditor"], body["entrusting"], body["auditee"]) == (auditor, entrusting, auditee)
    assert mandate in body["mandate"] and body["mandate_rule"]
    assert body["scope"] == [{"system": system, "baseline": "baseline", "selection": []}]
    assert [s["stage"] for s in body["stages"]] == [
        "scope",
        "self_assessment",
        "review",
        "report",
        "improvement",
    ]
    results = api(people[planner], "get", f"/api/v1/audits/{body['number']}/results").json()
    assert results["count"] == 5


@pytest.mark.parametrize(
    ("setting", "own", "ministries"),
    [("none", False, False), ("own_systems", True, False), ("own_and_ministries", True, True)],
)
def test_non_security_audits_follow_the_open_question(
    api, people, baseline, systems, setting, own, ministries
):
    GovernanceSettings.objects.update_or_create(id=1, defaults={"open_question": setting})
    planner = people["da-auditor"]
    on_own = api(
        planner,
        "post",
        "/api/v1/audits",
        body=_plan(kind="non_security_audit", auditee="da", systems=["da-portal"]),
    )
    on_ministry = api(
        planner,
        "post",
        "/api/v1/audits",
        body=_plan(kind="non_security_audit", auditee="mhlw", systems=["mhlw-app"]),
    )
    assert on_own.status_code == (201 if own else 422)
    assert on_ministry.status_code == (201 if ministries else 422)
    if not ministries:
        assert on_ministry.json()["errors"][0]["field"] == "systems"
    assert Audit.objects.count() == own + ministries


def test_unknown_names_in_a_plan_are_named_by_field(api, people, baseline, systems):
    response = api(
        people["nisc-auditor"],
        "post",
        "/api/v1/audits",
        body=_plan(auditee="nope", baseline="nope", systems=["mhlw-app"]),
    )
    assert response.status_code == 422
    assert set(_errors(response)) == {"$.auditee", "$.baseline"}
    hidden = api(people["ipa-auditor"], "post", "/api/v1/audits", body=_plan())
    assert hidden.status_code == 422 and _errors(hidden)["$.systems"]  # IPA cannot see it


# --- who sees what -------------------------------------------------------------------------


@pytest.fixture
def furnished(audit, people, settings, tmp_path):
    """The NISC audit with a finding, a corrective action and one piece of evidence."""
    settings.MEDIA_ROOT = tmp_path
    finding = services.finding_create(
        actor=people["nisc-auditor"],
        audit=audit,
        title="パッチ適用の遅れ",
        severity="high",
        grade="major",
        risk="既知の脆弱性が残る",
    )
    action = services.action_create(
        actor=people["mhlw-editor"],
        finding=finding,
        title="手順の整備",
        due_date=dt.date(2026, 9, 30),
    )
    item = evidence_add(
        actor=people["mhlw-editor"],
        audit=audit,
        upload=SimpleUploadedFile("policy.pdf", pdf_bytes("policy")),
        result=audit.results.first(),
    )
    return {"audit": audit, "finding": finding, "action": action, "evidence": item}


def _every_endpoint(furnished) -> list[tuple[str, str, dict | None]]:
    a = furnished["audit"].number
    f = furnished["finding"].number
    x = furnished["action"].pk
    e = furnished["evidence"].pk
    base = f"/api/v1/audits/{a}"
    return [
        ("get", base, None),
        ("patch", base, {"title": "t"}),
        ("post", f"{base}/status", {"status": "reporting"}),
        ("post", f"{base}/scope", {"systems": ["mhlw-app"]}),
        ("post", f"{base}/next-cycle", {}),
        ("get", f"{base}/results", None),
        ("patch", f"{base}/results", {"results": []}),
        ("post", f"{base}/results/import", "multipart"),
        ("get", f"{base}/summary", None),
        ("get", f"{base}/findings", None),
        (
            "post",
            f"{base}/findings",
            {"title": "t", "severity": "low", "grade": "minor", "risk": "r"},
        ),
        ("get", f"{base}/findings/{f}", None),
        ("patch", f"{base}/findings/{f}", {"title": "t"}),
        ("post", f"{base}/findings/{f}/follow-up", {"due_date": "2027-01-01"}),
        ("get", f"{base}/actions", None),
        ("post", f"{base}/findings/{f}/actions", {"title": "t", "due_date": "2027-01-01"}),
        ("patch", f"{base}/actions/{x}", {"status": "in_progress"}),
        ("post", f"{base}/actions/{x}/verify", {"accepted": True}),
        ("get", f"{base}/evidence", None),
        ("post", f"{base}/evidence", "multipart"),
        ("get", f"{base}/evidence/{e}/revisions/1/download", None),
        ("delete", f"{base}/evidence/{e}", None),
        ("get", f"{base}/export?format=oscal-ar", None),
        ("get", f"{base}/bundle", None),
    ]


@pytest.mark.parametrize("outsider", ["meti-editor", "ipa-auditor", "mic-auditor"])
def test_a_non_party_gets_404_on_every_audit_endpoint(client, furnished, people, outsider):
    headers = _bearer(people[outsider])
    for method, path, body in _every_endpoint(furnished):
        if body == "multipart":
            upload = SimpleUploadedFile("r.csv", b"control,status\n1.1,satisfied\n")
            response = client.post(path, {"file": upload, "result": 1}, **headers)
        elif body is None:
            response = getattr(client, method)(path, **headers)
        else:
            response = getattr(client, method)(
                path, json.dumps(body), content_type="application/json", **headers
            )
        assert response.status_code == 404, (method, path, response.content[:300])
    assert Evidence.objects.count() == 1 and Audit.objects.count() == 1


def test_parties_list_their_audits_and_others_see_none(api, audit, people):
    for name in ("nisc-auditor", "mhlw-editor", "mhlw-viewer"):
        body = api(people[name], "get", "/api/v1/audits").json()
        assert [item["number"] for item in body["items"]] == [audit.number], name
    assert api(people["meti-editor"], "get", "/api/v1/audits").json() == {"items": [], "count": 0}
    nisc = people["nisc-auditor"]
    assert api(nisc, "get", "/api/v1/audits", status="fieldwork").json()["count"] == 1
    assert api(nisc, "get", "/api/v1/audits", status="closed").json()["count"] == 0
    assert api(nisc, "get", "/api/v1/audits", kind="service_assurance").json()["count"] == 0
    assert api(nisc, "get", "/api/v1/audits", search="mhlw").json()["count"] == 1
    assert api(nisc, "get", "/api/v1/audits", self_assessment="true").json()["count"] == 0
    bad = api(nisc, "get", "/api/v1/audits", status="paused")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "status"


def test_the_audit_plan_lists_due_covered_and_gaps(api, audit, people):
    body = api(people["nisc-auditor"], "get", "/api/v1/audits/plan", fiscal_year=2026).json()
    rows = {item["organization"]: item for item in body["items"]}
    assert body["fiscal_year"] == 2026 and body["count"] == len(body["items"])
    assert rows["mhlw"]["covered"] and rows["mhlw"]["audits"] == [audit.number]
    assert rows["meti"]["gap"]


# --- the engagement ------------------------------------------------------------------------


def test_the_auditors_run_the_engagement_and_the_auditee_may_not(api, audit, people, systems):
    auditor, auditee = people["nisc-auditor"], people["mhlw-editor"]
    path = f"/api/v1/audits/{audit.number}"
    changed = api(
        auditor,
        "patch",
        path,
        body={"title": "FY2026 監査", "conclusion": "概ね適合", "lead": None},
    )
    assert changed.status_code == 200
    assert (changed.json()["title"], changed.json()["lead"]) == ("FY2026 監査", None)
    lead = api(auditor, "patch", path, body={"lead": "nisc-auditor"})
    assert lead.json()["lead"] == "nisc-auditor"
    assert api(auditor, "patch", path, body={"lead": "mhlw-editor"}).status_code == 422
    assert api(auditee, "patch", path, body={"title": "x"}).status_code == 403
    backwards = api(auditor, "patch", path, body={"period_end": "2026-01-01"})
    assert backwards.status_code == 422 and _errors(backwards)["$.period_end"]
    widened = api(auditor, "post", f"{path}/scope", body={"systems": ["pmda-app"]})
    assert widened.status_code == 422 and widened.json()["errors"][0]["field"] == "systems"
    stuck = api(auditor, "post", f"{path}/status", body={"status": "closed"})
    assert stuck.status_code == 422 and stuck.json()["errors"][0]["field"] == "status"
    early = api(auditor, "post", f"{path}/next-cycle", body={})
    assert early.status_code == 422  # only a closed audit starts the next cycle
    moved = api(auditor, "post", f"{path}/status", body={"status": "reporting"})
    assert moved.json()["status"] == "reporting"
    everything = [{"id": r.pk, "status": "satisfied"} for r in audit.results.all()]
    api(auditor, "patch", f"{path}/results", body={"results": everything})
    closed = api(auditor, "post", f"{path}/status", body={"status": "closed"})
    assert closed.json()["status"] == "closed" and closed.json()["closed_on"]
    following = api(auditor, "post", f"{path}/next-cycle", body={"fiscal_year": 2027})
    assert following.status_code == 201
    assert following.json()["fiscal_year"] == 2027 and following.json()["previous"] == audit.number
    assert following.json()["status"] == "planned"


# --- results -------------------------------------------------------------------------------


def test_results_list_filter_and_record_all_or_nothing_with_json_paths(api, audit, people):
    auditor, auditee = people["nisc-auditor"], people["mhlw-editor"]
    path = f"/api/v1/audits/{audit.number}/results"
    listed = api(auditor, "get", path).json()
    assert listed["count"] == 5
    assert [r["control"] for r in listed["items"]] == ["1.1", "1.2", "2.1", "2.2", "2.3"]
    first = listed["items"][0]
    assert first["system"] == "mhlw-app" and first["title"] == "Policy"
    assert first["status"] == "not_assessed" and first["control_id"]

    refused = api(
        auditor,
        "patch",
        path,
        body={
            "results": [
                {"id": first["id"], "status": "satisfied"},
                {"system": "mhlw-app", "control": "9.9", "status": "satisfied"},
                {"system": "mhlw-app", "control": "2.1", "status": "good"},
                {"system": "mhlw-app", "control": "2.2", "claimed": "satisfied"},
            ]
        },
    )
    assert refused.status_code == 422
    errors = _errors(refused)
    assert list(errors) == ["$.results[1].control", "$.results[2].status", "$.results[3].claimed"]
    assert errors["$.results[2].status"]["field"] == "status"
    assert errors["$.results[2].status"]["location"] == "body"
    assert not ControlResult.objects.exclude(status="not_assessed").exists()

    typed = api(auditor, "patch", path, body={"results": [{"id": "first"}]})
    assert typed.status_code == 422 and "$.results[0].id" in _errors(typed)

    claims = api(
        auditee,
        "patch",
        path,
        body={"results": [{"system": "mhlw-app", "control": "2.3", "claimed": "partially"}]},
    )
    assert claims.json() == {"changed": 1}
    recorded = api(
        auditor,
        "patch",
        path,
        body={
            "results": [
                {"id": first["id"], "status": "satisfied", "note": "方針を確認"},
                {"system": "mhlw-app", "control": "2.3", "status": "not_satisfied"},
            ]
        },
    )
    assert recorded.json() == {"changed": 2}
    assert api(auditor, "get", path, status="satisfied").json()["items"][0]["note"] == "方針を確認"
    assert api(auditor, "get", path, claimed="partially").json()["count"] == 1
    assert api(auditor, "get", path, search="patch").json()["items"][0]["control"] == "2.3"
    assert api(auditor, "get", path, system="joint").json()["count"] == 0
    page = api(auditor, "get", path, limit=2, offset=1).json()
    assert page["count"] == 5 and [r["control"] for r in page["items"]] == ["1.2", "2.1"]
    assert api(auditor, "get", path, limit=5001).status_code == 422

    summary = api(auditee, "get", f"/api/v1/audits/{audit.number}/summary").json()
    assert summary["results"]["totals"]["satisfied"] == 1
    assert summary["results"]["totals"]["not_satisfied"] == 1
    assert summary["results"]["assessed"] == 2 and summary["results"]["count"] == 5
    assert summary["results"]["by_system"][0]["system"] == "mhlw-app"
    assert summary["claims"]["totals"]["partially"] == 1


def test_a_whole_catalog_of_results_lists_in_a_few_queries(
    api, government, systems, people, client
):
    """Speed is measured by bench/audits.py; here, that the query count does not grow with
    the catalog."""
    # given an audit of one system against NIST SP 800-53 (1,189 controls and enhancements)
    nist = import_catalog(NIST.read_bytes(), fmt="oscal", actor=None, key="sp800-53").catalog
    audit = services.audit_create(
        actor=people["nisc-auditor"],
        kind="security_audit",
        auditee=government["mhlw"],
        systems=[systems["mhlw-app"]],
        baseline=nist,
        fiscal_year=2026,
        period_start=dt.date(2026, 6, 1),
        period_end=dt.date(2026, 12, 1),
    )
    headers = _bearer(people["nisc-auditor"])
    path = f"/api/v1/audits/{audit.number}/results"
    client.get(path, **headers)  # warm up
    # when the whole list is read
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **headers)
    # then
    body = response.json()
    assert body["count"] == 1189 and len(body["items"]) == 1189
    assert body["items"][0]["control"] == "AC-1"
    assert len(queries) <= 10


# --- findings and corrective actions -------------------------------------------------------


def test_findings_actions_and_verification(api, audit, people):
    auditor, auditee = people["nisc-auditor"], people["mhlw-editor"]
    base = f"/api/v1/audits/{audit.number}"
    finding = {
        "title": "パッチ適用の遅れ",
        "severity": "high",
        "grade": "major",
        "risk": "既知の脆弱性が残る",
        "controls": ["2.3"],
        "systems": ["mhlw-app"],
    }
    assert api(auditee, "post", f"{base}/findings", body=finding).status_code == 403
    stray = api(auditor, "post", f"{base}/findings", body=finding | {"controls": ["9.9"]})
    assert stray.status_code == 422 and _errors(stray)["$.controls"]
    made = api(auditor, "post", f"{base}/findings", body=finding)
    assert made.status_code == 201
    assert (made.json()["number"], made.json()["controls"], made.json()["systems"]) == (
        1,
        ["2.3"],
        ["mhlw-app"],
    )
    edited = api(auditor, "patch", f"{base}/findings/1", body={"severity": "medium"})
    assert edited.json()["severity"] == "medium"
    assert api(auditee, "get", f"{base}/findings").json()["count"] == 1
    assert api(auditee, "get", f"{base}/findings/2").status_code == 404
    follow_up = api(
        auditor, "post", f"{base}/findings/1/follow-up", body={"due_date": "2027-01-01"}
    )
    assert follow_up.status_code == 403  # the national centre is not the Digital Agency

    action = api(
        auditee,
        "post",
        f"{base}/findings/1/actions",
        body={
            "title": "パッチ管理手順の整備",
            "due_date": "2026-10-31",
            "milestones": [{"title": "手順書", "due_date": "2026-09-30"}],
        },
    )
    assert action.status_code == 201
    action_id = action.json()["id"]
    assert action.json()["owner"] == "mhlw" and action.json()["milestones"][0]["title"] == "手順書"
    listed = api(auditor, "get", f"{base}/actions").json()
    assert [a["id"] for a in listed["items"]] == [action_id]
    closing = api(auditee, "patch", f"{base}/actions/{action_id}", body={"status": "closed"})
    assert closing.status_code == 422
    done = api(
        auditee, "patch", f"{base}/actions/{action_id}", body={"status": "awaiting_verification"}
    )
    assert done.json()["status"] == "awaiting_verification" and done.json()["completed_on"]
    assert (
        api(auditee, "post", f"{base}/actions/{action_id}/verify", body={"accepted": True})
    ).status_code == 403
    verified = api(auditor, "post", f"{base}/actions/{action_id}/verify", body={"accepted": True})
    assert (
        verified.json()["status"] == "closed" and verified.json()["verified_by"] == "nisc-auditor"
    )
    assert api(auditor, "get", f"{base}/findings/1").json()["status"] == "closed"


# --- evidence ------------------------------------------------------------------------------


def test_evidence_is_uploaded_listed_downloaded_and_deleted(
    client, audit, people, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    auditee = _bearer(people["mhlw-editor"])
    base = f"/api/v1/audits/{audit.number}/evidence"
    result = audit.results.get(control__label="1.1")
    pdf = pdf_bytes("the policy")
    with django_capture_on_commit_callbacks(execute=True):
        made = client.post(
            base,
            {
                "file": SimpleUploadedFile("policy.pdf", pdf, content_type="application/pdf"),
                "title": "情報セキュリティ方針",
                "result": result.pk,
                "expiry_date": "2020-01-01",
                "effective_date": "2019-01-01",
            },
            **auditee,
        )
    assert made.status_code == 201, made.content
    item = made.json()
    assert (item["title"], item["system"], item["control"]) == (
        "情報セキュリティ方針",
        "mhlw-app",
        "1.1",
    )
    assert item["latest"]["number"] == 1 and item["latest"]["size"] == len(pdf)
    assert item["expired"] is True

    disguised = client.post(
        base, {"file": SimpleUploadedFile("x.pdf", b"MZ not a pdf"), "result": result.pk}, **auditee
    )
    assert disguised.status_code == 422 and disguised.json()["errors"][0]["field"] == "file"
    nowhere = client.post(base, {"file": SimpleUploadedFile("x.pdf", pdf)}, **auditee)
    assert nowhere.status_code == 422
    elsewhere = client.post(
        base, {"file": SimpleUploadedFile("x.pdf", pdf), "finding": 9}, **auditee
    )
    assert elsewhere.status_code == 422 and elsewhere.json()["errors"][0]["field"] == "finding"

    listed = client.get(base, **_bearer(people["nisc-auditor"])).json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == item["id"]
    download = client.get(
        f"{base}/{item['id']}/revisions/1/download", **_bearer(people["mhlw-viewer"])
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == pdf
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    assert client.get(f"{base}/{item['id']}/revisions/2/download", **auditee).status_code == 404

    assert (
        client.delete(f"{base}/{item['id']}", **_bearer(people["mhlw-viewer"])).status_code == 403
    )
    assert client.delete(f"{base}/{item['id']}", **auditee).status_code == 204
    assert client.get(base, **auditee).json()["count"] == 0


# --- exports -------------------------------------------------------------------------------


def test_exports_as_oscal_and_pdf(client, audit, people):
    headers = _bearer(people["mhlw-viewer"])
    base = f"/api/v1/audits/{audit.number}/export"
    ar = client.get(base, {"format": "oscal-ar"}, **headers)
    assert ar.status_code == 200 and ar["Content-Type"] == "application/json"
    document = ar.json()["assessment-results"]
    assert len(document["results"][0]["findings"]) == 5
    empty = client.get(base, {"format": "oscal-poam"}, **headers)
    assert empty.status_code == 422 and empty.json()["errors"][0]["field"] == "format"
    unknown = client.get(base, {"format": "docx"}, **headers)
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["location"] == "query"
    pdf = client.get(base, {"format": "pdf", "language": "en"}, **headers)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_an_evidence_download_is_never_sniffed_nor_cached(
    client, audit, people, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        item = evidence_add(
            actor=people["mhlw-editor"],
            audit=audit,
            upload=SimpleUploadedFile("notes.txt", b"<script>alert(1)</script>"),
            result=audit.results.first(),
        )
    response = client.get(
        f"/api/v1/audits/{audit.number}/evidence/{item.pk}/revisions/1/download",
        **_bearer(people["nisc-auditor"]),
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"<script>alert(1)</script>"
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


HUGE = 99999999999999999999  # more than the database's largest id


def test_ids_and_offsets_out_of_range_are_not_found_never_a_server_error(client, furnished, people):
    audit, item = furnished["audit"], furnished["evidence"]
    headers = _bearer(people["nisc-auditor"])
    base = f"/api/v1/audits/{audit.number}"
    for method, path in [
        ("get", f"{base}/evidence/{HUGE}/revisions/1/download"),
        ("get", f"{base}/evidence/{item.pk}/revisions/{HUGE}/download"),
        ("get", f"{base}/evidence/{item.pk}/revisions/-1/download"),
        ("delete", f"{base}/evidence/{HUGE}"),
        ("get", f"{base}/findings/{HUGE}"),
        ("get", f"{base}/findings/0"),
        ("patch", f"{base}/actions/{HUGE}"),
        ("post", f"{base}/actions/{HUGE}/verify"),
    ]:
        if method in ("get", "delete"):
            response = getattr(client, method)(path, **headers)
        else:
            body = {"accepted": True} if path.endswith("verify") else {}
            response = getattr(client, method)(
                path, json.dumps(body), content_type="application/json", **headers
            )
        assert response.status_code == 404, (method, path, response.content[:200])
    # a posted result or finding that cannot be one is an error on its field
    for field in ("result", "finding"):
        response = client.post(
            f"{base}/evidence",
            {"file": SimpleUploadedFile("a.txt", b"a"), field: HUGE},
            **headers,
        )
        assert response.status_code == 422, response.content
        assert _errors(response)[f"$.{field}"]["field"] == field
    # and an offset past any page is an empty page, with the count
    for path in (f"{base}/results", f"{base}/findings", f"{base}/evidence", "/api/v1/audits"):
        response = client.get(path, {"offset": HUGE}, **headers)
        assert response.status_code == 200, (path, response.content[:200])
        assert response.json()["items"] == [] and response.json()["count"] >= 1
    assert Evidence.objects.count() == 1
