"""Finding things: search in Japanese and English across titles, posts, official answers and
attachments' names, with filters, scoped to what the reader may see; and related threads."""

import pytest
from django.urls import reverse
from django.utils import timezone

from shireito.cocreation.choices import OfficialStatus, ThreadKind
from shireito.cocreation.models import OfficialAnswer, Post, PostAttachment, ThreadLink
from shireito.cocreation.selectors.related import related_threads
from shireito.cocreation.selectors.search import SearchFilters, search, snippet
from shireito.cocreation.services.posts import post_create, thread_create
from shireito.cocreation.services.spaces import membership_join, space_create

pytestmark = pytest.mark.django_db


def found(user, query, **filters):
    return [(hit.kind, hit.thread.pk) for hit in search(user, query, SearchFilters(**filters)).hits]


@pytest.fixture
def world(government, people, space, question):
    """Beside Tokyo's question (answered by Shibuya): an English discussion by MIC, a second
    space on security, an official answer of the agency, and a file."""
    english = thread_create(
        actor=people["mic-editor"],
        space=space,
        kind=ThreadKind.DISCUSSION,
        title="Performance testing before the move",
        body="We ran load tests with production-sized data.",
    )
    security = space_create(
        actor=people["da-editor"], slug="security", name="セキュリティ", host=government["da"]
    )
    membership_join(actor=people["shibuya-editor"], space=security)
    other = thread_create(
        actor=people["shibuya-editor"],
        space=security,
        kind=ThreadKind.QUESTION,
        title="ログの保存期間",
        body="性能試験のログは何年保存しますか。",
    )
    answer_post = question.posts.get(is_opening=False)
    OfficialAnswer.objects.create(
        thread=question,
        post=answer_post,
        organization=government["da"],
        status=OfficialStatus.OFFICIAL,
        summary="本番相当のデータ量で性能試験を行ってください。",
        proposed_by=people["da-editor"],
        approved_by=people["da-admin"],
        approved_at=timezone.now(),
    )
    PostAttachment.objects.create(
        post=answer_post,
        name="試験計画書.pdf",
        sha256="0" * 64,
        size=10,
        content_type="application/pdf",
    )
    return {"question": question, "english": english, "other": other, "security": security}


def test_japanese_finds_titles_posts_answers_and_files(people, world):
    # when Tokyo searches for 性能試験 (performance test)
    hits = found(people["tokyo-viewer"], "性能試験")

    # then the question's title and opening, the official answer and the security question
    question, other = world["question"].pk, world["other"].pk
    assert ("thread", question) in hits
    assert ("post", question) in hits
    assert ("answer", question) in hits
    assert ("post", other) in hits
    # the official answer (its wording) ranks first
    assert hits[0] == ("answer", question)
    # and a file by its name
    assert found(people["tokyo-viewer"], "計画書") == [("attachment", question)]


def test_english_is_found_whatever_the_case(people, world):
    hits = found(people["tokyo-viewer"], "PERFORMANCE testing")
    assert hits == [("thread", world["english"].pk)]
    assert ("post", world["english"].pk) in found(people["tokyo-viewer"], "load tests")


@pytest.mark.parametrize(
    ("query", "where"), [("試験", "question"), ("ログ", "other"), ("we", "english")]
)
def test_a_two_character_query_is_matched_too(people, world, query, where):
    # given a query too short for the trigram index
    hits = found(people["shibuya-editor"], query)
    # then it is still found (by LIKE)
    assert world[where].pk in {t for _k, t in hits}
    assert found(people["shibuya-editor"], "ぬぬ") == []


def test_an_operator_outside_the_space_finds_nothing_and_the_invited_finds_it(people, world):
    assert found(people["power-viewer"], "性能試験") == []
    assert ("thread", world["question"].pk) in found(people["ncsc-viewer"], "性能試験")
    # the security space does not invite the UK centre
    assert all(t != world["other"].pk for _k, t in found(people["ncsc-viewer"], "性能試験"))


