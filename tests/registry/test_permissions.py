"""The portfolio's rules, one table each: who edits a system, who acts for the Digital Agency,
who sees a system's oversight section."""

import pytest
from django.contrib.auth.models import AnonymousUser

from shireito.registry import permissions
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("organization", "roles", "expected"),
    [
        ("mhlw", ["editor"], True),  # the owner's editor
        ("mhlw", ["org_admin"], True),
        ("mhlw", ["viewer"], False),
        ("pmda", ["editor"], False),  # another body, even under the owner
        ("da", ["editor"], True),  # the builder of a joint system
    ],
)
def test_who_edits_a_joint_system(government, systems, organization, roles, expected):
    # given a joint system owned by MHLW and built by the Digital Agency
    system = systems["joint"]
    user = make_user(organization=government[organization], roles=roles)

    # when the rule is asked
    # then only editors and organisation admins of the owner or the builder may edit
    assert permissions.may_change_system(user, system) is expected


def test_the_command_line_may_and_anonymous_may_not(systems):
    # given the command line (no user) and a visitor who has not signed in
    system = systems["mhlw-app"]

    # then the command line may edit and act for the Digital Agency, the visitor neither
    assert permissions.may_change_system(None, system)
    assert permissions.acts_for_digital_agency(None)
    assert not permissions.may_change_system(AnonymousUser(), system)
    assert not permissions.acts_for_digital_agency(AnonymousUser())


@pytest.mark.parametrize(
    ("organization", "roles", "expected"),
    [("da", ["editor"], True), ("da", ["viewer"], False), ("mhlw", ["editor"], False)],
)
def test_who_acts_for_the_digital_agency(government, organization, roles, expected):
    # given a user of some body with some roles
    user = make_user(organization=government[organization], roles=roles)

    # then only the editors and organisation admins of the overseer act for it
    assert permissions.acts_for_digital_agency(user) is expected


@pytest.mark.parametrize(
    ("viewer", "code", "expected"),
    [
        ("mhlw", "mhlw-app", True),  # a national system of one's own
        ("meti", "mhlw-app", False),  # someone else's oversight data
        ("tokyo", "tokyo-app", False),  # not under oversight
    ],
)
def test_who_sees_a_systems_oversight_section(government, systems, viewer, code, expected):
    # given a viewer and a system
    user = make_user(organization=government[viewer])

    # then the section is shown for overseen systems whose owner's oversight data they see
    assert permissions.may_see_oversight(user, systems[code]) is expected
