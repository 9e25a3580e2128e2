"""Interoperability: the real taxii2-client (taxii2client.v21) against a live server, with
HTTP Basic and with API tokens; plain ``requests`` where the client cannot send what a case
needs (a wrong Accept or Content-Type)."""

from __future__ import annotations

import datetime as dt
import gc
import json
import threading
import uuid

import pytest
import requests
from django.db import DEFAULT_DB_ALIAS, connections
from taxii2client.common import TokenAuth
from taxii2client.exceptions import AccessError
from taxii2client.v21 import ApiRoot, Collection, Server, as_pages

from shireito.accounts.services import api_token_create
from shireito.sharing import services
from shireito.sharing.identity import organization_identity_id
from shireito.sharing.models import StixObject
from tests.factories import PASSWORD
from tests.sharing.conftest import T0, TAXII, indicator, malware

pytestmark = pytest.mark.urls("tests.sharing.urls")


class BearerAuth(requests.auth.AuthBase):
    def __init__(self, secret: str):
        self.secret = secret

    def __call__(self, request):
        request.headers["Authorization"] = f"Bearer {self.secret}"
        return request


@pytest.fixture
def people(transactional_db, request):
    return request.getfixturevalue("community")


@pytest.fixture
def server(live_server, people):
    """Clients of the live server, closed when the test ends."""
    opened = []

    def creds(username: str, how: str = "basic") -> dict:
        user = people["users"][username]
        if how == "basic":
            return {"user": user.username, "password": PASSWORD}
        _token, secret = api_token_create(actor=None, user=user, name="interop")
        return {"auth": BearerAuth(secret) if how == "bearer" else TokenAuth(secret)}

    class Live:
        url = f"{live_server.url}/taxii2/"
        root = f"{live_server.url}/taxii2/shireito/"

        @staticmethod
        def client(kind, url, **kwargs):
            endpoint = kind(url, **kwargs)
            opened.append(endpoint)
            return endpoint

        def server(self, username=None, how="basic") -> Server:
            return self.client(Server, self.url, **(creds(username, how) if username else {}))

        def api_root(self, username, how="basic") -> ApiRoot:
            return self.client(ApiRoot, self.root, **creds(username, how))

        def collection(self, username, how="basic", collection=None) -> Collection:
            target = collection or people["collection"]
            return next(
                c for c in self.api_root(username, how).collections if c.id == str(target.pk)
            )

        def collection_at(self, collection_id, username, how="basic") -> Collection:
            return self.client(
                Collection, f"{self.root}collections/{collection_id}/", **creds(username, how)
            )

        def token(self, username) -> str:
            _token, secret = api_token_create(
                actor=None, user=people["users"][username], name="interop"
            )
            return secret

    yield Live()
    for endpoint in opened:
        for root in getattr(endpoint, "_api_roots", []) or []:
            root.close()
        endpoint.close()
    _finish_server_threads()


def _finish_server_threads() -> None:
    """Let the live server's request threads end before the test's database goes: a kept-alive
    connection stays open while a response (or an exception holding one) is still referenced,
    and its thread would otherwise close the shared test connection after the test."""
    gc.collect()
    for thread in threading.enumerate():
        if "process_request_thread" in thread.name:
            thread.join(timeout=10)


@pytest.mark.parametrize("how", ["basic", "bearer", "token"])
def test_discovery_api_root_and_collections(server, people, how):
    # given
    client = server.server("mhlw-handler", how)

    # when
    roots = client.api_roots
    root = client.default

    # then
    assert client.title
    assert [r.url for r in roots] == [server.root]
    assert root is roots[0]
    assert root.versions == [TAXII]
    assert root.max_content_length > 0
    [collection] = root.collections
    assert collection.id == str(people["collection"].pk)
    assert (collection.can_read, collection.can_write) == (True, True)
    assert collection.media_types == ["application/stix+json;version=2.1"]


def test_collections_rights_per_user(server, people):
    viewer = server.collection("ncsc-viewer", "basic")

    assert (viewer.can_read, viewer.can_write) == (True, False)
    with pytest.raises(AccessError):  # the client refuses by itself on can_write false
        viewer.add_objects({"objects": [indicator()]})


@pytest.mark.parametrize("how", ["basic", "bearer"])
def test_add_objects_and_read_the_status(server, people, how):
    collection = server.collection("mhlw-handler", how)
    objects = [indicator(), malware(), {"type": "indicator", "id": "nonsense"}]

    status = collection.add_objects({"objects": objects})
    polled = server.api_root("mhlw-handler", how).get_status(status.id)

    assert status.status == "complete"
    assert (status.total_count, status.success_count, status.failure_count) == (3, 2, 1)
    assert [item["id"] for item in status.successes] == [objects[0]["id"], objects[1]["id"]]
    assert polled.success_count == 2 and polled.failure_count == 1


