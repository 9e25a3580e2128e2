"""The organisation forms report every problem of a submission in one answer."""

import pytest

from shireito.core.models import AuditEvent
from shireito.organizations.models import Organization

pytestmark = pytest.mark.django_db


def test_a_new_organization_with_a_field_error_and_rule_errors_hears_of_all_at_once(
    government, platform_admin, signed_in, demo_mode
):
    # given a platform admin, and a submission with a date that is no date (a field check), a
    # municipality without its prefecture and a sector for a body that is no operator (the
    # model's rules for the kind)
    client = signed_in(platform_admin)
    events = AuditEvent.objects.count()
    # when it is posted
    response = client.post(
        "/organizations/new/",
        {
            "code": "sakai",
            "name": "堺市",
            "kind": "local_government",
            "local_government_level": "municipality",
            "valid_from": "2026-02-31",
            "sector": government["power"].sector_id,
        },
    )
    # then all three are reported together and nothing is written
    html = response.content.decode()
    assert response.status_code == 200
    for field in ["valid_from", "parent", "sector"]:
        assert f'href="#id_{field}"' in html, field
    assert not Organization.objects.filter(code="sakai").exists()
    assert AuditEvent.objects.count() == events
