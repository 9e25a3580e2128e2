"""The report form reports every problem of a submission in one answer."""

import pytest

from shireito.core.models import AuditEvent
from shireito.incidents.models import IncidentReport
from tests.incidents.test_views import _form

pytestmark = pytest.mark.django_db


def test_a_draft_with_a_field_error_and_a_rule_error_hears_of_both_at_once(client, handlers):
    # given a reporter, and a draft with a count that is no number (a field check) and an
    # awareness before the detection (the service's rule)
    client.force_login(handlers["pmda-editor"])
    events = AuditEvent.objects.count()
    data = _form(
        detected_at="2026-11-02T10:00",
        aware_at="2026-11-02T09:00",
        personal_data_count="many",
    )
    # when it is posted
    response = client.post("/incidents/new/", data)
    # then both are reported together, and nothing is written
    html = response.content.decode()
    assert response.status_code == 200
    for field in ["personal_data_count", "aware_at"]:
        assert f'href="#id_{field}"' in html, field
    assert not IncidentReport.objects.exists()
    assert AuditEvent.objects.count() == events
