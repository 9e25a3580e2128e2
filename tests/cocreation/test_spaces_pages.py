"""The spaces' and answers' pages: the directory and a space's page as each reader may see
them, buttons offered only where the rule allows (never one that answers 403), the thread
list paged by keyset, reserved short names, and the FAQ and approval pages."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from shireito.cocreation.choices import OfficialStatus, ThreadKind
from shireito.cocreation.models import SpaceLink, Thread
from shireito.cocreation.selectors.thread_list import thread_page
from shireito.cocreation.services.answers import official_approve, official_propose
from shireito.cocreation.services.posts import post_create
from shireito.cocreation.services.spaces import space_create
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def second_da_officer(government):
    return make_user(username="da-editor-2", organization=government["da"], roles=["editor"])


@pytest.mark.parametrize(
    ("reader", "status"),
    [("tokyo-viewer", 200), ("ncsc-viewer", 200), ("power-viewer", 403)],
)
def test_the_directory_is_for_government_staff_and_invited_bodies(people, space, reader, status):
    # given the cloud space (inviting the UK centre)
    # when each reader opens the directory
    response = _client(people[reader]).get("/cocreation/")
    # then government staff and the invited see it with the space; the operator is refused
    assert response.status_code == status
    if status == 200:
        assert "ガバメントクラウド移行" in response.content.decode()


def test_an_operator_never_reads_a_space_that_does_not_invite_them(people, space):
    # given the power operator, invited nowhere
    client = _client(people["power-viewer"])
    # when they ask for the space, its members and its API
    # then nothing answers
    assert client.get("/cocreation/gov-cloud/").status_code in (403, 404)
    assert client.get("/cocreation/gov-cloud/members/").status_code in (403, 404)
    assert client.get("/api/v1/cocreation/spaces/gov-cloud").status_code in (403, 404)


@pytest.mark.parametrize(
    ("reader", "join", "leave", "manage"),
    [
        ("da-viewer", True, False, False),  # reads, not a member
        ("tokyo-viewer", False, True, False),  # a member
        ("da-editor", False, True, True),  # the moderator
    ],
)
def test_the_space_page_offers_only_what_the_rules_allow(
    people, question, reader, join, leave, manage
):
    # given the cloud space with Tokyo's question, and a reader
    client = _client(people[reader])

    # when the reader opens the space's page
    page = client.get("/cocreation/gov-cloud/").content.decode()

    # then the page shows the unanswered question and the buttons the rules allow
    assert question.title in page
    assert ('action="/cocreation/gov-cloud/join/"' in page) is join
    assert ('action="/cocreation/gov-cloud/leave/"' in page) is leave
    assert ('href="/cocreation/gov-cloud/edit/"' in page) is manage
    # and each button offered answers, each one not offered is refused
    assert (client.get("/cocreation/gov-cloud/edit/").status_code == 200) is manage


def test_a_reserved_word_is_no_space_name(people, government):
    # when the agency's editor opens a space called "faq"
    # then it is refused on its short name
    with pytest.raises(ValidationError) as caught:
        space_create(actor=people["da-editor"], slug="faq", name="FAQ", host=government["da"])
    assert "slug" in caught.value.message_dict


def test_a_space_is_opened_by_page(people):
    # given the agency's editor
    client = _client(people["da-editor"])
    # when they open a space by the form
    response = client.post(
        "/cocreation/new/",
        {"slug": "security", "name": "セキュリティ", "responsible": ["da"], "links": ""},
    )
    # then it exists and they moderate it
    assert response.status_code == 302 and response["Location"] == "/cocreation/security/"
    assert "security" in client.get("/cocreation/security/members/").content.decode()


def test_the_thread_list_pages_by_keyset(people, space):
    # given 7 questions and 5 discussions, posted a minute apart
    start = timezone.now() - dt.timedelta(hours=1)
    author, organization = people["tokyo-viewer"], people["tokyo-viewer"].organization
    Thread.objects.bulk_create(
        Thread(
            space=space,
            kind=ThreadKind.QUESTION if n < 7 else ThreadKind.DISCUSSION,
            title=f"スレッド{n}",
            author=author,
            author_organization=organization,
            post_count=1,
            last_posted_at=start + dt.timedelta(minutes=n % 6),  # some share a time
        )
        for n in range(12)
    )
    reader = people["da-viewer"]

    # when the reader walks the list five at a time
    seen, cursor = [], None
    while True:
        page = thread_page(reader, space, after=cursor, per_page=5)
        seen.extend(page.threads)
        cursor = page.next_cursor
        if cursor is None:
            break

    # then every thread comes once, newest first
    assert len(seen) == 12 == len({t.pk for t in seen})
    keys = [(t.last_posted_at, t.pk) for t in seen]
    assert keys == sorted(keys, reverse=True)
    # and the filters narrow it
    assert len(thread_page(reader, space, kind=ThreadKind.DISCUSSION).threads) == 5
    assert len(thread_page(reader, space, answered=True).threads) == 0

    # and the page follows the cursor it offers
    client = _client(reader)
    first = client.get("/cocreation/gov-cloud/?kind=question").content.decode()
    assert "after=" not in first  # seven fit on one page
    assert client.get("/cocreation/gov-cloud/?after=nonsense").status_code == 200


def test_answer_actions_are_offered_only_where_the_rules_allow(
    people, government, question, second_da_officer
):
    # given Shibuya's reply to Tokyo's question, proposed as the agency's answer
    from django.template import Context, Template

    reply = question.posts.get(is_opening=False)
    answer = official_propose(
        actor=people["da-editor"], thread=question, post=reply, organization=government["da"]
    )
    template = Template('{% include "cocreation/partials/_answer_actions.html" %}')

    def shown(user):
        question.__dict__.pop("_cocreation_answer_rules", None)
        return template.render(
            Context({"post": reply, "thread": question, "space": question.space, "user": user})
        )

    # then the asker may accept; MIC's officer may propose for MIC; the second agency
    # officer may approve; the proposer may not approve; the agency's viewer sees nothing
    assert "/accept/" in shown(people["tokyo-viewer"])
    assert "/official/" in shown(people["mic-editor"])
    assert f"/official/{answer.pk}/approve/" in shown(second_da_officer)
    assert f"/official/{answer.pk}/approve/" not in shown(people["da-editor"])
    assert shown(people["da-viewer"]).strip() == ""

    # and the buttons work for those they are offered to
    response = _client(second_da_officer).post(f"/cocreation/official/{answer.pk}/approve/")
    assert response.status_code == 302
    answer.refresh_from_db()
    assert answer.status == OfficialStatus.OFFICIAL
    # and not for the proposer
    assert (
        _client(people["da-editor"]).post(f"/cocreation/official/{answer.pk}/refuse/").status_code
        == 403
    )


def test_the_faq_marks_what_replaced_an_answer_and_hides_it_from_the_uninvited(
    people, government, question, second_da_officer
):
    # given an agency answer superseded by a later one
    reply = question.posts.get(is_opening=False)
    first = official_propose(
        actor=people["da-editor"],
        thread=question,
        post=reply,
        organization=government["da"],
        summary="初めの公式回答",
    )
    official_approve(actor=second_da_officer, answer=first)
    newer = post_create(actor=people["da-admin"], thread=question, body="新しい手順です")
    second = official_propose(
        actor=second_da_officer,
        thread=question,
        post=newer,
        organization=government["da"],
        summary="改めた公式回答",
    )
    official_approve(actor=people["da-editor"], answer=second)

    # when Tokyo reads the agency's FAQ
    page = _client(people["tokyo-viewer"]).get("/cocreation/faq/da/").content.decode()

    # then the one in force comes first and the superseded one points to it
    assert page.index("改めた公式回答") < page.index("初めの公式回答")
    assert f'href="#answer-{second.pk}"' in page
    # and the space's page lists the newest official answer
    assert "新しい手順" not in page
    space_page = _client(people["tokyo-viewer"]).get("/cocreation/gov-cloud/").content.decode()
    assert "/cocreation/faq/da/" in space_page

    # and the operator reads none of it
    assert _client(people["power-viewer"]).get("/cocreation/faq/da/").status_code == 403
    # and over the API the invited centre reads it, an operator does not
    assert len(_client(people["ncsc-viewer"]).get("/api/v1/cocreation/faq/da").json()) == 2
    assert _client(people["power-viewer"]).get("/api/v1/cocreation/faq/da").status_code == 403


def test_the_pending_page_lists_what_awaits_approval(people, government, question):
    # given a proposal by the agency's editor
    reply = question.posts.get(is_opening=False)
    official_propose(
        actor=people["da-editor"], thread=question, post=reply, organization=government["da"]
    )
    # when the agency's admin (an officer) opens the pending page
    page = _client(people["da-admin"]).get("/cocreation/official/").content.decode()
    # then the proposal is there with its approve button
    assert question.title in page and "/approve/" in page
    # and the proposer sees it without the button
    own = _client(people["da-editor"]).get("/cocreation/official/").content.decode()
    assert question.title in own and "/approve/" not in own
    # and a viewer is refused the page (and the directory offers it to officers only)
    assert _client(people["da-viewer"]).get("/cocreation/official/").status_code == 403


def test_a_link_is_shown_only_to_those_who_may_see_what_it_names(people, government, space):
    # given the space linked to a system of the health ministry's
    from shireito.registry.selectors import systems_in_reach
    from tests.kit.factories import make_system

    system = make_system(owner=government["mhlw"], code="MHLW-9", name="年金記録システム")
    SpaceLink.objects.create(space=space, kind="system", key="MHLW-9")

    for reader in ("da-viewer", "tokyo-viewer", "ncsc-viewer"):
        user = people[reader]
        sees = systems_in_reach(user).filter(pk=system.pk).exists()
        # when each reader opens the space's page and reads it over the API
        page = _client(user).get("/cocreation/gov-cloud/").content.decode()
        links = _client(user).get("/api/v1/cocreation/spaces/gov-cloud").json()["links"]
        # then the system is named to those who may see it, and to no one else
        assert ("年金記録システム" in page) is sees, reader
        assert (len(links) == 1) is sees, reader
    assert not systems_in_reach(people["ncsc-viewer"]).filter(pk=system.pk).exists()
