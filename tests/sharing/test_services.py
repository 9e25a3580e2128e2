"""Sharing services, selectors, the scale filler and the ``shireito taxii`` command."""

from __future__ import annotations

import datetime as dt
import io
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from shireito.core.models import AuditEvent
from shireito.sharing import selectors, services
from shireito.sharing.choices import TLP_RANK
from shireito.sharing.models import Collection, CollectionAccess, StixObject
from shireito.sharing.query import ObjectQuery
from shireito.sharing.scale import fill_collection
from tests.factories import make_user
from tests.sharing.conftest import T0, indicator


def test_collections_visible_and_writable(community):
    users = community["users"]
    collection, hidden = community["collection"], community["hidden"]

    visible = {name: set(selectors.collections_visible_to(user)) for name, user in users.items()}
    writable = {name: set(selectors.collections_writable_by(user)) for name, user in users.items()}

    assert visible["ncsc-viewer"] == {collection}
    assert visible["meti-handler"] == {hidden}
    assert visible["admin"] == {collection, hidden}
    assert writable["mhlw-handler"] == writable["nisc-handler"] == {collection}
    assert writable["mhlw-viewer"] == writable["ncsc-handler"] == set()
    assert writable["meti-handler"] == {hidden}
    assert writable["admin"] == set()  # platform admins write by access row or ownership only


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("owner-admin", True), ("other-admin", False), ("owner-viewer", False), ("platform", True)],
)
def test_who_may_create_collections_and_set_access(community, who, allowed):
    orgs = community["orgs"]
    actor = {
        "owner-admin": lambda: make_user(organization=orgs["nisc"], roles=["org_admin"]),
        "other-admin": lambda: make_user(organization=orgs["mhlw"], roles=["org_admin"]),
        "owner-viewer": lambda: make_user(organization=orgs["nisc"], roles=["viewer"]),
        "platform": lambda: community["users"]["admin"],
    }[who]()

    def create():
        return services.collection_create(actor=actor, title="New", owner=orgs["nisc"])

    def share():
        services.collection_access_set(
            actor=actor,
            collection=community["collection"],
            organization=orgs["meti"],
            can_read=True,
            can_write=False,
        )

    if allowed:
        assert create().owner == orgs["nisc"]
        share()
        assert CollectionAccess.objects.filter(organization=orgs["meti"]).exists()
    else:
        with pytest.raises(PermissionDenied):
            create()
        with pytest.raises(PermissionDenied):
            share()


def test_access_set_creates_changes_and_removes_with_audit(community):
    collection, meti = community["collection"], community["orgs"]["meti"]
    before = AuditEvent.objects.filter(object_type="sharing.collectionaccess").count()

    created = services.collection_access_set(
        actor=None, collection=collection, organization=meti, can_read=True, can_write=False
    )
    changed = services.collection_access_set(
        actor=None,
        collection=collection,
        organization=meti,
        can_read=True,
        can_write=True,
        max_tlp="red",
    )
    removed = services.collection_access_set(
        actor=None, collection=collection, organization=meti, can_read=False, can_write=False
    )

    assert created.max_tlp == "green"  # the default: the least a counterpart needs
    assert (changed.pk, changed.can_write, changed.max_tlp) == (created.pk, True, "red")
    assert removed is None
    assert not CollectionAccess.objects.filter(organization=meti).exists()
    actions = list(
        AuditEvent.objects.filter(object_type="sharing.collectionaccess")
        .order_by("sequence")
        .values_list("action", flat=True)[before:]
    )
    assert actions == ["create", "update", "delete"]


def test_access_for_the_owner_or_with_a_bad_level_is_refused(community):
    collection = community["collection"]

    with pytest.raises(ValidationError) as owner:
        services.collection_access_set(
            actor=None,
            collection=collection,
            organization=community["orgs"]["nisc"],
            can_read=True,
            can_write=True,
        )
    with pytest.raises(ValidationError) as level:
        services.collection_access_set(
            actor=None,
            collection=collection,
            organization=community["orgs"]["meti"],
            can_read=True,
            can_write=False,
            max_tlp="purple",
        )

    assert "organization" in owner.value.message_dict
    assert "max_tlp" in level.value.message_dict


def test_objects_add_refuses_readers_and_keeps_date_added_growing(community):
    collection = community["collection"]
    with pytest.raises(PermissionDenied):
        services.objects_add(
            actor=community["users"]["ncsc-viewer"], collection=collection, objects=[indicator()]
        )

    late = services.objects_add(
        actor=None, collection=collection, objects=[indicator()], now=T0 + dt.timedelta(days=9)
    )
    early = services.objects_add(
        actor=None, collection=collection, objects=[indicator(), indicator()], now=T0
    )

    added = list(StixObject.objects.order_by("pk").values_list("date_added", flat=True))
    assert added == sorted(added) and len(set(added)) == 3  # in commit order, none shared
    assert late.organization == early.organization == collection.owner


def test_one_write_with_several_versions_keeps_one_latest(community):
    stix_id = indicator()["id"]
    versions = [
        indicator(stix_id=stix_id, modified=T0 + dt.timedelta(hours=hour), name=f"v{hour}")
        for hour in (1, 3, 2)
    ]

    services.objects_add(actor=None, collection=community["collection"], objects=versions)
    services.objects_add(
        actor=None, collection=community["collection"], objects=[versions[0], versions[2]]
    )

    latest = StixObject.objects.get(stix_id=stix_id, is_latest=True)
    assert latest.body["name"] == "v3"
    assert StixObject.objects.filter(stix_id=stix_id).count() == 3


