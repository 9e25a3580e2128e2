"""The national centre publishes the sanitised report into a TAXII collection: only its incident
handlers once the report has reached it; the shared fields audited; a timeline entry; the
objects stored through the sharing app, none above the collection's TLP ceiling; publishing
again versions only what changed; all or nothing; the API endpoint and the page."""

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shireito.core.models import AuditEvent
from shireito.incidents import services, stix
from shireito.incidents.choices import EntryKind
from shireito.incidents.models import IncidentReport
from shireito.incidents.permissions import may_publish
from shireito.incidents.services import report_publish
from shireito.sharing import identity as sharing_identity
from shireito.sharing import services as sharing
from shireito.sharing.models import StixObject
from tests.factories import make_user
from tests.incidents.conftest import T0
from tests.incidents.stix_helpers import MARKERS, PEOPLE, routed_report

pytestmark = pytest.mark.django_db
H = dt.timedelta(hours=1)
SHARED = {
    "shared_title": "Malware at a government body",
    "shared_summary": "Malware reached one terminal; contained.",
    "shared_tlp": "green",
}


@pytest.fixture
def routed(handlers, systems):
    # Marked GREEN by the reporter, so the centre may share it at GREEN.
    return routed_report(handlers, systems, close=False, tlp="green")


@pytest.fixture
def collection(government):
    return sharing.collection_create(
        actor=None, title="National incidents", owner=government["nisc"], max_tlp="amber"
    )


def _publish(handlers, report, collection, *, now=None, **changes):
    return report_publish(
        actor=handlers["nisc-handler"],
        report=report,
        collection=collection,
        now=now or T0 + 20 * H,
        **{**SHARED, **changes},
    )


def _stored(collection) -> dict[str, list]:
    versions: dict[str, list] = {}
    for row in StixObject.objects.filter(collection=collection).order_by("version"):
        versions.setdefault(row.stix_id, []).append(row)
    return versions


def test_the_centre_publishes_the_sanitised_report(handlers, routed, collection):
    # when NISC's handler publishes
    status = _publish(handlers, routed, collection)
    # then every object of the sanitised bundle is in the collection, and nothing else
    report = IncidentReport.objects.get(pk=routed.pk)
    bundle = stix.report_bundle(report, sanitised=True)
    assert status.failure_count == 0
    assert status.success_count == len(bundle["objects"])
    stored = _stored(collection)
    assert set(stored) == {obj["id"] for obj in bundle["objects"]}
    text = json.dumps([row.body for rows in stored.values() for row in rows], ensure_ascii=False)
    for field, marker in MARKERS.items():
        assert str(marker) not in text, field
    for person in PEOPLE:
        assert person not in text
    assert stix.validation_errors(bundle) == []
    # the report holds the shared fields, audited, and a timeline entry says so
    assert (report.shared_title, report.shared_tlp) == (SHARED["shared_title"], "green")
    assert report.shared_at == T0 + 20 * H
    entry = report.timeline.get(kind=EntryKind.PUBLISHED)
    assert entry.organization.code == "nisc" and entry.author == handlers["nisc-handler"]
    assert entry.details["collection"] == str(collection.pk)
    assert AuditEvent.objects.filter(
        object_type="incidents.incidentreport",
        object_id=str(report.pk),
        changes__has_key="shared_title",
    ).exists()
    # the TLP level of what was stored is the shared one
    incident = next(rows[0] for rows in stored.values() if rows[0].type == "incident")
    assert incident.tlp == "green"


def test_publishing_again_versions_only_what_changed(handlers, routed, collection):
    _publish(handlers, routed, collection)
    first = _stored(collection)
    # the same again: nothing new (each object's version is already there)
    _publish(handlers, routed, collection, now=T0 + 21 * H)
    again = _stored(collection)
    # (objects with a modified time: cyber-observables have none, so the store stamps each
    # write of one with the time it was added)
    sdo_ids = {i for i, rows in first.items() if "modified" in rows[0].body}
    for stix_id in sdo_ids:
        assert len(again[stix_id]) == 1, stix_id
    # a new summary: a new version of the incident, the note and the report; the indicators
    # keep theirs
    _publish(handlers, routed, collection, now=T0 + 22 * H, shared_summary="Contained by noon.")
    third = _stored(collection)
    by_type = {}
    for stix_id in sdo_ids:
        by_type.setdefault(third[stix_id][0].type, []).append(len(third[stix_id]))
    assert by_type["incident"] == [2] and by_type["note"] == [2] and by_type["report"] == [2]
    assert set(by_type["indicator"]) == {1}
    incident = next(rows for rows in third.values() if rows[0].type == "incident")
    assert incident[0].body["created"] == incident[1].body["created"]
    assert incident[1].body["modified"] > incident[0].body["modified"]
    assert incident[1].is_latest and not incident[0].is_latest


