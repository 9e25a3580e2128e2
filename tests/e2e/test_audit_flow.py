"""An audit end to end in the browser: the national centre plans it, the ministry assesses
itself, the auditor reviews, finds, reports and closes, the ministry corrects, the auditor
verifies, and the Digital Agency follows the finding up. Every audit page passes axe."""

import datetime as dt

import pytest

from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import make_user

CATALOG = b"""id,parent,kind,title,statement,guidance
1,,part,Organisation,,
1.1,1,measure,Policy,Keep a policy.,
1.2,1,measure,Roles,Name the roles.,
2,,part,Technical,,
2.1,2,measure,Patching,Patch in time.,
"""


@pytest.fixture
def audit_setting(people):
    from shireito.organizations.models import Organization
    from shireito.registry.models import InformationSystem
    from shireito.standards.importers import import_catalog

    centre = Organization.objects.get(code="e2e-centre")
    make_user(organization=centre, roles=["auditor"], username="e2e-centre-auditor")
    catalog = import_catalog(
        CATALOG, fmt="csv", actor=None, key="e2e-baseline", title="試験基準", owner=centre
    ).catalog
    return {
        "ministry": people["organization"],
        "system": InformationSystem.objects.get(code="e2e-system"),
        "catalog": catalog,
    }


def _submit(page, form="main form"):
    page.locator(f"{form} button[type=submit]").last.click()
    page.wait_for_load_state()


