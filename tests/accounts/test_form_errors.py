"""The user forms report every problem of a submission in one answer."""

import pytest

from shireito.accounts.models import User
from shireito.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_a_new_user_with_a_field_error_and_rule_errors_hears_of_all_at_once(
    client, org_admin, viewer, signed_in
):
    # given an organisation admin, and a submission with an e-mail address that is none (a
    # field check), a user name already taken and a password too common (the service's rules)
    signed_in(org_admin)
    events = AuditEvent.objects.count()
    # when it is posted
    response = client.post(
        "/accounts/users/new/",
        {
            "username": viewer.username,
            "full_name": "新人 花子",
            "email": "not an address",
            "roles": ["viewer"],
            "password": "password",
            "organization": org_admin.organization_id,
        },
    )
    # then all three are reported together, and nothing is written
    html = response.content.decode()
    assert response.status_code == 200
    for field in ["email", "username", "password"]:
        assert f'href="#id_{field}"' in html, field
    assert User.objects.filter(username=viewer.username).count() == 1
    assert AuditEvent.objects.count() == events
