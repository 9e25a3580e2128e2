"""The system forms report every problem of a submission in one answer."""

import pytest

from shireito.core.models import AuditEvent
from shireito.registry.models import InformationSystem
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _post(government, **changes):
    data = {
        "code": "m9",
        "name": "x",
        "owner": government["mhlw"].pk,
        "category": "ministry_system",
        "phase": "planning",
        "hosting": "on_premises",
        "confidentiality": 2,
        "integrity": 2,
        "availability": 2,
    }
    data.update(changes)
    return data


def test_a_new_system_with_a_field_error_and_rule_errors_hears_of_all_in_one_answer(
    client, government, systems
):
    # given an editor, and a submission with a date that is no date (a field check), a
    # provider for a system not on the Government Cloud (a cross-field check), a builder the
    # governance model does not name (a service rule) and an unknown related system
    client.force_login(make_user(organization=government["mhlw"], roles=["editor"]))
    events = AuditEvent.objects.count()
    data = _post(
        government,
        category="joint_system",
        builder=government["mhlw"].pk,
        operation_start="2026-13-45",
        cloud_provider="Sakura",
        related="no-such-system",
    )
    # when it is posted
    response = client.post("/systems/new/", data)
    # then one answer names all four, in the summary and at the fields, and nothing is written
    html = response.content.decode()
    assert response.status_code == 200
    for field in ["operation_start", "cloud_provider", "builder", "related"]:
        assert f'href="#id_{field}"' in html, field
    assert "no-such-system" in html
    assert not InformationSystem.objects.filter(code="m9").exists()
    assert AuditEvent.objects.count() == events


def test_a_change_with_a_field_error_also_hears_the_reason_it_needs(client, government, systems):
    # given a Digital Agency system whose editor takes it out of oversight without a reason
    # and with a name too long to store
    client.force_login(make_user(organization=government["da"], roles=["editor"]))
    system = systems["da-portal"]
    data = _post(
        government,
        name="x" * 1000,
        owner=government["da"].pk,
        category="ci_system",
    )
    data.pop("code")
    # when it is posted
    response = client.post(f"/systems/{system.code}/edit/", data)
    # then both are reported at once and the system is unchanged
    html = response.content.decode()
    assert 'href="#id_name"' in html
    assert 'href="#id_category"' in html
    system.refresh_from_db()
    assert system.category == "digital_agency_system"


def test_a_valid_submission_is_still_saved(client, government, systems):
    # given an editor and a submission with no problem
    client.force_login(make_user(organization=government["mhlw"], roles=["editor"]))
    # when it is posted
    response = client.post("/systems/new/", _post(government, related="mhlw-app"))
    # then the system is added with its link
    assert response.status_code == 302
    assert InformationSystem.objects.get(code="m9").related_systems.get().code == "mhlw-app"