def test_drafts_and_hidden_posts_are_found_by_their_author_only(people, space, world):
    # given a draft thread by Shibuya and a hidden post by MIC
    draft = thread_create(
        actor=people["shibuya-editor"],
        space=space,
        kind=ThreadKind.QUESTION,
        title="下書きの質問：冗長構成",
        body="冗長構成について",
        draft=True,
    )
    hidden = post_create(actor=people["mic-editor"], thread=world["question"], body="冗長構成の話")
    Post.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now(), hidden_reason="個人情報")

    # then only their authors find them
    assert found(people["tokyo-viewer"], "冗長構成") == []
    assert ("thread", draft.pk) in found(people["shibuya-editor"], "冗長構成")
    assert ("post", world["question"].pk) in found(people["mic-editor"], "冗長構成")


def test_filters_narrow_the_results(people, world):
    reader = people["da-viewer"]
    question, other, english = world["question"].pk, world["other"].pk, world["english"].pk
    security = world["security"]
    # space
    assert {t for _k, t in found(reader, "性能試験", space_id=security.pk)} == {other}
    # kind of thread
    assert {t for _k, t in found(reader, "test", kind=ThreadKind.DISCUSSION)} == {english}
    # the author's organisation (for an official answer, the organisation that gave it)
    shibuya = people["shibuya-editor"].organization_id
    assert found(reader, "性能試験", organization_id=shibuya) == [("post", other)]
    da = people["da-editor"].organization_id
    assert found(reader, "性能試験", organization_id=da) == [("answer", question)]
    # answered and unanswered questions
    assert {t for _k, t in found(reader, "性能試験", answered=True)} == {question}
    assert {t for _k, t in found(reader, "性能試験", answered=False)} == {other}
    # official answers only
    assert found(reader, "データ量", official_only=True) == [("answer", question)]


def test_an_answer_awaiting_approval_is_not_found(people, world):
    OfficialAnswer.objects.update(status=OfficialStatus.PENDING)
    assert found(people["tokyo-viewer"], "性能試験", official_only=True) == []


def test_a_snippet_is_escaped_then_marked():
    shown = snippet("<script>alert('性能')</script> 性能試験 & more", ["性能"])
    assert "<script>" not in shown
    assert "&lt;script&gt;" in shown
    assert shown.count("<mark>性能</mark>") == 2


def test_the_search_page_and_api(client, api, people, world):
    client.force_login(people["tokyo-viewer"])
    page = client.get(reverse("cocreation:search"), {"search": "性能試験", "official": "on"})
    assert page.status_code == 200
    assert "<mark>性能試験</mark>" in page.content.decode()
    answer = api(people["tokyo-viewer"], "get", "/api/v1/cocreation/search", q="性能試験")
    assert answer.status_code == 200
    assert answer.json()["hits"][0]["kind"] == "answer"
    assert answer.json()["hits"][0]["organization"] == "da"
    # a space the reader may not read is a filter matching nothing
    none = api(
        people["ncsc-viewer"], "get", "/api/v1/cocreation/search", q="性能", space="security"
    )
    assert none.json()["hits"] == []


def test_related_threads_share_links_and_are_ranked(people, space, world, government):
    # given two systems of the agency's, and threads about them: the English one shares both,
    # the security one (in a space the UK centre may not read) one
    from shireito.registry.services import system_create

    for code in ("da-portal", "da-gateway"):
        system_create(
            actor=None,
            code=code,
            name=code,
            owner=government["da"],
            category="digital_agency_system",
        )
    question, english, other = world["question"], world["english"], world["other"]
    for thread, links in (
        (question, [("system", "da-portal"), ("system", "da-gateway")]),
        (english, [("system", "da-portal"), ("system", "da-gateway")]),
        (other, [("system", "da-portal")]),
    ):
        for kind, key in links:
            ThreadLink.objects.create(thread=thread, kind=kind, key=key)

    # then the question's related threads are ranked by links shared
    assert [t.pk for t in related_threads(people["da-viewer"], question)] == [english.pk, other.pk]
    assert [t.shared for t in related_threads(people["da-viewer"], question)] == [2, 1]
    # and the UK centre, who may not see the agency's systems, is told of no relation by them
    assert related_threads(people["ncsc-viewer"], question) == []
