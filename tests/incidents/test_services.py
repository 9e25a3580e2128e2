"""A report's life along its route: draft, submit, receive, acknowledge, ask, answer, forward,
update, close; who may do each; what each party sees; the audit trail and the notices."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from shireito.core.models import AuditEvent
from shireito.incidents import selectors, services
from shireito.incidents.choices import EntryKind, HopStatus, ReportStatus
from shireito.incidents.models import IncidentReport
from shireito.notifications.models import Notification
from shireito.organizations.services import governance_configure
from tests.incidents.conftest import T0

H = dt.timedelta(hours=1)


def visible(user):
    return set(selectors.reports_visible_to(user).values_list("number", flat=True))


def test_a_draft_is_the_reporters_alone(draft, handlers):
    assert draft.number.startswith("IR2026-")
    assert draft.status == ReportStatus.DRAFT
    assert visible(handlers["pmda-editor"]) == {draft.number}
    for other in ("mhlw-handler", "ipa-handler", "nisc-handler", "ncsc-viewer"):
        assert visible(handlers[other]) == set()


def test_the_default_route_via_the_supervising_ministry(
    draft, handlers, government, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_submit(actor=handlers["pmda-editor"], report=draft, now=T0 + 2 * H)
    assert report.status == ReportStatus.OPEN
    assert report.route_key == "via-ministry"
    assert "report_routes" in report.route_rule
    hops = list(report.hops.order_by("position"))
    assert [h.organization.code for h in hops] == ["mhlw", "nisc"]
    assert [h.status for h in hops] == [HopStatus.RECEIVED, HopStatus.WAITING]
    # The ministry has it; NISC does not yet.
    assert draft.number in visible(handlers["mhlw-handler"])
    assert visible(handlers["nisc-handler"]) == set()
    assert (
        Notification.objects.filter(
            user=handlers["mhlw-handler"], kind="incidents.received"
        ).count()
        == 1
    )
    assert mail.outbox and "mhlw@example.jp" in mail.outbox[0].to


def test_the_reporter_may_choose_an_alternative_the_model_allows(draft, handlers):
    report = services.report_submit(
        actor=handlers["pmda-editor"], report=draft, route_key="via-ipa"
    )
    assert [h.organization.code for h in report.hops.order_by("position")] == ["ipa", "nisc"]


def test_a_route_the_model_does_not_allow_is_refused(draft, handlers):
    with pytest.raises(ValidationError) as error:
        services.report_submit(actor=handlers["pmda-editor"], report=draft, route_key="direct")
    assert "route" in error.value.message_dict
    draft.refresh_from_db()
    assert draft.status == ReportStatus.DRAFT
    assert not draft.hops.exists()


def test_an_admin_default_route_is_used(draft, handlers, government):
    from tests.factories import make_user

    admin = make_user(organization=government["da"], roles=["platform_admin"])
    governance_configure(
        actor=admin,
        active_model="digital-agency",
        open_question="none",
        route_choices={"kind:independent_agency": "via-ipa"},
    )
    report = services.report_submit(actor=handlers["pmda-editor"], report=draft)
    assert report.route_key == "via-ipa"


def test_the_whole_route_to_closing(draft, handlers, government):
    reporter, ministry, nisc = (
        handlers["pmda-editor"],
        handlers["mhlw-handler"],
        handlers["nisc-handler"],
    )
    report = services.report_submit(actor=reporter, report=draft, now=T0 + 2 * H)
    with pytest.raises(ValidationError):  # forward before acknowledging
        services.hop_forward(actor=ministry, report=report)
    with pytest.raises(PermissionDenied):  # NISC does not have it yet
        services.hop_acknowledge(actor=nisc, report=report)
    services.hop_acknowledge(actor=ministry, report=report, now=T0 + 3 * H)
    question = services.hop_comment(
        actor=ministry, report=report, kind="question", text="影響範囲は？", now=T0 + 4 * H
    )
    # The reporter's editor who wrote the report hears of the question.
    assert Notification.objects.filter(user=reporter, kind="incidents.question").count() == 1
    services.report_reply(
        actor=reporter, report=report, question=question, text="1台のみ", now=T0 + 5 * H
    )
    services.hop_comment(
        actor=ministry, report=report, kind="assessment", text="影響は限定的", now=T0 + 6 * H
    )
    services.hop_forward(actor=ministry, report=report, note="NISCへ", now=T0 + 7 * H)
    assert draft.number in visible(nisc)
    # Three parties now; the scoping subquery still yields the report once.
    assert selectors.reports_visible_to(ministry).count() == 1
    assert selectors.report_list(nisc, waiting_for_me=True).count() == 1
    assert selectors.report_list(ministry, waiting_for_me=True).count() == 0
    with pytest.raises(ValidationError):  # the ministry has passed it on
        services.hop_acknowledge(actor=ministry, report=report)
    services.report_update(
        actor=reporter, report=report, impact="high", note="2台目を確認", now=T0 + 8 * H
    )
    assert Notification.objects.filter(user=nisc, kind="incidents.update").exists()
    services.hop_acknowledge(actor=nisc, report=report, now=T0 + 9 * H)
    with pytest.raises(ValidationError):
        services.hop_forward(actor=nisc, report=report)  # the last hop closes instead
    with pytest.raises(PermissionDenied):
        services.report_close(actor=reporter, report=report, summary="x")
    closed = services.report_close(actor=nisc, report=report, summary="駆除完了", now=T0 + 10 * H)
    assert closed.status == ReportStatus.CLOSED
    kinds = [e.kind for e in selectors.timeline_of(closed)]
    assert kinds == [
        EntryKind.CREATED,
        EntryKind.SUBMITTED,
        EntryKind.RECEIVED,
        EntryKind.STAGE_FILED,
        EntryKind.ACKNOWLEDGED,
        EntryKind.QUESTION,
        EntryKind.UPDATE,
        EntryKind.ASSESSMENT,
        EntryKind.FORWARDED,
        EntryKind.RECEIVED,
        EntryKind.UPDATE,
        EntryKind.ACKNOWLEDGED,
        EntryKind.CLOSED,
    ]
    times = [e.at for e in selectors.timeline_of(closed)]
    assert times == sorted(times)
    # Every step is in the audit trail, filed under the reporter.
    events = AuditEvent.objects.filter(owner_organization_id=government["pmda"].pk)
    assert events.count() >= 10
    with pytest.raises(ValidationError):
        services.report_update(actor=reporter, report=closed, impact="low")


def test_only_handlers_of_the_hop_act(draft, handlers):
    report = services.report_submit(actor=handlers["pmda-editor"], report=draft)
    with pytest.raises(PermissionDenied):
        services.hop_acknowledge(actor=handlers["mhlw-viewer"], report=report)
    with pytest.raises(PermissionDenied):
        services.hop_acknowledge(actor=handlers["mhlw-editor"], report=report)


def test_only_the_reporter_submits(draft, handlers):
    with pytest.raises(PermissionDenied):
        services.report_submit(actor=handlers["mhlw-handler"], report=draft)


def test_bad_fields_are_named_and_nothing_is_written(handlers, systems):
    before = IncidentReport.objects.count()
    with pytest.raises(ValidationError) as error:
        services.report_create(
            actor=handlers["pmda-editor"],
            title="x",
            category="volcano",
            tlp="purple",
            aware_at=T0,
            detected_at=T0 + H,
            now=T0 + 2 * H,
        )
    assert {"category", "tlp"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError) as error:
        services.report_create(
            actor=handlers["pmda-editor"],
            title="x",
            category="malware",
            aware_at=T0,
            detected_at=T0 + H,
            now=T0 + 2 * H,
        )
    assert "aware_at" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.report_create(
            actor=handlers["pmda-editor"],
            title="x",
            category="malware",
            systems=[systems["mhlw-app"]],
        )
    assert "systems" in error.value.message_dict
    assert IncidentReport.objects.count() == before


def test_submitting_needs_the_essentials(handlers):
    draft = services.report_create(actor=handlers["pmda-editor"], title="t", category="other")
    with pytest.raises(ValidationError) as error:
        services.report_submit(actor=handlers["pmda-editor"], report=draft)
    assert {"aware_at", "narrative"} <= set(error.value.message_dict)


def test_a_ci_operator_reports_via_its_sector_ministry(handlers, systems):
    draft = services.report_create(
        actor=handlers["power-editor"],
        title="制御系への不正アクセス",
        category="unauthorized_access",
        detected_at=T0,
        aware_at=T0,
        narrative="n",
        systems=[systems["power-app"]],
        now=T0,
    )
    report = services.report_submit(actor=handlers["power-editor"], report=draft, now=T0 + H)
    assert [h.organization.code for h in report.hops.order_by("position")] == ["meti", "nisc"]
    assert {r.key for r in report.regimes.all()} == {"jp-electricity"}


def test_overdue_stages_notify_once(handlers, government):
    draft = services.report_create(
        actor=handlers["power-editor"],
        title="制御系への不正アクセス",
        category="unauthorized_access",
        detected_at=T0,
        aware_at=T0,
        narrative="n",
        now=T0,
    )
    report = services.report_submit(actor=handlers["power-editor"], report=draft, now=T0 + H)
    # The electricity preliminary report needs the systems, so the submission did not file it.
    assert selectors.overdue_clocks(IncidentReport.objects.all(), now=T0 + 23 * H) == []
    overdue = selectors.overdue_clocks(IncidentReport.objects.all(), now=T0 + 25 * H)
    assert [(r.number, c.stage.key) for r, c in overdue] == [(report.number, "preliminary")]
    # The dashboard shows it to the route's parties, not to others.
    assert len(selectors.overdue_for(handlers["meti-handler"], now=T0 + 25 * H)) == 1
    assert selectors.overdue_for(handlers["mhlw-handler"], now=T0 + 25 * H) == []
    raised = services.overdue_notify(now=T0 + 25 * H)
    assert raised == 2  # METI's incident handler and the operator's editor who wrote it
    assert (
        Notification.objects.filter(user=handlers["meti-handler"], kind="incidents.overdue").count()
        == 1
    )
    assert services.overdue_notify(now=T0 + 26 * H) == 0


def test_personal_data_found_later_brings_the_ppc_regime(draft, handlers):
    report = services.report_submit(actor=handlers["pmda-editor"], report=draft, now=T0 + 2 * H)
    assert {r.key for r in report.regimes.all()} == {"jp-government"}
    services.report_update(
        actor=handlers["pmda-editor"],
        report=report,
        personal_data=True,
        personal_data_count=1000,
        now=T0 + 3 * H,
    )
    assert {r.key for r in report.regimes.all()} == {"jp-government", "jp-ppc-breach"}
    # Its preliminary report is the reporter's to file: the PPC is not on the route.
    overdue = selectors.overdue_clocks(IncidentReport.objects.all(), now=T0 + 7 * 24 * H)
    assert [(c.regime.key, c.stage.key) for _r, c in overdue] == [("jp-ppc-breach", "preliminary")]


def test_after_submission_awareness_may_only_move_earlier(draft, handlers):
    report = services.report_submit(actor=handlers["pmda-editor"], report=draft, now=T0 + 2 * H)
    with pytest.raises(ValidationError) as error:
        services.report_update(
            actor=handlers["pmda-editor"], report=report, aware_at=T0 + 2 * H, now=T0 + 3 * H
        )
    assert set(error.value.message_dict) == {"aware_at"}
    services.report_update(
        actor=handlers["pmda-editor"], report=report, aware_at=T0 + H / 2, now=T0 + 3 * H
    )
    report.refresh_from_db()
    assert report.aware_at == T0 + H / 2


def test_a_report_does_not_pass_through_its_own_reporter(draft, handlers, government):
    # PMDA (an independent agency) made the IPA role's holder: its via-ipa route names itself.
    from shireito.organizations.models import RoleHolding
    from shireito.organizations.services import role_holding_ensure

    RoleHolding.objects.filter(role="ipa").delete()
    role_holding_ensure(actor=None, role="ipa", organization=government["pmda"], valid_from=None)
    with pytest.raises(ValidationError) as error:
        services.report_submit(actor=handlers["pmda-editor"], report=draft, route_key="via-ipa")
    assert set(error.value.message_dict) == {"route"}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"detected_at": __import__("datetime").datetime(1, 1, 1, 0, 0)}, "detected_at"),
        ({"narrative": "a\x00b"}, "narrative"),
        ({"indicators": [{"kind": "domain", "value": "x\x00.example"}]}, "indicators[0].value"),
        ({"indicators": [{"kind": "sha256", "value": "abc"}]}, "indicators[0].value"),
        ({"indicators": [{"kind": "ipv4", "value": "2001:db8::1"}]}, "indicators[0].value"),
    ],
)
def test_bad_values_are_refused_by_field(draft, handlers, fields, field):
    with pytest.raises(ValidationError) as error:
        services.report_update(actor=handlers["pmda-editor"], report=draft, **fields)
    assert field in error.value.message_dict


def test_a_stale_form_cannot_drop_indicators_saved_meanwhile(draft, handlers):
    read_at = IncidentReport.objects.get(pk=draft.pk).updated_at
    services.report_update(
        actor=handlers["pmda-editor"],
        report=draft,
        indicators=[
            {"kind": "ipv4", "value": "203.0.113.7", "description": "C2"},
            {"kind": "domain", "value": "evil.example"},
        ],
    )
    with pytest.raises(ValidationError):
        services.report_update(
            actor=handlers["pmda-editor"],
            report=draft,
            title="新しい題名",
            indicators=[{"kind": "ipv4", "value": "203.0.113.7", "description": "C2"}],
            expected_updated_at=read_at,
        )
    assert draft.indicators.count() == 2


def test_closed_reports_keep_their_overdue_stages_for_a_year(draft, handlers):
    report = services.report_submit(actor=handlers["pmda-editor"], report=draft, now=T0 + 2 * H)
    services.report_update(
        actor=handlers["pmda-editor"],
        report=report,
        personal_data=True,
        personal_data_count=3,
        now=T0 + 3 * H,
    )
    IncidentReport.objects.filter(pk=report.pk).update(status="closed", closed_at=T0 + 10 * H)
    week = selectors.overdue_clocks(IncidentReport.objects.all(), now=T0 + 7 * 24 * H)
    assert [(c.regime.key, c.stage.key) for _r, c in week] == [("jp-ppc-breach", "preliminary")]
    later = T0 + 10 * H + selectors.CLOSED_WATCH + H
    assert selectors.overdue_clocks(IncidentReport.objects.all(), now=later) == []
