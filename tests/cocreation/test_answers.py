"""Answers that count: the accepted answer, and official answers under the two-officer rule,
superseded (kept) by a later one."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shireito.cocreation import events
from shireito.cocreation.choices import OfficialStatus
from shireito.cocreation.models import OfficialAnswer
from shireito.cocreation.selectors.official import faq_of, pending_for
from shireito.cocreation.services.answers import (
    answer_accept,
    answer_unaccept,
    official_approve,
    official_propose,
    official_refuse,
)
from shireito.cocreation.services.posts import post_create
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def reply(question):
    return question.posts.get(is_opening=False)


@pytest.fixture
def second_da_officer(government):
    return make_user(username="da-editor-2", organization=government["da"], roles=["editor"])


@pytest.fixture
def heard():
    seen: list[tuple[str, dict]] = []

    def listen(kind):
        return lambda **payload: seen.append((kind, payload))

    for kind in ("answer_accepted", "official_answer"):
        events.subscribe(kind, listen(kind))
    yield seen
    for kind in ("answer_accepted", "official_answer"):
        events._subscribers[kind].pop()


def test_the_asker_accepts_an_answer_and_others_may_not(people, question, reply, heard):
    # given Tokyo's question with Shibuya's reply
    # when MIC's editor (a member, no moderator) tries to accept it
    # then they are refused
    with pytest.raises(PermissionDenied):
        answer_accept(actor=people["mic-editor"], thread=question, post=reply)

    # when Tokyo, the asker, accepts it
    answer_accept(actor=people["tokyo-viewer"], thread=question, post=reply)

    # then the thread is answered and the event told
    question.refresh_from_db()
    assert question.accepted_post_id == reply.pk and question.is_answered
    assert heard[-1][0] == "answer_accepted"

    # and taking the mark off leaves it unanswered again
    answer_unaccept(actor=people["da-editor"], thread=question)  # a moderator
    question.refresh_from_db()
    assert question.accepted_post_id is None and not question.is_answered


def test_the_opening_post_is_no_answer(people, question):
    # when Tokyo tries to accept their own question as its answer
    # then it is refused on the post
    with pytest.raises(ValidationError) as caught:
        answer_accept(
            actor=people["tokyo-viewer"],
            thread=question,
            post=question.posts.get(is_opening=True),
        )
    assert "post" in caught.value.message_dict


def test_an_official_answer_takes_two_officers_of_the_same_organisation(
    people, government, question, reply, second_da_officer, heard
):
    # given the agency's editor proposes Shibuya's reply as the agency's answer
    answer = official_propose(
        actor=people["da-editor"],
        thread=question,
        post=reply,
        organization=government["da"],
        summary="本番相当のデータ量で性能試験を行ってください。",
    )
    assert answer.status == OfficialStatus.PENDING
    assert list(pending_for(second_da_officer)) == [answer]

    # when the proposer approves it themself, or MIC's officer (responsible too) does
    # then both are refused
    for stranger in (people["da-editor"], people["mic-editor"], people["da-viewer"]):
        with pytest.raises(PermissionDenied):
            official_approve(actor=stranger, answer=answer)

    # when a second agency officer approves it
    official_approve(actor=second_da_officer, answer=answer)

    # then it is official, dated, the thread answered, and the event told
    answer.refresh_from_db()
    question.refresh_from_db()
    assert answer.status == OfficialStatus.OFFICIAL and answer.approved_at is not None
    assert answer.approved_by == second_da_officer
    assert question.is_answered
    assert heard[-1] == ("official_answer", {"answer": answer, "actor": second_da_officer})


def test_only_an_officer_of_a_responsible_organisation_proposes(
    people, government, question, reply
):
    # Shibuya's editor is an officer, but Shibuya is not responsible for the space
    with pytest.raises(PermissionDenied):
        official_propose(
            actor=people["shibuya-editor"],
            thread=question,
            post=reply,
            organization=government["shibuya"],
        )
    # the agency's viewer is no officer
    with pytest.raises(PermissionDenied):
        official_propose(
            actor=people["da-viewer"], thread=question, post=reply, organization=government["da"]
        )
    # the agency's editor may not speak for MIC
    with pytest.raises(ValidationError) as caught:
        official_propose(
            actor=people["da-editor"], thread=question, post=reply, organization=government["mic"]
        )
    assert "organization" in caught.value.message_dict


def test_a_later_answer_supersedes_the_earlier_and_keeps_it(
    people, government, question, reply, second_da_officer
):
    # given the agency's official answer in force
    first = official_propose(
        actor=people["da-editor"], thread=question, post=reply, organization=government["da"]
    )
    official_approve(actor=second_da_officer, answer=first)
    later_post = post_create(
        actor=people["da-admin"], thread=question, body="最新の手順書を参照してください。"
    )

    # when a later post becomes the agency's official answer
    second = official_propose(
        actor=second_da_officer, thread=question, post=later_post, organization=government["da"]
    )
    official_approve(actor=people["da-editor"], answer=second)

    # then the first is kept, marked superseded by the second
    first.refresh_from_db()
    assert first.status == OfficialStatus.SUPERSEDED
    assert first.superseded_by_id == second.pk and first.superseded_at is not None
    assert OfficialAnswer.objects.filter(thread=question).count() == 2

    # and the FAQ lists the one in force first, then the superseded one
    faq = list(faq_of(people["tokyo-viewer"], government["da"]))
    assert [a.pk for a in faq] == [second.pk, first.pk]


def test_a_refusal_takes_a_reason_and_is_kept(
    people, government, question, reply, second_da_officer
):
    # given a proposal
    answer = official_propose(
        actor=people["da-editor"], thread=question, post=reply, organization=government["da"]
    )

    # when the second officer refuses it without a reason, then with one
    with pytest.raises(ValidationError):
        official_refuse(actor=second_da_officer, answer=answer, reason=" ")
    official_refuse(actor=second_da_officer, answer=answer, reason="表現を改めます")

    # then it is kept as refused, and can no longer be approved
    answer.refresh_from_db()
    assert answer.status == OfficialStatus.REFUSED
    with pytest.raises(ValidationError):
        official_approve(actor=second_da_officer, answer=answer)


def test_an_uninvited_operator_reads_no_faq_entry(
    people, government, question, reply, second_da_officer
):
    # given an official agency answer in the cloud space (which invites the UK centre only)
    answer = official_propose(
        actor=people["da-editor"], thread=question, post=reply, organization=government["da"]
    )
    official_approve(actor=second_da_officer, answer=answer)

    # then the power operator's staff never read it; the invited centre's do
    assert not faq_of(people["power-viewer"], government["da"]).exists()
    assert faq_of(people["ncsc-viewer"], government["da"]).exists()
