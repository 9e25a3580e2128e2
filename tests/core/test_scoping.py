import pytest
from django.contrib.auth.models import AnonymousUser

from shireito.accounts.models import User
from shireito.core.models import AuditEvent
from shireito.core.scoping import (
    narrowed_to,
    register_visibility_rule,
    visible_organization_ids,
    visible_to,
)
from shireito.core.selectors import audit_events_visible_to
from shireito.organizations.models import Organization
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "sees_own", "sees_other"),
    [
        ("viewer", True, False),
        ("org_admin", True, False),
        ("platform_admin", True, True),
        ("anonymous", False, False),
    ],
)
def test_users_are_visible_only_within_the_organisation(
    who, sees_own, sees_other, organization, other_organization
):
    # given a user in each of two organisations
    own = make_user(organization=organization, roles=["viewer"])
    other = make_user(organization=other_organization, roles=["viewer"])
    if who == "anonymous":
        actor = AnonymousUser()
    elif who == "platform_admin":
        actor = make_user(organization=other_organization, roles=["platform_admin"])
    else:
        actor = make_user(organization=organization, roles=[who])

    # when they list users
    visible = set(visible_to(actor, User.objects.all()))

    # then they see their own organisation's, and another's only as platform admin
    assert (own in visible) == sees_own
    assert (other in visible) == sees_other


def test_directory_models_are_public_to_signed_in_users(viewer, other_organization):
    assert other_organization in visible_to(viewer, Organization.objects.all())
    assert not visible_to(AnonymousUser(), Organization.objects.all()).exists()


def test_inactive_users_see_nothing(viewer):
    viewer.is_active = False
    assert not visible_to(viewer, Organization.objects.all()).exists()


def test_a_model_without_a_rule_is_refused(viewer):
    with pytest.raises(TypeError):
        visible_to(viewer, AuditEvent.objects.all())


def test_visibility_rules_widen_the_scope(viewer, other_organization, monkeypatch):
    """The mandate engine plugs in here: a rule adds organisations a user may see."""
    from shireito.core import scoping

    other = make_user(organization=other_organization)
    monkeypatch.setattr(scoping, "_visibility_rules", [])
    register_visibility_rule(lambda user, model, scope_class: {other_organization.pk})
    assert other in visible_to(viewer, User.objects.all())


@pytest.mark.parametrize(
    ("roles", "sees_own", "sees_other"),
    [
        (["viewer"], False, False),
        (["auditor"], True, False),
        (["org_admin"], True, False),
        (["platform_admin"], True, True),
    ],
)
def test_audit_log_scope(roles, sees_own, sees_other, organization, other_organization):
    # given changes to each organisation's objects, some made by someone from the reader's own
    # organisation acting on the other (as a platform admin would)
    from shireito.organizations.services import organization_update

    reader = make_user(organization=organization, roles=roles)
    colleague_admin = make_user(organization=organization, roles=["platform_admin"])
    stranger = make_user(organization=other_organization, roles=["platform_admin"])
    organization_update(actor=stranger, organization=organization, name_en="Changed by stranger")
    organization_update(actor=colleague_admin, organization=other_organization, name_en="Secret")
    own_event = AuditEvent.objects.get(changes__name_en__1="Changed by stranger")
    other_event = AuditEvent.objects.get(changes__name_en__1="Secret")

    # when the reader lists the trail
    visible = set(audit_events_visible_to(reader))

    # then what counts is whose object it is, not who acted
    assert (own_event in visible) == sees_own
    assert (other_event in visible) == sees_other


def test_a_narrowing_limits_what_a_user_sees_and_never_widens(organization, other_organization):
    # given a platform admin, who sees every organisation
    admin = make_user(organization=organization, roles=["platform_admin"])
    # when the tower narrows them to one organisation
    with narrowed_to(admin, [other_organization.pk]):
        # then they see that one only, through every selector
        assert visible_organization_ids(admin, Organization) == {other_organization.pk}
        assert list(visible_to(admin, Organization.objects.all())) == [other_organization]
        # and a narrowing inside it cannot widen it again
        with narrowed_to(admin, [organization.pk, other_organization.pk]):
            assert visible_organization_ids(admin, Organization) == {other_organization.pk}
    # and afterwards they see everything again
    assert visible_to(admin, Organization.objects.all()).count() == Organization.objects.count()


def test_a_narrowing_keeps_rows_of_several_parties_that_concern_the_body(
    organization, other_organization
):
    # given a user of one organisation and an API token of theirs (owned by their user)
    from shireito.accounts.models import ApiToken
    from shireito.accounts.services import api_token_create

    own = make_user(organization=organization, roles=["viewer"])
    api_token_create(actor=None, user=own, name="t")
    # when narrowed to another organisation, their own rows do not concern it: nothing shows
    with narrowed_to(own, [other_organization.pk]):
        assert not visible_to(own, ApiToken.objects.all()).exists()
    # and narrowed to their own, they do
    with narrowed_to(own, [organization.pk]):
        assert visible_to(own, ApiToken.objects.all()).count() == 1
