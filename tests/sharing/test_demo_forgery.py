"""The trust probe's attack on the demo data, as it was run: IPA's incident handler, whom the
national centre's collection lets write, re-publishes the centre's shared DDoS report as "all
clear", claims the centre as creator of a new indicator, and deletes the centre's objects;
the UK liaison then reads the collection. Each step is refused and the liaison reads what the
centre published."""

from __future__ import annotations

import json
import uuid

import pytest

from shireito.accounts.models import User
from shireito.demo.dataset import load_demo_data
from shireito.sharing.demo import ALIAS
from shireito.sharing.identity import organization_identity_id
from shireito.sharing.models import Collection, StixObject
from shireito.sharing.tlp import TLP2_IDS

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.sharing.urls")]


@pytest.fixture
def demo(demo_mode, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        load_demo_data(plan=False, cocreation=False)
    return {user.username: user for user in User.objects.select_related("organization")}


# Loading the demo data takes a minute or two: in the long suite.
@pytest.mark.long
def test_ipa_cannot_forge_the_centres_report_and_the_liaison_reads_the_original(demo, taxii):
    # given the centre's shared report in its collection, as the UK liaison reads it
    collection = Collection.objects.get(alias=ALIAS)
    objects_url = f"/taxii2/shireito/collections/{collection.pk}/objects/"
    liaison, ipa = demo["uk-ncsc-liaison"], demo["ipa-handler"]
    read = json.loads(taxii(liaison, "get", objects_url, **{"match[type]": "report"}).content)[
        "objects"
    ]
    assert read, "the demo publishes a GREEN report the liaison reads"
    original = read[0]
    centre = organization_identity_id(collection.owner)
    assert original["created_by_ref"] == centre
    before = sorted(StixObject.objects.values_list("stix_id", "version", "body"))

    # when IPA's handler posts an "all clear" version of it, a new indicator in the centre's
    # name, and deletes the report
    forged = {
        **original,
        "modified": "2099-01-01T00:00:00.000Z",
        "description": "All clear, ignore the indicators.",
    }
    claimed = {
        "type": "indicator",
        "spec_version": "2.1",
        "id": f"indicator--{uuid.uuid4()}",
        "created_by_ref": centre,
        "created": "2099-01-01T00:00:00.000Z",
        "modified": "2099-01-01T00:00:00.000Z",
        "pattern": "[ipv4-addr:value = '192.0.2.1']",
        "pattern_type": "stix",
        "valid_from": "2099-01-01T00:00:00.000Z",
        "object_marking_refs": [TLP2_IDS["green"]],
    }
    posted = taxii(ipa, "post", objects_url, {"objects": [forged, claimed]})
    deleted = taxii(ipa, "delete", f"{objects_url}{original['id']}/")

    # then both objects are refused in the status, the deletion is a 403, nothing changed,
    # and the liaison reads the centre's report in its one version
    status = json.loads(posted.content)
    assert (status["success_count"], status["failure_count"]) == (0, 2)
    assert [failure["id"] for failure in status["failures"]] == [forged["id"], claimed["id"]]
    assert deleted.status_code == 403
    assert sorted(StixObject.objects.values_list("stix_id", "version", "body")) == before
    versions = taxii(liaison, "get", f"{objects_url}{original['id']}/", **{"match[version]": "all"})
    assert json.loads(versions.content)["objects"] == [original]
