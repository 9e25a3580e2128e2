"""Objects stored before the ownership rule get a creator: the organisation their
``created_by_ref`` names, else the collection's owner; and the migration goes back."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from shireito.sharing.identity import organization_identity_id
from tests.factories import make_organization

BEFORE = [("sharing", "0002_field_labels_for_history")]
AFTER = [("sharing", "0004_stix_object_creator_required")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_stored_objects_get_the_creator_they_name_else_the_owner():
    # given objects stored before the rule: one naming a partner, one naming nobody known
    centre = make_organization(code="nisc-m", kind="national_cyber_centre")
    partner = make_organization(code="mhlw-m", kind="ministry")
    old = _migrate(BEFORE)
    collection = old.get_model("sharing", "Collection").objects.create(
        title="Old", owner_id=centre.pk, max_tlp="amber"
    )
    StixObject = old.get_model("sharing", "StixObject")
    for number, author in enumerate([organization_identity_id(partner), "identity--x", None]):
        body = {"type": "indicator", "id": f"indicator--{number}"}
        if author:
            body["created_by_ref"] = author
        StixObject.objects.create(
            collection=collection,
            stix_id=body["id"],
            type="indicator",
            version="2026-04-01T00:00:00Z",
            date_added=f"2026-04-01T00:00:0{number}Z",
            tlp="green",
            body=body,
        )

    # when the migrations run
    new = _migrate(AFTER)

    # then each row has its creator
    creators = dict(
        new.get_model("sharing", "StixObject").objects.values_list("stix_id", "creator_id")
    )
    assert creators == {
        "indicator--0": partner.pk,
        "indicator--1": centre.pk,
        "indicator--2": centre.pk,
    }
    # and they go back and forth
    _migrate(BEFORE)
    _migrate(AFTER)
