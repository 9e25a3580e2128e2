"""The priority plan end to end in the browser: the Digital Agency's editor writes an edition
(an area, a measure with its target state and deadline, a KPI) and publishes it; the lead
ministry's editor files the quarter's report and submits it; the Digital Agency reviews it,
changing the rating with a reason and an internal comment; and an anonymous reader sees the
reviewed rating and its reason on the public page, never the proposed reason nor the comment.
The report and review pages pass axe; the review is sent from the keyboard alone."""

import datetime as dt

import pytest

from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import make_user

PROPOSED_REASON = "調達は順調で、予定どおり進む見込み（提案）。"
REVIEW_REASON = "KPIの伸びが目標に届かないため、一段階下げた（公表）。"
COMMENT = "次回は調達の日程を具体的に書くこと（内部のみ）。"


@pytest.fixture
def planners(people):
    from shireito.organizations.models import Organization

    agency = Organization.objects.get(code="e2e-da")
    make_user(organization=agency, roles=["editor"], username="e2e-da-editor")
    make_user(organization=people["organization"], roles=["editor"], username="e2e-ministry-editor")
    return {"ministry": people["organization"]}


def _submit(page, form="main form"):
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").last.click()


def test_a_plan_from_authoring_to_the_public_rating(live_server, new_page, planners):
    from shireito.plans.calendar import previous_quarter, quarter_of
    from shireito.plans.models import Measure, PlanEdition, ProgressReport

    base = live_server.url
    today = dt.date.today()
    year = today.year + 1  # an edition year no other test uses
    deadline = dt.date(today.year + 3, 3, 31)
    # The Cabinet decided it a quarter ago, so last quarter's report is due.
    decided = today - dt.timedelta(days=100)
    fiscal_year, quarter = previous_quarter(*quarter_of(today))

    # The Digital Agency's editor starts an edition from the plan's page.
    da = new_page(language="en", base_url=base)
    sign_in(da, base, "e2e-da-editor")
    da.goto(f"{base}/plans/")
    da.click("text=Start a new edition")
    da.fill("#id_year", str(year))
    da.fill("#id_title", "試験の重点計画")
    da.fill("#id_title_en", "Test priority plan")
    _submit(da)
    assert da.url.endswith(f"/plans/{year}/")

    # an area
    da.goto(f"{base}/plans/{year}/areas/new/")
    da.fill("#id_code", "1")
    da.fill("#id_name", "行政サービス")
    da.fill("#id_name_en", "Public services")
    _submit(da)

    # a measure with its target state and deadline, led by the ministry
    da.goto(f"{base}/plans/{year}/measures/new/")
    da.select_option("#id_area", index=1)
    da.fill("#id_code", "1-01")
    da.fill("#id_name", "手続のオンライン化")
    da.fill("#id_name_en", "Procedures online")
    da.select_option("#id_lead", str(planners["ministry"].pk))
    da.fill("#id_target_state", "主な手続が最後までオンラインで終わる")
    da.fill("#id_deadline", deadline.isoformat())
    _submit(da)
    measure = Measure.objects.get(edition__year=year, code="1-01")
    assert measure.target_state and measure.deadline == deadline

    # and a KPI
    da.goto(f"{base}/plans/{year}/measures/1-01/kpis/new/")
    da.fill("#id_code", "K1-01-1")
    da.fill("#id_name", "オンラインで完結する手続の割合")
    da.fill("#id_name_en", "Share of procedures online")
    da.fill("#id_unit", "%")
    da.fill("#id_baseline_value", "40")
    da.fill("#id_baseline_date", (decided - dt.timedelta(days=30)).isoformat())
    da.fill("#id_target_value", "90")
    da.fill("#id_target_date", deadline.isoformat())
    _submit(da)
    assert measure.kpis.filter(code="K1-01-1").exists()

    # published with the Cabinet's date
    da.goto(f"{base}/plans/{year}/publish/")
    da.fill("#id_decided_on", decided.isoformat())
    _submit(da)
    edition = PlanEdition.objects.get(year=year)
    assert edition.is_published and edition.decided_on == decided

    # The lead ministry's editor files last quarter's report from "my measures".
    ministry = new_page(language="en", base_url=base)
    sign_in(ministry, base, "e2e-ministry-editor")
    ministry.goto(f"{base}/plans/")
    ministry.click("#plan-work >> text=My measures")
    ministry.click("#my-measures >> text=file it")
    ministry.wait_for_load_state()
    assert_accessible(ministry)
    if ministry.locator("#id_report-fiscal_year").count():
        ministry.fill("#id_report-fiscal_year", str(fiscal_year))
        ministry.select_option("#id_report-quarter", str(quarter))
    ministry.fill("#id_report-narrative", "要件を確定し、調達を始めた。")
    kpi = measure.kpis.get()
    ministry.fill(f"#id_report-kpi_{kpi.pk}_value", "52.5")
    ministry.fill(f"#id_report-kpi_{kpi.pk}_on", (today - dt.timedelta(days=1)).isoformat())
    ministry.check("input[name='report-proposed_confidence'][value='highly_likely']")
    ministry.fill("#id_report-proposed_reason", PROPOSED_REASON)
    _submit(ministry)
    report = ProgressReport.objects.get(measure=measure)
    assert ministry.url.endswith(f"/plans/{year}/measures/1-01/reports/{report.pk}/")
    assert_accessible(ministry)
    with ministry.expect_navigation():
        ministry.click("button[name=do][value=submit]")
    report.refresh_from_db()
    assert report.status == "submitted"
    assert report.proposed_confidence == "highly_likely"

    # The Digital Agency reviews it from its queue, lowering the rating, by keyboard alone.
    da.goto(f"{base}/plans/")
    da.click("#plan-work >> text=Waiting for review")
    da.click(f"a[href='/plans/{year}/measures/1-01/reports/{report.pk}/']")
    da.wait_for_load_state()
    assert_accessible(da)
    da.focus("input[name='review-confidence'][value='probable']")
    da.keyboard.press("Space")
    da.focus("#id_review-review_reason")
    da.keyboard.type(REVIEW_REASON)
    da.keyboard.press("Tab")
    da.keyboard.type(COMMENT)
    da.keyboard.press("Tab")
    assert da.evaluate("document.activeElement.textContent") == "Record the review"
    with da.expect_navigation():
        da.keyboard.press("Enter")
    report.refresh_from_db()
    assert (report.status, report.confidence) == ("reviewed", "probable")
    assert report.review_reason == REVIEW_REASON and report.review_comment == COMMENT
    assert_accessible(da)

    # The public sees the reviewed rating and its reason, not the proposal nor the comment.
    reader = new_page(language="en", base_url=base)
    reader.goto(f"{base}/priority-plan/{year}/measures/1-01/")
    text = reader.locator("main").inner_text()
    assert REVIEW_REASON in text
    assert "issues that are being managed" in text  # the reviewed level, in words
    assert PROPOSED_REASON not in text
    assert COMMENT not in text
    assert "要件を確定し" not in text
    assert_accessible(reader)
