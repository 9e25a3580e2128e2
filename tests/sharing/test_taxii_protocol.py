"""The TAXII 2.1 protocol through Django's test client: resources, media types, errors,
authentication, paging, filters and TLP per counterpart."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from shireito.core.models import AuditEvent
from shireito.sharing import services
from shireito.sharing.models import Status, StixObject
from shireito.sharing.tlp import TLP1_IDS, TLP2_EXTENSION_ID, TLP2_IDS
from tests.sharing.conftest import T0, TAXII, basic, indicator, malware, stamp

pytestmark = pytest.mark.urls("tests.sharing.urls")

ROOT = "/taxii2/shireito"


def body(response):
    return json.loads(response.content)


def objects_url(collection, suffix="objects/"):
    return f"{ROOT}/collections/{collection.pk}/{suffix}"


def add(community, objects, user="mhlw-handler", now=None):
    return services.objects_add(
        actor=community["users"][user],
        collection=community["collection"],
        objects=objects,
        now=now,
    )


# --- Resources ------------------------------------------------------------------------------


def test_discovery_names_the_one_api_root_as_default(community, taxii):
    # when
    response = taxii(community["users"]["ncsc-viewer"], "get", "/taxii2/")

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == TAXII
    data = body(response)
    assert data["api_roots"] == ["http://testserver/taxii2/shireito/"]
    assert data["default"] == data["api_roots"][0]
    assert data["title"]


@override_settings(SHIREITO_TAXII_MAX_CONTENT_LENGTH=4321)
def test_api_root_advertises_version_and_limits(community, taxii):
    response = taxii(community["users"]["ncsc-viewer"], "get", f"{ROOT}/")

    assert response.status_code == 200
    data = body(response)
    assert data["versions"] == [TAXII]
    assert data["max_content_length"] == 4321
    assert data["x_shireito_page_size"] >= 1
    assert data["x_shireito_max_page_size"] >= data["x_shireito_page_size"]


@pytest.mark.parametrize("language", ["en", "ja"])
def test_messages_follow_accept_language(community, taxii, language):
    response = taxii(
        community["users"]["ncsc-viewer"],
        "get",
        f"{ROOT}/",
        headers={"HTTP_ACCEPT_LANGUAGE": language, "HTTP_ACCEPT": "text/html"},
    )

    assert response.status_code == 406
    assert response["Content-Language"] == language


def test_unknown_api_root_is_a_taxii_404(community, taxii):
    response = taxii(community["users"]["ncsc-viewer"], "get", "/taxii2/elsewhere/collections/")

    assert response.status_code == 404
    assert response["Content-Type"] == TAXII
    assert body(response)["http_status"] == "404"


@pytest.mark.parametrize(
    ("user", "can_read", "can_write"),
    [
        ("nisc-handler", True, True),  # the owner
        ("mhlw-handler", True, True),  # access row read+write, incident handler
        ("mhlw-viewer", True, False),  # the row allows writing, the role does not
        ("ncsc-viewer", True, False),
        ("ncsc-handler", True, False),  # the role allows writing, the row does not
        ("admin", False, False),  # platform admins see every collection, use none by right
    ],
)
def test_collection_rights_are_per_user(community, taxii, user, can_read, can_write):
    collection = community["collection"]

    listing = body(taxii(community["users"][user], "get", f"{ROOT}/collections/"))
    single = body(taxii(community["users"][user], "get", f"{ROOT}/collections/{collection.pk}/"))

    entry = next(item for item in listing["collections"] if item["id"] == str(collection.pk))
    assert (entry["can_read"], entry["can_write"]) == (can_read, can_write)
    assert single == entry
    assert entry["media_types"] == ["application/stix+json;version=2.1"]


def test_collections_the_user_may_not_see_are_not_listed_nor_found(community, taxii):
    user = community["users"]["meti-handler"]
    collection = community["collection"]

    listing = body(taxii(user, "get", f"{ROOT}/collections/"))
    assert [item["id"] for item in listing["collections"]] == [str(community["hidden"].pk)]
    for path in (
        f"{ROOT}/collections/{collection.pk}/",
        objects_url(collection),
        objects_url(collection, "manifest/"),
    ):
        response = taxii(user, "get", path)
        assert response.status_code == 404, path
    response = taxii(user, "post", objects_url(collection), {"objects": [indicator()]})
    assert response.status_code == 404


def test_no_collections_is_an_empty_resource(db, taxii):
    from tests.factories import make_user

    loner = make_user(username="loner", roles=["viewer"])

    response = taxii(loner, "get", f"{ROOT}/collections/")

    assert response.status_code == 200
    assert body(response) == {}


@pytest.mark.parametrize("collection_id", ["not-a-uuid", "7d4b1f7e-0000-4000-8000-000000000000"])
def test_unknown_collection_is_404(community, taxii, collection_id):
    response = taxii(
        community["users"]["mhlw-handler"], "get", f"{ROOT}/collections/{collection_id}/objects/"
    )

    assert response.status_code == 404
    assert body(response)["error_code"] == "not-found"


# --- Media types, sizes, methods -------------------------------------------------------------


@pytest.mark.parametrize(
    "accept",
    [
        TAXII,
        "application/taxii+json",
        "application/taxii+json; version=2.1",
        "*/*",
        "text/html, application/taxii+json;version=2.1;q=0.9",
    ],
)
def test_acceptable_media_types(community, taxii, accept):
    response = taxii(
        community["users"]["ncsc-viewer"], "get", f"{ROOT}/", headers={"HTTP_ACCEPT": accept}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == TAXII


@pytest.mark.parametrize(
    "accept",
    [
        "application/json",
        "application/taxii+json;version=2.0",
        "application/stix+json;version=2.1",
        "application/taxii+json;version=2.1;q=0",
    ],
)
def test_other_media_types_are_406(community, taxii, accept):
    response = taxii(
        community["users"]["ncsc-viewer"], "get", f"{ROOT}/", headers={"HTTP_ACCEPT": accept}
    )

    assert response.status_code == 406
    assert response["Content-Type"] == TAXII
    assert body(response)["http_status"] == "406"


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "application/taxii+json", "application/stix+json;version=2.1"],
)
def test_posting_another_content_type_is_415(community, taxii, content_type):
    response = taxii(
        community["users"]["mhlw-handler"],
        "post",
        objects_url(community["collection"]),
        {"objects": [indicator()]},
        headers={"CONTENT_TYPE": content_type},
    )

    assert response.status_code == 415
    assert body(response)["http_status"] == "415"
    assert not StixObject.objects.exists()


@override_settings(SHIREITO_TAXII_MAX_CONTENT_LENGTH=2000)
def test_a_body_over_max_content_length_is_413(community, taxii):
    objects = [indicator() for _ in range(10)]

    response = taxii(
        community["users"]["mhlw-handler"],
        "post",
        objects_url(community["collection"]),
        {"objects": objects},
    )

    assert response.status_code == 413
    assert body(response)["error_code"] == "too-large"
    assert not StixObject.objects.exists()


def test_a_body_larger_than_djangos_form_limit_is_accepted(community, taxii, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # Django's own default
    big = [indicator(name="x" * 1_000_000) for _ in range(3)]
    assert len(json.dumps({"objects": big})) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    response = taxii(
        community["users"]["mhlw-handler"],
        "post",
        objects_url(community["collection"]),
        {"objects": big},
    )

    assert response.status_code == 202
    assert body(response)["success_count"] == 3


@pytest.mark.parametrize(
    ("payload", "code"),
    [(b"{not json", "invalid-json"), ({"objects": {"a": 1}}, "invalid-envelope")],
)
def test_a_body_that_is_not_an_envelope_is_400(community, taxii, payload, code):
    response = taxii(
        community["users"]["mhlw-handler"], "post", objects_url(community["collection"]), payload
    )

    assert response.status_code == 400
    assert body(response)["error_code"] == code


def test_unsupported_method_is_405_with_allow(community, taxii):
    response = taxii(
        community["users"]["mhlw-handler"], "put", objects_url(community["collection"])
    )

    assert response.status_code == 405
    assert response["Allow"] == "GET, POST"
    assert body(response)["http_status"] == "405"


def test_post_needs_no_csrf_token_nor_session(community, token):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)

    response = strict.post(
        objects_url(community["collection"]),
        json.dumps({"objects": [indicator()]}),
        content_type=TAXII,
        HTTP_ACCEPT=TAXII,
        HTTP_AUTHORIZATION=f"Bearer {token(community['users']['mhlw-handler'])}",
    )

    assert response.status_code == 202
    assert "sessionid" not in response.cookies


# --- Authentication ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("auth", "code"),
    [
        (None, "unauthorized-missing"),
        ("Bearer shireito_not-a-token", "unauthorized-invalid"),
        ("Basic bm90LWJhc2U2NA", "unauthorized-invalid"),
        ("Digest username=x", "unauthorized-invalid"),
    ],
)
def test_no_valid_credentials_is_401_with_a_challenge(community, taxii, auth, code):
    response = taxii(community["users"]["ncsc-viewer"], "get", "/taxii2/", auth=auth)

    assert response.status_code == 401
    assert response["Content-Type"] == TAXII
    assert "Basic" in response["WWW-Authenticate"]
    assert "Bearer" in response["WWW-Authenticate"]
    assert body(response)["error_code"] == code


def test_basic_authentication_works_for_a_user_without_second_factor(community, taxii):
    user = community["users"]["ncsc-viewer"]

    response = taxii(user, "get", f"{ROOT}/collections/", auth=basic(user))

    assert response.status_code == 200
    assert body(response)["collections"][0]["can_read"] is True


def test_a_wrong_password_is_401(community, taxii):
    user = community["users"]["ncsc-viewer"]

    response = taxii(user, "get", f"{ROOT}/", auth=basic(user, "wrong"))

    assert response.status_code == 401


def test_token_scheme_of_taxii2_client_token_auth_is_accepted(community, taxii, token):
    # given a viewer who may read the community's collection, and their API token
    user = community["users"]["ncsc-viewer"]

    # when taxii2-client's TokenAuth sends it as "Token <secret>"
    response = taxii(user, "get", f"{ROOT}/collections/", auth=f"Token {token(user)}")

    # then the server answers as that user: the collection they may read, readable
    assert response.status_code == 200
    assert response["Content-Type"] == TAXII
    assert body(response)["collections"][0]["can_read"] is True


def test_basic_is_refused_where_the_web_needs_a_second_factor(community, taxii, settings):
    settings.DEMO_MODE = False
    admin = community["users"]["admin"]
    handler = community["users"]["mhlw-handler"]
    TOTPDevice.objects.create(user=handler, name="app", confirmed=True)

    for user in (admin, handler):
        response = taxii(user, "get", f"{ROOT}/", auth=basic(user))
        assert response.status_code == 401
        assert body(response)["error_code"] == "unauthorized-second_factor"
        # A token still works: machine access is by token for them.
        assert taxii(user, "get", f"{ROOT}/").status_code == 200


def test_repeated_wrong_passwords_pause_basic_sign_in(community, taxii, settings):
    user = community["users"]["ncsc-viewer"]

    statuses = [
        taxii(user, "get", f"{ROOT}/", auth=basic(user, "wrong")).status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    locked = taxii(user, "get", f"{ROOT}/", auth=basic(user))

    assert statuses[0] == 401
    assert locked.status_code == 429
    assert locked["Content-Type"] == TAXII
    assert body(locked)["error_code"] == "locked-out"
    assert int(locked["Retry-After"]) > 0


def test_a_right_password_forgets_earlier_failures(community, taxii, settings):
    user = community["users"]["ncsc-viewer"]
    path = f"{ROOT}/"

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        taxii(user, "get", path, auth=basic(user, "wrong"))
    assert taxii(user, "get", path, auth=basic(user)).status_code == 200
    after = taxii(user, "get", path, auth=basic(user, "wrong"))

    assert after.status_code == 401  # counting starts again, as on the sign-in page


# --- Writing ----------------------------------------------------------------------------------


@pytest.mark.parametrize("user", ["mhlw-viewer", "ncsc-handler", "admin"])
def test_writing_without_can_write_is_403(community, taxii, user):
    response = taxii(
        community["users"][user],
        "post",
        objects_url(community["collection"]),
        {"objects": [indicator()]},
    )

    assert response.status_code == 403
    assert body(response)["http_status"] == "403"
    assert not StixObject.objects.exists()


def test_reading_without_can_read_is_403(community, taxii):
    collection = community["collection"]
    services.collection_access_set(
        actor=None,
        collection=collection,
        organization=community["orgs"]["ncsc"],
        can_read=False,
        can_write=True,
        max_tlp="green",
    )

    response = taxii(community["users"]["ncsc-viewer"], "get", objects_url(collection))

    assert response.status_code == 403


def test_post_answers_202_with_the_status_and_records_one_audit_event(community, taxii):
    good = [indicator(tlp="green"), indicator(tlp="amber"), malware()]
    bad_marking = indicator(tlp="red")
    no_modified = indicator()
    del no_modified["modified"]
    before = AuditEvent.objects.count()

    response = taxii(
        community["users"]["mhlw-handler"],
        "post",
        objects_url(community["collection"]),
        {"objects": [*good, bad_marking, no_modified, "oops"]},
    )

    assert response.status_code == 202
    assert response["Content-Type"] == TAXII
    status = body(response)
    assert status["status"] == "complete"
    assert (status["total_count"], status["success_count"], status["failure_count"]) == (6, 3, 3)
    assert status["pending_count"] == 0
    assert [item["id"] for item in status["successes"]] == [obj["id"] for obj in good]
    assert [item["id"] for item in status["failures"]] == [bad_marking["id"], no_modified["id"], ""]
    assert status["failures"][0]["message"].startswith("$.objects[3].object_marking_refs")
    assert status["failures"][1]["message"].startswith("$.objects[4].modified")
    assert status["failures"][2]["message"].startswith("$.objects[5]")
    events = [
        event
        for event in AuditEvent.objects.order_by("sequence")[before:]
        if event.object_type != "accounts.apitoken"  # the test's own token
    ]
    assert [(event.object_type, event.action) for event in events] == [("sharing.status", "create")]
    added = events[0].changes["objects_added"][1]
    assert [entry.split(" ")[0] for entry in added] == [obj["id"] for obj in good]


def test_the_status_is_read_back_by_the_writer_not_by_others(community, taxii):
    status = add(community, [indicator()])
    path = f"{ROOT}/status/{status.pk}/"

    mine = taxii(community["users"]["mhlw-viewer"], "get", path)
    theirs = taxii(community["users"]["ncsc-viewer"], "get", path)
    bare = taxii(community["users"]["mhlw-viewer"], "get", path.rstrip("/"))

    assert mine.status_code == 200
    assert body(mine)["id"] == str(status.pk)
    assert body(mine)["success_count"] == 1
    assert theirs.status_code == 404
    assert bare.status_code == 200  # taxii2-client polls without the trailing slash


def test_an_object_version_posted_twice_is_stored_once(community):
    obj = indicator()
    add(community, [obj])

    status = add(community, [obj, obj])

    assert status.success_count == 2
    assert all("message" in item for item in status.successes)
    assert StixObject.objects.filter(stix_id=obj["id"]).count() == 1


def test_an_older_version_posted_later_does_not_become_the_latest(community, taxii):
    stix_id = indicator()["id"]
    newer = indicator(stix_id=stix_id, modified=T0 + dt.timedelta(days=2), name="newer")
    older = indicator(stix_id=stix_id, modified=T0 + dt.timedelta(days=1), name="older")
    add(community, [newer])
    add(community, [older])

    response = taxii(community["users"]["mhlw-viewer"], "get", objects_url(community["collection"]))

    assert [obj["name"] for obj in body(response)["objects"]] == ["newer"]
    assert StixObject.objects.filter(stix_id=stix_id, is_latest=True).count() == 1


# --- Reading: envelope, headers, paging -------------------------------------------------------


def test_pages_follow_date_added_with_headers_and_next(community, taxii):
    objects = [indicator() for _ in range(5)]
    add(community, objects[:3])
    add(community, objects[3:])
    user = community["users"]["mhlw-viewer"]
    path = objects_url(community["collection"])

    seen, headers, token = [], [], None
    while True:
        query = {"limit": 2, **({"next": token} if token else {})}
        response = taxii(user, "get", path, **query)
        data = body(response)
        seen += [obj["id"] for obj in data["objects"]]
        headers.append((response["X-TAXII-Date-Added-First"], response["X-TAXII-Date-Added-Last"]))
        if not data["more"]:
            assert "next" not in data
            break
        token = data["next"]

    assert seen == [obj["id"] for obj in objects]
    rows = list(StixObject.objects.order_by("date_added", "pk"))
    added = [row.date_added.strftime("%Y-%m-%dT%H:%M:%S.%fZ") for row in rows]
    assert headers == [(added[0], added[1]), (added[2], added[3]), (added[4], added[4])]


def test_an_empty_collection_answers_an_empty_envelope_without_date_headers(community, taxii):
    response = taxii(community["users"]["mhlw-viewer"], "get", objects_url(community["collection"]))

    assert response.status_code == 200
    assert body(response) == {"more": False}
    assert "X-TAXII-Date-Added-First" not in response


@override_settings(SHIREITO_TAXII_MAX_PAGE_SIZE=3)
def test_a_limit_above_the_maximum_is_cut_to_it(community, taxii):
    add(community, [indicator() for _ in range(5)])

    response = taxii(
        community["users"]["mhlw-viewer"], "get", objects_url(community["collection"]), limit=50
    )

    assert len(body(response)["objects"]) == 3
    assert body(response)["more"] is True


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("limit", "0"),
        ("limit", "ten"),
        ("next", "not-a-token"),
        ("added_after", "2026-04-01"),
        ("added_after", "yesterday"),
        ("match[version]", "newest"),
        ("match[version]", "last,"),
        ("match[id]", "indicator-1"),
        ("match[type]", "Bad_Type"),
        ("match[spec_version]", "two"),
    ],
)
def test_bad_query_values_are_400_naming_the_parameter(community, taxii, parameter, value):
    response = taxii(
        community["users"]["mhlw-viewer"],
        "get",
        objects_url(community["collection"]),
        **{parameter: value},
    )

    assert response.status_code == 400
    assert body(response)["details"] == {"parameter": parameter}


def test_a_tampered_or_foreign_cursor_is_400(community, taxii):
    add(community, [indicator() for _ in range(3)])
    user = community["users"]["mhlw-viewer"]
    path = objects_url(community["collection"])
    token = body(taxii(user, "get", path, limit=1))["next"]

    tampered = taxii(
        user, "get", path, limit=1, next=token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    )
    on_manifest = taxii(user, "get", objects_url(community["collection"], "manifest/"), next=token)

    assert tampered.status_code == 400
    assert on_manifest.status_code == 400
    assert body(tampered)["details"] == {"parameter": "next"}


def test_unknown_parameters_are_ignored(community, taxii):
    add(community, [indicator()])

    response = taxii(
        community["users"]["mhlw-viewer"],
        "get",
        objects_url(community["collection"]),
        **{"match[colour]": "blue", "sort": "x"},
    )

    assert response.status_code == 200
    assert len(body(response)["objects"]) == 1


# --- Filters ----------------------------------------------------------------------------------


@pytest.fixture
def history(community):
    """One indicator in three versions, another indicator, one malware, added in that order."""
    stix_id = indicator()["id"]
    versions = [
        indicator(stix_id=stix_id, modified=T0 + dt.timedelta(days=day), name=f"v{day}")
        for day in (1, 2, 3)
    ]
    other, family = indicator(name="other"), malware()
    add(community, versions[:1])
    add(community, [other])
    add(community, versions[1:])
    add(community, [family])
    return {"id": stix_id, "versions": versions, "other": other, "malware": family}


def names(response):
    return [obj.get("name") for obj in body(response).get("objects", [])]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["other", "v3", "Emotet"]),
        ({"match[version]": "last"}, ["other", "v3", "Emotet"]),
        ({"match[version]": "first"}, ["v1", "other", "Emotet"]),
        ({"match[version]": "all"}, ["v1", "other", "v2", "v3", "Emotet"]),
        ({"match[version]": "first,last"}, ["v1", "other", "v3", "Emotet"]),
        ({"match[type]": "malware"}, ["Emotet"]),
        ({"match[type]": "malware,indicator"}, ["other", "v3", "Emotet"]),
        ({"match[spec_version]": "2.1"}, ["other", "v3", "Emotet"]),
        ({"match[spec_version]": "2.0"}, []),
    ],
)
def test_match_filters(community, taxii, history, query, expected):
    response = taxii(
        community["users"]["mhlw-viewer"], "get", objects_url(community["collection"]), **query
    )

    assert response.status_code == 200
    assert names(response) == expected


def test_match_id_and_version_timestamp(community, taxii, history):
    user = community["users"]["mhlw-viewer"]
    path = objects_url(community["collection"])
    second = history["versions"][1]["modified"]

    by_id = taxii(user, "get", path, **{"match[id]": f"{history['id']},{history['other']['id']}"})
    at = taxii(user, "get", path, **{"match[id]": history["id"], "match[version]": second})

    assert names(by_id) == ["other", "v3"]
    assert names(at) == ["v2"]


def test_added_after(community, taxii, history):
    user = community["users"]["mhlw-viewer"]
    rows = list(StixObject.objects.order_by("date_added", "pk"))
    after_other = rows[1].date_added.strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    response = taxii(user, "get", objects_url(community["collection"]), added_after=after_other)

    assert names(response) == ["v3", "Emotet"]


def test_manifest_lists_versions_without_bodies(community, taxii, history):
    response = taxii(
        community["users"]["mhlw-viewer"],
        "get",
        objects_url(community["collection"], "manifest/"),
        **{"match[version]": "all", "match[id]": history["id"]},
    )

    records = body(response)["objects"]
    assert [record["version"] for record in records] == [
        version["modified"] for version in history["versions"]
    ]
    assert {record["media_type"] for record in records} == {"application/stix+json;version=2.1"}
    assert set(records[0]) == {"id", "date_added", "version", "media_type"}
    assert response["X-TAXII-Date-Added-First"] == records[0]["date_added"]
    assert response["X-TAXII-Date-Added-Last"] == records[-1]["date_added"]


def test_get_an_object_and_its_versions(community, taxii, history):
    user = community["users"]["mhlw-viewer"]
    base = objects_url(community["collection"], f"objects/{history['id']}/")

    latest = taxii(user, "get", base)
    every = taxii(user, "get", base, **{"match[version]": "all"})
    versions = taxii(user, "get", f"{base}versions/")
    paged = taxii(user, "get", f"{base}versions/", limit=2)

    assert names(latest) == ["v3"]
    assert names(every) == ["v1", "v2", "v3"]
    assert body(versions)["versions"] == [v["modified"] for v in history["versions"]]
    assert body(versions)["more"] is False
    assert body(paged)["more"] is True and len(body(paged)["versions"]) == 2
    assert versions["X-TAXII-Date-Added-First"] and versions["X-TAXII-Date-Added-Last"]


def test_an_unknown_object_is_404(community, taxii, history):
    user = community["users"]["mhlw-viewer"]
    missing = indicator()["id"]

    for suffix in (f"objects/{missing}/", f"objects/{missing}/versions/", "objects/not-an-id/"):
        response = taxii(user, "get", objects_url(community["collection"], suffix))
        assert response.status_code == 404, suffix


def test_delete_an_object_version_then_all(community, taxii, history):
    writer = community["users"]["mhlw-handler"]
    base = objects_url(community["collection"], f"objects/{history['id']}/")
    before = AuditEvent.objects.count()

    one = taxii(writer, "delete", base, **{"match[version]": "last"})
    now_latest = taxii(writer, "get", base)
    rest = taxii(writer, "delete", base)
    gone = taxii(writer, "get", base)

    assert one.status_code == 200
    assert names(now_latest) == ["v2"]  # the previous version became the latest
    assert rest.status_code == 200
    assert gone.status_code == 404
    deletions = AuditEvent.objects.filter(object_type="sharing.stixobject", action="delete")
    assert deletions.count() == 2
    assert AuditEvent.objects.count() > before
    assert deletions.order_by("-sequence").first().changes["versions"][0] == [
        history["versions"][0]["modified"],
        history["versions"][1]["modified"],
    ]


def test_only_writers_who_can_read_delete(community, taxii, history):
    base = objects_url(community["collection"], f"objects/{history['id']}/")
    services.collection_access_set(
        actor=None,
        collection=community["collection"],
        organization=community["orgs"]["ncsc"],
        can_read=False,
        can_write=True,
    )

    reader = taxii(community["users"]["mhlw-viewer"], "delete", base)
    write_only = taxii(community["users"]["ncsc-handler"], "delete", base)

    assert reader.status_code == 403
    assert write_only.status_code == 403  # TAXII: no DELETE on a write-only collection
    assert StixObject.objects.filter(stix_id=history["id"]).count() == 3


# --- TLP per counterpart ----------------------------------------------------------------------


def test_a_green_counterpart_does_not_get_amber_nor_unmarked_objects(community, taxii):
    clear = indicator(tlp="clear", name="clear")
    green = indicator(tlp="green", name="green")
    amber = indicator(tlp="amber", name="amber")
    unmarked = indicator(tlp=None, name="unmarked")  # counts as the collection's ceiling
    tlp1_green = indicator(tlp=None, name="tlp1 green")
    tlp1_green["object_marking_refs"] = [TLP1_IDS["green"]]
    marking = {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": TLP2_IDS["amber"],
        "created": stamp(T0),
        "name": "TLP:AMBER",
        "extensions": {
            TLP2_EXTENSION_ID: {"extension_type": "property-extension", "tlp_2_0": "amber"}
        },
    }
    add(community, [clear, green, amber, unmarked, tlp1_green, marking])
    path = objects_url(community["collection"])

    counterpart = names(taxii(community["users"]["ncsc-viewer"], "get", path))
    ministry = names(taxii(community["users"]["mhlw-viewer"], "get", path))
    owner = names(taxii(community["users"]["nisc-handler"], "get", path))
    hidden = taxii(community["users"]["ncsc-viewer"], "get", f"{path}{amber['id']}/")

    assert counterpart == ["clear", "green", "tlp1 green", "TLP:AMBER"]
    assert ministry == owner == ["clear", "green", "amber", "unmarked", "tlp1 green", "TLP:AMBER"]
    assert hidden.status_code == 404


def test_red_is_read_only_by_organisations_given_red(community, taxii):
    red_room = services.collection_create(
        actor=None, title="Red", owner=community["orgs"]["nisc"], max_tlp="red"
    )
    for org, level in (("mhlw", "amber_strict"), ("ncsc", "red")):
        services.collection_access_set(
            actor=None,
            collection=red_room,
            organization=community["orgs"][org],
            can_read=True,
            can_write=False,
            max_tlp=level,
        )
    services.objects_add(
        actor=None,
        collection=red_room,
        objects=[indicator(tlp="red", name="red"), indicator(tlp="amber_strict", name="strict")],
    )
    path = f"{ROOT}/collections/{red_room.pk}/objects/"

    assert names(taxii(community["users"]["mhlw-viewer"], "get", path)) == ["strict"]
    assert names(taxii(community["users"]["ncsc-viewer"], "get", path)) == ["red", "strict"]


def test_status_rows_keep_what_the_resource_shows(community):
    status = add(community, [indicator(), {"type": "indicator"}])

    stored = Status.objects.get(pk=status.pk)

    assert stored.total_count == stored.success_count + stored.failure_count + stored.pending_count
    assert len(stored.successes) == 1 and len(stored.failures) == 1


def test_granular_markings_count_and_tlp_ids_keep_their_meaning(community, taxii):
    secret = indicator(tlp="green", name="granular")
    secret["granular_markings"] = [{"marking_ref": TLP2_IDS["red"], "selectors": ["description"]}]
    forged = {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": TLP2_IDS["green"],
        "created": stamp(T0),
        "name": "anything",
        "extensions": {
            TLP2_EXTENSION_ID: {"extension_type": "property-extension", "tlp_2_0": "clear"}
        },
    }
    status = services.objects_add(
        actor=community["users"]["nisc-handler"],
        collection=community["collection"],
        objects=[secret, forged],
    )
    # The collection's ceiling is AMBER: a RED property refuses the object; a TLP id that
    # does not define its level is refused.
    assert status.success_count == 0
    assert status.failure_count == 2


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ('{"objects": [{"type": "indicator", "x": NaN}]}', 400),
        ('{"objects": ' + "[" * 100_000 + "]" * 100_000 + "}", 400),
    ],
)
def test_bodies_python_would_take_but_json_does_not_are_400(community, taxii, body, code):
    path = objects_url(community["collection"])
    answer = taxii(community["users"]["nisc-handler"], "post", path, body)
    assert answer.status_code == code
    assert answer["Content-Type"].startswith("application/taxii+json")


def test_odd_limits_and_unknown_addresses_answer_in_taxii(community, taxii):
    path = objects_url(community["collection"])
    assert taxii(community["users"]["nisc-handler"], "get", path, limit="²").status_code == 400
    unknown = taxii(community["users"]["nisc-handler"], "get", "/taxii2/shireito/nothing/")
    assert unknown.status_code == 404
    assert unknown["Content-Type"].startswith("application/taxii+json")


def test_a_tlp_limited_reader_pages_through_every_readable_level_in_order(community, taxii):
    levels = ["amber", "clear", "amber", "green", "amber", "amber", "clear", "green", "green"]
    objects = [indicator(tlp=level, name=f"{n} {level}") for n, level in enumerate(levels)]
    add(community, objects)
    path = objects_url(community["collection"])
    seen, token = [], None
    while True:
        query = {"limit": 2, **({"next": token} if token else {})}
        page = taxii(community["users"]["ncsc-viewer"], "get", path, **query).json()
        seen += [obj["name"] for obj in page.get("objects", [])]
        if not page["more"]:
            break
        token = page["next"]
    assert seen == [f"{n} {level}" for n, level in enumerate(levels) if level != "amber"]
