"""Who may list, read and import a catalog, on the pages and the API alike. A catalog is
directory data: every domestic body reads it; it is imported, never edited in place."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.kit.access import Can, Expect, Model, check_access
from tests.kit.factories import make_catalog, make_user
from tests.kit.factories.standards import CATALOG_CSV
from tests.organizations.conftest import government  # noqa: F401 - the same small government

pytestmark = pytest.mark.django_db

CATALOGS = Model(
    list_page="/standards/",
    detail_page="/standards/{key}/",
    create_page="/standards/import/",
    api_list="/api/v1/standards/catalogs",
    api_detail="/api/v1/standards/catalogs/{key}",
    api_create="/api/v1/standards/catalogs",
    api_key="key",
    create_body=lambda _user, n: {
        "file": SimpleUploadedFile("catalog.csv", CATALOG_CSV, content_type="text/csv"),
        "format": "csv",
        "key": f"new-{n}",
    },
)

# role: (organisation, roles) — the demo's kinds of people, each looking at NISC's baseline.
ROLES = {
    "nisc-editor": ("nisc", ["editor"]),
    "nisc-auditor": ("nisc", ["auditor"]),
    "mhlw-admin": ("mhlw", ["org_admin"]),
    "mhlw-viewer": ("mhlw", ["viewer"]),
    "tokyo-editor": ("tokyo", ["editor"]),
    "ncsc-viewer": ("ncsc", ["viewer"]),
    "platform-admin": ("da", ["platform_admin"]),
}

BASELINE = {
    # editors and admins import catalogs for their own organisation; nobody edits one in place
    "nisc-editor": Expect(Can.VIEW, create=True),
    "mhlw-admin": Expect(Can.VIEW, create=True),
    "tokyo-editor": Expect(Can.VIEW, create=True),
    "platform-admin": Expect(Can.VIEW, create=True),
    # auditors and viewers read them
    "nisc-auditor": Expect(Can.VIEW),
    "mhlw-viewer": Expect(Can.VIEW),
    # overseas counterparts see the national centre's directory data too
    "ncsc-viewer": Expect(Can.VIEW),
}


@pytest.mark.parametrize("role", BASELINE)
def test_who_may_do_what_with_a_catalog(government, demo_mode, role):  # noqa: F811
    # given a person of the role and the national centre's baseline
    baseline = make_catalog(owner=government["nisc"], key="baseline")
    organization, roles = ROLES[role]
    user = make_user(organization=government[organization], roles=roles, username=role)

    # when they use every page and endpoint of it, and of a catalog that does not exist
    # then each answers as the table says
    check_access(user, CATALOGS, key=baseline.key, expect=BASELINE[role])


def test_a_catalog_of_another_organization_is_hidden_from_overseas_counterparts(
    government,  # noqa: F811
):
    # given a ministry's own catalog and a viewer of an overseas counterpart
    own = make_catalog(owner=government["mhlw"], key="mhlw-rules")
    user = make_user(organization=government["ncsc"], roles=["viewer"], username="ncsc-viewer")

    # when they look for it / then it does not exist for them, on the pages and the API alike
    check_access(user, CATALOGS, key=own.key, expect=Expect(Can.NOTHING))
