"""Every page passes axe-core's WCAG 2.2 A/AA rules, in Japanese and in English."""

import pytest

from tests.e2e.conftest import assert_accessible, sign_in

SIGNED_IN_PAGES = [
    "/",
    "/organizations/",
    "/organizations/?search=nothing-matches",
    "/organizations/e2e-ministry/",
    "/accounts/users/e2e-auditor/",
    "/history/",
    "/accounts/tokens/",
    "/accounts/two-factor/",
    "/accounts/users/",
    "/accounts/users/new/",
    "/accounts/users/e2e-viewer/edit/",
    "/accounts/password/",
    "/plans/mine/",
    "/plans/notices/",
]


@pytest.mark.parametrize("language", ["ja", "en"])
def test_signed_out_pages_are_accessible(live_server, new_page, people, language):
    page = new_page(language=language, base_url=live_server.url)
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.get_attribute("html", "lang") == language
    assert_accessible(page)
    # the same form showing its errors
    page.click("main button[type=submit]")
    page.wait_for_selector(".error-summary")
    assert_accessible(page)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_signed_in_pages_are_accessible(live_server, new_page, people, language):
    page = new_page(language=language, base_url=live_server.url)
    sign_in(page, live_server.url, "e2e-auditor")
    for path in SIGNED_IN_PAGES:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert page.get_attribute("html", "lang") == language
        assert_accessible(page)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_token_page_with_new_secret_and_errors_is_accessible(
    live_server, new_page, people, language
):
    page = new_page(language=language, base_url=live_server.url)
    sign_in(page, live_server.url, "e2e-viewer")
    page.goto(f"{live_server.url}/accounts/tokens/")
    page.click("main form button[type=submit]")
    page.wait_for_selector(".error-summary")
    assert_accessible(page)
    page.fill("#id_name", "report script")
    page.click("main form button[type=submit]")
    page.wait_for_selector("#new-token")
    assert_accessible(page)


def test_the_axe_check_does_find_violations(live_server, new_page, people):
    """Guards the harness itself: a page with a known fault must fail the check."""
    from axe_playwright_python.sync_playwright import Axe

    from tests.e2e.conftest import WCAG_22_AA

    page = new_page(base_url=live_server.url)
    page.goto(f"{live_server.url}/accounts/login/")
    page.evaluate("document.querySelector('label[for=id_username]').remove()")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    assert results.violations_count >= 1
    assert "label" in results.generate_report()


@pytest.mark.parametrize("language", ["ja", "en"])
def test_user_form_with_errors_is_accessible(live_server, new_page, people, language):
    page = new_page(language=language, base_url=live_server.url)
    sign_in(page, live_server.url, "e2e-auditor")
    page.goto(f"{live_server.url}/accounts/users/new/")
    page.fill("#id_username", "bad name")
    page.fill("#id_email", "not-an-email")
    page.click("main form button[type=submit]")
    page.wait_for_selector(".error-summary")
    assert_accessible(page)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_lockout_page_is_accessible(live_server, new_page, people, language, settings):
    page = new_page(language=language, base_url=live_server.url)
    page.goto(f"{live_server.url}/accounts/login/")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        if not page.locator("#id_username").count():
            break
        page.fill("#id_username", "e2e-viewer")
        page.fill("#id_password", "wrong")
        page.click("main button[type=submit]")
        page.wait_for_load_state()
    assert page.locator("h1").inner_text() in {"サインインを一時停止しています", "Sign-in paused"}
    assert_accessible(page)


GOVERNANCE_PAGES = [
    "/governance/",
    "/governance/models/current/",
    "/governance/models/digital-agency/?open_question=own_and_ministries",
    "/governance/compare/?a=current&b=digital-agency",
    "/governance/questions/",
    "/governance/questions/?ask=route&reporter={agency}",
    "/governance/questions/?ask=audit&auditor=bad",
    "/governance/settings/",
    "/governance/roles/handover/",
    "/organizations/new/",
    "/organizations/e2e-ministry/edit/",
    "/organizations/e2e-centre/",
]


