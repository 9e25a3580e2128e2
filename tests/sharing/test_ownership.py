"""Who may publish, version and delete an object in a collection (STIX 2.1: only its creator
versions it), and that indicators carry patterns that parse: the forged national report the
trust probe found (a partner with write access re-publishing the centre's report as "all
clear"), tried on every write path, refused, and read back as the centre published it."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest

from shireito.core.models import AuditEvent
from shireito.sharing import services
from shireito.sharing.identity import organization_identity_id
from shireito.sharing.models import Status, StixObject
from shireito.sharing.tlp import TLP2_IDS
from tests.sharing.conftest import T0, indicator, stamp

pytestmark = pytest.mark.urls("tests.sharing.urls")

ROOT = "/taxii2/shireito"
# The messages asserted on are the English ones (Japanese is the default).
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def objects_url(collection, suffix="objects/"):
    return f"{ROOT}/collections/{collection.pk}/{suffix}"


def report(*, author: str, stix_id: str | None = None, day: int = 0, text: str) -> dict:
    """The centre's published incident report (a STIX report), version ``day``."""
    return {
        "type": "report",
        "spec_version": "2.1",
        "id": stix_id or f"report--{uuid.uuid4()}",
        "created_by_ref": author,
        "created": stamp(T0),
        "modified": stamp(T0 + dt.timedelta(days=day)),
        "name": "DDoS on ministry portals",
        "description": text,
        "report_types": ["threat-report"],
        "published": stamp(T0),
        "object_refs": [f"indicator--{uuid.uuid4()}"],
        "object_marking_refs": [TLP2_IDS["green"]],
    }


@pytest.fixture
def published(community):
    """The national centre has published a GREEN report and indicator into its collection."""
    centre = organization_identity_id(community["orgs"]["nisc"])
    original = report(author=centre, text="Block the indicators below at the perimeter.")
    ioc = {**indicator(tlp="green"), "created_by_ref": centre}
    status = services.objects_add(
        actor=community["users"]["nisc-handler"],
        collection=community["collection"],
        objects=[original, ioc],
    )
    assert status.failure_count == 0
    return {"centre": centre, "report": original, "indicator": ioc}


def _read_as_liaison(taxii, community, stix_id) -> list[dict]:
    response = taxii(
        community["users"]["ncsc-viewer"],
        "get",
        objects_url(community["collection"], f"objects/{stix_id}/"),
        **{"match[version]": "all"},
    )
    assert response.status_code == 200
    return json.loads(response.content)["objects"]


def _snapshot():
    return sorted(
        StixObject.objects.values_list("stix_id", "version", "creator_id", "is_latest", "body")
    )


@pytest.mark.parametrize("claimed", ["centre", "partner", "none"])
def test_a_partner_cannot_post_a_new_version_of_the_centres_report(
    community, taxii, published, claimed
):
    # given the ministry (write access to the centre's collection) forges the next version
    mhlw = organization_identity_id(community["orgs"]["mhlw"])
    forged = report(
        author={"centre": published["centre"], "partner": mhlw, "none": ""}[claimed],
        stix_id=published["report"]["id"],
        day=1,
        text="All clear, ignore the indicators.",
    )
    if claimed == "none":
        del forged["created_by_ref"]
    before = _snapshot()

    # when it posts it through the TAXII add-objects endpoint
    response = taxii(
        community["users"]["mhlw-handler"],
        "post",
        objects_url(community["collection"]),
        {"objects": [forged]},
        headers=ENGLISH,
    )

    # then the status refuses that object, naming it and why; nothing is stored
    assert response.status_code == 202
    status = json.loads(response.content)
    assert (status["success_count"], status["failure_count"]) == (0, 1)
    failure = status["failures"][0]
    assert failure["id"] == forged["id"]
    assert failure["version"] == forged["modified"]
    assert failure["message"].startswith("$.objects[0]")
    assert "creator" in failure["message"]
    assert _snapshot() == before
    # and the overseas liaison reads the centre's report, in its one version
    assert _read_as_liaison(taxii, community, forged["id"]) == [published["report"]]


