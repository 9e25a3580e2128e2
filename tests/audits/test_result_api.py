"""One control result changed over the API (``PATCH /api/v1/audits/<number>/results/<id>``):
the bulk save's checks, scoping and trail, with the version guarding against lost updates."""

import pytest

from shireito.audits.models import Audit, ComplianceTally, ControlResult
from shireito.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _first(api, user, audit):
    return api(user, "get", f"/api/v1/audits/{audit.number}/results").json()["items"][0]


def _path(audit, result_id):
    return f"/api/v1/audits/{audit.number}/results/{result_id}"


def _errors(response):
    return {e["path"]: e for e in response.json()["errors"]}


def test_an_auditor_records_one_result_and_gets_it_back_with_its_etag(api, audit, people):
    # given a result as the list shows it
    auditor = people["nisc-auditor"]
    first = _first(api, auditor, audit)
    on_audit = AuditEvent.objects.filter(object_type="audits.audit", object_id=str(audit.pk))
    events = on_audit.count()

    # when the auditor records its status and note
    response = api(
        auditor,
        "patch",
        _path(audit, first["id"]),
        {"status": "satisfied", "note": "方針を確認", "version": first["version"]},
    )

    # then the result comes back as the list shows it, one version on, with its ETag
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["id"] == first["id"] and body["control"] == first["control"]
    assert (body["status"], body["note"]) == ("satisfied", "方針を確認")
    assert body["version"] == first["version"] + 1
    assert response["ETag"] == f'"{body["version"]}"'
    # and the trail holds one event on the audit naming the control and both values
    assert on_audit.count() == events + 1
    event = on_audit.order_by("-sequence").first()
    label = f"mhlw-app/{first['control']}"
    assert event.changes[f"{label}.status"] == ["not_assessed", "satisfied"]
    assert event.changes[f"{label}.note"] == ["", "方針を確認"]
    # and the tower's tally moved by one
    tally = ComplianceTally.objects.get(audit=audit)
    assert (tally.satisfied, tally.not_assessed) == (1, 4)


def test_the_tallies_moved_one_at_a_time_match_a_recount(api, audit, people):
    # given several single changes on both sides, some back and forth
    from shireito.audits.tallies import rebuild_compliance_tallies

    auditor, auditee = people["nisc-auditor"], people["mhlw-editor"]
    items = api(auditor, "get", f"/api/v1/audits/{audit.number}/results").json()["items"]
    for item, status in zip(items, ["satisfied", "partially", "not_satisfied"], strict=False):
        path = _path(audit, item["id"])
        assert api(auditor, "patch", path, {"status": status}).status_code == 200
        assert api(auditee, "patch", path, {"claimed": status}).status_code == 200
    again = api(auditor, "patch", _path(audit, items[0]["id"]), {"status": "not_applicable"})
    assert again.status_code == 200
    moved = list(ComplianceTally.objects.values().order_by("pk"))

    # when the tallies are recounted from the results
    rebuild_compliance_tallies([audit.pk])

    # then the counts are those the single changes left
    def counts(rows):
        return [{k: v for k, v in r.items() if k not in ("id", "updated_at")} for r in rows]

    assert counts(moved) == counts(ComplianceTally.objects.values().order_by("pk"))


def test_bad_values_are_named_by_json_path_and_nothing_is_written(api, audit, people):
    # given the auditee's editor and a result
    auditee = people["mhlw-editor"]
    first = _first(api, auditee, audit)

    # when they send an unknown claim and a result that is the auditors' to record
    refused = api(
        auditee,
        "patch",
        _path(audit, first["id"]),
        {"claimed": "good", "status": "satisfied", "claim_note": "x" * 10_001},
        headers={"HTTP_ACCEPT_LANGUAGE": "en"},
    )

    # then 422 names each field, all at once, and nothing changes
    assert refused.status_code == 422
    errors = _errors(refused)
    assert set(errors) == {"$.claimed", "$.status", "$.claim_note"}
    assert errors["$.status"]["field"] == "status"
    assert "auditors" in errors["$.status"]["message"]
    assert ControlResult.objects.get(pk=first["id"]).version == first["version"]
    # and a version that is not a number is the request's problem
    typed = api(auditee, "patch", _path(audit, first["id"]), {"version": "one"})
    assert typed.status_code == 422 and "$.version" in _errors(typed)


