"""Posting with care: a proposal made on behalf of one's organisation from the page, text that
looks like personal data held back until its author confirms it, and following what threads
are about (a standard business) to hear of new threads on it."""

import pytest
from django.urls import reverse

from shireito.cocreation.choices import FollowKind, ThreadKind
from shireito.cocreation.models import Post, Thread
from shireito.cocreation.selectors.follows import follow_target
from shireito.cocreation.services.follows import follow
from shireito.cocreation.services.posts import thread_create
from shireito.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_a_proposal_on_behalf_of_the_organisation_from_the_page(client, space, people):
    # given Shibuya's editor on the new thread form
    client.force_login(people["shibuya-editor"])
    url = reverse("cocreation:thread_new", args=[space.slug])

    # when they publish a proposal on behalf of Shibuya
    response = client.post(
        url,
        {
            "kind": "proposal",
            "title": "様式の共通化",
            "body": "チェックリストを共通様式に。",
            "on_behalf": "on",
            "publish": "",
        },
    )

    # then it is Shibuya's proposal, received
    assert response.status_code == 302
    thread = Thread.objects.get(title="様式の共通化")
    assert thread.on_behalf and thread.proposal_status == "received"


def test_personal_data_is_held_back_until_its_author_confirms(client, question, people):
    # given Tokyo's viewer replying with a mobile number in the text
    client.force_login(people["tokyo-viewer"])
    url = reverse("cocreation:post_new", args=[question.space.slug, question.pk])
    body = "担当の携帯は 090-1234-5678 です。"

    # when they publish it
    warned = client.post(url, {"body": body, "publish": ""})

    # then nothing is posted, the warning says what was found (masked) and asks to confirm
    assert warned.status_code == 200
    assert not Post.objects.filter(body=body).exists()
    assert "090…" in warned.text and "090-1234-5678</" not in warned.text
    assert 'name="personal_data_checked"' in warned.text

    # when they confirm it is meant to be there
    done = client.post(url, {"body": body, "publish": "", "personal_data_checked": "on"})

    # then it is posted
    assert done.status_code == 302
    assert Post.objects.filter(body=body).exists()


def test_following_a_standard_business_tells_of_new_threads_on_it(
    space, people, django_capture_on_commit_callbacks
):
    # given MIC's editor follows the resident register (a standard business)
    mic = people["mic-editor"]
    follow(actor=mic, kind=FollowKind.STANDARD_BUSINESS, key="resident_registry")
    target = follow_target(mic, FollowKind.STANDARD_BUSINESS, "resident_registry")
    assert target is not None and target.label and "resident_registry" not in target.label

    # when Tokyo opens a thread about it
    with django_capture_on_commit_callbacks(execute=True):
        thread_create(
            actor=people["tokyo-viewer"],
            space=space,
            kind=ThreadKind.QUESTION,
            title="住民記録の移行",
            body="移行の手順を教えてください。",
            links=[("standard_business", "resident_registry")],
        )

    # then MIC's editor is told
    assert Notification.objects.filter(user=mic, kind="cocreation.thread").exists()


def test_an_unknown_object_cannot_be_followed(people):
    # given a key that names no measure
    # when asked to follow it, then it is refused like one the user may not see
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        follow(actor=people["mic-editor"], kind=FollowKind.MEASURE, key="2099/9-99")


@pytest.fixture
def hidden_answer(question, people):
    """Shibuya's answer, hidden by the space's moderator (the agency's editor)."""
    from shireito.cocreation.services.moderation import post_hide

    answer = question.posts.get(is_opening=False)
    return post_hide(actor=people["da-editor"], post=answer, reason="個人名を含むため")


def test_a_hidden_post_is_not_read_through_the_reply_page(client, question, people, hidden_answer):
    # given a member who is neither its author nor a moderator
    client.force_login(people["tokyo-viewer"])

    # when they open the reply page to the hidden post
    url = reverse("cocreation:post_new", args=[question.space.slug, question.pk])
    response = client.get(url, {"reply_to": hidden_answer.pk})

    # then there is no such page for them
    assert response.status_code == 404


def test_a_hidden_post_cannot_become_official_and_leaves_the_faq(question, people, hidden_answer):
    # given the agency's editor had proposed the answer before it was hidden
    from django.core.exceptions import ValidationError

    from shireito.cocreation.models import OfficialAnswer
    from shireito.cocreation.selectors.official import faq_of

    pending = OfficialAnswer.objects.create(
        thread=question,
        post=hidden_answer,
        organization=people["da-editor"].organization,
        proposed_by=people["da-editor"],
        summary="本番相当の件数で試験してください。",
    )

    # when a second officer approves it, then it is refused: a hidden post is no answer
    with pytest.raises(ValidationError):
        from shireito.cocreation.services.answers import official_approve

        official_approve(actor=people["da-admin"], answer=pending)

    # and even in force it would not be listed in the FAQ
    OfficialAnswer.objects.filter(pk=pending.pk).update(status="official")
    assert not faq_of(people["tokyo-viewer"], people["da-editor"].organization).exists()


def test_the_trail_records_that_a_text_changed_not_the_text(question, people):
    # given Tokyo's question, opened through the services
    from shireito.core.models import AuditEvent

    opening = question.posts.get(is_opening=True)

    # when the trail's event for its opening post is read
    event = AuditEvent.objects.get(object_type="cocreation.post", object_id=str(opening.pk))

    # then the text is redacted there (a draft or a hidden post must not reach the log)
    assert opening.body not in str(event.changes)


def test_bad_ids_are_answered_not_crashed_on(api, question, people):
    # given a member of the space
    user = people["tokyo-viewer"]
    path = f"/api/v1/cocreation/spaces/{question.space.slug}/threads/{question.pk}/posts"

    # when they reply to a post whose id no database holds
    response = api(user, "post", path, {"body": "返信", "reply_to": 2**70})

    # then it is a validation answer naming the field
    assert response.status_code == 422
    assert "reply_to" in response.text
