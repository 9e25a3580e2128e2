import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shireito.accounts.services import user_create, user_set_roles
from shireito.core.selectors import object_history
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("actor_roles", "same_org", "allowed"),
    [
        (["viewer"], True, False),
        (["editor"], True, False),
        (["org_admin"], True, True),
        (["org_admin"], False, False),
        (["platform_admin"], False, True),
    ],
)
def test_who_may_create_users(actor_roles, same_org, allowed, organization, other_organization):
    actor = make_user(organization=organization, roles=actor_roles)
    target = organization if same_org else other_organization

    def create():
        return user_create(
            actor=actor,
            username="newcomer",
            organization=target,
            password="a long enough passphrase",
            roles=["viewer"],
        )

    if allowed:
        assert create().organization == target
    else:
        with pytest.raises(PermissionDenied):
            create()


def test_only_platform_admins_grant_platform_admin(org_admin, platform_admin):
    colleague = make_user(organization=org_admin.organization)
    with pytest.raises(PermissionDenied):
        user_set_roles(actor=org_admin, user=colleague, roles=["platform_admin"])
    user_set_roles(actor=platform_admin, user=colleague, roles=["platform_admin"])
    colleague.refresh_from_db()
    assert colleague.is_platform_admin


def test_role_changes_are_recorded_as_one_change_of_the_user(org_admin):
    colleague = make_user(organization=org_admin.organization, roles=["viewer"])
    user_set_roles(actor=org_admin, user=colleague, roles=["viewer", "editor"])
    event = object_history(colleague, user=None).first()
    assert event.changes == {"roles": [["viewer"], ["editor", "viewer"]]}
    assert event.actor_label == org_admin.username


def test_unknown_roles_and_weak_passwords_are_refused(org_admin):
    with pytest.raises(ValidationError) as error:
        user_create(
            actor=org_admin, username="weak", organization=org_admin.organization, password="123"
        )
    assert "password" in error.value.message_dict
    colleague = make_user(organization=org_admin.organization)
    with pytest.raises(ValidationError) as error:
        user_set_roles(actor=org_admin, user=colleague, roles=["emperor"])
    assert "roles" in error.value.message_dict


def test_a_failed_create_leaves_nothing_behind(org_admin):
    from shireito.accounts.models import User
    from shireito.core.models import AuditEvent

    users, events = User.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        user_create(
            actor=org_admin,
            username="bad name!",
            organization=org_admin.organization,
            password="a long enough passphrase",
            roles=["viewer"],
        )
    assert (User.objects.count(), AuditEvent.objects.count()) == (users, events)


def test_createsuperuser_makes_an_audited_platform_admin(settings):
    from io import StringIO

    from django.core.management import call_command

    from shireito.accounts.models import User

    call_command(
        "createsuperuser",
        "--noinput",
        "--username",
        "root",
        "--email",
        "r@example.org",
        stdout=StringIO(),
    )
    root = User.objects.get(username="root")
    assert root.is_platform_admin
    assert root.organization.code == settings.SHIREITO_PLATFORM_ORGANIZATION
    assert object_history(root, user=None).filter(action="create").exists()
