"""The incidents API: a report along its whole route through the API, errors that name the
field (422 with JSON paths, naive times, stale writes), 403 for those who may not act, 404 for
those who are no party, STIX export and intake (JSON body and upload)."""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from shireito.accounts.services import api_token_create
from shireito.incidents import services, stix
from shireito.incidents.choices import EntryKind
from shireito.incidents.models import IncidentReport
from shireito.notifications.models import Notification
from tests.incidents.conftest import T0
from tests.incidents.stix_helpers import INDICATORS, routed_report

pytestmark = pytest.mark.django_db
H = dt.timedelta(hours=1)


def _errors(response) -> dict:
    return {error["path"]: error for error in response.json()["errors"]}


def _bearer(user) -> dict:
    _token, secret = api_token_create(actor=None, user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def _draft_body(**changes) -> dict:
    now = timezone.now()
    body = {
        "title": "不正アクセス",
        "category": "unauthorized_access",
        "impact": "medium",
        "detected_at": (now - 3 * H).isoformat(),
        "aware_at": (now - 2 * H).isoformat(),
        "narrative": "管理画面への不正ログインを検知した。",
        "tlp": "amber",
        "systems": ["pmda-app"],
        "indicators": [{"kind": "ipv4", "value": "203.0.113.9", "description": "src"}],
    }
    body.update(changes)
    return body


# --- a report along its route ----------------------------------------------------------------


def test_a_report_along_its_whole_route_through_the_api(api, handlers, systems):
    reporter, ministry, nisc = (
        handlers["pmda-editor"],
        handlers["mhlw-handler"],
        handlers["nisc-handler"],
    )
    # the reporter saves a draft
    created = api(reporter, "post", "/api/v1/incidents", body=_draft_body())
    assert created.status_code == 201, created.content
    report = created.json()
    number = report["number"]
    assert report["status"] == "draft" and report["reporter"] == "pmda"
    assert report["systems"] == ["pmda-app"]
    assert report["indicators"][0]["value"] == "203.0.113.9"
    assert [e["kind"] for e in report["timeline"]] == ["created"]
    # and sees the routes the model allows, the default first
    routes = api(reporter, "get", f"/api/v1/incidents/{number}/routes").json()
    assert routes["items"][0]["default"] is True
    assert {r["key"] for r in routes["items"]} >= {"via-ministry", "via-ipa"}
    # submits along the default route
    submitted = api(reporter, "post", f"/api/v1/incidents/{number}/submit", body={})
    assert submitted.status_code == 200
    body = submitted.json()
    assert body["status"] == "open" and body["route"] == "via-ministry"
    assert [h["organization"] for h in body["hops"]] == ["mhlw", "nisc"]
    assert body["clocks"] and body["regimes"]
    # the ministry acknowledges, asks, and the reporter answers
    ack = api(ministry, "post", f"/api/v1/incidents/{number}/acknowledge", body={})
    assert ack.status_code == 200 and ack.json()["status"] == "acknowledged"
    asked = api(
        ministry,
        "post",
        f"/api/v1/incidents/{number}/comments",
        body={"kind": "question", "text": "影響範囲は？"},
    )
    assert asked.status_code == 201
    question = next(e for e in asked.json()["timeline"] if e["kind"] == "question")
    assert question["organization"] == "mhlw" and question["author"] == "mhlw-handler"
    answered = api(
        reporter,
        "post",
        f"/api/v1/incidents/{number}/replies",
        body={"question": question["id"], "text": "1台のみ"},
    )
    assert answered.status_code == 201
    reply = answered.json()["timeline"][-1]
    assert reply["kind"] == "update" and reply["reply_to"] == question["id"]
    # an assessment, then forward to NISC
    assert (
        api(
            ministry,
            "post",
            f"/api/v1/incidents/{number}/comments",
            body={"kind": "assessment", "text": "限定的"},
        ).status_code
        == 201
    )
    forwarded = api(
        ministry, "post", f"/api/v1/incidents/{number}/forward", body={"note": "NISCへ"}
    )
    assert forwarded.status_code == 200 and forwarded.json()["organization"] == "nisc"
    # the reporter's update once open, with a note
    updated = api(
        reporter,
        "patch",
        f"/api/v1/incidents/{number}",
        body={"impact": "high", "note": "2台目を確認"},
    )
    assert updated.status_code == 200
    assert updated.json()["impact"] == "high"
    assert updated.json()["timeline"][-1]["text"] == "2台目を確認"
    # NISC acknowledges and closes
    api(nisc, "post", f"/api/v1/incidents/{number}/acknowledge", body={})
    closed = api(nisc, "post", f"/api/v1/incidents/{number}/close", body={"summary": "駆除完了"})
    assert closed.status_code == 200
    assert closed.json()["status"] == "closed" and closed.json()["closing_summary"] == "駆除完了"


def test_lists_are_scoped_filtered_and_paginated(api, handlers, draft, systems):
    other = services.report_create(
        actor=handlers["pmda-editor"], title="誤送信", category="misdelivery"
    )
    services.report_submit(
        actor=handlers["pmda-editor"],
        report=services.report_update(
            actor=handlers["pmda-editor"], report=other, aware_at=T0, narrative="n"
        ),
    )
    mine = api(handlers["pmda-editor"], "get", "/api/v1/incidents", limit=1)
    assert mine.json()["count"] == 2 and len(mine.json()["items"]) == 1
    assert (
        api(handlers["pmda-editor"], "get", "/api/v1/incidents", status="draft").json()["count"]
        == 1
    )
    found = api(handlers["pmda-editor"], "get", "/api/v1/incidents", category="misdelivery")
    assert [r["number"] for r in found.json()["items"]] == [other.number]
    searched = api(handlers["pmda-editor"], "get", "/api/v1/incidents", search=draft.number)
    assert [r["number"] for r in searched.json()["items"]] == [draft.number]
    # the ministry sees the submitted one only; an outsider nothing
    ministry = api(handlers["mhlw-handler"], "get", "/api/v1/incidents").json()
    assert [r["number"] for r in ministry["items"]] == [other.number]
    assert api(handlers["meti-handler"], "get", "/api/v1/incidents").json()["count"] == 0
    bad = api(handlers["pmda-editor"], "get", "/api/v1/incidents", status="burning")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "status"


def test_regimes_and_a_stage_filed(api, handlers, draft):
    regimes = api(handlers["ncsc-viewer"], "get", "/api/v1/incidents/regimes", limit=100).json()
    assert "jp-ppc-breach" in {r["key"] for r in regimes["items"]}
    ppc = next(r for r in regimes["items"] if r["key"] == "jp-ppc-breach")
    assert [s["key"] for s in ppc["stages"]][:2] == ["preliminary", "final"]
    # given a submitted report with personal data, so the PPC regime applies
    services.report_update(
        actor=handlers["pmda-editor"], report=draft, personal_data=True, personal_data_count=3
    )
    services.report_submit(actor=handlers["pmda-editor"], report=draft)
    path = f"/api/v1/incidents/{draft.number}/filings"
    stage = {"regime": "jp-ppc-breach", "stage": "final"}
    # the final report needs an impact description: the missing field is named
    missing = api(handlers["pmda-editor"], "post", path, body=stage)
    assert missing.status_code == 422
    assert _errors(missing)["$.impact_description"]["field"] == "impact_description"
    services.report_update(
        actor=handlers["pmda-editor"], report=draft, impact_description="業務影響なし"
    )
    filed = api(handlers["pmda-editor"], "post", path, body=stage)
    assert filed.status_code == 201 and filed.json()["stage"] == "final"
    clocks = api(handlers["pmda-editor"], "get", f"/api/v1/incidents/{draft.number}").json()[
        "clocks"
    ]
    final = next(c for c in clocks if c["regime"] == "jp-ppc-breach" and c["stage"] == "final")
    assert final["state"] in ("filed", "filed_late")
    # a regime that does not apply, and a ministry handler, are refused
    unknown = api(handlers["pmda-editor"], "post", path, body={"regime": "eu-nis2", "stage": "x"})
    assert unknown.status_code == 422 and _errors(unknown)["$.regime"]["field"] == "regime"
    assert api(handlers["mhlw-handler"], "post", path, body=stage).status_code == 403


def test_notices_are_listed_and_marked_read(api, handlers, draft):
    services.report_submit(actor=handlers["pmda-editor"], report=draft)
    listed = api(handlers["mhlw-handler"], "get", "/api/v1/incidents/notices", unread=True)
    assert listed.json()["count"] == 1
    notice = listed.json()["items"][0]
    assert notice["kind"] == "received" and notice["report"] == draft.number and notice["text"]
    marked = api(
        handlers["mhlw-handler"],
        "post",
        "/api/v1/incidents/notices/read",
        body={"ids": [notice["id"]]},
    )
    assert marked.json() == {"changed": 1}
    assert (
        api(handlers["mhlw-handler"], "get", "/api/v1/incidents/notices", unread=True).json()[
            "count"
        ]
        == 0
    )
    # another user's notice is not theirs to mark
    assert api(
        handlers["pmda-editor"],
        "post",
        "/api/v1/incidents/notices/read",
        body={"ids": [notice["id"]]},
    ).json() == {"changed": 0}
    assert Notification.objects.get(pk=notice["id"]).read_at is not None


# --- errors ----------------------------------------------------------------------------------


def test_bad_fields_are_named_with_json_paths_and_nothing_is_written(api, handlers, systems):
    before = IncidentReport.objects.count()
    response = api(
        handlers["pmda-editor"],
        "post",
        "/api/v1/incidents",
        body=_draft_body(
            category="volcano",
            detected_at="2026-11-02T09:00:00",  # no offset
            indicators=[
                {"kind": "ipv4", "value": "1.2.3.4"},
                {"kind": "stix_pattern", "value": "[ipv4-addr:value = "},
            ],
        ),
    )
    assert response.status_code == 422
    errors = _errors(response)
    assert errors["$.category"]["field"] == "category"
    assert errors["$.detected_at"]["field"] == "detected_at"
    assert errors["$.detected_at"]["location"] == "body"
    assert errors["$.indicators[1].value"]["field"] == "indicators.value"
    # the services' own refusals are named too
    response = api(
        handlers["pmda-editor"],
        "post",
        "/api/v1/incidents",
        body=_draft_body(aware_at=(timezone.now() - 5 * H).isoformat(), systems=["mhlw-app"]),
    )
    assert response.status_code == 422
    assert "$.systems" in _errors(response) or "$.aware_at" in _errors(response)
    unknown = api(
        handlers["pmda-editor"], "post", "/api/v1/incidents", body=_draft_body(systems=["x"])
    )
    assert _errors(unknown)["$.systems"]["field"] == "systems"
    assert IncidentReport.objects.count() == before


def test_a_stale_write_is_refused(api, handlers, draft):
    path = f"/api/v1/incidents/{draft.number}"
    read = api(handlers["pmda-editor"], "get", path).json()
    # someone changes the report meanwhile
    services.report_update(actor=handlers["pmda-editor"], report=draft, impact="high")
    stale = api(
        handlers["pmda-editor"],
        "patch",
        path,
        body={"impact": "low", "expected_updated_at": read["updated_at"]},
    )
    assert stale.status_code == 422 and _errors(stale)["$"]["field"] is None
    assert IncidentReport.objects.get(pk=draft.pk).impact == "high"
    fresh = api(handlers["pmda-editor"], "get", path).json()
    ok = api(
        handlers["pmda-editor"],
        "patch",
        path,
        body={"impact": "low", "expected_updated_at": fresh["updated_at"]},
    )
    assert ok.status_code == 200 and ok.json()["impact"] == "low"
    naive = api(
        handlers["pmda-editor"], "patch", path, body={"expected_updated_at": "2026-11-02T09:00:00"}
    )
    assert _errors(naive)["$.expected_updated_at"]["field"] == "expected_updated_at"
    cleared = api(handlers["pmda-editor"], "patch", path, body={"title": None})
    assert _errors(cleared)["$.title"]["field"] == "title"


@pytest.mark.parametrize(
    ("who", "method", "suffix", "body", "status"),
    [
        # a viewer of the reporter sees the draft but may not change or submit it
        ("pmda-viewer", "patch", "", {"impact": "low"}, 403),
        ("pmda-viewer", "post", "/submit", {}, 403),
        # parties who are not the reporter's may not act as it
        ("mhlw-handler", "patch", "", {"impact": "low"}, 404),
        # outsiders get 404 whatever they try
        ("meti-handler", "get", "", None, 404),
        ("meti-handler", "get", "/stix", None, 404),
        ("meti-handler", "post", "/acknowledge", {}, 404),
        ("ncsc-viewer", "get", "/routes", None, 404),
    ],
)
def test_who_may_do_what(api, handlers, government, draft, who, method, suffix, body, status):
    from tests.factories import make_user

    handlers["pmda-viewer"] = make_user(
        username="pmda-viewer", organization=government["pmda"], roles=["viewer"]
    )
    path = f"/api/v1/incidents/{draft.number}{suffix}"
    response = api(handlers[who], method, path, body)
    assert response.status_code == status
    assert set(response.json()) == {"detail", "errors"}


def test_handlers_of_a_hop_that_does_not_have_the_report_get_403(api, handlers, draft):
    services.report_submit(actor=handlers["pmda-editor"], report=draft)
    # the ministry has it; its editor is no handler
    editor = api(
        handlers["mhlw-editor"], "post", f"/api/v1/incidents/{draft.number}/acknowledge", body={}
    )
    assert editor.status_code == 403
    # the reporter cannot close
    closing = api(
        handlers["pmda-editor"],
        "post",
        f"/api/v1/incidents/{draft.number}/close",
        body={"summary": "x"},
    )
    assert closing.status_code == 403
    # a question id that is not a question of the report
    reply = api(
        handlers["pmda-editor"],
        "post",
        f"/api/v1/incidents/{draft.number}/replies",
        body={"question": 999999, "text": "x"},
    )
    assert reply.status_code == 422 and _errors(reply)["$.question"]["field"] == "question"


def test_unauthenticated_is_401(client, draft):
    assert client.get(f"/api/v1/incidents/{draft.number}").status_code == 401


# --- STIX ------------------------------------------------------------------------------------


def test_the_stix_export_is_a_valid_bundle_for_the_parties(api, handlers, systems):
    report = routed_report(handlers, systems, close=False)
    response = api(handlers["mhlw-handler"], "get", f"/api/v1/incidents/{report.number}/stix")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/stix+json;version=2.1"
    bundle = json.loads(response.content)
    assert bundle["type"] == "bundle"
    assert stix.validation_errors(bundle) == []
    assert bundle == stix.report_bundle(report, sanitised=False)


def test_a_bundle_in_the_body_becomes_a_draft(client, handlers, draft):
    bundle = stix.report_bundle(draft, sanitised=False)
    response = client.post(
        "/api/v1/incidents/stix",
        json.dumps(bundle),
        content_type="application/stix+json;version=2.1",
        **_bearer(handlers["pmda-editor"]),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["number"] != draft.number
    assert body["title"] == draft.title and body["systems"] == []
    assert [i["value"] for i in body["indicators"]] == ["203.0.113.7"]


def test_a_bad_bundle_in_the_body_names_each_problem(client, handlers, draft):
    bundle = stix.report_bundle(draft, sanitised=False)
    index = next(i for i, o in enumerate(bundle["objects"]) if o["type"] == "indicator")
    bundle["objects"][index]["pattern"] = "[ipv4-addr:value = "
    before = IncidentReport.objects.count()
    response = client.post(
        "/api/v1/incidents/stix",
        json.dumps(bundle),
        content_type="application/json",
        **_bearer(handlers["pmda-editor"]),
    )
    assert response.status_code == 422
    error = _errors(response)[f"$.objects[{index}].pattern"]
    assert error["location"] == "body" and error["field"] == "pattern"
    assert bundle["objects"][index]["id"] in error["message"]
    assert IncidentReport.objects.count() == before
    not_json = client.post(
        "/api/v1/incidents/stix",
        "{",
        content_type="application/json",
        **_bearer(handlers["pmda-editor"]),
    )
    assert not_json.status_code == 422 and "$" in _errors(not_json)


def test_an_uploaded_bundle_becomes_a_draft_or_names_its_problems(client, handlers, draft):
    bundle = stix.report_bundle(draft, sanitised=False)
    upload = SimpleUploadedFile("b.json", json.dumps(bundle).encode(), "application/json")
    response = client.post(
        "/api/v1/incidents/stix/upload", {"file": upload}, **_bearer(handlers["pmda-editor"])
    )
    assert response.status_code == 201
    bundle["objects"] = [o for o in bundle["objects"] if o["type"] != "incident"]
    upload = SimpleUploadedFile("b.json", json.dumps(bundle).encode(), "application/json")
    response = client.post(
        "/api/v1/incidents/stix/upload", {"file": upload}, **_bearer(handlers["pmda-editor"])
    )
    assert response.status_code == 422
    error = _errors(response)["$.objects"]
    assert error["location"] == "file" and error["field"] == "file"


def test_only_reporters_import(client, handlers, draft):
    bundle = stix.report_bundle(draft, sanitised=False)
    response = client.post(
        "/api/v1/incidents/stix",
        json.dumps(bundle),
        content_type="application/json",
        **_bearer(handlers["ncsc-viewer"]),
    )
    assert response.status_code == 403


def test_every_kind_of_indicator_round_trips_through_the_api(api, handlers, systems):
    created = api(
        handlers["pmda-editor"],
        "post",
        "/api/v1/incidents",
        body=_draft_body(indicators=INDICATORS),
    ).json()
    bundle = api(handlers["pmda-editor"], "get", f"/api/v1/incidents/{created['number']}/stix")
    copy_ = api(handlers["pmda-editor"], "post", "/api/v1/incidents/stix", body=bundle.json())
    assert copy_.status_code == 201
    assert copy_.json()["indicators"] == INDICATORS
    for name in ("title", "category", "impact", "detected_at", "aware_at", "narrative", "tlp"):
        assert copy_.json()[name] == created[name], name
    assert EntryKind.CREATED in {e["kind"] for e in copy_.json()["timeline"]}
