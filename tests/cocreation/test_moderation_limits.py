"""Limits on posting (per minute and per hour, from settings; a fixed clock) and the warnings
of personal data before publishing."""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone, translation

from shireito.accounts.services import api_token_create
from shireito.cocreation import personal_data, rate_limits
from shireito.cocreation.choices import ThreadKind
from shireito.cocreation.models import Post
from shireito.cocreation.services.posts import post_create, thread_create

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 7, 10, 0, 0, tzinfo=dt.UTC)


@pytest.fixture
def limits(settings, monkeypatch):
    settings.SHIREITO_COCREATION_RATE_LIMITS = {
        "threads_per_minute": 1,
        "threads_per_hour": 2,
        "posts_per_minute": 2,
        "posts_per_hour": 3,
    }
    clock = {"now": NOW}
    monkeypatch.setattr(rate_limits, "now", lambda: clock["now"])
    with translation.override("en"):
        yield clock


def _post_at(user, thread, when, text="了解です"):
    post = post_create(actor=user, thread=thread, body=text)
    Post.objects.filter(pk=post.pk).update(created_at=when)
    return post


def test_posting_too_fast_is_refused_saying_when_to_post_again(people, question, limits):
    user = people["mic-editor"]
    # given two posts in the last minute
    _post_at(user, question, NOW - dt.timedelta(seconds=40))
    _post_at(user, question, NOW - dt.timedelta(seconds=10))
    # when a third is posted, then it is refused, naming the time twenty seconds on
    with pytest.raises(ValidationError) as error:
        post_create(actor=user, thread=question, body="三つ目")
    message = " ".join(error.value.messages)
    assert "post again at" in message and "(in 20 seconds)" in message
    # when the clock moves a minute on, one more is allowed; then the hour's limit (3) holds
    limits["now"] = NOW + dt.timedelta(seconds=61)
    _post_at(user, question, limits["now"])
    limits["now"] = NOW + dt.timedelta(minutes=5)
    with pytest.raises(ValidationError, match="post again"):
        post_create(actor=user, thread=question, body="四つ目")
    # another member is not held back
    post_create(actor=people["tokyo-viewer"], thread=question, body="ありがとうございます")


def test_opening_threads_has_its_own_limit(people, space, limits):
    user = people["mic-editor"]
    first = thread_create(actor=user, space=space, kind=ThreadKind.DISCUSSION, title="一", body="a")
    first.__class__.objects.filter(pk=first.pk).update(created_at=NOW - dt.timedelta(seconds=5))
    with pytest.raises(ValidationError, match="open another"):
        thread_create(actor=user, space=space, kind=ThreadKind.DISCUSSION, title="二", body="b")


def test_the_limit_speaks_japanese(people, question, limits):
    user = people["mic-editor"]
    for seconds in (30, 20):
        _post_at(user, question, NOW - dt.timedelta(seconds=seconds))
    with translation.override("ja"), pytest.raises(ValidationError) as error:
        post_create(actor=user, thread=question, body="三つ目")
    assert "秒" in " ".join(error.value.messages)


def test_limits_off_by_default_in_tests(people, question):
    # the test settings leave other tests free to post a lot
    assert rate_limits.next_allowed(people["mic-editor"], thread=False) is None
    assert timezone.now()


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("申請者のマイナンバーは 1234 5678 9018 です", personal_data.INDIVIDUAL_NUMBER),
        ("担当: 090-1234-5678", personal_data.PHONE),
        ("代表 03(1234)5678 まで", personal_data.PHONE),
        ("連絡先 taro.yamada@example.lg.jp", personal_data.EMAIL),
        ("住所は〒100-0013 です", personal_data.ADDRESS),
        ("東京都千代田区霞が関1丁目3番", personal_data.ADDRESS),
        ("全角の０９０－１２３４－５６７８", personal_data.PHONE),
    ],
)
def test_personal_data_is_warned_of(text, kind):
    found = personal_data.warnings_for(text)
    assert [finding.kind for finding in found] == [kind]
    # the warning names it without repeating it whole
    assert found[0].excerpt.endswith("…")


@pytest.mark.parametrize(
    "text",
    [
        "法人番号 1234567890123 の団体",  # 13 digits: a corporate number
        "団体コード 131016",
        "2026-12-07 の会議で決めました",
        "標準仕様書 第4.0版 の 3.2.1 節",
    ],
)
def test_ordinary_text_raises_no_warning(text):
    assert personal_data.warnings_for(text) == []


def test_attachment_names_are_checked_too():
    found = personal_data.warnings_for("資料を添付します", ["山田_090-1234-5678.xlsx", "手順.pdf"])
    assert [(f.kind, f.where) for f in found] == [("phone", "山田_090-1234-5678.xlsx")]
    assert "山田_090-1234-5678.xlsx" in found[0].message


def test_the_api_warns_and_does_not_block(people):
    _token, secret = api_token_create(actor=None, user=people["tokyo-viewer"], name="t")
    response = Client().post(
        "/api/v1/cocreation/personal-data-check",
        json.dumps({"text": "mail: a@example.jp", "names": ["090-1111-2222.pdf"]}),
        "application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 200
    assert [item["kind"] for item in response.json()] == ["email", "phone"]