def test_an_audit_from_plan_to_follow_up(live_server, new_page, people, audit_setting):
    from shireito.audits.models import Audit

    base = live_server.url
    today = dt.date.today()
    auditor = new_page(language="en", base_url=base)
    sign_in(auditor, base, "e2e-centre-auditor")

    # Plan: an unmandated kind is refused with the rule; the security audit is accepted.
    auditor.goto(f"{base}/audits/new/")
    auditor.select_option("#id_kind", "service_assurance")
    auditor.select_option("#id_auditee", str(audit_setting["ministry"].pk))
    auditor.select_option("#id_systems", [str(audit_setting["system"].pk)])
    auditor.select_option("#id_baseline", str(audit_setting["catalog"].pk))
    auditor.fill("#id_fiscal_year", str(today.year))
    auditor.fill("#id_period_start", (today - dt.timedelta(days=30)).isoformat())
    auditor.fill("#id_period_end", (today + dt.timedelta(days=60)).isoformat())
    _submit(auditor)
    assert "no audit mandate" in auditor.locator(".error-summary").inner_text()
    assert not Audit.objects.exists()
    assert_accessible(auditor)
    auditor.select_option("#id_kind", "security_audit")
    auditor.fill("#id_method", "書面審査と実地確認")
    _submit(auditor)
    audit = Audit.objects.get()
    assert auditor.url.endswith(f"/audits/{audit.number}/")
    assert_accessible(auditor)
    auditor.click("button[name=status][value=fieldwork]")
    auditor.wait_for_load_state()
    assert Audit.objects.get().status == "fieldwork"

    # Self-assessment by the ministry.
    ministry = new_page(language="ja", base_url=base)
    sign_in(ministry, base, "e2e-auditor")
    ministry.goto(f"{base}/audits/{audit.number}/results/")
    assert_accessible(ministry)
    claims = ministry.locator("select[name$='-claimed']")
    assert claims.count() == 3
    for index in range(3):
        claims.nth(index).select_option("satisfied")
    ministry.locator("textarea[name$='-claim_note']").first.fill("規程あり")
    _submit(ministry, "form[method=post]")
    assert audit.results.filter(claimed="satisfied").count() == 3

    # Review: the auditor's results, by keyboard for the first row.
    auditor.goto(f"{base}/audits/{audit.number}/results/")
    statuses = auditor.locator("select[name$='-status']")
    statuses.first.focus()
    auditor.keyboard.press("End")  # the last option of a native select: not assessed
    for index, value in enumerate(["satisfied", "satisfied", "not_satisfied"]):
        statuses.nth(index).select_option(value)
    _submit(auditor, "form[method=post]")
    assert audit.results.filter(status="not_assessed").count() == 0

    # Finding and its corrective action.
    auditor.goto(f"{base}/audits/{audit.number}/findings/new/")
    auditor.fill("#id_title", "パッチ適用の遅れ")
    auditor.select_option("#id_severity", "high")
    auditor.select_option("#id_grade", "major")
    auditor.fill("#id_controls", "2.1")
    auditor.check("#id_systems_0")
    auditor.fill("#id_risk", "既知の脆弱性が残る")
    auditor.fill("#id_recommendation", "適用期限を定めること")
    _submit(auditor)
    assert auditor.url.endswith(f"/audits/{audit.number}/findings/1/")
    assert_accessible(auditor)

    ministry.goto(f"{base}/audits/{audit.number}/findings/1/actions/new/")
    ministry.fill("#id_title", "パッチ管理手順の整備")
    ministry.fill("#id_due_date", (today + dt.timedelta(days=30)).isoformat())
    ministry.fill("#id_milestones", f"{(today + dt.timedelta(days=10)).isoformat()} 手順書案")
    _submit(ministry)
    action = audit.findings.get().actions.get()
    assert action.milestones.count() == 1
    assert_accessible(ministry)

    # Report and close.
    auditor.goto(f"{base}/audits/{audit.number}/")
    auditor.click("button[name=status][value=reporting]")
    auditor.wait_for_load_state()
    auditor.goto(f"{base}/audits/{audit.number}/edit/")
    auditor.fill("#id_conclusion", "重大な不適合が1件ある。")
    _submit(auditor)
    auditor.goto(f"{base}/audits/{audit.number}/")
    auditor.click("button[name=status][value=closed]")
    auditor.wait_for_load_state()
    assert Audit.objects.get().status == "closed"
    auditor.goto(f"{base}/audits/{audit.number}/report/")
    assert "パッチ適用の遅れ" in auditor.locator("main").inner_text()
    assert_accessible(auditor)
    pdf = auditor.request.get(f"{base}/audits/{audit.number}/report.pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    ar = auditor.request.get(f"{base}/audits/{audit.number}/oscal-ar.json").json()
    assert ar["assessment-results"]["results"][0]["findings"]

    # Follow up: the ministry reports the action done, the auditor verifies it.
    ministry.goto(f"{base}/audits/{audit.number}/actions/{action.pk}/")
    ministry.select_option("#id_progress-status", "awaiting_verification")
    _submit(ministry, "form:has(input[name=do][value=progress])")
    auditor.goto(f"{base}/audits/{audit.number}/actions/{action.pk}/")
    assert_accessible(auditor)
    auditor.check("#id_verify-accepted_0")
    _submit(auditor, "form:has(input[name=do][value=verify])")
    action.refresh_from_db()
    assert action.status == "closed"
    assert audit.findings.get().status == "closed"

    # The Digital Agency raises a recommendation from the finding.
    agency = new_page(language="en", base_url=base)
    sign_in(agency, base, "e2e-admin")
    agency.goto(f"{base}/audits/{audit.number}/findings/1/")
    agency.fill("#id_follow-up-due_date", (today + dt.timedelta(days=20)).isoformat())
    _submit(agency, "form[action$='follow-up/']")
    finding = audit.findings.get()
    assert finding.follow_up is not None
    assert finding.follow_up.ministry == audit_setting["ministry"]

    # Next year's cycle starts from this one, with last year's result beside each control.
    auditor.goto(f"{base}/audits/{audit.number}/")
    _submit(auditor, "form[action$='next-cycle/']")
    following = Audit.objects.exclude(pk=audit.pk).get()
    assert following.results.filter(previous_status="not_satisfied").count() == 1
    assert auditor.url.endswith(f"/audits/{following.number}/")


@pytest.mark.parametrize("language", ["ja", "en"])
def test_audit_pages_are_accessible(
    live_server, new_page, people, audit_setting, language, tmp_path, settings
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from shireito.audits import evidence, services

    settings.MEDIA_ROOT = tmp_path
    today = dt.date.today()
    audit = services.audit_create(
        actor=None,
        kind="security_audit",
        auditee=audit_setting["ministry"],
        auditor=audit_setting["catalog"].owner,
        systems=[audit_setting["system"]],
        baseline=audit_setting["catalog"],
        fiscal_year=today.year,
        period_start=today,
        period_end=today + dt.timedelta(days=90),
    )
    services.audit_advance(actor=None, audit=audit, status="fieldwork")
    result = audit.results.first()
    finding = services.finding_create(
        actor=None, audit=audit, title="所見", severity="low", grade="observation", risk="r"
    )
    action = services.action_create(
        actor=None, finding=finding, title="是正", due_date=today - dt.timedelta(days=1)
    )
    item = evidence.evidence_add(
        actor=None,
        audit=audit,
        result=result,
        upload=SimpleUploadedFile("規程.txt", "規程".encode()),
        expiry_date=today,
    )
    page = new_page(language=language, base_url=live_server.url)
    sign_in(page, live_server.url, "e2e-centre-auditor")
    number = audit.number
    for path in [
        "/audits/",
        "/audits/?self=1",
        f"/audits/?status=fieldwork&search={number}",
        "/audits/plan/",
        "/audits/new/",
        "/audits/new/?self=1",
        f"/audits/{number}/",
        f"/audits/{number}/edit/",
        f"/audits/{number}/widen/",
        f"/audits/{number}/report/",
        f"/audits/{number}/results/",
        f"/audits/{number}/results/?status=satisfied",
        f"/audits/{number}/results/import/",
        f"/audits/{number}/results/{result.pk}/",
        f"/audits/{number}/findings/new/",
        f"/audits/{number}/findings/{finding.number}/",
        f"/audits/{number}/findings/{finding.number}/edit/",
        f"/audits/{number}/findings/{finding.number}/actions/new/",
        f"/audits/{number}/actions/{action.pk}/",
        f"/audits/{number}/evidence/",
        f"/audits/{number}/evidence/{item.pk}/",
        f"/standards/e2e-baseline/controls/{result.control.oscal_id}/",
    ]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert page.get_attribute("html", "lang") == language
        assert_accessible(page)
    # a results page with a problem shown
    page.goto(f"{live_server.url}/audits/{number}/results/")
    page.evaluate("document.querySelector(\"select[name$='-status'] option\").value = 'bogus'")
    page.locator("select[name$='-status']").first.select_option("bogus")
    page.locator("form[method=post] button[type=submit]").last.click()
    page.wait_for_selector(".error-summary")
    assert_accessible(page)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_a_result_is_edited_in_place_by_keyboard(
    live_server, new_page, people, audit_setting, language
):
    """The sheet's inline edit with htmx: a row changed and saved from the keyboard is swapped
    alone, the status region says so, focus stays on the row's button, and axe passes."""
    from shireito.audits import services

    today = dt.date.today()
    audit = services.audit_create(
        actor=None,
        kind="security_audit",
        auditee=audit_setting["ministry"],
        auditor=audit_setting["catalog"].owner,
        systems=[audit_setting["system"]],
        baseline=audit_setting["catalog"],
        fiscal_year=today.year,
        period_start=today,
        period_end=today + dt.timedelta(days=90),
    )
    services.audit_advance(actor=None, audit=audit, status="fieldwork")
    first = audit.results.order_by("position", "pk").first()
    page = new_page(language=language, base_url=live_server.url)
    sign_in(page, live_server.url, "e2e-centre-auditor")
    page.goto(f"{live_server.url}/audits/{audit.number}/results/")
    status = page.locator(f"#r-{first.pk}-status")
    status.focus()
    status.select_option("partially")
    page.keyboard.press("Tab")  # to the note
    page.keyboard.type("一部確認")
    page.locator(f"#r-{first.pk}-save").focus()
    with page.expect_response(lambda r: f"/results/{first.pk}/" in r.url):
        page.keyboard.press("Enter")
    page.wait_for_function(
        "label => document.getElementById('row-status').textContent.includes(label)",
        arg=first.control.label,
    )
    assert page.url.endswith(f"/audits/{audit.number}/results/")  # no navigation
    assert page.evaluate("document.activeElement.id") == f"r-{first.pk}-save"
    first.refresh_from_db()
    assert (first.status, first.note, first.version) == ("partially", "一部確認", 2)
    version = page.locator(f"input[name='r-{first.pk}-version']").input_value()
    assert version == "2"
    assert_accessible(page)


def test_audit_pages_work_without_javascript_and_by_keyboard(
    live_server, new_page, people, audit_setting
):
    from shireito.audits import services

    today = dt.date.today()
    audit = services.audit_create(
        actor=None,
        kind="security_audit",
        auditee=audit_setting["ministry"],
        auditor=audit_setting["catalog"].owner,
        systems=[audit_setting["system"]],
        baseline=audit_setting["catalog"],
        fiscal_year=today.year,
        period_start=today,
        period_end=today + dt.timedelta(days=90),
    )
    services.audit_advance(actor=None, audit=audit, status="fieldwork")
    page = new_page(javascript=False, base_url=live_server.url)
    sign_in(page, live_server.url, "e2e-centre-auditor")
    # the list's filters are a plain GET form
    page.goto(f"{live_server.url}/audits/")
    page.select_option("select[name=status]", "fieldwork")
    with page.expect_navigation():
        page.locator("main form[method=get] button[type=submit]").first.click()
    assert "status=fieldwork" in page.url
    assert page.locator(f"a[href='/audits/{audit.number}/']").count() >= 1
    # the results sheet by keyboard: focus the first result, choose by typing, save with Enter
    page.goto(f"{live_server.url}/audits/{audit.number}/results/")
    first = page.locator("select[name$='-status']").first
    first.focus()
    first.select_option("satisfied")
    page.keyboard.press("Tab")  # to the note
    assert page.evaluate("document.activeElement.name").endswith("-note")
    page.keyboard.type("確認済み")
    page.locator("form:has(select[name$='-status']) button[type=submit]").first.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    saved = audit.results.order_by("position").first()
    assert (saved.status, saved.note) == ("satisfied", "確認済み")
