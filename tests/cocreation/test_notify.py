"""Co-creation notifications: follows, and who is told of a new post, a mention, an answer, an
accepted or official answer and a proposal's new status (never the actor, never anyone who may
no longer read the space), fanned out after the commit in bulk."""

import pytest
from django.core.exceptions import ValidationError

from shireito.cocreation import events
from shireito.cocreation.choices import FollowKind, OfficialStatus, ProposalStatus, ThreadKind
from shireito.cocreation.models import (
    Follow,
    Mention,
    OfficialAnswer,
    ProposalStatusChange,
    ProposalSupport,
    ThreadLink,
)
from shireito.cocreation.notices import post_fan_out, readers_among
from shireito.cocreation.services.follows import follow, unfollow
from shireito.cocreation.services.posts import post_create, thread_create
from shireito.notifications import registry
from shireito.notifications.models import Notification

pytestmark = pytest.mark.django_db


def kinds_of(user) -> set[str]:
    return set(Notification.objects.filter(user=user).values_list("kind", flat=True))


def test_follow_and_unfollow_only_what_one_may_read(space, question, people):
    # when Tokyo follows the space and the thread
    follow(actor=people["tokyo-viewer"], kind=FollowKind.SPACE, key="gov-cloud")
    follow(actor=people["tokyo-viewer"], kind=FollowKind.SPACE, key="gov-cloud")
    # then once each (the asker already follows the question they opened)
    assert Follow.objects.filter(user=people["tokyo-viewer"]).count() == 2
    # a space or thread one may not read cannot be followed
    with pytest.raises(ValidationError):
        follow(actor=people["da-editor"], kind=FollowKind.SPACE, key="no-such-space")
    with pytest.raises(ValidationError):
        follow(actor=people["da-editor"], kind=FollowKind.THREAD, key="999999")
    # and unfollowing removes it
    assert unfollow(actor=people["tokyo-viewer"], kind=FollowKind.SPACE, key="gov-cloud")
    assert not unfollow(actor=people["tokyo-viewer"], kind=FollowKind.SPACE, key="gov-cloud")


def test_new_post_tells_followers_mentions_and_the_asker_once_each(
    space, question, people, django_capture_on_commit_callbacks
):
    # given the agency's viewer follows the space, MIC's editor the thread; DA admin is
    # mentioned, the power operator (who may not read the space) follows it too
    Follow.objects.create(user=people["da-viewer"], kind="space", key="gov-cloud")
    Follow.objects.create(user=people["mic-editor"], kind="thread", key=str(question.pk))
    Follow.objects.create(user=people["power-viewer"], kind="space", key="gov-cloud")
    Follow.objects.create(user=people["da-editor"], kind="thread", key=str(question.pk))
    # when the agency's editor answers, mentioning the admin (the mentions helper writes the
    # rows in the same transaction)
    with django_capture_on_commit_callbacks(execute=True):
        post = post_create(actor=people["da-editor"], thread=question, body="@da-admin 参考に")
        Mention.objects.create(post=post, user=people["da-admin"])
    # then each is told once, by the strongest reason
    assert kinds_of(people["tokyo-viewer"]) == {"cocreation.answer"}
    assert kinds_of(people["da-admin"]) == {"cocreation.mention"}
    assert kinds_of(people["da-viewer"]) == {"cocreation.post"}
    assert kinds_of(people["mic-editor"]) == {"cocreation.post"}
    # never the actor, never someone who may not read the space
    assert kinds_of(people["da-editor"]) == set()
    assert kinds_of(people["power-viewer"]) == set()
    # and it reads well in both languages, linking to the post
    told = Notification.objects.get(user=people["tokyo-viewer"])
    assert "移行前の性能試験" in registry.text(told)
    # (the thread page belongs to another part: the platform's start until it is there)
    link = registry.link(told)
    assert link.startswith("/cocreation/")
    assert link == "/cocreation/" or link.endswith(f"#post-{post.pk}")


def test_mentioned_organisation_reaches_its_members_in_the_space(
    space, question, people, government, django_capture_on_commit_callbacks
):
    # when Shibuya mentions Tokyo (Tokyo's viewer is a member)
    with django_capture_on_commit_callbacks(execute=True):
        post = post_create(actor=people["shibuya-editor"], thread=question, body="@org:tokyo")
        Mention.objects.create(post=post, organization=government["tokyo"])
    # then Tokyo's member is told of the mention (not as the asker: mention is stronger)
    assert kinds_of(people["tokyo-viewer"]) == {"cocreation.mention"}


def test_new_thread_tells_followers_of_the_space_and_of_linked_objects(
    space, people, django_capture_on_commit_callbacks
):
    # given MIC follows the space, Shibuya a system the new thread is about
    Follow.objects.create(user=people["mic-editor"], kind="space", key="gov-cloud")
    Follow.objects.create(user=people["shibuya-editor"], kind="system", key="SYS-1")
    # when Tokyo opens a discussion about it
    with django_capture_on_commit_callbacks(execute=True):
        thread = thread_create(
            actor=people["tokyo-viewer"],
            space=space,
            kind=ThreadKind.DISCUSSION,
            title="共通基盤",
            body="議論しましょう",
        )
        ThreadLink.objects.create(thread=thread, kind="system", key="SYS-1")
    # then both are told; the opener now follows the thread
    assert kinds_of(people["mic-editor"]) == {"cocreation.thread"}
    assert kinds_of(people["shibuya-editor"]) == {"cocreation.thread"}
    assert Follow.objects.filter(user=people["tokyo-viewer"], kind="thread").exists()


