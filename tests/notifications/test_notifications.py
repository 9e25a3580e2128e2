"""The shared notifications: raised once per user and key, e-mailed as each person prefers
(immediately in Japanese then English, in a daily digest, or not at all), shown and marked
read on one page and over the API, scoped to their own user."""

import datetime as dt

import pytest
from django.core import mail
from django.utils.html import conditional_escape
from django.utils.translation import gettext_lazy

from shireito.core.models import AuditEvent
from shireito.core.periodic import PERIODIC_JOBS
from shireito.notifications import registry, selectors, services
from shireito.notifications.choices import EmailPreference
from shireito.notifications.models import Notification
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _texts(notifications, marked):
    from django.utils.translation import get_language

    words = "Told" if get_language() == "en" else "通知"
    return [
        conditional_escape(f"{words} {n.params.get('what', '')}")
        if marked
        else f"{words} {n.params.get('what', '')}"
        for n in notifications
    ]


@pytest.fixture(autouse=True)
def _renderer():
    registry.register_renderer("testing", registry.Renderer(_texts, label=gettext_lazy("Testing")))
    yield
    registry._renderers.pop("testing", None)


@pytest.fixture
def people(organization, other_organization):
    return {
        "a": make_user(username="a", organization=organization, email="a@example.jp"),
        "b": make_user(username="b", organization=organization, email="b@example.jp"),
        "c": make_user(username="c", organization=other_organization, email="c@example.jp"),
    }


def test_notify_tells_each_user_once_and_emails_after_commit(
    people, django_capture_on_commit_callbacks
):
    # given two people
    users = [people["a"], people["b"]]
    # when the same thing is told twice
    with django_capture_on_commit_callbacks(execute=True):
        first = services.notify(
            users=users, kind="testing.thing", key="thing:1", params={"what": "x"}, link="/x/"
        )
        again = services.notify(
            users=users, kind="testing.thing", key="thing:1", params={"what": "x"}
        )
    # then each is told once and e-mailed once, Japanese first then English, with the link
    assert (first, again) == (2, 0)
    assert Notification.objects.filter(key="thing:1").count() == 2
    assert len(mail.outbox) == 2
    body = mail.outbox[0].body
    assert mail.outbox[0].subject == "[Shireitō] 通知 x"
    assert body.index("通知 x") < body.index("Told x")
    assert "http://testserver/x/" in body or "/x/" in body
    assert Notification.objects.filter(emailed=True).count() == 2


def test_kind_must_be_namespaced(people):
    with pytest.raises(ValueError):
        services.notify(users=[people["a"]], kind="thing", key="k")


def test_nothing_is_emailed_when_rolled_back_or_unwanted(
    people, django_capture_on_commit_callbacks
):
    # given b wants no e-mail and c a digest
    services.preference_set(actor=people["b"], user=people["b"], email=EmailPreference.NONE)
    services.preference_set(actor=people["c"], user=people["c"], email=EmailPreference.DIGEST)
    # when all three are told
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(users=people.values(), kind="testing.thing", key="t", params={"what": "y"})
    # then only a is e-mailed now
    assert [m.to for m in mail.outbox] == [["a@example.jp"]]


def test_preference_is_audited_and_only_ones_own(people):
    # when a sets a digest, then none
    services.preference_set(actor=people["a"], user=people["a"], email=EmailPreference.DIGEST)
    services.preference_set(actor=people["a"], user=people["a"], email=EmailPreference.NONE)
    # then both changes are in the audit trail
    assert AuditEvent.objects.filter(object_type__icontains="notificationpreference").count() == 2
    assert selectors.email_preference(people["a"]) == EmailPreference.NONE
    # and nobody sets another's
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.preference_set(actor=people["a"], user=people["b"], email="none")


