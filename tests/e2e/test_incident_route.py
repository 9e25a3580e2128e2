"""An incident report along its route in the browser, by keyboard alone: an independent
agency's editor writes a draft and submits it on the default route, the supervising ministry's
incident handler acknowledges and forwards it, the national centre's handler acknowledges and
closes it; each step is checked on the report's timeline. The incident pages pass axe in
Japanese and English."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import make_organization, make_user

TAB_LIMIT = 250


@pytest.fixture
def government(transactional_db):
    """A ministry, an independent agency under it, the national centre holding its role, the
    agency's own system; an editor at the agency and an incident handler at each hop."""
    from shireito.incidents.regimes import install_presets
    from shireito.organizations.services import role_holding_ensure
    from shireito.registry.services import system_create

    install_presets()  # a transactional test starts from an emptied database
    ministry = make_organization(code="ir-ministry", name="試験省", name_en="Test Ministry")
    agency = make_organization(
        code="ir-agency",
        kind="independent_agency",
        parent=ministry,
        name="試験機構",
        name_en="Test Agency",
    )
    centre = make_organization(
        code="ir-centre", kind="national_cyber_centre", name="統括室", name_en="Cyber Centre"
    )
    role_holding_ensure(
        actor=None, role="national_cyber_centre", organization=centre, valid_from=None
    )
    system_create(
        actor=None,
        code="ir-agency-app",
        name="機構業務システム",
        name_en="Agency business system",
        owner=agency,
        category="independent_agency_system",
    )
    return {
        "ministry": ministry,
        "agency": agency,
        "centre": centre,
        "editor": make_user(organization=agency, roles=["editor"], username="ir-editor"),
        "ministry_handler": make_user(
            organization=ministry, roles=["incident_handler"], username="ir-ministry"
        ),
        "centre_handler": make_user(
            organization=centre, roles=["incident_handler"], username="ir-centre"
        ),
    }


def _focused(page, selector: str) -> bool:
    return page.evaluate(
        "(s) => !!document.activeElement && document.activeElement.matches(s)", selector
    )