def test_a_write_is_committed_when_it_is_acknowledged(server, people):
    # given a writer with 200 indicators, one of them refused (over the collection's ceiling)
    collection = server.collection("mhlw-handler", "bearer")
    objects = [indicator() for _ in range(199)] + [indicator(tlp="red")]

    # when it posts them without waiting for completion
    status = collection.add_objects({"objects": objects}, wait_for_completion=False)

    # then the answer itself is final: complete, nothing pending
    assert status.status == "complete"
    assert (status.success_count, status.failure_count, status.pending_count) == (199, 1, 0)
    # and right after it, another user's request reads every stored object and the status
    reader = server.collection("mhlw-viewer", "bearer")
    pages = as_pages(reader.get_objects, per_request=100)
    read = [obj["id"] for page in pages for obj in page["objects"]]
    assert sorted(read) == sorted(obj["id"] for obj in objects[:199])
    polled = server.api_root("mhlw-viewer", "bearer").get_status(status.id)
    assert (polled.status, polled.success_count) == ("complete", 199)
    # and a new database connection, which sees only committed rows, finds them all
    assert _committed_stix_ids(people["collection"]) == {obj["id"] for obj in objects[:199]}


def _committed_stix_ids(collection) -> set[str]:
    """The STIX ids stored in ``collection`` as a connection of its own sees them."""
    connection = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        key = StixObject._meta.get_field("collection").get_db_prep_value(collection.pk, connection)
        table = connection.ops.quote_name(StixObject._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT stix_id FROM {table} WHERE collection_id = %s",
                [key],
            )
            return {row[0] for row in cursor.fetchall()}
    finally:
        connection.close()


def test_paged_reads_with_as_pages(server, people):
    objects = [indicator() for _ in range(25)]
    services.objects_add(actor=None, collection=people["collection"], objects=objects)
    collection = server.collection("mhlw-viewer", "bearer")

    pages = list(as_pages(collection.get_objects, per_request=10))
    manifests = list(as_pages(collection.get_manifest, per_request=10))

    assert [len(page["objects"]) for page in pages] == [10, 10, 5]
    assert [obj["id"] for page in pages for obj in page["objects"]] == [o["id"] for o in objects]
    assert [page["more"] for page in pages] == [True, True, False]
    assert [r["id"] for page in manifests for r in page["objects"]] == [o["id"] for o in objects]


def test_added_after_and_match_filters(server, people):
    first = [indicator(name="early")]
    stix_id = indicator()["id"]
    versions = [
        indicator(stix_id=stix_id, modified=T0 + dt.timedelta(hours=hour), name=f"v{hour}")
        for hour in (1, 2, 3)
    ]
    family = malware()
    services.objects_add(actor=None, collection=people["collection"], objects=first)
    boundary = StixObject.objects.get(stix_id=first[0]["id"]).date_added
    services.objects_add(actor=None, collection=people["collection"], objects=[*versions, family])
    collection = server.collection("mhlw-viewer", "basic")

    def names(envelope):
        return [obj["name"] for obj in envelope.get("objects", [])]

    assert names(collection.get_objects(added_after=boundary)) == ["v3", "Emotet"]
    assert names(collection.get_objects(type="malware")) == ["Emotet"]
    assert names(collection.get_objects(id=stix_id)) == ["v3"]
    assert names(collection.get_objects(id=stix_id, version="all")) == ["v1", "v2", "v3"]
    assert names(collection.get_objects(id=stix_id, version="first")) == ["v1"]
    assert names(collection.get_objects(id=stix_id, version=versions[1]["modified"])) == ["v2"]
    assert names(collection.get_objects(spec_version="2.1", type="malware")) == ["Emotet"]
    assert names(collection.get_objects(spec_version="2.0")) == []
    assert collection.object_versions(stix_id)["versions"] == [v["modified"] for v in versions]
    assert names(collection.get_object(stix_id)) == ["v3"]
    assert names(collection.get_object(stix_id, version="all")) == ["v1", "v2", "v3"]
    manifest = collection.get_manifest(id=stix_id, version="all")
    assert [record["version"] for record in manifest["objects"]] == [
        v["modified"] for v in versions
    ]


def test_delete_an_object(server, people):
    obj = indicator()
    writer = people["users"]["mhlw-handler"]
    services.objects_add(actor=writer, collection=people["collection"], objects=[obj])
    collection = server.collection("mhlw-handler", "bearer")

    collection.delete_object(obj["id"])

    with pytest.raises(requests.HTTPError) as error:
        collection.get_object(obj["id"])
    assert error.value.response.status_code == 404
    assert not StixObject.objects.filter(stix_id=obj["id"]).exists()


