"""The planning form reports every problem of a submission in one answer."""

import pytest

from shireito.audits.models import Audit
from shireito.core.models import AuditEvent
from tests.audits.test_pages import _create_form

pytestmark = pytest.mark.django_db


def test_a_plan_with_a_field_error_and_rule_errors_hears_of_all_at_once(
    client, people, government, systems, baseline
):
    # given a NISC auditor, and a plan with a fiscal year that is no number (a field check),
    # a period that ends before it starts and controls the baseline does not hold (the
    # service's rules)
    client.force_login(people["nisc-auditor"])
    events = AuditEvent.objects.count()
    data = _create_form(
        systems,
        baseline,
        government,
        fiscal_year="next year",
        period_start="2026-10-01",
        period_end="2026-04-01",
        selection="9.9",
    )
    # when it is posted
    response = client.post("/audits/new/", data)
    # then all three are reported together, and nothing is written
    html = response.content.decode()
    assert response.status_code == 200
    for field in ["fiscal_year", "period_end", "selection"]:
        assert f'href="#id_{field}"' in html, field
    assert "9.9" in html
    assert not Audit.objects.exists()
    assert AuditEvent.objects.count() == events