def tab_to(page, selector: str, *, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the focused element matches ``selector``."""
    for _ in range(TAB_LIMIT):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        if _focused(page, selector):
            return
    raise AssertionError(f"Tab never reached {selector} on {page.url}")


def press_and_wait(page, key: str = "Enter") -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


def type_local_time(page, moment: dt.datetime) -> None:
    """Type a time into the focused datetime-local field, segment by segment as a keyboard
    user does (the browser's locale is en-US: month, day, year, hour, minute, AM/PM)."""
    local = timezone.localtime(moment)
    page.keyboard.type(local.strftime("%m%d%Y"))
    page.keyboard.press("ArrowRight")
    page.keyboard.type(local.strftime("%I%M"))
    page.keyboard.type("AM" if local.hour < 12 else "PM")


def _timeline_kinds(page) -> list[str]:
    return page.eval_on_selector_all(
        "#timeline > li", "items => items.map(item => item.dataset.kind)"
    )


def _hop_statuses(page) -> list[str]:
    return page.eval_on_selector_all(
        "#route-hops > li", "items => items.map(item => item.dataset.status)"
    )


def test_a_report_along_its_route_by_keyboard(live_server, new_page, government):
    from shireito.incidents.models import IncidentReport

    base = live_server.url
    aware = timezone.now() - dt.timedelta(hours=3)

    # The agency's editor writes a draft, in Japanese.
    editor = new_page(language="ja", base_url=base)
    sign_in(editor, base, "ir-editor")
    editor.goto(f"{base}/incidents/")
    assert_accessible(editor)
    tab_to(editor, "main a[href='/incidents/new/']")
    press_and_wait(editor)
    assert editor.url.endswith("/incidents/new/")
    assert_accessible(editor)
    tab_to(editor, "#id_title")
    editor.keyboard.type("不審な通信の検知")
    tab_to(editor, "#id_category")
    editor.keyboard.press("ArrowDown")  # the first category: malware
    tab_to(editor, "#id_aware_at")
    type_local_time(editor, aware)
    assert editor.input_value("#id_aware_at") == timezone.localtime(aware).strftime(
        "%Y-%m-%dT%H:%M"
    )
    tab_to(editor, "#id_narrative")
    editor.keyboard.type("業務端末から外部への不審な通信を検知した。")
    tab_to(editor, "#id_systems_0")
    editor.keyboard.press("Space")
    tab_to(editor, "#id_indicator-1-kind")
    editor.keyboard.press("ArrowDown")  # IPv4 address
    editor.keyboard.press("Tab")
    assert _focused(editor, "#id_indicator-1-value")
    editor.keyboard.type("198.51.100.23")
    tab_to(editor, "#report-form button[type=submit]")
    press_and_wait(editor)
    report = IncidentReport.objects.get()
    assert editor.url.endswith(f"/incidents/{report.number}/")
    assert report.status == "draft"
    assert [s.code for s in report.systems.all()] == ["ir-agency-app"]
    assert report.indicators.get().value == "198.51.100.23"
    assert _timeline_kinds(editor) == ["created"]
    assert_accessible(editor)

    # ... and submits it on the default route, through the ministry.
    tab_to(editor, f"main a[href='/incidents/{report.number}/submit/']")
    press_and_wait(editor)
    assert editor.is_checked("#route-via-ministry")
    assert_accessible(editor)
    tab_to(editor, "#submit-form button[type=submit]")
    press_and_wait(editor)
    report.refresh_from_db()
    assert (report.status, report.route_key) == ("open", "via-ministry")
    assert _hop_statuses(editor) == ["received", "waiting"]
    assert _timeline_kinds(editor)[:3] == ["created", "submitted", "received"]
    assert_accessible(editor)

    # The ministry's handler acknowledges and forwards, in English.
    ministry = new_page(language="en", base_url=base)
    sign_in(ministry, base, "ir-ministry")
    ministry.goto(f"{base}/incidents/{report.number}/")
    assert_accessible(ministry)
    tab_to(ministry, "#acknowledge-form button[type=submit]")
    press_and_wait(ministry)
    assert _hop_statuses(ministry) == ["acknowledged", "waiting"]
    assert _timeline_kinds(ministry)[-1] == "acknowledged"
    tab_to(ministry, "#id_forward-text")
    ministry.keyboard.type("Forwarded to the centre for analysis.")
    ministry.keyboard.press("Tab")
    assert _focused(ministry, "#forward-form button[type=submit]")
    press_and_wait(ministry)
    assert _hop_statuses(ministry) == ["forwarded", "received"]
    assert _timeline_kinds(ministry)[-2:] == ["forwarded", "received"]
    assert_accessible(ministry)

    # The centre's handler acknowledges and closes it.
    centre = new_page(language="en", base_url=base)
    sign_in(centre, base, "ir-centre")
    centre.goto(f"{base}/incidents/{report.number}/")
    tab_to(centre, "#acknowledge-form button[type=submit]")
    press_and_wait(centre)
    assert _hop_statuses(centre) == ["forwarded", "acknowledged"]
    assert_accessible(centre)
    tab_to(centre, "#id_close-text")
    centre.keyboard.type("The malware was removed; no data left the network.")
    centre.keyboard.press("Tab")
    assert _focused(centre, "#close-form button[type=submit]")
    press_and_wait(centre)
    assert _hop_statuses(centre) == ["forwarded", "closed"]
    assert _timeline_kinds(centre)[-1] == "closed"
    report.refresh_from_db()
    assert report.status == "closed"
    assert_accessible(centre)

    # The reporter sees the whole route on its timeline.
    editor.goto(f"{base}/incidents/{report.number}/")
    kinds = _timeline_kinds(editor)
    for kind in ("submitted", "acknowledged", "forwarded", "closed"):
        assert kind in kinds
    assert kinds.index("submitted") < kinds.index("forwarded") < kinds.index("closed")


@pytest.mark.parametrize("language", ["ja", "en"])
def test_incident_pages_are_accessible(live_server, new_page, government, language):
    from shireito.incidents import services

    base = live_server.url
    now = timezone.now()
    editor, handler = government["editor"], government["ministry_handler"]
    draft = services.report_create(
        actor=editor,
        title="下書き",
        category="data_leak",
        aware_at=now - dt.timedelta(hours=2),
        personal_data=True,
        personal_data_count=12,
        narrative="n",
        indicators=[{"kind": "domain", "value": "bad.example", "description": "phishing"}],
    )
    sent = services.report_create(
        actor=editor,
        title="提出済み",
        category="malware",
        aware_at=now - dt.timedelta(hours=30),
        narrative="n",
    )
    services.report_submit(actor=editor, report=sent)
    services.hop_comment(actor=handler, report=sent, kind="question", text="影響範囲は？")

    page = new_page(language=language, base_url=base)
    sign_in(page, base, "ir-editor")
    for path in [
        "/incidents/",
        f"/incidents/?status=open&search={sent.number}",
        "/incidents/new/",
        f"/incidents/{draft.number}/",
        f"/incidents/{draft.number}/edit/",
        f"/incidents/{draft.number}/submit/",
        f"/incidents/{sent.number}/",
        f"/incidents/{sent.number}/edit/",
        "/incidents/regimes/",
        "/incidents/notices/",
        "/incidents/stix/import/",
    ]:
        response = page.goto(f"{base}{path}")
        assert response.status == 200, path
        assert page.get_attribute("html", "lang") == language
        assert_accessible(page)
    # the form with its problems shown: an empty title and an indicator without a kind
    page.goto(f"{base}/incidents/new/")
    tab_to(page, "#id_indicator-2-value")
    page.keyboard.type("203.0.113.5")
    tab_to(page, "#report-form button[type=submit]")
    press_and_wait(page)
    assert page.locator(".error-summary a[href='#id_title']").count() == 1
    assert page.locator(".error-summary a[href='#id_indicator-2-kind']").count() == 1
    assert_accessible(page)

    handler_page = new_page(language=language, base_url=base)
    sign_in(handler_page, base, "ir-ministry")  # lands on the dashboard
    assert handler_page.locator(f"#table-waiting a[href='/incidents/{sent.number}/']").count()
    assert_accessible(handler_page)
    for path in [f"/incidents/{sent.number}/", "/incidents/notices/", "/incidents/?waiting=1"]:
        response = handler_page.goto(f"{base}{path}")
        assert response.status == 200, path
        assert_accessible(handler_page)
