"""Who may list, read, add and change an organisation, on the pages and the API alike."""

import pytest

from tests.kit.access import Can, Expect, Model, check_access
from tests.kit.factories import make_user

pytestmark = pytest.mark.django_db

ORGANIZATIONS = Model(
    list_page="/organizations/",
    detail_page="/organizations/{key}/",
    create_page="/organizations/new/",
    edit_page="/organizations/{key}/edit/",
    api_list="/api/v1/organizations",
    api_detail="/api/v1/organizations/{key}",
    api_create="/api/v1/organizations",
    api_edit="/api/v1/organizations/{key}",
    create_body=lambda _user, n: {"code": f"new-{n}", "name": f"新省{n}", "kind": "ministry"},
    edit_body={"name_en": "Ministry of Health, Labour and Welfare"},
)

# role: (organisation, roles) — the demo's kinds of people, each looking at MHLW.
ROLES = {
    "mhlw-admin": ("mhlw", ["org_admin"]),
    "mhlw-viewer": ("mhlw", ["viewer"]),
    "meti-admin": ("meti", ["org_admin"]),
    "nisc-auditor": ("nisc", ["auditor"]),
    "tokyo-editor": ("tokyo", ["editor"]),
    "ncsc-viewer": ("ncsc", ["viewer"]),
    "platform-admin": ("da", ["platform_admin"]),
}

MHLW = {
    # the directory is read by every domestic body; only its own admin changes the names
    "mhlw-admin": Expect(Can.EDIT),
    "mhlw-viewer": Expect(Can.VIEW),
    "meti-admin": Expect(Can.VIEW),
    "nisc-auditor": Expect(Can.VIEW),
    "tokyo-editor": Expect(Can.VIEW),
    # overseas counterparts see only themselves and the national centre
    "ncsc-viewer": Expect(Can.NOTHING),
    # platform admins add and change any organisation
    "platform-admin": Expect(Can.EDIT, create=True),
}


@pytest.mark.parametrize("role", MHLW)
def test_who_may_do_what_with_an_organization(government, demo_mode, role):
    # given a person of the role (platform admins sign in without a second factor in demo mode)
    organization, roles = ROLES[role]
    user = make_user(organization=government[organization], roles=roles, username=role)

    # when they use every page and endpoint of MHLW, and of an organisation that does not exist
    # then each answers as the table says
    check_access(user, ORGANIZATIONS, key="mhlw", expect=MHLW[role])


@pytest.mark.parametrize("role", ["mhlw-admin", "meti-admin", "ncsc-viewer"])
def test_the_api_answers_the_browser_session_as_it_answers_a_token(government, role):
    # given a person of the role, signed in to the browser, with no API token
    organization, roles = ROLES[role]
    user = make_user(organization=government[organization], roles=roles, username=role)

    # when the pages' own scripts call the API with the session
    # then it answers as the table says, just as it does to a token
    check_access(user, ORGANIZATIONS, key="mhlw", expect=MHLW[role], api_auth="session")
