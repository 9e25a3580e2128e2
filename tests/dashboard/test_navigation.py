"""The main menu offers each demo user the areas their kind can use, each asked of that area's
own rule: an overseas liaison gets the shared threat information and their account, local
governments and ministries the national areas, the bodies in a sharing agreement the sharing
area too."""

import re

import pytest

from shireito.accounts.models import User
from shireito.dashboard.navigation import AREAS, menu_for
from shireito.demo.dataset import USERS
from tests.factories import make_organization, make_user
from tests.kit.demo import loaded_once

pytestmark = pytest.mark.django_db

NATIONAL = [
    "tower",
    "organizations",
    "systems",
    "standards",
    "audits",
    "incidents",
    "plans",
    "governance",
    "people",
    "history",
]
ACCOUNT = ["tokens", "two_factor"]
SHARING = ["shared"]
# The co-creation platform: domestic government staff and invited bodies (the UK centre).
CO = ["cocreation"]

# Demo user: the areas the menu offers, in menu order.
EXPECTED = {
    "da-admin": NATIONAL + CO + SHARING + ACCOUNT,  # a platform admin is let into every area
    "da-officer": NATIONAL + CO + ACCOUNT,
    "da-director": NATIONAL + CO + ACCOUNT,
    "nisc-auditor": NATIONAL + CO + SHARING + ACCOUNT,  # the centre owns the shared collection
    "nisc-handler": NATIONAL + CO + SHARING + ACCOUNT,
    "ipa-auditor": NATIONAL + CO + SHARING + ACCOUNT,  # IPA reads it up to AMBER
    "ipa-handler": NATIONAL + CO + SHARING + ACCOUNT,
    "mhlw-officer": NATIONAL + CO + ACCOUNT,
    "meti-officer": NATIONAL + CO + ACCOUNT,
    "meti-handler": NATIONAL + CO + ACCOUNT,
    "demo-power-officer": NATIONAL + ACCOUNT,
    "pmda-officer": NATIONAL + CO + ACCOUNT,
    "tokyo-officer": NATIONAL + CO + ACCOUNT,
    "city-officer": NATIONAL + CO + ACCOUNT,
    "qp-officer": NATIONAL + ACCOUNT,
    "uk-ncsc-liaison": CO + SHARING + ACCOUNT,  # invited to the security space
}
ORDER = [area.key for area in AREAS]


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo loaded once for the module, rolled back at its end (``tests.kit.demo``);
    each test starts from it as loaded, its own writes rolled back after it."""
    with loaded_once(django_db_blocker, tmp_path_factory.mktemp("media"), plan=False):
        yield


@pytest.fixture
def demo(demo_loaded, demo_mode):
    return {user.username: user for user in User.objects.select_related("organization")}


def _menu_links(html: str) -> list[str]:
    nav = html[html.index('<nav class="site-nav"') :]
    nav = nav[: nav.index("</nav>")]
    return re.findall(r'<a href="([^"]+)"', nav)


# Before the tests of the demo: the demo, once loaded, stays to the module's end.
def test_the_current_area_is_marked(db):
    # given a page inside the incidents area, and the notices (the account's, though under it)
    user = make_user(organization=make_organization(kind="ministry"), roles=["editor"])
    # when
    inside = menu_for(user, "/incidents/IR2026-00001/")
    notices = menu_for(user, "/incidents/notices/")
    # then
    assert [item.key for item in inside if item.current] == ["incidents"]
    assert [item.key for item in notices if item.current] == []


def test_every_demo_user_gets_the_menu_of_their_kind(client, demo):
    # given every demo user (the table names each one)
    assert set(EXPECTED) == {username for username, *_rest in USERS}
    for username, expected in EXPECTED.items():
        user = demo[username]
        # when
        keys = [item.key for item in menu_for(user, "/")]
        client.force_login(user)
        page = client.get("/", follow=True)
        links = _menu_links(page.content.decode())
        # then the menu holds exactly those areas, each linked on every page
        assert keys == sorted(expected, key=ORDER.index), username
        assert page.status_code == 200, username
        assert links[:-1] == [item.url for item in menu_for(user, "/")], username
        assert links[-1] == "/api/v1/docs"


def test_the_liaison_starts_from_what_is_shared_with_it(client, demo):
    # given the overseas liaison
    client.force_login(demo["uk-ncsc-liaison"])
    # when
    home = client.get("/").content.decode()
    shared = client.get("/shared/")
    # then its home page leads to the shared information, and the page lists what TAXII
    # serves it (the demo's GREEN report, not the AMBER one)
    assert 'href="/shared/"' in home
    assert 'href="/systems/"' not in home
    assert shared.status_code == 200
    assert shared.context["page"].paginator.count > 0
    assert all(row["object"].tlp in {"clear", "green"} for row in shared.context["page"])
