"""Moderation: reports, hiding with a reason (kept, audited, read by the author and the
moderators only), the queue, and that a hidden post's text reaches nobody else through the
pages, the API or the app's reads."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from shireito.accounts.services import api_token_create
from shireito.cocreation.choices import ReportStatus
from shireito.cocreation.models import Post, PostReport
from shireito.cocreation.selectors import moderation as selectors
from shireito.cocreation.selectors.threads import posts_of
from shireito.cocreation.services import moderation as services
from shireito.core.models import AuditEvent

pytestmark = pytest.mark.django_db

SECRET = "渋谷区では本番相当のデータ量で試験しました。"
REASON = "個人名が含まれていたため"


@pytest.fixture
def answer(question):
    return question.posts.get(is_opening=False)


@pytest.fixture
def hidden(people, answer):
    """Shibuya's answer, reported by Tokyo and hidden by the agency's editor (moderator)."""
    services.report_create(actor=people["tokyo-viewer"], post=answer, reason="不適切です")
    services.post_hide(actor=people["da-editor"], post=answer, reason=REASON)
    answer.refresh_from_db()
    return answer


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def api_for(user):
    _token, secret = api_token_create(actor=None, user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_a_member_reports_a_post_once(people, answer):
    # when Tokyo reports Shibuya's answer
    report = services.report_create(actor=people["tokyo-viewer"], post=answer, reason="誤りです")
    # then the report is open and audited
    assert report.status == ReportStatus.OPEN
    assert AuditEvent.objects.filter(object_type="cocreation.postreport").exists()
    # and a second report by the same member is refused with a reason
    with pytest.raises(ValidationError, match="すでに通報"):
        services.report_create(actor=people["tokyo-viewer"], post=answer, reason="もう一度")


def test_reporting_takes_membership_and_someone_elses_post(people, answer):
    # a reader who has not joined, and the author themself, may not report it
    with pytest.raises(PermissionDenied):
        services.report_create(actor=people["da-viewer"], post=answer, reason="x")
    with pytest.raises(PermissionDenied):
        services.report_create(actor=people["shibuya-editor"], post=answer, reason="x")


def test_a_report_needs_a_reason(people, answer):
    with pytest.raises(ValidationError) as error:
        services.report_create(actor=people["tokyo-viewer"], post=answer, reason="  ")
    assert "reason" in error.value.message_dict


def test_a_moderator_hides_a_post_with_a_reason_and_resolves_its_reports(people, hidden):
    # then the post is hidden by the moderator with the reason, audited
    assert hidden.hidden_at is not None
    assert hidden.hidden_by == people["da-editor"]
    assert hidden.hidden_reason == REASON
    assert hidden.body == SECRET  # kept, not deleted
    event = AuditEvent.objects.filter(object_type="cocreation.post", action="update").last()
    assert "hidden_reason" in event.changes
    # and Tokyo's report is resolved as hidden
    report = PostReport.objects.get(post=hidden)
    assert report.status == ReportStatus.HIDDEN
    assert report.resolved_by == people["da-editor"]


def test_only_moderators_hide_and_a_reason_is_required(people, answer):
    with pytest.raises(PermissionDenied):
        services.post_hide(actor=people["tokyo-viewer"], post=answer, reason="x")
    with pytest.raises(ValidationError) as error:
        services.post_hide(actor=people["da-editor"], post=answer, reason="")
    assert "reason" in error.value.message_dict


def test_a_moderator_dismisses_reports_and_unhides(people, answer):
    # given a report
    services.report_create(actor=people["tokyo-viewer"], post=answer, reason="誤りです")
    # when the moderator dismisses it
    assert services.reports_dismiss(actor=people["da-editor"], post=answer) == 1
    # then it is closed and the queue is empty, the post untouched
    assert PostReport.objects.get(post=answer).status == ReportStatus.DISMISSED
    assert selectors.queue(people["da-editor"], answer.thread.space) == []
    # and hiding then unhiding shows it again
    services.post_hide(actor=people["da-editor"], post=answer, reason=REASON)
    services.post_unhide(actor=people["da-editor"], post=answer)
    answer.refresh_from_db()
    assert answer.hidden_at is None and answer.hidden_reason == ""


def test_the_queue_is_the_moderators(people, answer, space):
    services.report_create(actor=people["tokyo-viewer"], post=answer, reason="誤りです")
    services.report_create(actor=people["mic-editor"], post=answer, reason="根拠がない")
    # the moderator sees one post with two reports; a member sees nothing
    items = selectors.queue(people["da-editor"], space)
    assert [(item.post.pk, len(item.reports)) for item in items] == [(answer.pk, 2)]
    assert selectors.queue(people["tokyo-viewer"], space) == []


@pytest.mark.parametrize(
    ("reader", "reads"),
    [
        ("shibuya-editor", True),  # the author
        ("da-editor", True),  # a moderator
        ("tokyo-viewer", False),  # a member
        ("da-viewer", False),  # a reader who has not joined
        ("ncsc-viewer", False),  # an invited body's staff
    ],
)
def test_a_hidden_posts_text_reaches_only_its_author_and_the_moderators(
    people, hidden, reader, reads
):
    user = people[reader]
    # when the reader reads the thread's posts through the app's reads
    posts = selectors.shown(user, posts_of(user, hidden.thread))
    shown = next(post for post in posts if post.pk == hidden.pk)
    # then the text and the reason are there or not at all
    assert shown.is_hidden
    assert (SECRET in shown.body) is reads
    assert (SECRET in shown.body_html) is reads
    assert (shown.hidden_reason == REASON) is reads
    assert shown.text_withheld is not reads
    # and through the API
    response = Client().get(
        f"/api/v1/cocreation/spaces/gov-cloud/posts/{hidden.pk}/moderation", **api_for(user)
    )
    assert response.status_code == 200
    body = json.dumps(response.json(), ensure_ascii=False)
    assert (SECRET in body) is reads
    assert (REASON in body) is reads
    assert response.json()["hidden"] is True


def test_the_moderation_actions_offer_only_what_the_reader_may_do(people, answer, hidden):
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    def render(user):
        request = RequestFactory().get("/")
        request.user = user
        return render_to_string(
            "cocreation/partials/_moderation_actions.html",
            {"post": hidden, "thread": hidden.thread, "space": hidden.thread.space},
            request=request,
        )

    # a member sees only that a moderator hid it; no reason, no action
    member = render(people["mic-editor"])
    assert "モデレーターにより非表示" in member
    assert REASON not in member
    assert "/hide/" not in member and "/unhide/" not in member
    # the author reads the reason
    assert REASON in render(people["shibuya-editor"])
    # the moderator may show it again
    assert "/unhide/" in render(people["da-editor"])
    # on a visible post, a member who may report gets the report form, not the hide one
    opening = hidden.thread.posts.get(is_opening=True)
    request = RequestFactory().get("/")
    request.user = people["mic-editor"]
    page = render_to_string(
        "cocreation/partials/_moderation_actions.html",
        {"post": opening, "thread": opening.thread, "space": opening.thread.space},
        request=request,
    )
    assert "/report/" in page and "/hide/" not in page


def test_the_pages_report_hide_and_queue(people, answer, space):
    # when Tokyo reports through the page
    tokyo = client_for(people["tokyo-viewer"])
    url = reverse("cocreation:post_report", args=[space.slug, answer.pk])
    assert tokyo.get(url).status_code == 200
    response = tokyo.post(url, {"reason": "不適切です"})
    assert response.status_code == 302
    assert PostReport.objects.filter(post=answer).count() == 1
    # then the moderator's queue lists it, and a member may not open the queue
    queue = reverse("cocreation:moderation", args=[space.slug])
    moderator = client_for(people["da-editor"])
    page = moderator.get(queue)
    assert page.status_code == 200 and "不適切です" in page.content.decode()
    assert tokyo.get(queue).status_code == 403
    # when the moderator hides it through the page
    hide = reverse("cocreation:post_hide", args=[space.slug, answer.pk])
    assert tokyo.post(hide, {"reason": "x"}).status_code == 403
    assert moderator.post(hide, {"reason": REASON, "next": queue}).status_code == 302
    answer.refresh_from_db()
    assert answer.hidden_reason == REASON
    # the queue no longer holds it and lists it as hidden; the other member sees no text
    page = moderator.get(queue).content.decode()
    assert "判断を待つ投稿はありません。" in page and REASON in page
    # when the moderator shows it again
    unhide = reverse("cocreation:post_unhide", args=[space.slug, answer.pk])
    assert moderator.post(unhide, {"next": queue}).status_code == 302
    answer.refresh_from_db()
    assert answer.hidden_at is None


def test_the_api_reports_hides_and_dismisses(people, answer):
    base = f"/api/v1/cocreation/spaces/gov-cloud/posts/{answer.pk}"
    tokyo, moderator = api_for(people["tokyo-viewer"]), api_for(people["da-editor"])
    client = Client()
    response = client.post(
        f"{base}/report", json.dumps({"reason": "誤り"}), "application/json", **tokyo
    )
    assert response.status_code == 201 and response.json()["status"] == "open"
    # a member may not read the queue, nor hide
    assert client.get("/api/v1/cocreation/spaces/gov-cloud/moderation", **tokyo).status_code == 403
    response = client.post(f"{base}/hide", json.dumps({"reason": "x"}), "application/json", **tokyo)
    assert response.status_code == 403
    # the moderator reads the queue and dismisses
    queue = client.get("/api/v1/cocreation/spaces/gov-cloud/moderation", **moderator).json()
    assert queue[0]["post"]["id"] == answer.pk and len(queue[0]["reports"]) == 1
    response = client.post(f"{base}/dismiss", **moderator)
    assert response.json() == {"dismissed": 1}
    # hide needs a reason (422), then hides
    response = client.post(
        f"{base}/hide", json.dumps({"reason": ""}), "application/json", **moderator
    )
    assert response.status_code == 422
    response = client.post(
        f"{base}/hide", json.dumps({"reason": REASON}), "application/json", **moderator
    )
    assert response.status_code == 200 and response.json()["hidden_reason"] == REASON
    assert Post.objects.get(pk=answer.pk).hidden_at is not None


def test_a_space_the_reader_may_not_see_is_404(people, answer):
    # an operator not invited learns nothing, even that the post exists
    headers = api_for(people["power-viewer"])
    url = f"/api/v1/cocreation/spaces/gov-cloud/posts/{answer.pk}/moderation"
    assert Client().get(url, **headers).status_code == 404
    page = reverse("cocreation:post_report", args=["gov-cloud", answer.pk])
    assert client_for(people["power-viewer"]).get(page).status_code == 404
