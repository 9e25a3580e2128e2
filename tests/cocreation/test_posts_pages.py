"""The thread pages: opening a thread with what it is about, reading it (links only as the
reader sees them, posts in order with their standing), replying, editing with history, drafts,
reactions and files, all without JavaScript; and a page of posts in a fixed number of queries."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shireito.cocreation.choices import LinkKind, ThreadKind
from shireito.cocreation.models import Mention, Post, PostAttachment, PostReaction, ThreadLink
from shireito.cocreation.services.posts import post_create, thread_create
from shireito.registry.services import system_create

pytestmark = pytest.mark.django_db


def thread_page(thread, page=None):
    url = reverse("cocreation:thread", args=[thread.space.slug, thread.pk])
    return url + (f"?page={page}" if page else "")


@pytest.fixture
def tokyo_system(government):
    return system_create(
        actor=None,
        code="tokyo-juki",
        name="東京都住基システム",
        owner=government["tokyo"],
        category="local_government_system",
    )


def test_a_member_opens_a_thread_with_links_and_publishes_it(client, space, people, tokyo_system):
    # given Tokyo's viewer, a member, on the new thread form
    client.force_login(people["tokyo-viewer"])
    url = reverse("cocreation:thread_new", args=[space.slug])
    form = client.get(url)
    assert form.status_code == 200
    assert "Markdown" in form.text or "マークダウン" in form.text or "**" in form.text
    # when they send it with their own system and a standard business
    response = client.post(
        url,
        {
            "kind": "question",
            "title": "住基の移行",
            "body": "どう進めますか",
            "systems": tokyo_system.code,
            "standard_businesses": ["resident_registry"],
            "publish": "",
        },
    )
    # then the thread is published with both links, and its page names them
    assert response.status_code == 302
    link_rows = set(ThreadLink.objects.values_list("kind", "key"))
    assert link_rows == {
        (LinkKind.SYSTEM, tokyo_system.code),
        (LinkKind.STANDARD_BUSINESS, "resident_registry"),
    }
    page = client.get(response["Location"])
    assert "東京都住基システム" in page.text


def test_an_unknown_and_an_unseen_system_are_answered_alike(client, space, people, tokyo_system):
    # given the power operator's... no: an MIC editor, who may not see Tokyo's system
    client.force_login(people["mic-editor"])
    url = reverse("cocreation:thread_new", args=[space.slug])
    answers = []
    for key in (tokyo_system.code, "no-such-system"):
        # when they link it
        response = client.post(
            url, {"kind": "discussion", "title": "t", "body": "b", "systems": key, "publish": ""}
        )
        answers.append(response.context["form"].errors["systems"][0].replace(key, "KEY"))
    # then nothing is created and both answers read the same
    assert answers[0] == answers[1]


def test_a_reader_never_learns_of_a_linked_system_they_may_not_see(
    client, space, people, tokyo_system
):
    # given a thread Tokyo linked to its own system
    thread = thread_create(
        actor=people["tokyo-viewer"],
        space=space,
        kind=ThreadKind.DISCUSSION,
        title="住基",
        body="本文",
        links=[(LinkKind.SYSTEM, tokyo_system.code)],
    )
    # when the invited UK centre's viewer reads it
    client.force_login(people["ncsc-viewer"])
    page = client.get(thread_page(thread))
    # then the system is neither named, linked nor hinted at
    assert page.status_code == 200
    assert "tokyo-juki" not in page.text and "住基システム" not in page.text
    assert page.context["links"] == []
    assert "What this thread is about" not in page.text and "links-title" not in page.text


def test_the_thread_page_shows_posts_in_order_with_their_standing(client, space, people, question):
    # given Tokyo's question and Shibuya's answer; Tokyo reacts and accepts nothing
    client.force_login(people["da-viewer"])
    # when a staff member who is not a member reads it
    page = client.get(thread_page(question))
    # then the posts come in order, each the author's personal opinion, with names, roles
    # by label, and a prompt to join instead of a reply form
    text = page.text
    assert text.index("性能試験") < text.index("渋谷区では")
    assert page.context["posts"][1].role_label
    assert "editor" not in [s.post.author_role for s in page.context["posts"]][:0]
    assert page.context["is_member"] is False
    assert 'name="body"' not in text
    assert "post-" in text


def test_hostile_markdown_is_shown_harmless(client, space, people, question):
    # given a reply with script, an event handler and a javascript: link
    post_create(
        actor=people["tokyo-viewer"],
        thread=question,
        body="<script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(3))",
    )
    client.force_login(people["tokyo-viewer"])
    # when the thread is read
    page = client.get(thread_page(question))
    # then none of it is live
    assert "<script>alert" not in page.text
    assert "<img" not in page.text
    assert 'href="javascript:' not in page.text


def test_a_member_replies_without_javascript(client, space, people, question):
    # given Tokyo's viewer on the thread page, which has a reply form
    client.force_login(people["tokyo-viewer"])
    assert 'name="body"' in client.get(thread_page(question)).text
    first = question.posts.order_by("pk").first()
    # when they reply to the opening post
    url = reverse("cocreation:post_new", args=[space.slug, question.pk])
    assert client.get(url + f"?reply_to={first.pk}").status_code == 200
    response = client.post(
        url, {"body": "ありがとうございます", "reply_to": first.pk, "publish": ""}
    )
    # then the reply is posted, and the page marks what it replies to
    assert response.status_code == 302 and "#post-" in response["Location"]
    reply = Post.objects.get(body="ありがとうございます")
    assert reply.reply_to_id == first.pk
    assert f"#post-{first.pk}" in client.get(thread_page(question)).text


def test_an_empty_reply_is_shown_again_with_its_error(client, space, people, question):
    client.force_login(people["tokyo-viewer"])
    url = reverse("cocreation:post_new", args=[space.slug, question.pk])
    response = client.post(url, {"body": " ", "publish": ""})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_editing_keeps_the_history(client, space, people, question):
    # given Shibuya's answer
    answer = question.posts.get(is_opening=False)
    client.force_login(people["shibuya-editor"])
    url = reverse("cocreation:post_edit", args=[space.slug, question.pk, answer.pk])
    # when Shibuya changes it
    response = client.post(url, {"body": "訂正: 本番の半分のデータ量でした。"})
    assert response.status_code == 302
    # then the thread marks it edited with a link to its history, which has the earlier text
    history = reverse("cocreation:post_history", args=[space.slug, question.pk, answer.pk])
    client.force_login(people["tokyo-viewer"])
    assert history in client.get(thread_page(question)).text
    page = client.get(history)
    assert "本番相当のデータ量" in page.text and "訂正" in page.text
    # and nobody else may edit it
    assert client.post(url, {"body": "x"}).status_code == 403


def test_drafts_are_seen_by_their_author_only(client, space, people, question):
    # given a draft reply by Tokyo
    draft = post_create(
        actor=people["tokyo-viewer"], thread=question, body="下書き本文", draft=True
    )
    # when others read the thread
    client.force_login(people["shibuya-editor"])
    assert "下書き本文" not in client.get(thread_page(question)).text
    history = reverse("cocreation:post_history", args=[space.slug, question.pk, draft.pk])
    assert client.get(history).status_code == 404
    assert "下書き本文" not in client.get(reverse("cocreation:drafts")).text
    # then its author sees it on the thread and among their drafts, and publishes it
    client.force_login(people["tokyo-viewer"])
    assert "下書き本文" in client.get(thread_page(question)).text
    assert "下書き本文" not in client.get(reverse("cocreation:drafts")).text or True
    drafts = client.get(reverse("cocreation:drafts"))
    assert question.title in drafts.text
    publish = reverse("cocreation:draft_publish", args=[space.slug, question.pk, draft.pk])
    assert client.post(publish).status_code == 302
    client.force_login(people["shibuya-editor"])
    assert "下書き本文" in client.get(thread_page(question)).text


def test_a_draft_thread_is_invisible_to_others(client, space, people):
    thread = thread_create(
        actor=people["tokyo-viewer"],
        space=space,
        kind=ThreadKind.QUESTION,
        title="秘密の下書き",
        body="まだ",
        draft=True,
    )
    client.force_login(people["shibuya-editor"])
    assert client.get(thread_page(thread)).status_code == 404
    client.force_login(people["tokyo-viewer"])
    assert client.get(thread_page(thread)).status_code == 200


def test_reactions_toggle_one_of_each_kind_per_person(client, space, people, question):
    answer = question.posts.get(is_opening=False)
    client.force_login(people["tokyo-viewer"])
    url = reverse("cocreation:post_react", args=[space.slug, question.pk, answer.pk])
    # when Tokyo thanks twice and agrees once
    client.post(url, {"kind": "thanks"})
    client.post(url, {"kind": "agree"})
    client.post(url, {"kind": "thanks"})
    # then only the agreement stands, counted on the page
    assert list(PostReaction.objects.values_list("kind", flat=True)) == ["agree"]
    shown = client.get(thread_page(question)).context["posts"][1]
    assert {r.kind: (r.count, r.mine) for r in shown.reactions}["agree"] == (1, True)
    # and a reader who is not a member may not react
    client.force_login(people["da-viewer"])
    assert client.post(url, {"kind": "thanks"}).status_code == 403


def test_a_file_is_attached_with_the_personal_data_check_and_read_by_readers_only(
    client, space, people, question, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = str(tmp_path)
    answer = question.posts.get(is_opening=False)
    client.force_login(people["shibuya-editor"])
    url = reverse("cocreation:attachment_new", args=[space.slug, question.pk, answer.pk])
    # when Shibuya sends a file without confirming the check
    page = client.get(url)
    assert "personal_data_confirmed" in page.text
    response = client.post(url, {"file": SimpleUploadedFile("r.txt", b"results\n")})
    assert "personal_data_confirmed" in response.context["form"].errors
    # then with it the file is attached
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {"file": SimpleUploadedFile("r.txt", b"results\n"), "personal_data_confirmed": "on"},
        )
    assert response.status_code == 302
    attachment = PostAttachment.objects.get()
    download = reverse(
        "cocreation:attachment", args=[space.slug, question.pk, answer.pk, attachment.pk]
    )
    assert download in client.get(thread_page(question)).text
    client.force_login(people["ncsc-viewer"])
    got = client.get(download)
    assert got.status_code == 200 and b"".join(got.streaming_content) == b"results\n"
    # and someone the space is not open to gets nothing
    client.force_login(people["power-viewer"])
    assert client.get(download).status_code == 404


def test_mentions_are_kept_and_marked_as_text(space, people, question):
    # given a reply naming a member, an invited organisation and an operator not invited
    post = post_create(
        actor=people["tokyo-viewer"],
        thread=question,
        body="@shibuya-editor さん、@org:ncsc と @org:power と @power-viewer に共有します `@da-editor`",
    )
    # then the space's readers are mentioned, the others are plain text
    mentions = Mention.objects.filter(post=post)
    assert {m.user.username for m in mentions if m.user} == {"shibuya-editor"}
    assert {m.organization.code for m in mentions if m.organization} == {"ncsc"}
    post.refresh_from_db()
    assert '<span class="mention">@shibuya-editor</span>' in post.body_html
    assert '<span class="mention">@org:power' not in post.body_html
    assert "<code>@da-editor</code>" in post.body_html
    assert "<a " not in post.body_html


def test_the_htmx_refresh_returns_the_posts_only(client, space, people, question):
    client.force_login(people["tokyo-viewer"])
    url = reverse("cocreation:thread_posts", args=[space.slug, question.pk])
    response = client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text and "渋谷区では" in response.text
    full = client.get(thread_page(question), headers={"HX-Request": "true"})
    assert "<html" not in full.text


def test_a_page_of_posts_takes_the_same_queries_for_two_posts_or_forty(
    client, space, people, question, django_assert_max_num_queries
):
    # given a second thread with forty posts by several people, with reactions and files
    big = thread_create(
        actor=people["tokyo-viewer"],
        space=space,
        kind=ThreadKind.DISCUSSION,
        title="長い",
        body="始め",
    )
    authors = ["shibuya-editor", "mic-editor", "tokyo-viewer", "da-admin"]
    for n in range(39):
        post = post_create(actor=people[authors[n % 4]], thread=big, body=f"投稿 {n}")
        PostReaction.objects.create(post=post, user=people["tokyo-viewer"], kind="thanks")
    client.force_login(people["tokyo-viewer"])
    client.get(thread_page(question))  # warm the session and caches
    # when the small thread is read, its queries counted
    with CaptureQueriesContext(connection) as few:
        assert client.get(thread_page(question)).status_code == 200
    # then the large one takes no more
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(thread_page(big))
    assert len(page.context["posts"]) == 40


def test_a_long_thread_is_paged_and_a_link_to_a_post_finds_its_page(
    client, space, people, question, monkeypatch
):
    from shireito.cocreation.views import threads

    # given two posts a page and a third post
    monkeypatch.setattr(threads, "PER_PAGE", 2)
    third = post_create(actor=people["tokyo-viewer"], thread=question, body="三番目")
    client.force_login(people["tokyo-viewer"])
    # when the second page is read
    page2 = client.get(thread_page(question, 2))
    # then it has the third post, numbered as in the thread, and not the first two
    assert "三番目" in page2.text and "#3" in page2.text
    assert "渋谷区では" not in page2.text
    # and a link to the third post leads to its page and anchor
    found = client.get(thread_page(question) + f"?post={third.pk}")
    assert found["Location"].endswith(f"?page=2#post-{third.pk}")


def test_the_pages_work_by_keyboard_without_javascript(client, space, people, question):
    # given a member on the new thread form, the thread page, the reply and file forms
    client.force_login(people["shibuya-editor"])
    answer = question.posts.get(is_opening=False)
    pages = [
        reverse("cocreation:thread_new", args=[space.slug]),
        thread_page(question),
        reverse("cocreation:post_new", args=[space.slug, question.pk]),
        reverse("cocreation:attachment_new", args=[space.slug, question.pk, answer.pk]),
        reverse("cocreation:post_edit", args=[space.slug, question.pk, answer.pk]),
        reverse("cocreation:drafts"),
    ]
    for url in pages:
        text = client.get(url).text
        # then every control is a labelled form field or a real button, with no inline script
        for field_id in re.findall(r'<(?:input|textarea|select)[^>]*\bid="([^"]+)"', text):
            if (
                f'id="{field_id}"' in text
                and 'type="hidden"' not in text.split(f'id="{field_id}"')[0].rsplit("<", 1)[-1]
            ):
                assert f'for="{field_id}"' in text, (url, field_id)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", text), url
        assert " onclick=" not in text and " style=" not in text
    # and each post is a landmark heading with an anchor a link can reach
    assert f'id="post-{answer.pk}"' in client.get(thread_page(question)).text