@pytest.mark.parametrize(
    "who", ["mhlw-handler", "pmda-editor", "nisc-viewer", "ipa-handler", "nisc-editor"]
)
def test_only_the_centres_handlers_publish(handlers, government, routed, collection, who):
    handlers["nisc-viewer"] = make_user(organization=government["nisc"], roles=["viewer"])
    handlers["nisc-editor"] = make_user(organization=government["nisc"], roles=["editor"])
    assert not may_publish(handlers[who], routed)
    with pytest.raises(PermissionDenied):
        report_publish(actor=handlers[who], report=routed, collection=collection, **SHARED)
    assert not StixObject.objects.exists()


def test_not_before_the_report_has_reached_the_centre(handlers, draft, collection):
    report = services.report_submit(actor=handlers["pmda-editor"], report=draft)
    assert not may_publish(handlers["nisc-handler"], report)
    with pytest.raises(PermissionDenied):
        _publish(handlers, report, collection)


def test_above_the_collections_ceiling_is_refused_and_nothing_written(handlers, routed, collection):
    with pytest.raises(ValidationError) as error:
        _publish(handlers, routed, collection, shared_tlp="red")
    assert set(error.value.message_dict) == {"shared_tlp"}
    with pytest.raises(ValidationError) as error:
        _publish(handlers, routed, collection, shared_title=" ", shared_summary="")
    assert {"shared_title", "shared_summary"} <= set(error.value.message_dict)
    report = IncidentReport.objects.get(pk=routed.pk)
    assert report.shared_title == "" and report.shared_at is None
    assert not StixObject.objects.exists()
    assert not report.timeline.filter(kind=EntryKind.PUBLISHED).exists()


def test_when_the_collection_refuses_an_object_nothing_is_written(
    handlers, routed, collection, monkeypatch
):
    from shireito.sharing import stix as sharing_stix

    real = sharing_stix.check_object

    def refuse_notes(obj, **options):
        if obj.get("type") == "note":
            raise sharing_stix.ObjectProblem("no notes here", stix_id=obj["id"])
        return real(obj, **options)

    monkeypatch.setattr(sharing, "check_object", refuse_notes)
    with pytest.raises(ValidationError) as error:
        _publish(handlers, routed, collection)
    assert set(error.value.message_dict) == {"collection"}
    report = IncidentReport.objects.get(pk=routed.pk)
    assert report.shared_title == ""
    assert not StixObject.objects.exists()
    assert not report.timeline.filter(kind=EntryKind.PUBLISHED).exists()


# --- the API and the page ---------------------------------------------------------------------


