"""The incident pages: the list, a draft's form and the reporter's updates, submitting along a
route, a report's page and every action on it as plain POST forms, the regimes page and its
admin edit, the notices and the dashboard. Assertions look at ids, statuses and the database,
not at English text (pages render in Japanese by default)."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from shireito.core.models import AuditEvent
from shireito.incidents import services
from shireito.incidents.choices import EntryKind, HopStatus, ReportStatus
from shireito.incidents.models import (
    IncidentReport,
    RegimeStage,
    ReportingRegime,
    StageFiling,
)
from shireito.notifications.models import Notification
from tests.factories import make_user
from tests.incidents.conftest import T0

pytestmark = pytest.mark.django_db

H = dt.timedelta(hours=1)


def _local(moment: dt.datetime) -> str:
    """A datetime-local input's value in the site's time zone."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _form(**changes) -> dict:
    """A complete, valid draft form as posted (the indicator rows are 1-5)."""
    now = timezone.now()
    data = {
        "title": "不正アクセス",
        "category": "unauthorized_access",
        "impact": "medium",
        "impact_description": "",
        "detected_at": _local(now - 3 * H),
        "aware_at": _local(now - 2 * H),
        "personal_data_count": "",
        "ransom_paid_at": "",
        "tlp": "amber",
        "narrative": "管理画面への不正ログインを検知した。",
        "indicator_rows": "5",
    }
    for number in range(1, 6):
        data[f"indicator-{number}-kind"] = ""
        data[f"indicator-{number}-value"] = ""
        data[f"indicator-{number}-description"] = ""
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _submitted(draft, handlers, **kwargs):
    return services.report_submit(actor=handlers["pmda-editor"], report=draft, **kwargs)


def _messages(response) -> list[str]:
    return [m.level_tag for m in response.context["messages"]] if response.context else []


# --- the list ------------------------------------------------------------------------------


def test_the_list_shows_what_each_user_may_see(client, draft, handlers):
    # given PMDA's draft
    # when the reporter lists reports
    client.force_login(handlers["pmda-editor"])
    page = client.get("/incidents/")
    # then the draft is there, and the reporter may start a new one
    html = page.content.decode()
    assert page.status_code == 200
    assert f'href="/incidents/{draft.number}/"' in html
    assert 'href="/incidents/new/"' in html
    assert "TLP:AMBER" in html
    # and the ministry, the centre and an overseas body see nothing of a draft
    for other in ("mhlw-handler", "nisc-handler", "ncsc-viewer"):
        client.force_login(handlers[other])
        assert draft.number not in client.get("/incidents/").content.decode()


def test_a_viewer_gets_no_new_report_link_and_no_form(client, handlers):
    client.force_login(handlers["mhlw-viewer"])
    assert 'href="/incidents/new/"' not in client.get("/incidents/").content.decode()
    assert client.get("/incidents/new/").status_code == 403
    assert client.post("/incidents/new/", _form()).status_code == 403
    assert not IncidentReport.objects.exists()


def test_the_list_filters_and_searches(client, draft, handlers):
    other = services.report_create(
        actor=handlers["pmda-editor"], title="誤送信", category="misdelivery"
    )
    _submitted(draft, handlers)
    client.force_login(handlers["pmda-editor"])

    def numbers(**query):
        html = client.get("/incidents/", query).content.decode()
        return set(re.findall(r'href="/incidents/(IR[0-9-]+)/"', html))

    assert numbers() == {draft.number, other.number}
    assert numbers(status="open") == {draft.number}
    assert numbers(status="draft") == {other.number}
    assert numbers(category="misdelivery") == {other.number}
    assert numbers(search="誤送") == {other.number}
    assert numbers(search=draft.number) == {draft.number}
    assert numbers(status="bogus") == {draft.number, other.number}  # an unknown filter is ignored
    # waiting for my organisation: the ministry has the submitted report, the reporter none
    assert numbers(waiting="1") == set()
    client.force_login(handlers["mhlw-handler"])
    assert numbers(waiting="1") == {draft.number}


