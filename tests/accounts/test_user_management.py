"""Organisation admins add and change their people; nobody else's."""

import pytest

from shireito.accounts.models import User
from shireito.core.selectors import object_history
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db
NEW = {
    "username": "newcomer",
    "full_name": "新人 花子",
    "email": "newcomer@example.go.jp",
    "roles": ["viewer", "editor"],
    "password": "a long enough passphrase",
}


def test_org_admin_adds_a_user_to_their_organisation(client, org_admin, signed_in):
    signed_in(org_admin)
    form = client.get("/accounts/users/new/").content.decode()
    assert 'value="platform_admin"' not in form
    response = client.post(
        "/accounts/users/new/", {**NEW, "organization": org_admin.organization_id}
    )
    assert response.status_code == 302
    newcomer = User.objects.get(username="newcomer")
    assert newcomer.organization == org_admin.organization
    assert newcomer.roles == {"viewer", "editor"}
    assert object_history(newcomer, user=None).first().actor_label == org_admin.username


def test_org_admin_cannot_add_users_elsewhere(client, org_admin, other_organization, signed_in):
    signed_in(org_admin)
    response = client.post("/accounts/users/new/", {**NEW, "organization": other_organization.pk})
    assert response.status_code == 200
    assert 'href="#id_organization"' in response.content.decode()
    assert not User.objects.filter(username="newcomer").exists()


@pytest.mark.parametrize("path", ["/accounts/users/new/", "/accounts/users/orgadmin/edit/"])
def test_viewers_may_not_manage_users(client, viewer, org_admin, signed_in, path):
    signed_in(viewer)
    assert client.get(path).status_code == 403


def test_bad_input_names_each_field_and_writes_nothing(client, org_admin, signed_in):
    signed_in(org_admin)
    before = User.objects.count()
    response = client.post(
        "/accounts/users/new/",
        {
            "username": "bad name",
            "email": "not-an-email",
            "password": "short",
            "organization": org_admin.organization_id,
            "roles": ["emperor"],
        },
    )
    html = response.content.decode()
    for field in ["id_username", "id_email", "id_roles"]:
        assert f'href="#{field}' in html, field
    assert User.objects.count() == before


def test_weak_password_is_refused_by_the_service(client, org_admin, signed_in):
    signed_in(org_admin)
    response = client.post(
        "/accounts/users/new/",
        {**NEW, "password": "123456789012", "organization": org_admin.organization_id},
    )
    assert 'href="#id_password"' in response.content.decode()
    assert not User.objects.filter(username="newcomer").exists()


def test_edit_changes_roles_and_deactivates(client, org_admin, signed_in):
    colleague = make_user(
        organization=org_admin.organization, roles=["viewer"], username="colleague"
    )
    signed_in(org_admin)
    response = client.post(
        "/accounts/users/colleague/edit/",
        {"full_name": "同僚", "email": "", "roles": ["auditor"]},  # is_active unticked
    )
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert colleague.full_name == "同僚"
    assert not colleague.is_active
    assert set(colleague.role_grants.values_list("role", flat=True)) == {"auditor"}
    client.logout()
    refused = client.post("/accounts/login/", {"username": "colleague", "password": PASSWORD})
    assert refused.status_code == 200


def test_org_admin_may_not_touch_a_platform_admin(client, api, organization, signed_in):
    admin = make_user(organization=organization, roles=["org_admin"], username="admin2")
    boss = make_user(organization=organization, roles=["platform_admin"], username="boss")
    signed_in(admin)
    assert client.get("/accounts/users/boss/edit/").status_code == 403
    response = client.post("/accounts/users/boss/edit/", {"full_name": "Boss", "roles": ["viewer"]})
    assert response.status_code == 403
    patched = api(
        admin, "patch", "/api/v1/accounts/users/boss", {"is_active": False, "email": "x@y.z"}
    )
    assert patched.status_code == 403
    boss.refresh_from_db()
    assert boss.is_active
    assert boss.email == ""
    assert set(boss.role_grants.values_list("role", flat=True)) == {"platform_admin"}


def test_change_own_password(client, viewer, signed_in):
    signed_in(viewer)
    wrong = client.post(
        "/accounts/password/",
        {"current_password": "nope", "new_password": "x", "new_password_again": "y"},
    )
    html = wrong.content.decode()
    assert 'href="#id_current_password"' in html
    assert 'href="#id_new_password_again"' in html
    ok = client.post(
        "/accounts/password/",
        {
            "current_password": PASSWORD,
            "new_password": "a fresh long passphrase",
            "new_password_again": "a fresh long passphrase",
        },
    )
    assert ok.status_code == 302
    assert client.get("/").status_code == 200  # still signed in
    viewer.refresh_from_db()
    assert viewer.check_password("a fresh long passphrase")
    event = object_history(viewer, user=None).first()
    assert event.changes == {"password": ["[redacted]", "[redacted]"]}


def test_people_list_is_scoped(client, viewer, other_organization, signed_in):
    make_user(organization=other_organization, username="stranger")
    signed_in(viewer)
    html = client.get("/accounts/users/").content.decode()
    assert "/accounts/users/stranger/" not in html
    assert "/accounts/users/viewer/" in html


def test_api_create_and_update_users(client, api, org_admin):
    created = api(
        org_admin,
        "post",
        "/api/v1/accounts/users",
        {**NEW, "organization": org_admin.organization.code},
    )
    assert created.status_code == 201, created.content
    assert created.json()["roles"] == ["editor", "viewer"]
    updated = api(org_admin, "patch", "/api/v1/accounts/users/newcomer", {"roles": ["auditor"]})
    assert updated.json()["roles"] == ["auditor"]
    assert updated.json()["full_name"] == NEW["full_name"]  # fields not sent stay


def test_api_user_errors_name_fields(client, api, org_admin):
    response = api(
        org_admin,
        "post",
        "/api/v1/accounts/users",
        {**NEW, "organization": "no-such-org", "roles": ["emperor"]},
    )
    assert response.status_code == 422
    errors = [(e["field"], e["path"]) for e in response.json()["errors"]]
    assert errors == [("roles", "$.roles[0]")]
    response = api(
        org_admin, "post", "/api/v1/accounts/users", {**NEW, "organization": "no-such-org"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "organization"
    response = api(
        org_admin,
        "post",
        "/api/v1/accounts/users",
        {**NEW, "email": "nope", "organization": org_admin.organization.code},
    )
    assert response.json()["errors"][0]["field"] == "email"
    assert not User.objects.filter(username="newcomer").exists()


def test_api_refuses_managing_another_organisation(client, api, org_admin, other_organization):
    stranger = make_user(organization=other_organization, username="stranger")
    response = api(
        org_admin,
        "post",
        "/api/v1/accounts/users",
        {**NEW, "organization": other_organization.code},
    )
    assert response.status_code == 403
    assert (
        api(org_admin, "patch", "/api/v1/accounts/users/stranger", {"is_active": False}).status_code
        == 404
    )
    stranger.refresh_from_db()
    assert stranger.is_active
