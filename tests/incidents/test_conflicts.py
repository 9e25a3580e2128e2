"""Two reporters changing the same incident report: the second gets a conflict, not a lost
update, on the page and in the API."""

import json

import pytest

from shireito.core.pages import VERSION_FIELD
from shireito.incidents import services
from shireito.incidents.models import IncidentReport
from tests.incidents.test_views import _form, _local

pytestmark = pytest.mark.django_db


def _edit_form(report: IncidentReport, **changes) -> dict:
    return _form(
        title=report.title,
        category=report.category,
        detected_at=_local(report.detected_at),
        aware_at=_local(report.aware_at),
        **{VERSION_FIELD: report.version},
        **changes,
    )


def test_the_second_editor_of_a_draft_gets_a_conflict_with_values_kept(client, draft, handlers):
    # given the draft's edit form loaded, then a change saved by a colleague
    path = f"/incidents/{draft.number}/edit/"
    client.force_login(handlers["pmda-editor"])
    loaded = _edit_form(draft)
    services.report_update(actor=handlers["pmda-editor"], report=draft, title="同僚の題名")

    # when the form loaded before is sent
    response = client.post(path, {**loaded, "title": "私の題名"})

    # then the page shows the conflict with the user's title; the colleague's stays
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="conflict"' in html and 'value="私の題名"' in html
    stored = IncidentReport.objects.get(pk=draft.pk)
    assert (stored.title, stored.version) == ("同僚の題名", 2)
    # and the form now carries the stored version, so sending it again is deliberate
    assert f'name="{VERSION_FIELD}" value="2"' in html


def test_the_api_refuses_a_stale_report_change_with_412_or_409(client, draft, handlers):
    # given a reporter who read the report's ETag before a colleague's change
    editor = handlers["pmda-editor"]
    path = f"/api/v1/incidents/{draft.number}"
    client.force_login(editor)
    read = client.get(path)
    assert read.headers["ETag"] == '"1"' and read.json()["version"] == 1
    services.report_update(actor=editor, report=draft, impact="high")

    # when the reporter sends a change against what they read
    def patch(body, **headers):
        return client.patch(
            path, json.dumps(body), content_type="application/json", headers=headers
        )

    by_header = patch({"impact": "low"}, if_match=read.headers["ETag"])
    by_body = patch({"impact": "low", "version": 1})

    # then 412 and 409 name the version, and the colleague's change stays
    assert by_header.status_code == 412 and by_header.headers["ETag"] == '"2"'
    assert by_body.status_code == 409
    assert by_body.json()["errors"][0]["field"] == "version"
    assert IncidentReport.objects.get(pk=draft.pk).impact == "high"
    fresh = patch({"impact": "low"}, if_match='"2"')
    assert fresh.status_code == 200 and fresh.headers["ETag"] == '"3"'


def test_changing_only_the_indicators_moves_the_report_version_on(draft, handlers):
    # given a draft read at version 1
    editor = handlers["pmda-editor"]

    # when only its indicators are replaced
    report = services.report_update(
        actor=editor, report=draft, indicators=[{"kind": "ipv4", "value": "203.0.113.9"}]
    )

    # then the version moves on, so a form loaded before is stale
    assert report.version == 2
    assert IncidentReport.objects.get(pk=draft.pk).version == 2
