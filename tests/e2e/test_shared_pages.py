"""The liaison's start page and the shared threat information pass axe, in both languages."""

import pytest

from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import make_organization, make_user


@pytest.fixture
def liaison(people):
    from shireito.organizations.models import Organization
    from shireito.sharing import services
    from tests.sharing.conftest import indicator, malware

    centre = Organization.objects.get(code="e2e-centre")
    counterpart = make_organization(
        code="e2e-counterpart", kind="overseas_counterpart", name="海外機関", name_en="Abroad"
    )
    make_user(organization=counterpart, roles=["viewer"], username="e2e-liaison")
    collection = services.collection_create(
        actor=None, title="共有 (Sharing)", owner=centre, max_tlp="amber"
    )
    services.collection_access_set(
        actor=None,
        collection=collection,
        organization=counterpart,
        can_read=True,
        can_write=False,
        max_tlp="green",
    )
    shown = indicator(tlp="green", name="C2サーバー")
    services.objects_add(actor=None, collection=collection, objects=[shown, malware()])
    return f"/shared/{collection.pk}/{shown['id']}/"


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_liaisons_pages_are_accessible(live_server, new_page, liaison, language):
    page = new_page(language=language, base_url=live_server.url)
    sign_in(page, live_server.url, "e2e-liaison")
    for path in ["/", "/shared/", "/shared/?tlp=green&stix_type=indicator", liaison]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert page.get_attribute("html", "lang") == language
        assert_accessible(page)
