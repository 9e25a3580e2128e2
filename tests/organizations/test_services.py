import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shireito.core.models import AuditEvent
from shireito.organizations.mandates import SystemRef, active_engine, governance_settings
from shireito.organizations.models import Organization, Sector
from shireito.organizations.services import (
    governance_configure,
    organization_create,
    organization_update,
)
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def field_errors(**fields) -> dict:
    with pytest.raises(ValidationError) as error:
        organization_create(actor=None, **fields)
    return error.value.message_dict


def test_each_kind_has_its_shape(organization):
    assert "parent" in field_errors(code="a1", name="機構", kind="independent_agency")
    assert "local_government_level" in field_errors(code="a2", name="県", kind="local_government")
    prefecture = organization_create(
        actor=None,
        code="pref",
        name="県",
        kind="local_government",
        local_government_level="prefecture",
    )
    assert "parent" in field_errors(
        code="a3", name="市", kind="local_government", local_government_level="municipality"
    )
    assert (
        organization_create(
            actor=None,
            code="city",
            name="市",
            kind="local_government",
            local_government_level="municipality",
            parent=prefecture,
        ).parent
        == prefecture
    )
    assert "sector" in field_errors(code="a4", name="電力", kind="ci_operator")
    assert "sector" in field_errors(
        code="a5", name="省", kind="ministry", sector=Sector.objects.get(code="gas")
    )


def test_wrong_check_digits_are_field_errors_and_nothing_is_written():
    before = (Organization.objects.count(), AuditEvent.objects.count())
    errors = field_errors(
        code="tokyo",
        name="東京都",
        kind="local_government",
        local_government_level="prefecture",
        local_government_code="130002",
        corporate_number="1000020130001",
    )
    assert set(errors) >= {"local_government_code", "corporate_number"}
    assert (Organization.objects.count(), AuditEvent.objects.count()) == before


def test_identifiers_are_unique(organization):
    organization_update(actor=None, organization=organization, corporate_number="7123456789012")
    errors = field_errors(
        code="twin", name="双子省", kind="ministry", corporate_number="7123456789012"
    )
    assert "corporate_number" in errors or "__all__" in errors


def test_supervision_may_not_loop(organization, other_organization):
    agency = organization_create(
        actor=None, code="ag", name="機構", kind="independent_agency", parent=organization
    )
    with pytest.raises(ValidationError):
        organization_update(actor=None, organization=organization, parent=agency)


def test_a_rename_keeps_the_former_name_for_its_period(organization):
    organization_update(
        actor=None,
        organization=organization,
        name="新省",
        name_en="New Ministry",
        name_effective_from=dt.date(2025, 7, 1),
    )
    organization.refresh_from_db()
    assert organization.name_on(dt.date(2025, 6, 30)) == ("テスト省", "Test Ministry")
    assert organization.name_on(dt.date(2025, 7, 1)) == ("新省", "New Ministry")


@pytest.mark.parametrize(
    ("roles", "own", "field", "allowed"),
    [
        (["org_admin"], True, "name_en", True),
        (["org_admin"], True, "corporate_number", True),
        (["org_admin"], True, "kind", False),
        (["org_admin"], False, "name_en", False),
        (["editor"], True, "name_en", False),
        (["platform_admin"], False, "kind", True),
    ],
)
def test_who_may_change_what(organization, other_organization, roles, own, field, allowed):
    actor = make_user(organization=organization, roles=roles)
    target = organization if own else other_organization
    value = {"name_en": "Changed", "corporate_number": "7123456789012", "kind": "other"}[field]
    if allowed:
        organization_update(actor=actor, organization=target, **{field: value})
        target.refresh_from_db()
        assert getattr(target, field) == value
    else:
        with pytest.raises(PermissionDenied):
            organization_update(actor=actor, organization=target, **{field: value})


def test_switching_the_model_is_audited_and_changes_answers_at_once(government, platform_admin):
    owner = government["da"]
    assert active_engine().may_audit(owner, SystemRef(owner, "digital_agency_system")).allowed
    governance_configure(actor=platform_admin, active_model="current", open_question="none")
    assert not active_engine().may_audit(owner, SystemRef(owner, "digital_agency_system")).allowed
    event = AuditEvent.objects.filter(object_type="organizations.governancesettings").first()
    assert event.actor_label == platform_admin.username
    assert governance_settings().active_model == "current"


def test_governance_settings_validate_and_are_platform_admins_only(
    government, org_admin, platform_admin
):
    with pytest.raises(PermissionDenied):
        governance_configure(actor=org_admin, active_model="current", open_question="none")
    with pytest.raises(ValidationError) as error:
        governance_configure(actor=platform_admin, active_model="nope", open_question="none")
    assert "active_model" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        governance_configure(
            actor=platform_admin,
            active_model="digital-agency",
            open_question="none",
            route_choices={"kind:independent_agency": "via-carrier-pigeon"},
        )
    assert "route_choices.kind:independent_agency" in error.value.message_dict