def test_the_list_answers_htmx_with_the_results_alone(client, draft, handlers):
    client.force_login(handlers["pmda-editor"])
    partial = client.get("/incidents/", {"search": draft.number}, HTTP_HX_REQUEST="true")
    html = partial.content.decode()
    assert html.lstrip().startswith('<div id="results"')
    assert "<html" not in html
    assert draft.number in html


# --- a new draft ---------------------------------------------------------------------------


def test_the_form_offers_the_reporters_own_systems_only(client, handlers, systems):
    client.force_login(handlers["pmda-editor"])
    html = client.get("/incidents/new/").content.decode()
    assert f'value="{systems["pmda-app"].pk}"' in html
    for code in ("mhlw-app", "power-app", "meti-app"):
        assert f'value="{systems[code].pk}"' not in html
    # every TLP level is a radio with its name shown as text
    for level in ("TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED"):
        assert level in html
    assert html.count('type="radio" name="tlp"') == 5
    assert 'type="datetime-local" name="aware_at"' in html
    assert html.count('name="indicator-') == 5 * 4


def test_a_draft_is_saved_with_its_systems_and_indicators(client, handlers, systems):
    client.force_login(handlers["pmda-editor"])
    response = client.post(
        "/incidents/new/",
        _form(
            detected_at="2026-11-02T09:00",
            aware_at="2026-11-02T10:30",
            systems=[systems["pmda-app"].pk],
            personal_data="on",
            personal_data_count="3",
            **{
                "indicator-1-kind": "ipv4",
                "indicator-1-value": "203.0.113.9",
                "indicator-1-description": "C2",
                "indicator-1-shareable": "on",
                # row 2 left empty: skipped
                "indicator-3-kind": "domain",
                "indicator-3-value": "bad.example",
            },
        ),
    )
    report = IncidentReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/incidents/{report.number}/"
    assert report.status == ReportStatus.DRAFT
    assert report.reporter.code == "pmda"
    assert report.category == "unauthorized_access"
    # the times are read in Japan time (UTC+9)
    assert report.detected_at == dt.datetime(2026, 11, 2, 0, 0, tzinfo=dt.UTC)
    assert report.aware_at == dt.datetime(2026, 11, 2, 1, 30, tzinfo=dt.UTC)
    assert (report.personal_data, report.personal_data_count) == (True, 3)
    assert [s.code for s in report.systems.all()] == ["pmda-app"]
    assert [(i.kind, i.value, i.shareable) for i in report.indicators.all()] == [
        ("ipv4", "203.0.113.9", True),
        ("domain", "bad.example", False),
    ]


@pytest.mark.parametrize(
    ("changes", "field_id"),
    [
        # awareness before detection: the service's rule, on its field
        ({"detected_at": "2026-11-02T10:00", "aware_at": "2026-11-02T09:00"}, "id_aware_at"),
        # the form's own check
        ({"title": ""}, "id_title"),
        ({"category": "volcano"}, "id_category"),
        ({"tlp": "purple"}, "id_tlp_0"),
        ({"personal_data_count": "-1"}, "id_personal_data_count"),
        # a count without personal data: the service names the checkbox
        ({"personal_data_count": "4"}, "id_personal_data"),
        # an indicator's problem is named by its row
        ({"indicator-2-value": "203.0.113.1"}, "id_indicator-2-kind"),
        ({"indicator-4-kind": "ipv4", "indicator-4-description": "x"}, "id_indicator-4-value"),
    ],
)
def test_bad_fields_are_shown_on_their_field_and_nothing_is_saved(
    client, handlers, changes, field_id
):
    client.force_login(handlers["pmda-editor"])
    response = client.post("/incidents/new/", _form(**changes))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in html
    assert f'href="#{field_id}"' in html
    assert not IncidentReport.objects.exists()


