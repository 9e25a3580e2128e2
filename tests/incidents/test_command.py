"""`shireito incidents notify-overdue|list|presets`: the overdue notices once per stage, the
reports a user may see as a table, and the shipped regimes."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from shireito.incidents import services
from shireito.incidents.models import ReportingRegime
from shireito.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _run(*args) -> list[str]:
    out = io.StringIO()
    call_command("incidents", *args, stdout=out)
    return out.getvalue().splitlines()


def test_notify_overdue_raises_each_notice_once(handlers):
    # given the power company's report, three days after awareness, without the systems its
    # sector's 24-hour preliminary report needs (so that stage is overdue)
    now = timezone.now()
    draft = services.report_create(
        actor=handlers["power-editor"],
        title="制御系への不正アクセス",
        category="unauthorized_access",
        aware_at=now - dt.timedelta(hours=72),
        narrative="n",
        now=now,
    )
    services.report_submit(actor=handlers["power-editor"], report=draft, now=now)
    before = Notification.objects.filter(kind="incidents.overdue").count()
    # when the command runs twice
    first = _run("notify-overdue")
    second = _run("notify-overdue")
    # then the sector ministry's handler is told once, and the second run raises nothing
    raised = Notification.objects.filter(kind="incidents.overdue").count() - before
    assert raised >= 1
    assert (
        Notification.objects.filter(kind="incidents.overdue", user=handlers["meti-handler"]).count()
        == 1
    )
    assert first[0].split()[0] == str(raised)
    assert second[0].split()[0] == "0"


def test_list_shows_the_reports_the_user_may_see(draft, handlers):
    other = services.report_create(
        actor=handlers["power-editor"], title="誤送信", category="misdelivery"
    )
    lines = _run("list", "--user", "pmda-editor")
    assert lines[0].split() == [
        "number",
        "status",
        "category",
        "tlp",
        "reporter",
        "submitted",
        "title",
    ]
    assert [line.split()[0] for line in lines[1:]] == [draft.number]
    assert lines[1].split()[:6] == [draft.number, "draft", "malware", "TLP:AMBER", "pmda", "-"]
    # the ministry sees nothing of a draft; the power company only its own
    assert _run("list", "--user", "mhlw-handler")[1:] == []
    assert [line.split()[0] for line in _run("list", "--user", "power-editor")[1:]] == [
        other.number
    ]
    # filters
    services.report_submit(actor=handlers["pmda-editor"], report=draft)
    assert [
        line.split()[0] for line in _run("list", "--user", "mhlw-handler", "--waiting")[1:]
    ] == [draft.number]
    assert _run("list", "--user", "pmda-editor", "--status", "closed")[1:] == []


def test_list_needs_a_known_user():
    with pytest.raises(CommandError):
        _run("list", "--user", "nobody")


def test_presets_installs_only_what_is_missing():
    ReportingRegime.objects.filter(key="eu-nis2").delete()
    assert _run("presets")[0].split()[0] == "1"
    assert ReportingRegime.objects.filter(key="eu-nis2").exists()
    assert _run("presets")[0].split()[0] == "0"