def test_daily_digest_sends_one_message_of_what_was_not_emailed(
    people, django_capture_on_commit_callbacks
):
    # given a on the digest, told three things
    services.preference_set(actor=people["a"], user=people["a"], email=EmailPreference.DIGEST)
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(3):
            services.notify(
                users=[people["a"]],
                kind="testing.thing",
                key=f"d{number}",
                params={"what": str(number)},
                link=f"/d/{number}/",
            )
    assert mail.outbox == []
    # when the digest runs (twice)
    sent = services.digests_send()
    again = services.digests_send()
    # then one message carries all three, in both languages, once
    assert (sent, again) == (1, 0)
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert all(f"通知 {n}" in body and f"Told {n}" in body for n in range(3))
    assert (
        Notification.objects.filter(user=people["a"], digest_at__isnull=False, emailed=True).count()
        == 3
    )
    # and the job is registered for the workers
    assert PERIODIC_JOBS["notifications.digests_send"].every == dt.timedelta(days=1)


def test_digest_task_runs(people):
    from shireito.notifications.tasks import digests_send

    assert digests_send.enqueue().return_value == {"digests": 0}


def test_selectors_show_only_ones_own(people):
    services.notify(users=[people["a"]], kind="testing.thing", key="own")
    assert selectors.notifications_for(people["a"]).count() == 1
    assert selectors.notifications_for(people["b"]).count() == 0
    assert selectors.unread_count(people["a"]) == 1


def test_mark_read_touches_only_ones_own(people):
    services.notify(users=[people["a"], people["b"]], kind="testing.thing", key="r")
    theirs = Notification.objects.get(user=people["b"])
    # when a marks b's and all of their own
    assert services.mark_read(user=people["a"], ids=[theirs.pk]) == 0
    assert services.mark_read(user=people["a"]) == 1
    # then b's is unread still
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_bulk_notify_at_scale(organization):
    # given 1,200 people (more than a batch)
    from shireito.accounts.models import User

    User.objects.bulk_create(
        [User(username=f"member{n}", organization=organization) for n in range(1200)]
    )
    ids = list(User.objects.filter(username__startswith="member").values_list("pk", flat=True))
    # when all are told, and again with a few more
    assert services.notify(users=ids, kind="testing.thing", key="big") == 1200
    assert services.notify(users=ids, kind="testing.thing", key="big") == 0


def test_page_lists_filters_marks_read_and_saves_the_preference(people, signed_in):
    # given two notifications of a
    services.notify(
        users=[people["a"]], kind="testing.thing", key="p1", params={"what": "<b>"}, link="/p1/"
    )
    services.notify(users=[people["a"]], kind="testing.thing", key="p2", params={"what": "two"})
    client = signed_in(people["a"])
    # when a opens the page
    page = client.get("/notifications/").content.decode()
    # then both are there, escaped, with the count in the header
    assert "通知 &lt;b&gt;" in page and 'href="/p1/"' in page
    assert 'id="notification-preference-form"' in page
    # when one is marked read, then all
    one = Notification.objects.get(key="p1")
    response = client.post("/notifications/read/", {"notification": one.pk})
    assert response.status_code == 302
    assert selectors.unread_count(people["a"]) == 1
    client.post("/notifications/read/", {"app": "testing"})
    assert selectors.unread_count(people["a"]) == 0
    # when the preference is saved
    response = client.post("/notifications/settings/", {"email": "digest"})
    assert response.status_code == 302
    assert selectors.email_preference(people["a"]) == "digest"


def test_api_lists_counts_marks_and_sets_preference(people, api):
    services.notify(
        users=[people["a"]], kind="testing.thing", key="api", params={"what": "z"}, link="/z/"
    )
    listed = api(people["a"], "get", "/api/v1/notifications", HTTP_ACCEPT_LANGUAGE="en").json()
    assert listed["count"] == 1
    assert listed["items"][0]["kind"] == "testing.thing"
    assert listed["items"][0]["link"] == "/z/"
    assert api(people["b"], "get", "/api/v1/notifications").json()["count"] == 0
    assert api(people["a"], "get", "/api/v1/notifications/unread").json() == {"unread": 1}
    assert api(people["a"], "post", "/api/v1/notifications/read", {}).json() == {"changed": 1}
    assert api(
        people["a"], "put", "/api/v1/notifications/preference", {"email": "none"}
    ).json() == {"email": "none"}
    assert api(people["a"], "get", "/api/v1/notifications/preference").json() == {"email": "none"}
    assert (
        api(people["a"], "put", "/api/v1/notifications/preference", {"email": "x"}).status_code
        == 422
    )