def test_objects_without_created_or_modified_are_versioned_by_date_added(community):
    observable = {
        "type": "ipv4-addr",
        "id": "ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd",
        "value": "198.51.100.3",
    }

    status = services.objects_add(
        actor=None, collection=community["collection"], objects=[observable]
    )

    row = StixObject.objects.get(stix_id=observable["id"])
    assert row.spec_version == "2.1"  # the default of an SCO
    assert row.version == row.date_added
    assert status.successes[0]["version"].endswith("Z")


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"id": "indicator--not-a-uuid"}, ".id"),
        ({"id": "malware--6b616fc1-1505-48e3-8b2c-0d19337bff38"}, ".id"),
        ({"spec_version": "2.0"}, ".spec_version"),
        ({"created": "yesterday"}, ".created"),
        ({"modified": "2020-01-01T00:00:00Z"}, ".modified"),  # before created
        ({"name": "bad\x00name"}, ""),
        ({"type": "bundle", "id": "bundle--6b616fc1-1505-48e3-8b2c-0d19337bff38"}, ""),
    ],
)
def test_each_bad_object_is_a_failure_naming_its_path(community, change, path):
    good = indicator()
    bad = {**indicator(), **change}

    status = services.objects_add(
        actor=None, collection=community["collection"], objects=[good, bad]
    )

    assert (status.success_count, status.failure_count) == (1, 1)
    message = status.failures[0]["message"]
    assert message.startswith(f"$.objects[1]{path}")
    assert StixObject.objects.count() == 1


def test_fill_collection_adds_realistic_ascending_objects(community):
    collection = community["collection"]
    services.objects_add(actor=None, collection=collection, objects=[indicator()])
    progress = []

    count = fill_collection(collection, 1200, progress=lambda done, total: progress.append(done))

    rows = list(StixObject.objects.filter(collection=collection).order_by("pk"))
    assert count == 1200 and len(rows) == 1201
    assert progress[-1] == 1200
    added = [row.date_added for row in rows]
    assert added == sorted(added)
    assert all(row.is_latest for row in rows)
    assert {row.tlp for row in rows[1:]} <= {"clear", "green", "amber"}
    assert max(TLP_RANK[row.tlp] for row in rows) <= TLP_RANK[collection.max_tlp]
    assert rows[-1].body["pattern_type"] == "stix"
    page = selectors.objects_page(
        user=community["users"]["ncsc-viewer"], collection=collection, query=ObjectQuery(limit=50)
    )
    assert len(page.rows) == 50 and page.more
    assert all(TLP_RANK[row.tlp] <= TLP_RANK["green"] for row in page.rows)


def test_objects_page_is_empty_for_who_may_not_read(community):
    services.objects_add(actor=None, collection=community["collection"], objects=[indicator()])

    page = selectors.objects_page(
        user=community["users"]["admin"],
        collection=community["collection"],
        query=ObjectQuery(limit=10),
    )

    assert page.rows == [] and page.more is False


# --- The command --------------------------------------------------------------------------


def run(*args) -> str:
    out = io.StringIO()
    call_command("taxii", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_command_creates_lists_and_shares(community):
    created = run(
        "collection-create", "--title", "Advisories", "--owner", "nisc", "--max-tlp", "green"
    ).strip()
    collection = Collection.objects.get(pk=created)
    run("access-set", created, "ncsc", "--read", "--max-tlp", "clear")
    listing = run("collections")

    assert collection.max_tlp == "green" and collection.owner.code == "nisc"
    access = CollectionAccess.objects.get(collection=collection)
    assert (access.organization.code, access.can_read, access.can_write) == ("ncsc", True, False)
    assert access.max_tlp == "clear"
    assert created in listing and "ncsc" in listing


def test_command_names_what_it_cannot_find(community, settings):
    with pytest.raises(CommandError):
        run("collection-create", "--title", "X", "--owner", "nowhere")
    with pytest.raises(CommandError):
        run("access-set", "no-such-alias", "ncsc", "--read")
    settings.DEMO_MODE = False
    with pytest.raises(CommandError):
        run("fill", str(community["collection"].pk), "--count", "10")


def test_an_observable_sent_again_unchanged_is_not_a_new_version(community):
    collection = community["collection"]
    actor = community["users"]["nisc-handler"]
    ip = {"type": "ipv4-addr", "spec_version": "2.1", "id": "ipv4-addr--" + str(uuid.uuid4())}
    ip["value"] = "192.0.2.1"
    first = services.objects_add(actor=actor, collection=collection, objects=[ip, dict(ip)])
    assert first.success_count == 2
    again = services.objects_add(actor=actor, collection=collection, objects=[ip])
    assert again.success_count == 1
    assert StixObject.objects.filter(stix_id=ip["id"]).count() == 1
    changed = services.objects_add(
        actor=actor, collection=collection, objects=[{**ip, "value": "192.0.2.2"}]
    )
    assert changed.success_count == 1
    assert StixObject.objects.filter(stix_id=ip["id"]).count() == 2
