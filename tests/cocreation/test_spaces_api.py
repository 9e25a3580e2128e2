"""The spaces' and answers' API: the directory, a space and its links as the reader may see
them, joining, roles, and the two-officer rule for official answers."""

import pytest
from django.test import Client

from shireito.accounts.services import api_token_create
from shireito.cocreation.models import SpaceLink
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _api(user) -> Client:
    _token, secret = api_token_create(actor=None, user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_the_directory_and_a_space_over_the_api(people, space):
    # given a link to a system no reader may see (none exists)
    SpaceLink.objects.create(space=space, kind="system", key="NO-SUCH-SYSTEM")
    client = _api(people["da-viewer"])

    # when a government reader lists the spaces and reads one
    listed = client.get("/api/v1/cocreation/spaces").json()
    one = client.get("/api/v1/cocreation/spaces/gov-cloud").json()

    # then they see it, with its counts, and the hidden link is neither shown nor counted
    assert [s["slug"] for s in listed] == ["gov-cloud"]
    assert listed[0]["member_count"] == 5 and listed[0]["is_member"] is False
    assert one["responsible"] == ["da", "mic"] and one["invited"] == ["ncsc"]
    assert one["links"] == []

    # and they join it, and leave it again
    assert client.post("/api/v1/cocreation/spaces/gov-cloud/join").json()["is_member"] is True
    assert client.post("/api/v1/cocreation/spaces/gov-cloud/leave").json()["is_member"] is False


def test_an_operator_reads_no_space_over_the_api(people, space):
    client = _api(people["power-viewer"])
    assert client.get("/api/v1/cocreation/spaces").status_code == 403
    assert client.get("/api/v1/cocreation/spaces/gov-cloud").status_code in (403, 404)


def test_spaces_are_opened_by_officers_and_reserved_names_refused(people):
    # the agency's editor opens a space; a reserved word and a viewer are refused
    editor = _api(people["da-editor"])
    body = {"slug": "security", "name": "セキュリティ", "responsible": ["da"]}
    assert editor.post("/api/v1/cocreation/spaces", body, "application/json").status_code == 201
    reserved = editor.post("/api/v1/cocreation/spaces", {**body, "slug": "faq"}, "application/json")
    assert reserved.status_code == 422
    viewer = _api(people["da-viewer"])
    refused = viewer.post(
        "/api/v1/cocreation/spaces", {**body, "slug": "other"}, "application/json"
    )
    assert refused.status_code == 403


def test_roles_are_changed_by_those_who_manage_the_space(people, space):
    # a member may not make themself a moderator; the moderator may
    url = "/api/v1/cocreation/spaces/gov-cloud/members/tokyo-viewer"
    body = {"role": "moderator"}
    assert _api(people["tokyo-viewer"]).put(url, body, "application/json").status_code == 403
    answer = _api(people["da-editor"]).put(url, body, "application/json")
    assert answer.status_code == 200 and answer.json()["role"] == "moderator"


def test_official_answers_over_the_api_take_two_officers(people, government, question):
    # given Shibuya's reply, proposed by the agency's editor as the agency's answer
    reply = question.posts.get(is_opening=False)
    second = make_user(username="da-editor-2", organization=government["da"], roles=["editor"])
    url = f"/api/v1/cocreation/spaces/gov-cloud/threads/{question.pk}/official"
    proposed = _api(people["da-editor"]).post(
        url, {"post": reply.pk, "summary": "公式の回答"}, "application/json"
    )
    assert proposed.status_code == 201
    answer = proposed.json()
    assert answer["status"] == "pending" and answer["organization"] == "da"
    approve = f"/api/v1/cocreation/official/{answer['id']}/approve"

    # when the proposer and MIC's officer try to approve it, then a second agency officer
    assert _api(people["da-editor"]).post(approve).status_code == 403
    assert _api(people["mic-editor"]).post(approve).status_code == 403
    approved = _api(second).post(approve)

    # then it is in force, and in the agency's FAQ
    assert approved.status_code == 200 and approved.json()["status"] == "official"
    faq = _api(people["tokyo-viewer"]).get("/api/v1/cocreation/faq/da").json()
    assert [a["id"] for a in faq] == [answer["id"]]

    # and the asker accepts the reply over the API
    accepted = _api(people["tokyo-viewer"]).put(
        f"/api/v1/cocreation/spaces/gov-cloud/threads/{question.pk}/accepted",
        {"post": reply.pk},
        "application/json",
    )
    assert accepted.status_code == 200 and accepted.json()["accepted_post"] == reply.pk