def test_the_problems_are_in_japanese_for_a_japanese_client(api, audit, people):
    first = _first(api, people["nisc-auditor"], audit)
    refused = api(
        people["mhlw-editor"],
        "patch",
        _path(audit, first["id"]),
        {"status": "satisfied"},
        headers={"HTTP_ACCEPT_LANGUAGE": "ja"},
    )
    assert refused.status_code == 422
    message = _errors(refused)["$.status"]["message"]
    assert "Only" not in message and any("\u3040" <= c <= "\u30ff" for c in message)


def test_scoping_hides_other_audits_and_refuses_who_records_nothing(api, audit, people, government):
    # given a result of NISC's audit of MHLW
    first = _first(api, people["nisc-auditor"], audit)
    path = _path(audit, first["id"])

    # when a METI editor (no party) and an MHLW viewer (a party who records nothing) try
    other = api(people["meti-editor"], "patch", path, {"claimed": "satisfied"})
    viewer = api(people["mhlw-viewer"], "patch", path, {"claimed": "satisfied"})
    # and the auditor names a result id that is not in this audit
    missing = api(people["nisc-auditor"], "patch", _path(audit, 999_999), {"status": "satisfied"})

    # then 404, 403 and 404, and the result is unchanged
    assert other.status_code == 404
    assert viewer.status_code == 403
    assert missing.status_code == 404
    assert ControlResult.objects.get(pk=first["id"]).claimed == "not_assessed"


def test_a_stale_version_is_refused_by_body_409_and_by_if_match_412(api, audit, people):
    # given a result read by the auditor, then changed by a colleague's save
    auditor = people["nisc-auditor"]
    first = _first(api, auditor, audit)
    path = _path(audit, first["id"])
    assert api(auditor, "patch", path, {"note": "同僚"}).status_code == 200

    # when the first read's version is sent in the body, then as If-Match
    by_body = api(auditor, "patch", path, {"note": "古い", "version": first["version"]})
    by_header = api(
        auditor,
        "patch",
        path,
        {"note": "古い"},
        headers={"HTTP_IF_MATCH": f'"{first["version"]}"'},
    )

    # then 409 names $.version, 412 names the header, both give the current ETag
    assert by_body.status_code == 409
    assert by_body.json()["errors"][0]["path"] == "$.version"
    assert by_header.status_code == 412
    assert by_header.json()["errors"][0]["path"] == "If-Match"
    current = first["version"] + 1
    assert by_body["ETag"] == by_header["ETag"] == f'"{current}"'
    assert ControlResult.objects.get(pk=first["id"]).note == "同僚"
    # and the current ETag is accepted
    ok = api(auditor, "patch", path, {"note": "新"}, headers={"HTTP_IF_MATCH": f'"{current}"'})
    assert ok.status_code == 200 and ok.json()["note"] == "新"


def test_a_bulk_save_moves_the_version_so_a_single_edit_read_before_it_conflicts(
    api, audit, people
):
    # given a result read, then changed through the bulk path
    auditor = people["nisc-auditor"]
    first = _first(api, auditor, audit)
    bulk = api(
        auditor,
        "patch",
        f"/api/v1/audits/{audit.number}/results",
        {"results": [{"id": first["id"], "status": "partially"}]},
    )
    assert bulk.json() == {"changed": 1}
    assert ControlResult.objects.get(pk=first["id"]).version == first["version"] + 1

    # when a single edit made against the read before is sent
    body = {"status": "satisfied", "version": first["version"]}
    stale = api(auditor, "patch", _path(audit, first["id"]), body)

    # then it conflicts and the bulk save's value stays
    assert stale.status_code == 409
    assert ControlResult.objects.get(pk=first["id"]).status == "partially"


def test_a_closed_audit_refuses_single_edits(api, audit, people):
    # given a closed audit
    auditor = people["nisc-auditor"]
    first = _first(api, auditor, audit)
    Audit.objects.filter(pk=audit.pk).update(status="closed")
    # when the auditor changes a result, then 422 and nothing changes
    refused = api(auditor, "patch", _path(audit, first["id"]), {"status": "satisfied"})
    assert refused.status_code == 422
    assert ControlResult.objects.get(pk=first["id"]).status == "not_assessed"