@pytest.mark.parametrize("language", ["ja", "en"])
def test_governance_and_organization_admin_pages_are_accessible(
    live_server, new_page, people, language
):
    from shireito.organizations.models import Organization

    agency = Organization.objects.get(code="e2e-agency").pk
    page = new_page(language=language, base_url=live_server.url)
    sign_in(page, live_server.url, "e2e-admin")
    for path in GOVERNANCE_PAGES:
        response = page.goto(f"{live_server.url}{path.format(agency=agency)}")
        assert response.status == 200, path
        assert_accessible(page)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_organization_form_with_errors_is_accessible(live_server, new_page, people, language):
    page = new_page(language=language, base_url=live_server.url)
    sign_in(page, live_server.url, "e2e-admin")
    page.goto(f"{live_server.url}/organizations/new/")
    page.fill("#id_code", "osaka")
    page.fill("#id_name", "大阪府")
    page.select_option("#id_kind", "local_government")
    page.fill("#id_local_government_code", "270009")
    page.click("main form button[type=submit]")
    page.wait_for_selector(".error-summary")
    assert page.locator(".error-summary a[href='#id_local_government_code']").count() == 1
    assert_accessible(page)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_portfolio_pages_are_accessible(live_server, new_page, people, language, tmp_path):
    page = new_page(language=language, base_url=live_server.url)
    sign_in(page, live_server.url, "e2e-admin")
    for path in [
        "/systems/",
        "/systems/?category=ministry_system&sort=name",
        "/systems/e2e-system/",
        "/systems/e2e-system/edit/",
        "/systems/new/",
        "/systems/import/",
        "/systems/migration/",
        "/systems/migration/?behind_target=1&special_support=1",
    ]:
        assert page.goto(f"{live_server.url}{path}").status == 200, path
        assert_accessible(page)
    # the form with errors, and the import with a problem table
    page.goto(f"{live_server.url}/systems/new/")
    page.click("main form button[type=submit]")
    page.wait_for_selector(".error-summary")
    assert_accessible(page)
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name,owner,category\nx1,,nowhere,ministry_system\n", encoding="utf-8")
    page.goto(f"{live_server.url}/systems/import/")
    page.set_input_files("#id_file", str(bad))
    page.click("button[value=check]")
    page.wait_for_selector("#result-title")
    assert page.locator("#result tbody tr").count() >= 2
    assert_accessible(page)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_oversight_pages_are_accessible(live_server, new_page, people, language):
    import datetime as dt

    from shireito.registry import oversight
    from shireito.registry.models import InformationSystem

    system = InformationSystem.objects.get(code="e2e-system")
    line = oversight.budget_request(
        actor=None, system=system, fiscal_year=2025, development=1000, operation=500
    )
    line = oversight.budget_review(actor=None, line=line)
    oversight.budget_decide(actor=None, line=line, development=900, operation=500)
    oversight.rating_add(actor=None, system=system, risk=3, reason="試験")
    recommendation = oversight.recommendation_issue(
        actor=None,
        ministry=people["organization"],
        systems=[system],
        reason="試験",
        due_date=dt.date.today() + dt.timedelta(days=10),
    )
    page = new_page(language=language, base_url=live_server.url)
    page.goto(f"{live_server.url}/open-data/")
    assert_accessible(page)
    sign_in(page, live_server.url, "e2e-admin")
    for path in [
        "/systems/e2e-system/",
        "/systems/budget/",
        "/systems/budget/?group_by=category",
        "/systems/oversight/",
        "/systems/oversight/schedule/",
        "/systems/recommendations/",
        f"/systems/recommendations/{recommendation.number}/",
        "/systems/recommendations/new/",
        f"/systems/recommendations/{recommendation.number}/escalate/",
        f"/systems/recommendations/{recommendation.number}/answer/",
        "/systems/e2e-system/rate/",
        "/systems/e2e-system/budget/new/",
        "/systems/e2e-system/budget/2025/execution/",
    ]:
        assert page.goto(f"{live_server.url}{path}").status == 200, path
        assert_accessible(page)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_catalog_pages_are_accessible(live_server, new_page, people, language):
    import json
    from pathlib import Path

    from shireito.standards.importers import import_catalog
    from shireito.standards.models import Catalog
    from shireito.standards.profiles import resolve_profile

    data = Path(__file__).resolve().parents[3] / "shared" / "data" / "oscal"
    raw = (data / "NIST_SP-800-53_rev5.0.1_catalog.json").read_bytes()
    nist = import_catalog(raw, fmt="oscal", actor=None, key="nist").catalog
    profile = (data / "NIST_SP-800-53_rev5_LOW-baseline_profile.json").read_bytes()
    resolve_profile(profile, actor=None, key="low", catalog=nist)
    later = json.loads(raw)
    later["catalog"]["groups"][0]["controls"][0]["title"] = "Policy and Procedures, revised"
    import_catalog(json.dumps(later).encode(), fmt="oscal", actor=None, key="nist-next")
    from shireito.standards.mappings import mapping_import

    raw_mapping = "source_id,target_id,relationship,note\nac-1,ac-1,equal,\nac-2,ac-2,subset,\n"
    mapping_import(
        actor=None,
        raw=raw_mapping.encode(),
        key="nist-low",
        title="NIST → LOW",
        source=nist,
        target=Catalog.objects.get(key="low"),
    )
    page = new_page(language=language, base_url=live_server.url)
    sign_in(page, live_server.url, "e2e-auditor")
    for path in [
        "/standards/",
        "/standards/?search=nothing-matches",
        "/standards/nist/",
        "/standards/nist/?search=account",
        "/standards/nist/controls/ac/",
        "/standards/nist/controls/ac-2/",
        "/standards/low/controls/ac-2/",
        "/standards/compare/",
        "/standards/compare/?old=nist&new=nope",
        "/standards/compare/?old=nist&new=nist-next",
        "/standards/mappings/",
        "/standards/mappings/nist-low/",
    ]:
        assert page.goto(f"{live_server.url}{path}").status == 200, path
        assert_accessible(page)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_catalog_upload_page_with_problems_is_accessible(
    live_server, new_page, people, language, tmp_path
):
    page = new_page(language=language, base_url=live_server.url)
    sign_in(page, live_server.url, "e2e-admin")
    assert page.goto(f"{live_server.url}/standards/import/").status == 200
    assert_accessible(page)
    page.click("main form button[value=import]")
    page.wait_for_selector(".error-summary")
    assert_accessible(page)
    bad = tmp_path / "bad.json"
    bad.write_text('{"catalog": {"uuid": "x", "metadata": {}}}', encoding="utf-8")
    page.set_input_files("#id_file", str(bad))
    page.fill("#id_key", "bad")
    page.click("main form button[value=import]")
    page.wait_for_selector("#result-title")
    assert page.locator("#result tbody tr").count() >= 1
    assert_accessible(page)
    # the check step of a sheet saved by Excel as Shift_JIS, which names the encoding
    sheet = tmp_path / "sheet.csv"
    sheet.write_bytes(
        "id,parent,kind,title\r\nA,,group,管理策群\r\nA-1,A,control,責任者①\r\n".encode("cp932")
    )
    page.select_option("#id_format", "csv")
    page.set_input_files("#id_file", str(sheet))
    page.fill("#id_key", "sjis")
    page.click("main form button[value=check]")
    page.wait_for_selector("#check-title")
    assert "CP932" in page.inner_text("#checked")
    assert_accessible(page)

    assert page.goto(f"{live_server.url}/standards/mappings/import/").status == 200
    assert_accessible(page)
    page.click("main form button[value=import]")
    page.wait_for_selector(".error-summary")
    assert_accessible(page)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_plan_authoring_pages_are_accessible(live_server, new_page, people, language):
    import datetime as dt
    from decimal import Decimal

    from shireito.organizations.models import Organization
    from shireito.plans import services
    from shireito.plans.models import Kpi, Measure, PlanArea, Principle

    agency = Organization.objects.get(code="e2e-da")
    edition = services.edition_create(actor=None, author=agency, year=2026, title="重点計画2026")
    top = services.content_create(
        actor=None, instance=PlanArea(edition=edition, code="1", name="行政")
    )
    sub = services.content_create(
        actor=None, instance=PlanArea(edition=edition, parent=top, code="1.1", name="安全")
    )
    measure = services.content_create(
        actor=None,
        instance=Measure(
            edition=edition, area=sub, code="M-1", name="施策", lead=people["organization"]
        ),
    )
    services.measure_set_parties(
        actor=None, measure=measure, principles=list(Principle.objects.filter(number=1))
    )
    services.content_create(
        actor=None,
        instance=Kpi(
            measure=measure,
            code="K-1",
            name="指標",
            unit="件",
            baseline_value=Decimal(1),
            baseline_date=dt.date(2025, 4, 1),
            target_value=Decimal(9),
            target_date=dt.date(2028, 3, 31),
        ),
    )
    services.measure_link_system(actor=None, measure=measure, code="e2e-system")
    page = new_page(language=language, base_url=live_server.url)
    sign_in(page, live_server.url, "e2e-admin")
    base = "/plans/2026/measures/M-1/"
    for path in [
        "/plans/",
        "/plans/new/",
        "/plans/2026/",
        "/plans/2026/?principle=1",
        "/plans/2026/edit/",
        "/plans/2026/publish/",
        "/plans/2026/diff/",
        "/plans/2026/areas/new/",
        "/plans/2026/measures/new/",
        base,
        base + "edit/",
        base + "links/",
        base + "kpis/new/",
        base + "kpis/K-1/targets/",
        base + "milestones/new/",
        "/systems/e2e-system/",
    ]:
        assert page.goto(f"{live_server.url}{path}").status == 200, path
        assert_accessible(page)
    # the publish page refusing with every problem, and a form showing its errors
    page.goto(f"{live_server.url}/plans/2026/publish/")
    page.click("main form button[type=submit]")
    page.wait_for_selector(".error-summary")
    assert_accessible(page)
    page.goto(f"{live_server.url}/plans/2026/measures/new/")
    page.click("main form button[type=submit]")
    page.wait_for_selector(".error-summary")
    assert_accessible(page)


