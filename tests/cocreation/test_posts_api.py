"""Threads and posts over the API: listing and reading (links only as the reader sees them),
opening a thread with every problem named at once, posting, replying, editing with history,
drafts, reactions and files."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shireito.cocreation.choices import LinkKind, ThreadKind
from shireito.cocreation.services.posts import thread_create
from shireito.registry.services import system_create

pytestmark = pytest.mark.django_db

BASE = "/api/v1/cocreation/spaces/gov-cloud/threads"


def _errors(response) -> set:
    return {error["path"] for error in response.json()["errors"]}


@pytest.fixture
def tokyo_system(government):
    return system_create(
        actor=None,
        code="tokyo-juki",
        name="東京都住基システム",
        owner=government["tokyo"],
        category="local_government_system",
    )


def test_threads_are_listed_searched_and_filtered(api, people, question):
    # given Tokyo's question and a discussion
    thread_create(
        actor=people["tokyo-viewer"],
        space=question.space,
        kind=ThreadKind.DISCUSSION,
        title="雑談",
        body="b",
    )
    reader = people["ncsc-viewer"]
    # when listed, searched and filtered
    listed = api(reader, "get", BASE)
    searched = api(reader, "get", BASE, search="性能")
    questions = api(reader, "get", BASE, kind="question")
    # then each answers as asked
    assert listed.json()["count"] == 2
    assert [t["id"] for t in searched.json()["items"]] == [question.pk]
    assert [t["kind"] for t in questions.json()["items"]] == ["question"]
    # and a space not open to the reader is not there
    assert api(people["power-viewer"], "get", BASE).status_code == 404


def test_a_thread_is_read_with_its_posts_and_only_the_links_its_reader_sees(
    api, space, people, tokyo_system
):
    # given Tokyo's thread about its own system and a standard business
    thread = thread_create(
        actor=people["tokyo-viewer"],
        space=space,
        kind=ThreadKind.QUESTION,
        title="住基",
        body="**本文**",
        links=[
            (LinkKind.SYSTEM, tokyo_system.code),
            (LinkKind.STANDARD_BUSINESS, "resident_registry"),
        ],
    )
    # when Tokyo and the UK centre read it
    own = api(people["tokyo-viewer"], "get", f"{BASE}/{thread.pk}").json()
    other = api(people["ncsc-viewer"], "get", f"{BASE}/{thread.pk}").json()
    # then Tokyo sees both links, the UK centre the business only, with no trace of the system
    assert {link["kind"] for link in own["links"]} == {"system", "standard_business"}
    assert [link["kind"] for link in other["links"]] == ["standard_business"]
    assert "tokyo-juki" not in str(other)
    post = other["posts"][0]
    assert post["body_html"] == "<p><strong>本文</strong></p>\n"
    assert post["standing"] == "personal" and post["number"] == 1


def test_opening_a_thread_names_every_problem_at_once(api, space, people, tokyo_system):
    # when the MIC editor links Tokyo's system, gives no title and an unknown measure
    refused = api(
        people["mic-editor"],
        "post",
        BASE,
        {
            "kind": "question",
            "title": " ",
            "body": "b",
            "links": [
                {"kind": "system", "key": tokyo_system.code},
                {"kind": "measure", "key": "2026/none"},
            ],
        },
    )
    # then every problem is named by its path and nothing is made
    assert refused.status_code == 422
    paths = _errors(refused)
    assert any("links[0]" in p for p in paths) and any("links[1]" in p for p in paths)
    assert any(p.endswith("title") for p in paths)
    assert api(people["mic-editor"], "get", BASE).json()["count"] == 0
    # and a wrong kind is named by its JSON path too
    bad = api(people["mic-editor"], "post", BASE, {"kind": "rant", "title": "t", "body": "b"})
    assert bad.status_code == 422 and any("kind" in p for p in _errors(bad))


def test_posting_replying_editing_and_history(api, space, people, question):
    opening = question.posts.get(is_opening=True)
    url = f"{BASE}/{question.pk}/posts"
    # when Tokyo replies to its own opening post
    created = api(people["tokyo-viewer"], "post", url, {"body": "追記", "reply_to": opening.pk})
    assert created.status_code == 201, created.content
    post = created.json()
    assert post["reply_to"] == opening.pk and post["number"] == 3
    # and edits it
    edited = api(people["tokyo-viewer"], "patch", f"{url}/{post['id']}", {"body": "追記（訂正）"})
    assert edited.status_code == 200 and edited.json()["edited_at"]
    # then the history keeps the earlier text, and nobody else may edit
    history = api(people["ncsc-viewer"], "get", f"{url}/{post['id']}/history").json()
    assert [r["body"] for r in history["revisions"]] == ["追記"]
    assert (
        api(people["shibuya-editor"], "patch", f"{url}/{post['id']}", {"body": "x"}).status_code
        == 403
    )
    # a non-member may not post
    assert api(people["da-viewer"], "post", url, {"body": "x"}).status_code == 403
    # an empty body is named
    assert "body" in {
        p.split(".")[-1] for p in _errors(api(people["tokyo-viewer"], "post", url, {"body": ""}))
    }


def test_drafts_are_their_authors_only(api, space, people, question):
    url = f"{BASE}/{question.pk}/posts"
    draft = api(people["tokyo-viewer"], "post", url, {"body": "下書き", "draft": True}).json()
    assert draft["is_draft"] is True
    # others see neither the draft nor its history
    other = api(people["shibuya-editor"], "get", f"{BASE}/{question.pk}").json()
    assert "下書き" not in str(other)
    assert api(people["shibuya-editor"], "get", f"{url}/{draft['id']}/history").status_code == 404
    assert api(people["shibuya-editor"], "get", "/api/v1/cocreation/drafts").json()["count"] == 0
    # the author lists and publishes it
    mine = api(people["tokyo-viewer"], "get", "/api/v1/cocreation/drafts").json()
    assert [d["id"] for d in mine["items"]] == [draft["id"]]
    published = api(people["tokyo-viewer"], "post", f"{url}/{draft['id']}/publish")
    assert published.status_code == 200 and published.json()["is_draft"] is False
    assert "下書き" in str(api(people["shibuya-editor"], "get", f"{BASE}/{question.pk}").json())


def test_reactions_toggle(api, space, people, question):
    answer = question.posts.get(is_opening=False)
    url = f"{BASE}/{question.pk}/posts/{answer.pk}/reactions"
    given = api(people["tokyo-viewer"], "post", url, {"kind": "helpful"}).json()
    assert given["given"] is True
    counts = {r["kind"]: r["count"] for r in given["reactions"]}
    assert counts["helpful"] == 1
    taken = api(people["tokyo-viewer"], "post", url, {"kind": "helpful"}).json()
    assert taken["given"] is False
    assert api(people["tokyo-viewer"], "post", url, {"kind": "love"}).status_code == 422


def test_files_are_uploaded_with_the_check_and_downloaded_by_readers(
    client, api, space, people, question, settings, tmp_path, django_capture_on_commit_callbacks
):
    from shireito.accounts.services import api_token_create

    settings.MEDIA_ROOT = str(tmp_path)
    answer = question.posts.get(is_opening=False)
    url = f"{BASE}/{question.pk}/posts/{answer.pk}/attachments"
    _token, secret = api_token_create(actor=None, user=people["shibuya-editor"], name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    # without the check it is refused, naming the field
    refused = client.post(url, {"file": SimpleUploadedFile("a.txt", b"hello\n")}, **auth)
    assert refused.status_code == 422
    assert "personal_data_confirmed" in {p.split(".")[-1] for p in _errors(refused)}
    with django_capture_on_commit_callbacks(execute=True):
        stored = client.post(
            url,
            {"file": SimpleUploadedFile("a.txt", b"hello\n"), "personal_data_confirmed": "true"},
            **auth,
        )
    assert stored.status_code == 201, stored.content
    download = stored.json()["url"]
    got = api(people["ncsc-viewer"], "get", download)
    assert got.status_code == 200 and b"".join(got.streaming_content) == b"hello\n"
    assert api(people["power-viewer"], "get", download).status_code == 404
    # and only the post's author attaches
    _token, other = api_token_create(actor=None, user=people["tokyo-viewer"], name="t")
    refused = client.post(
        url,
        {"file": SimpleUploadedFile("a.txt", b"x\n"), "personal_data_confirmed": "true"},
        HTTP_AUTHORIZATION=f"Bearer {other}",
    )
    assert refused.status_code == 403


def test_hostile_markdown_over_the_api(api, space, people, question):
    url = f"{BASE}/{question.pk}/posts"
    body = '<script>x</script><a href="javascript:y">z</a> [a](javascript:b) <iframe src=e>'
    html = api(people["tokyo-viewer"], "post", url, {"body": body}).json()["body_html"]
    assert "<script" not in html and "<iframe" not in html and "<a " not in html
    assert '<a href="javascript' not in html