def test_publishing_through_the_api(api, handlers, routed, collection):
    path = f"/api/v1/incidents/{routed.number}/publish"
    body = {"collection": str(collection.pk), **SHARED}
    response = api(handlers["nisc-handler"], "post", path, body=body)
    assert response.status_code == 200, response.content
    assert response.json()["collection"] == str(collection.pk)
    assert response.json()["shared_tlp"] == "green" and response.json()["objects"] > 5
    # errors: an unknown collection, a TLP above the ceiling, who may not, who may not see
    bad = api(handlers["nisc-handler"], "post", path, body={**body, "collection": "nope"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["path"] == "$.collection"
    red = api(handlers["nisc-handler"], "post", path, body={**body, "shared_tlp": "red"})
    assert red.status_code == 422 and red.json()["errors"][0]["field"] == "shared_tlp"
    assert api(handlers["mhlw-handler"], "post", path, body=body).status_code == 422
    assert api(handlers["meti-handler"], "post", path, body=body).status_code == 404


def test_the_ministry_may_not_publish_through_the_api_even_with_a_writable_collection(
    api, handlers, government, routed
):
    own = sharing.collection_create(actor=None, title="MHLW", owner=government["mhlw"])
    body = {"collection": str(own.pk), **SHARED}
    response = api(
        handlers["mhlw-handler"], "post", f"/api/v1/incidents/{routed.number}/publish", body=body
    )
    assert response.status_code == 403


def test_the_publish_page(client, signed_in, handlers, routed, collection):
    path = f"/incidents/stix/{routed.number}/publish/"
    signed_in(handlers["nisc-handler"])
    page = client.get(path)
    assert page.status_code == 200
    assert str(collection.pk).encode() in page.content
    # the reporter's name and the narrative are not on the page that prepares what is shared
    assert MARKERS["narrative"].encode() not in page.content
    refused = client.post(path, {"collection": str(collection.pk), **SHARED, "shared_tlp": "red"})
    assert refused.status_code == 200 and b'aria-invalid="true"' in refused.content
    done = client.post(path, {"collection": str(collection.pk), **SHARED})
    assert done.status_code == 302 and done["Location"] == f"/incidents/{routed.number}/"
    assert IncidentReport.objects.get(pk=routed.pk).shared_tlp == "green"


def test_the_publish_page_is_for_the_centre_only(client, signed_in, handlers, routed):
    signed_in(handlers["mhlw-handler"])
    assert client.get(f"/incidents/stix/{routed.number}/publish/").status_code == 403
    client.logout()
    signed_in(handlers["meti-handler"])
    assert client.get(f"/incidents/stix/{routed.number}/publish/").status_code == 404


def test_the_centre_cannot_share_below_the_reporters_marking(handlers, systems, collection):
    amber = routed_report(handlers, systems, close=False, tlp="amber")
    with pytest.raises(ValidationError) as error:
        _publish(handlers, amber, collection, shared_tlp="green")
    assert set(error.value.message_dict) == {"shared_tlp"}
    assert not StixObject.objects.exists()
    _publish(handlers, amber, collection, shared_tlp="amber")
    assert StixObject.objects.filter(tlp="amber").exists()


def test_publishing_again_withdraws_what_is_no_longer_shared(
    handlers, routed, collection, government
):
    from shireito.sharing.selectors import objects_queryset  # noqa: F401 - the store's reads

    _publish(handlers, routed, collection)
    email = routed.indicators.get(kind="email")
    ids_before = set(StixObject.objects.values_list("stix_id", flat=True))
    email_objects = {i for i in ids_before if i.startswith("email-addr--")}
    assert email_objects
    email.shareable = False
    email.save()
    _publish(handlers, routed, collection, now=T0 + 30 * H)
    ids_after = set(StixObject.objects.values_list("stix_id", flat=True))
    assert not (email_objects & ids_after)
    assert len(ids_after) < len(ids_before)
    # A stricter marking withdraws every earlier (GREEN) version.
    _publish(handlers, routed, collection, now=T0 + 40 * H, shared_tlp="amber")
    assert set(
        StixObject.objects.exclude(stix_id__startswith="marking-definition--")
        .exclude(stix_id__startswith="extension-definition--")
        .exclude(stix_id__startswith="identity--")
        .values_list("tlp", flat=True)
    ) == {"amber"}


def test_a_partner_with_write_access_cannot_rewrite_what_the_centre_published(
    government, handlers, routed, collection
):
    # given IPA may write to the centre's collection, and the centre published a report
    sharing.collection_access_set(
        actor=None,
        collection=collection,
        organization=government["ipa"],
        can_read=True,
        can_write=True,
        max_tlp="amber",
    )
    _publish(handlers, routed, collection)
    published = {
        row.body["type"]: row.body for row in StixObject.objects.filter(collection=collection)
    }
    centre = sharing_identity.organization_identity_id(government["nisc"])
    assert published["report"]["created_by_ref"] == centre
    before = sorted(StixObject.objects.values_list("stix_id", "version", "body"))
    ipa = handlers["ipa-handler"]

    # when an IPA handler posts "all clear" as the report's next version, and deletes it
    forged = {
        **published["report"],
        "modified": "2030-01-01T00:00:00.000Z",
        "description": "All clear, ignore the indicators.",
    }
    status = sharing.objects_add(actor=ipa, collection=collection, objects=[forged])
    with pytest.raises(PermissionDenied):
        sharing.objects_delete(actor=ipa, collection=collection, stix_id=forged["id"])

    # then the version is refused and nothing changed
    assert (status.success_count, status.failure_count) == (0, 1)
    assert sorted(StixObject.objects.values_list("stix_id", "version", "body")) == before
