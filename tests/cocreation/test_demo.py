"""The demo shows every part of the co-creation platform to the demo users who would use it."""

import pytest

from shireito.cocreation.models import (
    Follow,
    OfficialAnswer,
    Post,
    PostAttachment,
    PostReaction,
    ProposalOutcome,
    Space,
    Thread,
)
from shireito.cocreation.selectors.spaces import spaces_for
from shireito.cocreation.services.attachments import open_blob
from tests.kit.demo import loaded_once

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker, tmp_path_factory):
    with loaded_once(django_db_blocker, tmp_path_factory.mktemp("media")):
        yield


def test_the_demo_platform_holds_every_part(demo_loaded):
    # given the demo as loaded
    # then an answer is official, approved by a second officer of the agency
    official = OfficialAnswer.objects.get(status="official")
    assert official.organization.code == "digital-agency"
    assert (official.proposed_by.username, official.approved_by.username) == (
        "da-officer",
        "da-director",
    )
    # and a proposal is adopted into the plan's Government Cloud measure
    proposal = Thread.objects.get(kind="proposal")
    assert proposal.proposal_status == "adopted" and proposal.on_behalf
    assert ProposalOutcome.objects.filter(thread=proposal, kind="measure").exists()
    assert proposal.support_count == 2
    # and a post is hidden with its reason, a draft waits, an answer was edited
    assert Post.objects.filter(hidden_at__isnull=False).exclude(hidden_reason="").exists()
    assert Post.objects.filter(is_draft=True, author__username="city-officer").exists()
    assert Post.objects.filter(edited_at__isnull=False, revisions__isnull=False).exists()
    # and the proposal carries a file that is in the store
    attachment = PostAttachment.objects.get()
    assert open_blob(attachment) is not None
    # and people react and follow
    assert PostReaction.objects.exists() and Follow.objects.exists()


@pytest.mark.parametrize(
    ("username", "spaces"),
    [("tokyo-officer", 4), ("uk-ncsc-liaison", 1), ("demo-power-officer", 0)],
)
def test_demo_users_read_the_spaces_open_to_them(demo_loaded, username, spaces):
    # given a demo user of a local government, the invited UK centre, an operator
    from shireito.accounts.models import User

    user = User.objects.get(username=username)

    # then they read every space, the one that invites them, none
    assert spaces_for(user).count() == spaces
    assert Space.objects.count() == 4