def test_another_organizations_system_is_refused(client, handlers, systems):
    client.force_login(handlers["pmda-editor"])
    response = client.post("/incidents/new/", _form(systems=[systems["mhlw-app"].pk]))
    assert 'href="#id_systems_0"' in response.content.decode()
    assert not IncidentReport.objects.exists()


# --- editing and updating ----------------------------------------------------------------


def test_the_draft_form_holds_the_report_and_saves_changes(client, draft, handlers, systems):
    client.force_login(handlers["pmda-editor"])
    html = client.get(f"/incidents/{draft.number}/edit/").content.decode()
    assert 'value="203.0.113.7"' in html  # the indicator is in row 1
    assert f'value="{_local(draft.aware_at)}"' in html
    data = _form(
        title="マルウェア感染 (2台)",
        category="malware",
        detected_at=_local(draft.detected_at),
        aware_at=_local(draft.aware_at),
        systems=[systems["pmda-app"].pk],
        record_version=draft.version,
        **{
            "indicator-1-kind": "ipv4",
            "indicator-1-value": "203.0.113.7",
            "indicator-1-description": "C2",
            "indicator-1-shareable": "on",
        },
    )
    response = client.post(f"/incidents/{draft.number}/edit/", data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "マルウェア感染 (2台)"
    assert draft.aware_at == T0 + H  # unchanged
    assert draft.indicators.count() == 1
    # a second save from the same (now stale) form is refused, not applied over the first
    stale = client.post(f"/incidents/{draft.number}/edit/", {**data, "title": "古い"})
    assert stale.status_code == 200
    assert 'class="error-summary"' in stale.content.decode()
    draft.refresh_from_db()
    assert draft.title == "マルウェア感染 (2台)"


def test_only_the_reporting_organization_edits(client, draft, handlers):
    _submitted(draft, handlers)
    client.force_login(handlers["mhlw-handler"])  # sees the report, may not change it
    assert client.get(f"/incidents/{draft.number}/edit/").status_code == 403
    assert client.post(f"/incidents/{draft.number}/edit/", _form()).status_code == 403
    client.force_login(handlers["nisc-handler"])  # not reached yet
    assert client.get(f"/incidents/{draft.number}/edit/").status_code == 404


def test_after_submitting_the_reporter_adds_an_update_with_a_note(client, draft, handlers):
    report = _submitted(draft, handlers)
    client.force_login(handlers["pmda-editor"])
    page = client.get(f"/incidents/{report.number}/edit/").content.decode()
    assert 'name="note"' in page
    response = client.post(
        f"/incidents/{report.number}/edit/",
        _form(
            title=report.title,
            category=report.category,
            impact="high",
            detected_at=_local(report.detected_at),
            aware_at=_local(report.aware_at),
            narrative=report.narrative,
            note="2台目を確認",
            record_version=IncidentReport.objects.get(pk=report.pk).version,
            **{"indicator-1-kind": "ipv4", "indicator-1-value": "203.0.113.7"},
            **{"indicator-1-description": "C2", "indicator-1-shareable": "on"},
        ),
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.impact == "high"
    update = report.timeline.get(kind=EntryKind.UPDATE)
    assert update.text == "2台目を確認"
    assert "impact" in update.details["fields"]
    assert Notification.objects.filter(
        user=handlers["mhlw-handler"], kind="incidents.update"
    ).exists()


# --- submitting ----------------------------------------------------------------------------


def test_the_submit_page_shows_the_routes_and_regimes(client, draft, handlers):
    client.force_login(handlers["pmda-editor"])
    response = client.get(f"/incidents/{draft.number}/submit/")
    html = response.content.decode()
    assert response.status_code == 200
    radios = re.findall(r'<input type="radio" name="route_key"[^>]*>', html)
    assert len(radios) == 2
    assert 'value="via-ministry"' in radios[0] and "checked" in radios[0]
    assert 'value="via-ipa"' in radios[1] and "checked" not in radios[1]
    # each route's hops in order
    hops = re.search(r'id="route-via-ministry-hops">\s*<ol>(.*?)</ol>', html, re.S).group(1)
    assert hops.index(str(handlers["mhlw-handler"].organization)) < hops.index(
        str(handlers["nisc-handler"].organization)
    )
    assert "政府機関等のインシデント報告" in html  # the government regime will apply


def test_submitting_on_the_chosen_route(client, draft, handlers):
    client.force_login(handlers["pmda-editor"])
    response = client.post(f"/incidents/{draft.number}/submit/", {"route_key": "via-ipa"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == ReportStatus.OPEN
    assert [h.organization.code for h in draft.hops.order_by("position")] == ["ipa", "nisc"]
    # submitted once: the page now sends the reporter back to the report
    again = client.get(f"/incidents/{draft.number}/submit/")
    assert again.status_code == 302


def test_a_route_the_model_does_not_allow_is_shown_as_an_error(client, draft, handlers):
    client.force_login(handlers["pmda-editor"])
    response = client.post(f"/incidents/{draft.number}/submit/", {"route_key": "direct"})
    assert response.status_code == 200
    assert 'class="error-summary"' in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == ReportStatus.DRAFT
    assert not draft.hops.exists()


def test_submitting_without_the_essentials_names_them(client, handlers):
    bare = services.report_create(actor=handlers["pmda-editor"], title="t", category="other")
    client.force_login(handlers["pmda-editor"])
    response = client.post(f"/incidents/{bare.number}/submit/", {"route_key": "via-ministry"})
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert html.count("<li>", html.index("error-summary")) >= 2  # aware_at and narrative
    bare.refresh_from_db()
    assert bare.status == ReportStatus.DRAFT


def test_only_the_reporter_submits(client, draft, handlers):
    make_user(username="pmda-viewer", organization=draft.reporter, roles=["viewer"])
    from shireito.accounts.models import User

    client.force_login(User.objects.get(username="pmda-viewer"))
    assert client.get(f"/incidents/{draft.number}/submit/").status_code == 403
    assert client.post(f"/incidents/{draft.number}/submit/", {}).status_code == 403
    draft.refresh_from_db()
    assert draft.status == ReportStatus.DRAFT


# --- a report's page -----------------------------------------------------------------------


def test_the_report_page_is_for_its_parties_only(client, draft, handlers):
    client.force_login(handlers["pmda-editor"])
    page = client.get(f"/incidents/{draft.number}/")
    assert page.status_code == 200
    assert f'href="/incidents/{draft.number}/submit/"' in page.content.decode()
    client.force_login(handlers["mhlw-handler"])
    assert client.get(f"/incidents/{draft.number}/").status_code == 404
    assert client.get("/incidents/IR2026-99999/").status_code == 404
    client.logout()
    assert client.get(f"/incidents/{draft.number}/").status_code == 302  # to sign in


def test_the_report_page_shows_the_route_timeline_and_clocks(client, draft, handlers):
    report = _submitted(draft, handlers, now=T0 + 2 * H)
    client.force_login(handlers["mhlw-handler"])
    html = client.get(f"/incidents/{report.number}/").content.decode()
    route = re.search(r'<ol class="route" id="route-hops">(.*?)</ol>\s*</section>', html, re.S)
    assert route is not None
    assert re.findall(r'data-status="(\w+)"', route.group(1)) == ["received", "waiting"]
    kinds = re.findall(r'<li id="entry-\d+" data-kind="(\w+)"', html)
    assert kinds == ["created", "submitted", "received", "stage_filed"]
    assert '<time datetime="2026-11-02T' in html
    assert re.findall(r'<tr data-state="(\w+)"', html) == ["filed"]
    assert 'id="acknowledge-form"' in html
    assert "203.0.113.7" in html  # the indicator


def test_actions_are_offered_only_to_who_may_use_them(client, draft, handlers):
    report = _submitted(draft, handlers)
    # the reporter: no hop actions
    client.force_login(handlers["pmda-editor"])
    html = client.get(f"/incidents/{report.number}/").content.decode()
    assert 'id="acknowledge-form"' not in html and 'id="question-form"' not in html
    assert f'href="/incidents/{report.number}/edit/"' in html
    # a viewer of the ministry sees the report but may not handle it
    client.force_login(handlers["mhlw-viewer"])
    html = client.get(f"/incidents/{report.number}/").content.decode()
    assert 'id="acknowledge-form"' not in html
    assert f'href="/incidents/{report.number}/edit/"' not in html
    assert client.post(f"/incidents/{report.number}/acknowledge/").status_code == 403
    # and the ministry's handler gets acknowledge, question and assessment, not yet forward
    client.force_login(handlers["mhlw-handler"])
    html = client.get(f"/incidents/{report.number}/").content.decode()
    assert 'id="acknowledge-form"' in html and 'id="question-form"' in html
    assert 'id="forward-form"' not in html and 'id="close-form"' not in html


def test_the_whole_route_through_the_pages(client, draft, handlers, government):
    reporter, ministry, nisc = (
        handlers["pmda-editor"],
        handlers["mhlw-handler"],
        handlers["nisc-handler"],
    )
    number = draft.number
    url = f"/incidents/{number}/"

    def report():
        return IncidentReport.objects.get(number=number)

    def hop(code):
        return report().hops.get(organization__code=code)

    # the reporter submits on the default route
    client.force_login(reporter)
    assert client.post(f"{url}submit/", {"route_key": "via-ministry"})["Location"] == url
    assert report().status == ReportStatus.OPEN
    assert hop("mhlw").status == HopStatus.RECEIVED

    # the ministry acknowledges, asks a question and adds an assessment
    client.force_login(ministry)
    response = client.post(f"{url}acknowledge/")
    assert (response.status_code, response["Location"]) == (302, url)
    assert hop("mhlw").status == HopStatus.ACKNOWLEDGED
    assert hop("mhlw").acknowledged_at is not None
    followed = client.get(url)
    assert "success" in _messages(followed)
    assert 'id="forward-form"' in followed.content.decode()
    client.post(f"{url}comment/", {"kind": "question", "question-text": "影響範囲は？"})
    question = report().timeline.get(kind=EntryKind.QUESTION)
    assert question.text == "影響範囲は？"
    assert question.organization.code == "mhlw"
    client.post(f"{url}comment/", {"kind": "assessment", "assessment-text": "影響は限定的"})
    assert report().timeline.filter(kind=EntryKind.ASSESSMENT).count() == 1

    # the reporter answers the question, linked to it
    client.force_login(reporter)
    html = client.get(url).content.decode()
    assert f'action="/incidents/{number}/reply/{question.pk}/"' in html
    client.post(f"{url}reply/{question.pk}/", {f"reply-{question.pk}-text": "1台のみ"})
    answer = report().timeline.get(reply_to=question)
    assert (answer.kind, answer.text) == (EntryKind.UPDATE, "1台のみ")
    html = client.get(url).content.decode()
    assert f'href="#entry-{question.pk}"' in html  # the answer links to its question

    # the ministry forwards to the centre
    client.force_login(ministry)
    client.post(f"{url}forward/", {"forward-text": "NISCへ"})
    assert hop("mhlw").status == HopStatus.FORWARDED
    assert hop("nisc").status == HopStatus.RECEIVED
    # No longer the ministry's: a second click is told so, and nothing changes.
    assert client.post(f"{url}acknowledge/").status_code == 302
    assert hop("mhlw").status == HopStatus.FORWARDED

    # the centre acknowledges; closing needs a summary
    client.force_login(nisc)
    client.post(f"{url}acknowledge/")
    assert hop("nisc").status == HopStatus.ACKNOWLEDGED
    html = client.get(url).content.decode()
    assert 'id="close-form"' in html and 'id="forward-form"' not in html
    empty = client.post(f"{url}close/", {"close-text": "  "})
    assert empty.status_code == 200
    assert 'href="#id_close-text"' in empty.content.decode()
    assert report().status == ReportStatus.OPEN
    closed = client.post(f"{url}close/", {"close-text": "駆除完了"})
    assert closed.status_code == 302
    assert (report().status, report().closing_summary) == (ReportStatus.CLOSED, "駆除完了")
    assert hop("nisc").status == HopStatus.CLOSED

    # the timeline has every step in time order, and the reporter can no longer edit
    kinds = [e.kind for e in report().timeline.all()]
    assert kinds == [
        EntryKind.CREATED,
        EntryKind.SUBMITTED,
        EntryKind.RECEIVED,
        EntryKind.STAGE_FILED,
        EntryKind.ACKNOWLEDGED,
        EntryKind.QUESTION,
        EntryKind.ASSESSMENT,
        EntryKind.UPDATE,
        EntryKind.FORWARDED,
        EntryKind.RECEIVED,
        EntryKind.ACKNOWLEDGED,
        EntryKind.CLOSED,
    ]
    client.force_login(reporter)
    html = client.get(url).content.decode()
    assert f'href="/incidents/{number}/edit/"' not in html
    assert client.get(f"{url}edit/").status_code == 302
    # The editor who wrote the report heard of the question, the assessment and the closing.
    assert set(
        Notification.objects.filter(user__organization=government["pmda"]).values_list(
            "kind", flat=True
        )
    ) == {"incidents.question", "incidents.assessment", "incidents.closed"}


def test_a_refused_step_is_shown_as_a_message(client, draft, handlers):
    report = _submitted(draft, handlers)
    client.force_login(handlers["mhlw-handler"])
    client.post(f"/incidents/{report.number}/acknowledge/")
    again = client.post(f"/incidents/{report.number}/acknowledge/", follow=True)
    assert _messages(again)[-1] == "error"
    # an empty question is shown on its field; an unknown kind is not found
    empty = client.post(f"/incidents/{report.number}/comment/", {"kind": "question"})
    assert empty.status_code == 200
    assert 'href="#id_question-text"' in empty.content.decode()
    assert client.post(f"/incidents/{report.number}/comment/", {"kind": "x"}).status_code == 404
    assert client.get(f"/incidents/{report.number}/acknowledge/").status_code == 405


def test_a_reply_to_something_that_is_not_a_question_is_refused(client, draft, handlers):
    report = _submitted(draft, handlers)
    submitted = report.timeline.get(kind=EntryKind.SUBMITTED)
    client.force_login(handlers["pmda-editor"])
    response = client.post(
        f"/incidents/{report.number}/reply/{submitted.pk}/", {f"reply-{submitted.pk}-text": "x"}
    )
    assert response.status_code == 200
    assert not report.timeline.filter(reply_to=submitted).exists()
    assert client.post(f"/incidents/{report.number}/reply/999999/", {}).status_code == 404


# --- regime stages -------------------------------------------------------------------------


def test_filing_a_stage_names_what_is_missing_then_files(client, handlers, systems):
    # given the power company's report without its systems, submitted (the sector regime's
    # preliminary report needs them)
    now = timezone.now()
    draft = services.report_create(
        actor=handlers["power-editor"],
        title="制御系への不正アクセス",
        category="unauthorized_access",
        aware_at=now - 2 * H,
        narrative="n",
        now=now,
    )
    report = services.report_submit(actor=handlers["power-editor"], report=draft, now=now)
    stage = RegimeStage.objects.get(regime__key="jp-electricity", key="preliminary")
    client.force_login(handlers["power-editor"])
    html = client.get(f"/incidents/{report.number}/").content.decode()
    assert f'action="/incidents/{report.number}/stages/{stage.pk}/file/"' in html
    # when filing it
    refused = client.post(f"/incidents/{report.number}/stages/{stage.pk}/file/", follow=True)
    # then it is refused with a message naming the missing field, and nothing is filed
    assert _messages(refused)[-1] == "error"
    assert not StageFiling.objects.filter(report=report, stage=stage).exists()
    # once the systems are given, it files
    services.report_update(
        actor=handlers["power-editor"], report=report, systems=[systems["power-app"]]
    )
    client.post(f"/incidents/{report.number}/stages/{stage.pk}/file/")
    assert StageFiling.objects.filter(report=report, stage=stage).exists()
    # only the reporter files
    client.force_login(handlers["meti-handler"])
    other = RegimeStage.objects.get(regime__key="jp-electricity", key="detailed")
    assert client.post(f"/incidents/{report.number}/stages/{other.pk}/file/").status_code == 403
    # a stage of a regime not on the report is not found
    foreign = RegimeStage.objects.exclude(regime__key="jp-electricity").first()
    client.force_login(handlers["power-editor"])
    assert client.post(f"/incidents/{report.number}/stages/{foreign.pk}/file/").status_code == 404


# --- the regimes page ----------------------------------------------------------------------


def test_every_signed_in_user_reads_the_regimes(client, handlers):
    client.force_login(handlers["ncsc-viewer"])
    response = client.get("/incidents/regimes/")
    html = response.content.decode()
    assert response.status_code == 200
    for regime in ReportingRegime.objects.all():
        assert f'id="regime-{regime.key}"' in html
    assert "/edit/" not in html.split("<main", 1)[1]
    assert client.get("/incidents/regimes/jp-electricity/edit/").status_code == 403
    assert client.post("/incidents/regimes/jp-electricity/edit/", {}).status_code == 403


def test_a_platform_admin_changes_a_regime(client, government, handlers, demo_mode):
    admin = make_user(organization=government["da"], roles=["platform_admin"])
    regime = ReportingRegime.objects.get(key="jp-electricity")
    preliminary, detailed = regime.stages.order_by("position")
    client.force_login(admin)
    assert (
        'href="/incidents/regimes/jp-electricity/edit/"'
        in client.get("/incidents/regimes/").content.decode()
    )
    form = client.get("/incidents/regimes/jp-electricity/edit/").content.decode()
    assert f'name="stage-{preliminary.pk}-hours" value="24"' in form
    response = client.post(
        "/incidents/regimes/jp-electricity/edit/",
        {
            "organizations": "jetro\npower",
            f"stage-{preliminary.pk}-hours": "12",
            f"stage-{detailed.pk}-hours": "720",
        },
    )
    assert response.status_code == 302
    regime.refresh_from_db()
    preliminary.refresh_from_db()
    assert regime.active is False  # the box was left unticked
    assert sorted(regime.organizations.values_list("code", flat=True)) == ["jetro", "power"]
    assert preliminary.offset == dt.timedelta(hours=12)
    events = AuditEvent.objects.filter(actor_id=admin.pk)
    assert {e.object_type for e in events} == {
        "incidents.reportingregime",
        "incidents.regimestage",
    }


@pytest.mark.parametrize(
    ("changes", "field_id"),
    [({"organizations": "no-such-org"}, "id_organizations"), ({"hours": "0"}, "stage")],
)
def test_a_bad_regime_change_is_refused_whole(client, government, changes, field_id, demo_mode):
    admin = make_user(organization=government["da"], roles=["platform_admin"])
    regime = ReportingRegime.objects.get(key="jp-electricity")
    preliminary, detailed = regime.stages.order_by("position")
    client.force_login(admin)
    data = {
        "active": "on",
        "organizations": changes.get("organizations", ""),
        f"stage-{preliminary.pk}-hours": changes.get("hours", "6"),
        f"stage-{detailed.pk}-hours": "720",
    }
    response = client.post("/incidents/regimes/jp-electricity/edit/", data)
    html = response.content.decode()
    assert response.status_code == 200
    expected = f"id_stage-{preliminary.pk}-hours" if field_id == "stage" else field_id
    assert f'href="#{expected}"' in html
    preliminary.refresh_from_db()
    assert preliminary.offset == dt.timedelta(hours=24)
    assert not regime.organizations.exists()


# --- notices and the dashboard -------------------------------------------------------------


def test_notices_are_listed_newest_first_and_marked_read(client, draft, handlers):
    report = _submitted(draft, handlers)
    services.hop_acknowledge(actor=handlers["mhlw-handler"], report=report)
    services.report_update(actor=handlers["pmda-editor"], report=report, note="追記")
    ministry = handlers["mhlw-handler"]
    client.force_login(ministry)
    # the header links to the one notifications page, with the unread count
    home = client.get("/").content.decode()
    assert 'href="/notifications/"' in home
    assert "tag tag--warning" in home.split('href="/notifications/"', 1)[1].split("</a>")[0]
    # the old address leads there, to the incident reports' notifications
    old = client.get("/incidents/notices/")
    assert old.status_code == 302 and old["Location"] == "/notifications/?app=incidents"
    html = client.get(old["Location"]).content.decode()
    ids = [int(i) for i in re.findall(r'<li id="notification-(\d+)" data-read="0"', html)]
    expected = list(Notification.objects.filter(user=ministry).values_list("pk", flat=True))
    assert ids == expected and len(ids) == 2  # received, then the update: newest first
    assert report.number in html
    assert f'href="/incidents/{report.number}/"' in html
    # marking read at the old address still works
    assert client.post("/incidents/notices/read/").status_code == 302
    assert not Notification.objects.filter(user=ministry, read_at=None).exists()
    html = client.get("/notifications/").content.decode()
    assert 'data-read="0"' not in html
    assert 'id="notifications-read-form"' not in html
    assert client.get("/incidents/notices/read/").status_code == 405


def test_the_dashboard_shows_overdue_stages_and_reports_waiting(client, handlers):
    # given the power company's report, submitted three days after becoming aware, without
    # the systems its sector's 24-hour preliminary report needs
    now = timezone.now()
    draft = services.report_create(
        actor=handlers["power-editor"],
        title="停電を伴う攻撃",
        category="unauthorized_access",
        aware_at=now - 72 * H,
        narrative="n",
        now=now,
    )
    report = services.report_submit(actor=handlers["power-editor"], report=draft, now=now)
    # when the reporter and the sector ministry open the control tower
    client.force_login(handlers["power-editor"])
    html = client.get("/").content.decode()
    overdue = re.search(r'id="table-overdue">(.*?)</table>', html, re.S)
    assert overdue and report.number in overdue.group(1)
    assert 'id="table-waiting"' not in html
    client.force_login(handlers["meti-handler"])
    html = client.get("/").content.decode()
    waiting = re.search(r'id="table-waiting">(.*?)</table>', html, re.S)
    assert waiting and report.number in waiting.group(1)
    assert report.number in re.search(r'id="table-overdue">(.*?)</table>', html, re.S).group(1)
    # and the centre, which the report has not reached, sees neither
    client.force_login(handlers["nisc-handler"])
    assert report.number not in client.get("/").content.decode()


def test_a_service_error_on_an_indicator_lands_on_its_row(handlers, systems):
    # given a form whose rows 2 and 4 are filled (the service sees them as items 0 and 1)
    from django.core.exceptions import ValidationError

    from shireito.core.forms import add_service_errors
    from shireito.incidents.forms import ReportForm
    from shireito.registry.models import InformationSystem

    form = ReportForm(
        _form(
            **{
                "indicator-2-kind": "ipv4",
                "indicator-2-value": "203.0.113.1",
                "indicator-4-kind": "url",
                "indicator-4-value": "https://bad.example/",
            }
        ),
        systems=InformationSystem.objects.filter(owner__code="pmda"),
    )
    assert form.is_valid(), form.errors
    assert len(form.service_arguments()["indicators"]) == 2
    # when the service refuses the second item's value
    add_service_errors(
        form, form.service_error(ValidationError({"indicators[1].value": "x", "title": "y"}))
    )
    # then the error is on row 4's value, and the others on their fields
    assert form.errors["indicator-4-value"] == ["x"]
    assert form.errors["title"] == ["y"]
