"""The platform's foundation: who a space is open to, posting, and safe Markdown."""

import pytest
from django.core.exceptions import PermissionDenied

from shireito.cocreation.markdown import render
from shireito.cocreation.models import Post, Space, Thread
from shireito.cocreation.selectors.spaces import spaces_for
from shireito.cocreation.selectors.threads import posts_of, threads_of
from shireito.cocreation.services.posts import post_create, post_edit, thread_create
from shireito.core.scoping import visible_to

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("reader", "sees"),
    [
        ("tokyo-viewer", True),
        ("da-viewer", True),  # staff of any domestic government body, member or not
        ("ncsc-viewer", True),  # invited
        ("power-viewer", False),  # an operator, not invited
    ],
)
def test_a_space_is_open_to_government_staff_and_invited_bodies_only(
    people, question, reader, sees
):
    # given the cloud space with Tokyo's question
    user = people[reader]

    # when the reader lists spaces, threads and posts
    spaces = spaces_for(user)
    threads = visible_to(user, Thread.objects.all())
    posts = visible_to(user, Post.objects.all())

    # then they see all of it or none of it
    assert spaces.exists() is sees
    assert threads.exists() is sees
    assert posts.count() == (2 if sees else 0)


def test_posting_takes_membership(people, question):
    # given a Digital Agency viewer who reads the space but has not joined it
    # when they try to post
    # then they are refused
    with pytest.raises(PermissionDenied):
        post_create(actor=people["da-viewer"], thread=question, body="私見です")


def test_a_thread_keeps_its_count_and_order(people, question):
    # given Tokyo's question with Shibuya's answer
    # then the thread counts two posts, opening first
    assert question.post_count == 2
    posts = list(posts_of(people["tokyo-viewer"], question))
    assert [p.is_opening for p in posts] == [True, False]
    assert posts[1].author_organization.code == "shibuya"
    assert posts[1].author_role == "editor"


def test_a_draft_is_its_authors_alone(people, space):
    # given a draft question by Shibuya
    thread = thread_create(
        actor=people["shibuya-editor"],
        space=space,
        kind="question",
        title="下書き",
        body="まだ書きかけ",
        draft=True,
    )

    # then only Shibuya's author sees it
    assert threads_of(people["shibuya-editor"], space).filter(pk=thread.pk).exists()
    assert not threads_of(people["tokyo-viewer"], space).filter(pk=thread.pk).exists()


def test_an_edit_keeps_the_text_before(people, question):
    # given Shibuya's answer
    answer = question.posts.get(is_opening=False)

    # when Shibuya edits it
    post_edit(actor=people["shibuya-editor"], post=answer, body="訂正: 2倍のデータ量で試験")

    # then the earlier text is kept and the post is marked edited
    answer.refresh_from_db()
    assert answer.edited_at is not None
    assert [r.body for r in answer.revisions.all()] == [
        "渋谷区では本番相当のデータ量で試験しました。"
    ]


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        "[x](javascript:alert(1))",
        '<img src=x onerror="alert(1)">',
        "<a href='https://x' onclick='alert(1)'>x</a>",
    ],
)
def test_markdown_is_rendered_and_cleaned(hostile):
    # when hostile text is rendered
    html = render(f"**太字** {hostile}")

    # then the Markdown is HTML and nothing can run: no script, no handler, no script URL
    assert "<strong>太字</strong>" in html
    elements = _elements(html)
    assert all(tag in {"p", "strong", "a"} for tag, _attrs in elements)
    for _tag, attrs in elements:
        assert not any(name.startswith("on") for name, _value in attrs)
        assert not any((value or "").startswith("javascript") for _name, value in attrs)


def _elements(html: str) -> list[tuple[str, list]]:
    from html.parser import HTMLParser

    found: list[tuple[str, list]] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collect().feed(html)
    return found


def test_the_space_belongs_to_its_host(space, government):
    assert Space.objects.get().host == government["da"]