def test_a_new_object_naming_another_creator_is_refused(community, taxii, published):
    # given a new indicator that claims the centre as its creator, beside an honest one
    forged = {**indicator(tlp="green"), "created_by_ref": published["centre"]}
    honest = {
        **indicator(tlp="green"),
        "created_by_ref": organization_identity_id(community["orgs"]["mhlw"]),
    }

    # when the ministry posts both
    response = taxii(
        community["users"]["mhlw-handler"],
        "post",
        objects_url(community["collection"]),
        {"objects": [forged, honest]},
        headers=ENGLISH,
    )

    # then only the honest one is stored, the forged one refused at its created_by_ref
    status = json.loads(response.content)
    assert [item["id"] for item in status["successes"]] == [honest["id"]]
    assert [item["id"] for item in status["failures"]] == [forged["id"]]
    message = status["failures"][0]["message"]
    assert message.startswith("$.objects[0].created_by_ref:")
    assert published["centre"] in message
    assert organization_identity_id(community["orgs"]["mhlw"]) in message
    assert not StixObject.objects.filter(stix_id=forged["id"]).exists()
    assert StixObject.objects.get(stix_id=honest["id"]).creator == community["orgs"]["mhlw"]
    liaison = taxii(
        community["users"]["ncsc-viewer"],
        "get",
        objects_url(community["collection"], f"objects/{forged['id']}/"),
    )
    assert liaison.status_code == 404


def test_a_partner_cannot_delete_the_centres_objects(community, taxii, published):
    # given the centre's report and indicator in its collection
    before = _snapshot()
    deletions = AuditEvent.objects.filter(action="delete").count()

    # when the ministry deletes them, all versions or the latest
    answers = [
        taxii(
            community["users"]["mhlw-handler"],
            "delete",
            objects_url(community["collection"], f"objects/{published[name]['id']}/"),
            headers=ENGLISH,
            **query,
        )
        for name in ("report", "indicator")
        for query in ({}, {"match[version]": "last"})
    ]

    # then each is a TAXII 403 saying why, and nothing went
    for response in answers:
        assert response.status_code == 403
        error = json.loads(response.content)
        assert error["http_status"] == "403"
        assert "your organisation created" in error["description"]
    assert _snapshot() == before
    assert AuditEvent.objects.filter(action="delete").count() == deletions
    assert _read_as_liaison(taxii, community, published["report"]["id"]) == [published["report"]]


def test_a_partner_versions_and_deletes_its_own_and_the_owner_deletes_any(
    community, taxii, published
):
    # given the ministry's own indicator in the centre's collection
    mhlw = organization_identity_id(community["orgs"]["mhlw"])
    first = {**indicator(tlp="green"), "created_by_ref": mhlw}
    second = {**first, "modified": stamp(T0 + dt.timedelta(days=1)), "name": "revised"}
    writer = community["users"]["mhlw-handler"]
    services.objects_add(actor=writer, collection=community["collection"], objects=[first])

    # when it adds a version, the centre tries the same, and each deletes
    mine = services.objects_add(actor=writer, collection=community["collection"], objects=[second])
    theirs = services.objects_add(
        actor=community["users"]["nisc-handler"],
        collection=community["collection"],
        objects=[{**second, "modified": stamp(T0 + dt.timedelta(days=2))}],
    )
    own = taxii(
        writer,
        "delete",
        objects_url(community["collection"], f"objects/{first['id']}/"),
        **{"match[version]": "last"},
    )
    owner = taxii(
        community["users"]["nisc-handler"],
        "delete",
        objects_url(community["collection"], f"objects/{first['id']}/"),
    )

    # then its version is stored and the centre's is not (the creator versions, not the
    # owner); it deletes its own version and the owner deletes what is left
    assert (mine.success_count, mine.failure_count) == (1, 0)
    assert (theirs.success_count, theirs.failure_count) == (0, 1)
    assert own.status_code == 200
    assert owner.status_code == 200
    assert not StixObject.objects.filter(stix_id=first["id"]).exists()


def test_an_object_without_created_by_ref_belongs_to_who_wrote_it(community, published):
    # given an observable and an indicator naming no creator, posted by the ministry
    anonymous = indicator(tlp="green")
    address = {
        "type": "ipv4-addr",
        "spec_version": "2.1",
        "id": f"ipv4-addr--{uuid.uuid4()}",
        "value": "203.0.113.7",
        "object_marking_refs": [TLP2_IDS["green"]],
    }
    services.objects_add(
        actor=community["users"]["mhlw-handler"],
        collection=community["collection"],
        objects=[anonymous, address],
    )

    # when the centre sends new versions of them
    status = services.objects_add(
        actor=community["users"]["nisc-handler"],
        collection=community["collection"],
        objects=[
            {**anonymous, "modified": stamp(T0 + dt.timedelta(days=1))},
            {**address, "object_marking_refs": [TLP2_IDS["amber"]]},
        ],
    )

    # then both are refused, the objects are stored unchanged (no creator added) and
    # recorded as the ministry's
    assert (status.success_count, status.failure_count) == (0, 2)
    rows = StixObject.objects.filter(stix_id__in=[anonymous["id"], address["id"]])
    assert {row.creator.code for row in rows} == {"mhlw"}
    assert [row.body for row in rows.order_by("date_added")] == [anonymous, address]


