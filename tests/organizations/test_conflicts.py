"""Two administrators changing the same organisation: the second gets a conflict, never a lost
update, on the page and in the API."""

import pytest

from shireito.organizations.models import Organization
from tests.factories import make_user
from tests.kit.forms import loaded_form

pytestmark = pytest.mark.django_db


def test_the_second_editor_of_an_organization_page_gets_a_conflict(client, government):
    # given two organisation admins who opened the same edit page
    first = make_user(organization=government["mhlw"], roles=["org_admin"], username="first")
    second = make_user(organization=government["mhlw"], roles=["org_admin"], username="second")
    client.force_login(first)
    form_of_first = loaded_form(client.get("/organizations/mhlw/edit/").content.decode())
    client.force_login(second)
    form_of_second = loaded_form(client.get("/organizations/mhlw/edit/").content.decode())
    client.force_login(first)
    saved = client.post("/organizations/mhlw/edit/", {**form_of_first, "name_en": "MHLW"})
    assert saved.status_code == 302

    # when the second sends the page they loaded before
    client.force_login(second)
    response = client.post(
        "/organizations/mhlw/edit/", {**form_of_second, "name_en": "Health Ministry"}
    )

    # then the conflict is shown with their value kept, and the first's change stays
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="conflict"' in html and "first" in html
    assert 'value="Health Ministry"' in html
    stored = Organization.objects.get(code="mhlw")
    assert (stored.name_en, stored.version) == ("MHLW", 2)


def test_the_api_refuses_a_stale_organization_change(api, government):
    # given a platform admin's read of an organisation and a change saved since
    admin = make_user(organization=government["da"], roles=["platform_admin"])
    path = "/api/v1/organizations/meti"
    read = api(admin, "get", path)
    assert read.headers["ETag"] == '"1"' and read.json()["version"] == 1
    assert api(admin, "patch", path, {"name_en": "METI"}).status_code == 200

    # when changes made against the first read are sent
    by_header = api(admin, "patch", path, {"name_en": "Economy"}, headers={"HTTP_IF_MATCH": '"1"'})
    by_body = api(admin, "patch", path, {"name_en": "Economy", "version": 1})

    # then 412 and 409, each in the API's error shape; nothing is written
    assert by_header.status_code == 412 and by_header.json()["errors"][0]["path"] == "If-Match"
    assert by_body.status_code == 409 and by_body.json()["detail"]
    assert Organization.objects.get(code="meti").name_en == "METI"