def test_a_forged_version_of_the_centres_object_is_refused_and_never_read(server, people):
    # given an indicator the national centre published, naming itself as creator
    centre = organization_identity_id(people["orgs"]["nisc"])
    original = {**indicator(tlp="green", name="block this"), "created_by_ref": centre}
    services.objects_add(
        actor=people["users"]["nisc-handler"], collection=people["collection"], objects=[original]
    )
    forged = {
        **original,
        "modified": (T0 + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "name": "all clear, ignore this indicator",
    }
    partner = server.collection("mhlw-handler", "bearer")

    # when a partner with write access posts a new version and deletes it with taxii2-client
    status = partner.add_objects({"objects": [forged]})
    with pytest.raises(requests.HTTPError) as refused:
        partner.delete_object(original["id"])

    # then the status refuses the version, the deletion is a 403, and the overseas liaison
    # reads the centre's original, in its one version
    assert (status.success_count, status.failure_count) == (0, 1)
    assert status.failures[0]["id"] == original["id"]
    assert status.failures[0]["message"].startswith("$.objects[0]")
    assert refused.value.response.status_code == 403
    liaison = server.collection("ncsc-viewer", "token")
    assert liaison.get_object(original["id"], version="all")["objects"] == [original]


def test_tlp_per_counterpart(server, people):
    services.objects_add(
        actor=None,
        collection=people["collection"],
        objects=[indicator(tlp="green", name="green"), indicator(tlp="amber", name="amber")],
    )

    overseas = server.collection("ncsc-viewer", "basic").get_objects()
    ministry = server.collection("mhlw-viewer", "token").get_objects()

    assert [obj["name"] for obj in overseas["objects"]] == ["green"]
    assert [obj["name"] for obj in ministry["objects"]] == ["green", "amber"]


# --- Errors -----------------------------------------------------------------------------------


def test_401_without_credentials(server, people):
    with pytest.raises(requests.HTTPError) as error:
        server.server().refresh()

    response = error.value.response
    assert response.status_code == 401
    assert "Basic" in response.headers["WWW-Authenticate"]
    assert response.json()["http_status"] == "401"


def test_401_with_a_wrong_password(server, people):
    with pytest.raises(requests.HTTPError) as error:
        server.client(Server, server.url, user="ncsc-viewer", password="wrong").refresh()

    assert error.value.response.status_code == 401


def _objects_url(server, people, collection=None) -> str:
    return f"{server.root}collections/{(collection or people['collection']).pk}/objects/"


def test_403_writing_without_can_write(server, people):
    secret = server.token("ncsc-handler")

    response = requests.post(
        _objects_url(server, people),
        data=json.dumps({"objects": [indicator()]}),
        headers={
            "Authorization": f"Bearer {secret}",
            "Accept": TAXII,
            "Content-Type": TAXII,
        },
        timeout=10,
    )

    assert response.status_code == 403
    assert response.headers["Content-Type"] == TAXII
    assert response.json()["http_status"] == "403"


def test_406_for_another_media_type(server, people):
    collection = server.collection("mhlw-viewer", "basic")

    with pytest.raises(requests.HTTPError) as error:
        collection.get_objects(accept="application/taxii+json;version=2.0")
    plain = requests.get(
        _objects_url(server, people),
        headers={
            "Authorization": f"Bearer {server.token('mhlw-viewer')}",
            "Accept": "text/html",
        },
        timeout=10,
    )

    assert error.value.response.status_code == 406
    assert plain.status_code == 406
    assert plain.json()["http_status"] == "406"


def test_415_for_another_content_type(server, people):
    response = requests.post(
        _objects_url(server, people),
        data=json.dumps({"objects": [indicator()]}),
        headers={
            "Authorization": f"Bearer {server.token('mhlw-handler')}",
            "Accept": TAXII,
            "Content-Type": "application/json",
        },
        timeout=10,
    )

    assert response.status_code == 415
    assert response.json()["http_status"] == "415"


def test_413_for_a_body_over_max_content_length(server, people, settings):
    settings.SHIREITO_TAXII_MAX_CONTENT_LENGTH = 5000
    collection = server.collection("mhlw-handler", "basic")

    with pytest.raises(requests.HTTPError) as error:
        collection.add_objects({"objects": [indicator() for _ in range(40)]})

    assert error.value.response.status_code == 413
    assert error.value.response.json()["http_status"] == "413"
    assert not StixObject.objects.exists()


def test_404_for_an_unknown_or_unseen_collection(server, people):
    unknown = server.collection_at(uuid.uuid4(), "mhlw-viewer")
    unseen = server.collection_at(people["hidden"].pk, "mhlw-viewer")

    for collection in (unknown, unseen):
        with pytest.raises(requests.HTTPError) as error:
            collection.refresh()
        assert error.value.response.status_code == 404
        assert error.value.response.json()["http_status"] == "404"
