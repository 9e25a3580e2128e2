"""The page of threat information shared with a partner: what the TAXII server serves them
(the latest version of each object, up to their TLP ceiling in each collection they may
read), listed with filters and paging and shown one object at a time with its JSON."""

from __future__ import annotations

import json

import pytest

from shireito.sharing import selectors, services
from shireito.sharing.choices import TLP_RANK
from shireito.sharing.permissions import may_read_shared
from tests.factories import make_organization, make_user
from tests.sharing.conftest import TAXII, indicator, malware

pytestmark = pytest.mark.django_db

ROOT = "/taxii2/shireito"


@pytest.fixture
def shared(community):
    """GREEN, AMBER and CLEAR objects in the shared collection (one with two versions), and
    one in METI's collection nobody else reads."""
    first = indicator(tlp="green", name="旧版の指標")
    newer = {**first, "name": "改訂された指標", "modified": "2026-04-02T09:00:00.000Z"}
    objects = [
        first,
        newer,
        indicator(tlp="amber", name="AMBERの指標"),
        indicator(tlp="clear", name="公開の指標"),
        malware(tlp="green"),
    ]
    services.objects_add(
        actor=community["users"]["nisc-handler"],
        collection=community["collection"],
        objects=objects,
    )
    services.objects_add(
        actor=None, collection=community["hidden"], objects=[indicator(name="METIだけの指標")]
    )
    return {"objects": objects, "revised": newer}


def _taxii_ids(client, token, user, collection) -> set[str]:
    response = client.get(
        f"{ROOT}/collections/{collection.pk}/objects/",
        HTTP_ACCEPT=TAXII,
        HTTP_AUTHORIZATION=f"Bearer {token(user)}",
    )
    assert response.status_code == 200
    return {obj["id"] + obj["modified"] for obj in json.loads(response.content)["objects"]}


@pytest.mark.parametrize("username", ["ncsc-viewer", "mhlw-viewer", "nisc-handler"])
def test_the_page_shows_exactly_what_taxii_serves(client, token, community, shared, username):
    # given a reader of the shared collection
    user = community["users"][username]
    client.force_login(user)
    # when
    page = client.get("/shared/")
    listed = list(selectors.shared_objects(user))
    served = _taxii_ids(client, token, user, community["collection"])
    # then the page's rows are TAXII's objects, version for version
    assert page.status_code == 200
    assert {row.stix_id + row.body["modified"] for row in listed} == served
    html = page.content.decode()
    for row in listed:
        assert f"/shared/{row.collection_id}/{row.stix_id}/" in html


def test_a_partner_sees_nothing_above_its_tlp(client, community, shared):
    # given the overseas counterpart, cleared for GREEN
    user = community["users"]["ncsc-viewer"]
    client.force_login(user)
    # when
    listed = list(selectors.shared_objects(user))
    html = client.get("/shared/").content.decode()
    amber = next(o for o in shared["objects"] if o["name"] == "AMBERの指標")
    # then
    assert listed
    assert all(TLP_RANK[row.tlp] <= TLP_RANK["green"] for row in listed)
    assert "AMBERの指標" not in html
    assert "METIだけの指標" not in html
    assert "旧版の指標" not in html  # only the latest version, as TAXII's default read
    assert "改訂された指標" in html
    detail = client.get(f"/shared/{community['collection'].pk}/{amber['id']}/")
    download = client.get(f"/shared/{community['collection'].pk}/{amber['id']}/json/")
    assert (detail.status_code, download.status_code) == (404, 404)


def test_the_filters_narrow_the_list(community, shared):
    # given
    user = community["users"]["mhlw-viewer"]
    # when
    malware_only = selectors.shared_objects(user, stix_type="malware")
    clear_only = selectors.shared_objects(user, tlp="clear")
    searched = selectors.shared_objects(user, search="改訂")
    other_collection = selectors.shared_objects(user, collection=str(community["hidden"].pk))
    # then
    assert [row.type for row in malware_only] == ["malware"]
    assert [row.body["name"] for row in clear_only] == ["公開の指標"]
    assert [row.body["name"] for row in searched] == ["改訂された指標"]
    assert not other_collection.exists()


def test_the_list_pages(client, community):
    # given more GREEN objects than a page holds
    services.objects_add(
        actor=None,
        collection=community["collection"],
        objects=[indicator(tlp="green") for _ in range(55)],
    )
    client.force_login(community["users"]["ncsc-viewer"])
    # when
    first = client.get("/shared/").content.decode()
    second = client.get("/shared/", {"page": 2}).content.decode()
    # then
    assert first.count('href="/shared/' + str(community["collection"].pk)) == 50
    assert second.count('href="/shared/' + str(community["collection"].pk)) == 5


def test_an_object_reads_as_words_with_its_json_offered(client, community, shared):
    # given the latest version of the revised indicator
    revised = shared["revised"]
    client.force_login(community["users"]["ncsc-viewer"])
    url = f"/shared/{community['collection'].pk}/{revised['id']}/"
    # when
    html = client.get(url).content.decode()
    download = client.get(url + "json/")
    # then the name, pattern and marking read as text, and the JSON is offered as a file
    assert "改訂された指標" in html
    assert "198.51.100." in html
    assert "TLP:GREEN" in html
    assert f'href="{url}json/"' in html
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/stix+json")
    assert json.loads(download.content)["name"] == "改訂された指標"


def test_an_owner_reads_its_own_collection_and_no_other(client, community, shared):
    # given METI, which owns a collection and reads no other
    client.force_login(community["users"]["meti-handler"])
    # when
    html = client.get("/shared/").content.decode()
    other = client.get(f"/shared/{community['collection'].pk}/{shared['revised']['id']}/")
    # then
    assert "METIだけの指標" in html
    assert "改訂された指標" not in html
    assert other.status_code == 404


def test_those_with_no_collection_get_no_page(client, community, shared):
    # given a ministry with no collection and no access to one
    user = make_user(organization=make_organization(kind="ministry"), roles=["editor"])
    client.force_login(user)
    # when
    answer = client.get("/shared/")
    # then
    assert not may_read_shared(user)
    assert answer.status_code == 403