def _published_plan(people):
    """A published edition with one measure, one KPI with values and an interim target, a
    milestone and a reviewed rating: the public pages with every section filled."""
    import datetime as dt
    from decimal import Decimal

    from django.utils import timezone

    from shireito.organizations.models import Organization
    from shireito.plans.models import (
        InterimTarget,
        Kpi,
        KpiSeries,
        Measure,
        Measurement,
        Milestone,
        PlanArea,
        PlanEdition,
        Principle,
        ProgressReport,
        RatingRecord,
    )

    agency = Organization.objects.get(code="e2e-da")
    edition = PlanEdition.objects.create(
        year=2026,
        title="重点計画2026",
        title_en="Priority plan 2026",
        status="published",
        author=agency,
        decided_on=dt.date(2026, 6, 13),
        published_at=timezone.now(),
    )
    area = PlanArea.objects.create(edition=edition, code="1", name="行政", name_en="Government")
    measure = Measure.objects.create(
        edition=edition,
        area=area,
        code="M-1",
        name="試験施策",
        name_en="Test measure",
        lead=people["organization"],
        target_state="全機関で実施",
        target_state_en="Done by every body",
        deadline=dt.date(2028, 3, 31),
        status="in_progress",
    )
    principle, _created = Principle.objects.get_or_create(
        number=1, defaults={"name": "オープン・透明", "name_en": "Open and transparent"}
    )
    measure.principles.add(principle)
    kpi = Kpi.objects.create(
        measure=measure,
        series=KpiSeries.objects.create(),
        code="K-1",
        name="実施機関数",
        name_en="Bodies doing it",
        unit="機関",
        baseline_value=Decimal(10),
        baseline_date=dt.date(2025, 4, 1),
        target_value=Decimal(100),
        target_date=dt.date(2028, 3, 31),
    )
    InterimTarget.objects.create(kpi=kpi, due_on=dt.date(2027, 3, 31), value=Decimal(50))
    for day, value in [(dt.date(2025, 10, 1), 20), (dt.date(2026, 4, 1), 35)]:
        Measurement.objects.create(
            series=kpi.series,
            measured_on=day,
            value=Decimal(value),
            status="accepted",
            organization=people["organization"],
        )
    Milestone.objects.create(
        measure=measure,
        name="設計",
        name_en="Design",
        fiscal_year=2026,
        quarter=2,
        planned_on=dt.date(2026, 9, 30),
    )
    report = ProgressReport.objects.create(
        measure=measure,
        fiscal_year=2026,
        quarter=1,
        status="reviewed",
        confidence="probable",
        review_reason="順調",
        reviewed_at=timezone.now(),
    )
    RatingRecord.objects.create(
        report=report,
        kind="reviewed",
        confidence="probable",
        reason="順調",
        organization=agency,
        given_at=timezone.now(),
    )