def test_the_platforms_shared_definitions_are_accepted_from_any_publisher(community):
    # given the TLP:GREEN marking definitions (the 2.0 one naming FIRST as its creator), our
    # identity and our extension's definition (by the platform's identity)
    from shireito.incidents import stix

    tlp1, tlp2 = stix.marking_definitions("green")
    first = {**tlp2, "created_by_ref": "identity--e828b379-4e03-4974-9ac4-e53a884c97c1"}
    shared = [tlp1, first, *stix.objects._fixed_objects([TLP2_IDS["clear"]])]

    # when the ministry and then the centre post them
    statuses = [
        services.objects_add(
            actor=community["users"][user], collection=community["collection"], objects=shared
        )
        for user in ("mhlw-handler", "nisc-handler")
    ]

    # then they are accepted (the second time as already there)
    assert [(status.success_count, status.failure_count) for status in statuses] == [(4, 0)] * 2


@pytest.mark.parametrize(
    ("pattern", "pattern_type", "where"),
    [
        ("[ipv4-addr:value = ", "stix", "pattern"),
        ("[ipv4-addr:value = '198.51.100.1'] AND", "stix", "pattern"),
        ("[not-a-type:value = 'x']]", "stix", "pattern"),
        ("", "stix", "pattern"),
        (None, "stix", "pattern"),
        ("[ipv4-addr:value = '198.51.100.1']", None, "pattern_type"),
    ],
)
def test_an_indicator_whose_pattern_does_not_parse_is_refused(
    community, taxii, pattern, pattern_type, where
):
    # given an indicator with a broken pattern beside a good one
    bad, good = indicator(), indicator()
    for name, value in (("pattern", pattern), ("pattern_type", pattern_type)):
        if value is None:
            del bad[name]
        else:
            bad[name] = value

    # when a partner posts them
    response = taxii(
        community["users"]["mhlw-handler"],
        "post",
        objects_url(community["collection"]),
        {"objects": [good, bad]},
        headers=ENGLISH,
    )

    # then the broken one is refused, naming the object and the property, and never served
    status = json.loads(response.content)
    assert [item["id"] for item in status["successes"]] == [good["id"]]
    assert [item["id"] for item in status["failures"]] == [bad["id"]]
    assert status["failures"][0]["message"].startswith(f"$.objects[1].{where}:")
    assert not StixObject.objects.filter(stix_id=bad["id"]).exists()
    assert Status.objects.get(pk=status["id"]).failures == status["failures"]


def test_patterns_of_other_languages_are_stored_as_sent(community):
    # given a Snort indicator (not a STIX pattern: only STIX patterns are ours to parse)
    snort = {**indicator(), "pattern": "alert tcp any any -> any 80", "pattern_type": "snort"}

    # when it is added
    status = services.objects_add(
        actor=community["users"]["mhlw-handler"],
        collection=community["collection"],
        objects=[snort],
    )

    # then it is stored
    assert status.failure_count == 0
    assert StixObject.objects.get(stix_id=snort["id"]).body == snort


def test_the_command_line_fill_writes_for_the_owner(community):
    # given an empty collection of the centre's
    from shireito.sharing.scale import fill_collection

    # when the command line fills it
    fill_collection(community["collection"], 5)

    # then every object names the centre and is recorded as the centre's, with a valid pattern
    from shireito.sharing.stix import stix_pattern_problem

    rows = list(StixObject.objects.filter(collection=community["collection"]))
    assert len(rows) == 5
    centre = organization_identity_id(community["orgs"]["nisc"])
    assert {row.body["created_by_ref"] for row in rows} == {centre}
    assert {row.creator_id for row in rows} == {community["orgs"]["nisc"].pk}
    assert all(stix_pattern_problem(row.body["pattern"]) is None for row in rows)