def test_drafts_tell_nobody(space, question, people, django_capture_on_commit_callbacks):
    Follow.objects.create(user=people["mic-editor"], kind="thread", key=str(question.pk))
    with django_capture_on_commit_callbacks(execute=True):
        post_create(actor=people["da-editor"], thread=question, body="下書き", draft=True)
    assert kinds_of(people["mic-editor"]) == set()


def test_accepted_and_official_answers_tell_the_followers(
    space, question, people, government, django_capture_on_commit_callbacks
):
    # given MIC follows the question answered by Shibuya
    Follow.objects.create(user=people["mic-editor"], kind="thread", key=str(question.pk))
    answer = question.posts.get(is_opening=False)
    # when Tokyo accepts it
    with django_capture_on_commit_callbacks(execute=True):
        events.emit("answer_accepted", thread=question, post=answer, actor=people["tokyo-viewer"])
    # then the followers and the answer's author are told, not the asker who accepted
    assert "cocreation.answer_accepted" in kinds_of(people["mic-editor"])
    assert "cocreation.answer_accepted" in kinds_of(people["shibuya-editor"])
    assert "cocreation.answer_accepted" not in kinds_of(people["tokyo-viewer"])
    # when the agency's answer becomes official
    official = OfficialAnswer.objects.create(
        thread=question,
        post=answer,
        organization=government["da"],
        status=OfficialStatus.OFFICIAL,
        proposed_by=people["da-editor"],
        approved_by=people["da-admin"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        events.emit("official_answer", answer=official, actor=people["da-admin"])
    assert "cocreation.official_answer" in kinds_of(people["mic-editor"])
    assert "cocreation.official_answer" in kinds_of(people["tokyo-viewer"])


def test_proposal_status_tells_author_and_supporters(
    space, people, government, django_capture_on_commit_callbacks
):
    # given Tokyo's proposal supported by Shibuya
    proposal = thread_create(
        actor=people["tokyo-viewer"], space=space, kind=ThreadKind.PROPOSAL, title="提案", body="案"
    )
    ProposalSupport.objects.create(thread=proposal, user=people["shibuya-editor"])
    # when the agency takes it into consideration
    change = ProposalStatusChange.objects.create(
        thread=proposal,
        status=ProposalStatus.UNDER_CONSIDERATION,
        reason="検討します",
        organization=government["da"],
        changed_by=people["da-editor"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        events.emit("proposal_status", thread=proposal, change=change, actor=people["da-editor"])
    # then the author and the supporter are told, in words naming the status
    assert kinds_of(people["tokyo-viewer"]) >= {"cocreation.proposal_status"}
    assert kinds_of(people["shibuya-editor"]) == {"cocreation.proposal_status"}
    told = Notification.objects.get(user=people["shibuya-editor"])
    from django.utils import translation

    with translation.override("en"):
        assert "under consideration" in registry.text(told)


def test_readers_among_follows_the_scoping_rule(space, people):
    ids = [p.pk for p in people.values()]
    readers = readers_among(space, ids)
    # the UK centre is invited; the power operator is not; government staff read all
    assert people["ncsc-viewer"].pk in readers
    assert people["power-viewer"].pk not in readers
    assert people["tokyo-viewer"].pk in readers


def test_fan_out_for_a_large_space_is_bulk(
    space, question, people, government, django_assert_max_num_queries
):
    # given 3,000 members of the space following it
    from shireito.accounts.models import User

    User.objects.bulk_create(
        [User(username=f"m{n}", organization=government["tokyo"]) for n in range(3000)]
    )
    ids = User.objects.filter(username__startswith="m").values_list("pk", flat=True)
    Follow.objects.bulk_create([Follow(user_id=pk, kind="space", key="gov-cloud") for pk in ids])
    post = post_create(actor=people["da-editor"], thread=question, body="全員へ")
    # when the fan-out runs, then it takes a few queries, not one per person
    with django_assert_max_num_queries(30):
        told = post_fan_out.call(post.pk, people["da-editor"].pk)
    assert told >= 3000


def test_following_page_button_and_api(space, question, people, signed_in, api):
    # when Tokyo follows the space through the button
    client = signed_in(people["tokyo-viewer"])
    response = client.post(
        "/cocreation/following/change/",
        {"kind": "space", "key": "gov-cloud", "action": "follow", "next": "/cocreation/following/"},
    )
    assert response.status_code == 302
    page = client.get("/cocreation/following/").content.decode()
    # then the page lists it (and the question they opened), each with a button to stop
    assert "ガバメントクラウド移行" in page and "移行前の性能試験" in page
    assert 'value="unfollow"' in page
    # over the API: list, follow, remove
    listed = api(people["mic-editor"], "get", "/api/v1/cocreation/follows").json()
    assert listed == []
    created = api(
        people["mic-editor"],
        "post",
        "/api/v1/cocreation/follows",
        {"kind": "thread", "key": str(question.pk)},
    )
    assert created.status_code == 201
    assert created.json()["label"] == question.title
    assert (
        api(
            people["mic-editor"],
            "post",
            "/api/v1/cocreation/follows",
            {"kind": "space", "key": "nope"},
        ).status_code
        == 422
    )
    removed = api(
        people["mic-editor"],
        "post",
        "/api/v1/cocreation/follows/remove",
        {"kind": "thread", "key": str(question.pk)},
    )
    assert removed.json() == {"removed": True}
    # someone outside the platform cannot use it
    assert api(people["power-viewer"], "get", "/api/v1/cocreation/follows").status_code == 403
