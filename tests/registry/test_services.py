import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shireito.core.models import AuditEvent
from shireito.registry.models import InformationSystem
from shireito.registry.services import system_create, system_update
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def errors(**fields):
    with pytest.raises(ValidationError) as error:
        system_create(actor=None, **fields)
    return error.value.message_dict


def test_the_builder_defaults_to_the_one_the_model_names(government):
    joint = system_create(
        actor=None, code="j1", name="共同", owner=government["mhlw"], category="joint_system"
    )
    assert joint.builder == government["da"]
    own = system_create(
        actor=None, code="m1", name="省", owner=government["mhlw"], category="ministry_system"
    )
    assert own.builder == government["mhlw"]


def test_a_joint_system_built_by_a_ministry_is_refused_with_the_rule(government):
    problems = errors(
        code="j2",
        name="共同",
        owner=government["mhlw"],
        category="joint_system",
        builder=government["mhlw"],
    )
    # the rule in words (the model's title, the section, the category), not its keys
    assert "デジタル庁設置後 第1版 › 整備の担い手 › 共同システム" in problems["builder"][0]
    assert "joint_system" not in problems["builder"][0]
    assert not InformationSystem.objects.filter(code="j2").exists()


def test_a_category_the_owner_cannot_have_is_refused(government):
    problems = errors(
        code="x1",
        name="x",
        owner=government["tokyo"],
        category="ministry_system",
        builder=government["tokyo"],
    )
    assert "category" in problems


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"hosting": "government_cloud"}, "cloud_provider"),
        ({"hosting": "on_premises", "cloud_provider": "aws"}, "cloud_provider"),
        ({"standard_business": "family_register"}, "standard_business"),
        ({"phase": "retired"}, "retirement_date"),
        ({"code": "bad code!"}, "code"),
    ],
)
def test_field_rules(government, fields, field):
    base = {"code": "s1", "name": "s", "owner": government["mhlw"], "category": "ministry_system"}
    assert field in errors(**{**base, **fields})


def test_local_systems_carry_their_migration(government):
    problems = errors(
        code="l1",
        name="l",
        owner=government["tokyo"],
        category="local_government_system",
        standard_business="family_register",
        migration_status="special_support",
    )
    assert "special_support_deadline" in problems


@pytest.mark.parametrize(
    ("roles", "org", "allowed"),
    [
        (["editor"], "mhlw", True),
        (["viewer"], "mhlw", False),
        (["editor"], "meti", False),
        (["org_admin"], "mhlw", True),
        (["editor"], "da", True),
    ],
)
def test_who_may_change_a_system(government, systems, roles, org, allowed):
    actor = make_user(organization=government[org], roles=roles)
    system = systems["joint"]  # owned by mhlw, built by the Digital Agency
    if allowed:
        system_update(actor=actor, system=system, name="新しい名前")
        assert AuditEvent.objects.filter(
            object_type="registry.informationsystem", actor_label=actor.username
        ).exists()
    else:
        with pytest.raises(PermissionDenied):
            system_update(actor=actor, system=system, name="新しい名前")
