"""Two people changing the same audit, finding, corrective action or control result: the
second gets a conflict, never a lost update, on the page and in the API."""

import datetime as dt

import pytest

from shireito.audits import services
from shireito.audits.models import Audit, ControlResult, CorrectiveAction, Finding
from tests.factories import make_user
from tests.kit.forms import loaded_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def finding(audit, people):
    return services.finding_create(
        actor=people["nisc-auditor"],
        audit=audit,
        title="パッチ適用の遅れ",
        severity="high",
        grade="major",
        risk="既知の脆弱性が残る",
    )


@pytest.fixture
def action(finding, people):
    return services.action_create(
        actor=people["mhlw-editor"],
        finding=finding,
        title="手順の整備",
        due_date=dt.date(2026, 9, 30),
    )


def _two_loads(client, path, first, second, containing=None):
    """The page's form as each of two people loaded it, one after the other."""
    client.force_login(first)
    one = loaded_form(client.get(path).content.decode(), containing)
    client.force_login(second)
    two = loaded_form(client.get(path).content.decode(), containing)
    return one, two


def test_the_second_auditor_editing_an_audit_gets_a_conflict(client, audit, people, government):
    # given two NISC auditors who opened the audit's edit page
    colleague = make_user(organization=government["nisc"], roles=["auditor"], username="nisc-2")
    path = f"/audits/{audit.number}/edit/"
    first, second = _two_loads(client, path, people["nisc-auditor"], colleague)
    client.force_login(people["nisc-auditor"])
    assert client.post(path, {**first, "title": "最初の題名"}).status_code == 302

    # when the colleague sends the page loaded before
    client.force_login(colleague)
    response = client.post(path, {**second, "title": "二番目の題名"})

    # then the conflict is shown with the colleague's title kept; the first's stays
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="conflict"' in html and 'value="二番目の題名"' in html
    assert Audit.objects.get(pk=audit.pk).title == "最初の題名"


def test_a_finding_saved_from_a_stale_tab_gets_a_conflict(client, audit, finding, people):
    # given the lead with the finding's edit page open in two tabs
    path = f"/audits/{audit.number}/findings/{finding.number}/edit/"
    lead = people["nisc-auditor"]
    first, second = _two_loads(client, path, lead, lead)
    assert client.post(path, {**first, "risk": "最初のリスク"}).status_code == 302

    # when the form loaded before is sent
    response = client.post(path, {**second, "risk": "二番目のリスク"})

    # then the conflict is shown and the risk saved first stays
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="conflict"' in html and "二番目のリスク" in html
    assert Finding.objects.get(pk=finding.pk).risk == "最初のリスク"


def test_the_second_owner_reporting_progress_gets_a_conflict(client, audit, action, people):
    # given two people of the audited ministry who opened the action's page
    path = f"/audits/{audit.number}/actions/{action.pk}/"
    other = make_user(
        organization=people["mhlw-editor"].organization, roles=["editor"], username="mhlw-2"
    )
    first, second = _two_loads(client, path, people["mhlw-editor"], other, "progress-title")
    client.force_login(people["mhlw-editor"])
    assert client.post(path, {**first, "progress-description": "一"}).status_code == 302

    # when the other sends the progress form loaded before
    client.force_login(other)
    response = client.post(path, {**second, "progress-description": "二"})

    # then the conflict is shown above the kept values and the first report stays
    html = response.content.decode()
    assert response.status_code == 200 and 'id="conflict"' in html and "二" in html
    assert CorrectiveAction.objects.get(pk=action.pk).description == "一"


def test_the_api_refuses_stale_changes_of_audits_findings_and_actions(
    api, audit, finding, action, people
):
    # given each record read, then changed by someone else
    auditor, owner = people["nisc-auditor"], people["mhlw-editor"]
    base = f"/api/v1/audits/{audit.number}"
    cases = [
        (auditor, base, {"title": "新"}, {"title": "古"}),
        (auditor, f"{base}/findings/{finding.number}", {"risk": "新"}, {"risk": "古"}),
        (owner, f"{base}/actions/{action.pk}", {"description": "新"}, {"description": "古"}),
    ]
    for user, path, fresh, stale in cases:
        tag = api(user, "get", path).headers.get("ETag") if "actions" not in path else '"1"'
        assert api(user, "patch", path, fresh).status_code == 200

        # when a change made against the first read is sent, by header and by body
        by_header = api(user, "patch", path, stale, headers={"HTTP_IF_MATCH": tag})
        by_body = api(user, "patch", path, {**stale, "version": 1})

        # then 412 and 409, and the other's change stays
        assert (by_header.status_code, by_body.status_code) == (412, 409), path
        assert by_body.json()["errors"][0]["path"] == "$.version"
    assert Audit.objects.get(pk=audit.pk).title == "新"
    assert Finding.objects.get(pk=finding.pk).risk == "新"
    assert CorrectiveAction.objects.get(pk=action.pk).description == "新"


def test_the_bulk_results_path_refuses_items_changed_since_they_were_read(api, audit, people):
    # given the results read by an auditor, then one changed by a colleague
    auditor = people["nisc-auditor"]
    path = f"/api/v1/audits/{audit.number}/results"
    items = api(auditor, "get", path).json()["items"]
    first, second = items[0], items[1]
    changed = api(auditor, "patch", path, {"results": [{"id": first["id"], "note": "同僚"}]})
    assert changed.status_code == 200

    # when a save of both, made against the first read, is sent
    stale = api(
        auditor,
        "patch",
        path,
        {
            "results": [
                {"id": first["id"], "note": "古い", "version": first["version"]},
                {"id": second["id"], "note": "新しい", "version": second["version"]},
            ]
        },
    )

    # then 409 names the stale item; nothing of the save is written
    assert stale.status_code == 409
    assert [e["path"] for e in stale.json()["errors"]] == ["$.results[0].version"]
    assert ControlResult.objects.get(pk=first["id"]).note == "同僚"
    assert ControlResult.objects.get(pk=second["id"]).note == ""
    # and the fresh version is accepted and moves on
    fresh = api(auditor, "get", path).json()["items"][0]
    assert fresh["version"] == first["version"] + 1
    ok = api(
        auditor,
        "patch",
        path,
        {"results": [{"id": first["id"], "note": "新", "version": fresh["version"]}]},
    )
    assert ok.status_code == 200