@pytest.mark.parametrize("language", ["ja", "en"])
def test_priority_plan_public_pages_are_accessible(live_server, new_page, people, language):
    _published_plan(people)
    page = new_page(language=language, base_url=live_server.url)
    for path in [
        "/priority-plan/",
        "/priority-plan/2026/",
        "/priority-plan/2026/?principle=1",
        "/priority-plan/2026/measures/M-1/",
        "/open-data/",
    ]:
        assert page.goto(f"{live_server.url}{path}").status == 200, path
        assert page.get_attribute("html", "lang") == language
        assert_accessible(page)
    # the chart's table, opened, is accessible too
    page.goto(f"{live_server.url}/priority-plan/2026/measures/M-1/")
    page.click(".kpi-chart__data summary")
    assert_accessible(page)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_plan_import_pages_are_accessible(live_server, new_page, people, language, tmp_path):
    import zipfile

    from shireito.organizations.models import Organization
    from shireito.plans import services
    from tests.factories import make_user

    # given the Digital Agency's author and a draft edition
    author = make_user(
        organization=Organization.objects.get(code="e2e-da"),
        roles=["editor"],
        username="e2e-planner",
    )
    services.edition_create(actor=author, year=2026, title="重点計画2026", title_en="Plan 2026")
    page = new_page(language=language, base_url=live_server.url)
    sign_in(page, live_server.url, "e2e-planner")
    for path in ["/plans/2026/import/", "/plans/import/"]:
        assert page.goto(f"{live_server.url}{path}").status == 200, path
        assert_accessible(page)
    # the import with a problem table
    bad = tmp_path / "plan.zip"
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr("areas.csv", "code,name\n1,\n")
        archive.writestr("measures.csv", "code,area,name,lead\nM-1,9,x,nowhere\n")
    page.goto(f"{live_server.url}/plans/2026/import/")
    page.set_input_files("#id_file", str(bad))
    page.click("button[value=check]")
    page.wait_for_selector("#result-title")
    assert page.locator("#result tbody tr").count() >= 3
    assert_accessible(page)
