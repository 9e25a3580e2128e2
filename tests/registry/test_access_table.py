"""Who may list, read, add and change an information system, on the pages and the API alike."""

import pytest

from tests.kit.access import Can, Expect, Model, check_access
from tests.kit.factories import make_user

pytestmark = pytest.mark.django_db

# The category a new system of each kind of organisation takes, as the form offers it.
CATEGORY = {
    "ministry": "ministry_system",
    "digital_agency": "digital_agency_system",
    "national_cyber_centre": "ministry_system",
    "local_government": "local_government_system",
}

SYSTEMS = Model(
    list_page="/systems/",
    detail_page="/systems/{key}/",
    create_page="/systems/new/",
    edit_page="/systems/{key}/edit/",
    api_list="/api/v1/portfolio/systems",
    api_detail="/api/v1/portfolio/systems/{key}",
    api_create="/api/v1/portfolio/systems",
    api_edit="/api/v1/portfolio/systems/{key}",
    create_body=lambda user, n: {
        "code": f"new-{n}",
        "name": f"新システム{n}",
        "owner": user.organization.code,
        "category": CATEGORY.get(user.organization.kind, "ministry_system"),
    },
    edit_body={"name_en": "Benefits application"},
)

# role: (organisation, roles) — the demo's kinds of people, each looking at MHLW's system.
ROLES = {
    "mhlw-editor": ("mhlw", ["editor"]),
    "mhlw-admin": ("mhlw", ["org_admin"]),
    "mhlw-viewer": ("mhlw", ["viewer"]),
    "nisc-auditor": ("nisc", ["auditor"]),
    "da-editor": ("da", ["editor"]),
    "meti-editor": ("meti", ["editor"]),
    "tokyo-editor": ("tokyo", ["editor"]),
    "ncsc-viewer": ("ncsc", ["viewer"]),
    "platform-admin": ("da", ["platform_admin"]),
}

MHLW_APP = {
    # the owner's editors and admins change it; its viewers read it
    "mhlw-editor": Expect(Can.EDIT, create=True),
    "mhlw-admin": Expect(Can.EDIT, create=True),
    "mhlw-viewer": Expect(Can.VIEW),
    # the national centre audits and the Digital Agency oversees ministries' systems
    "nisc-auditor": Expect(Can.VIEW),
    "da-editor": Expect(Can.VIEW, create=True),
    # another ministry and a prefecture add their own systems but never see MHLW's
    "meti-editor": Expect(Can.NOTHING, create=True),
    "tokyo-editor": Expect(Can.NOTHING, create=True),
    "ncsc-viewer": Expect(Can.NOTHING),
    "platform-admin": Expect(Can.EDIT, create=True),
}


@pytest.mark.parametrize("role", MHLW_APP)
def test_who_may_do_what_with_a_system(government, systems, demo_mode, role):
    # given a person of the role and MHLW's ministry system
    organization, roles = ROLES[role]
    user = make_user(organization=government[organization], roles=roles, username=role)

    # when they use every page and endpoint of it, and of a system that does not exist
    # then each answers as the table says
    check_access(user, SYSTEMS, key=systems["mhlw-app"].code, expect=MHLW_APP[role])


# --- the local-government migration list: no detail page, the owner's page instead -------

MIGRATION_ROLES = {
    # (organisation, roles): page and API status, and whether Shibuya's system is listed
    "da-editor": (("da", ["editor"]), 200, True),
    "mic-viewer": (("mic", ["viewer"]), 200, True),
    "tokyo-viewer": (("tokyo", ["viewer"]), 200, True),
    "shibuya-editor": (("shibuya", ["editor"]), 200, True),
    "mhlw-editor": (("mhlw", ["editor"]), 403, False),
    "nisc-auditor": (("nisc", ["auditor"]), 403, False),
    "ncsc-viewer": (("ncsc", ["viewer"]), 403, False),
    "platform-admin": (("da", ["platform_admin"]), 200, True),
}


@pytest.mark.parametrize("role", MIGRATION_ROLES)
def test_who_may_read_the_local_government_migration(
    client, api, government, systems, demo_mode, role
):
    # given a person of the role and Shibuya's local-government system of a standard business
    from shireito.registry.services import system_update

    system_update(
        actor=None,
        system=systems["shibuya-app"],
        standard_business="resident_registry",
        migration_status="in_progress",
    )
    (organization, roles), status, listed = MIGRATION_ROLES[role]
    user = make_user(organization=government[organization], roles=roles, username=role)
    client.force_login(user)

    # when they open the page, its CSV and the API
    page = client.get("/systems/migration/")
    export = client.get("/systems/migration/export.csv")
    answer = api(user, "get", "/api/v1/portfolio/migration")

    # then each answers as the table says, and lists Shibuya's system exactly when it should
    assert (page.status_code, export.status_code, answer.status_code) == (status, status, status)
    if status == 200:
        assert ("shibuya-app" in page.content.decode()) is listed
        assert [item["code"] for item in answer.json()["items"]] == (
            ["shibuya-app"] if listed else []
        )
        # the system's own page stays as the portfolio decides: coordinators get 404
        detail = client.get("/systems/shibuya-app/").status_code
        assert detail == (200 if organization in {"shibuya"} or "platform_admin" in roles else 404)
