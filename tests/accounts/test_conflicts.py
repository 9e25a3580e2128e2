"""Two administrators changing the same user: the second gets a conflict, never a lost update."""

import pytest

from shireito.accounts.models import User
from tests.factories import make_user
from tests.kit.forms import loaded_form

pytestmark = pytest.mark.django_db


def test_the_second_admin_editing_a_user_gets_a_conflict_with_values_kept(
    client, org_admin, signed_in
):
    # given two admins of the organisation who opened the same colleague's edit page
    other_admin = make_user(
        organization=org_admin.organization, roles=["org_admin"], username="admin2"
    )
    make_user(organization=org_admin.organization, roles=["viewer"], username="colleague")
    path = "/accounts/users/colleague/edit/"
    signed_in(org_admin)
    first = loaded_form(client.get(path).content.decode())
    signed_in(other_admin)
    second = loaded_form(client.get(path).content.decode())
    signed_in(org_admin)
    assert client.post(path, {**first, "roles": ["viewer", "editor"]}).status_code == 302

    # when the second admin sends the page loaded before, with other roles
    signed_in(other_admin)
    response = client.post(path, {**second, "full_name": "同僚 二郎", "roles": ["auditor"]})

    # then the conflict names the first admin, the form keeps the values, nothing changes
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="conflict"' in html and org_admin.username in html
    assert 'value="同僚 二郎"' in html
    colleague = User.objects.get(username="colleague")
    assert colleague.full_name == ""
    assert set(colleague.role_grants.values_list("role", flat=True)) == {"viewer", "editor"}


def test_the_api_refuses_a_stale_user_change_and_a_role_change_moves_the_version(api, org_admin):
    # given a colleague read once, then given a role (a change of the user)
    colleague = make_user(organization=org_admin.organization, roles=["viewer"])
    path = f"/api/v1/accounts/users/{colleague.username}"
    read = api(org_admin, "get", path)
    version = read.json()["version"]
    assert read.headers["ETag"] == f'"{version}"'
    granted = api(org_admin, "patch", path, {"roles": ["viewer", "editor"]})
    assert granted.status_code == 200 and granted.json()["version"] == version + 1

    # when a change made against the first read is sent, by header and by body
    by_header = api(
        org_admin, "patch", path, {"full_name": "古い"}, headers={"HTTP_IF_MATCH": read["ETag"]}
    )
    by_body = api(org_admin, "patch", path, {"roles": ["viewer"], "version": version})

    # then 412 and 409, and neither the name nor the roles change
    assert (by_header.status_code, by_body.status_code) == (412, 409)
    colleague.refresh_from_db()
    assert colleague.full_name == ""
    assert set(colleague.role_grants.values_list("role", flat=True)) == {"viewer", "editor"}
