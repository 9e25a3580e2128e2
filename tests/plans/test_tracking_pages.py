"""The tracking pages: a measure's progress section with only the actions the reader may
take, a report drafted, submitted, reviewed and returned by page, a value entered and reviewed,
the Digital Agency's queue and flags, a ministry's own measures, and the plan notices."""

import datetime as dt

import pytest

from shireito.notifications.models import Notification
from shireito.plans import flags, services
from shireito.plans.models import Measure, Measurement, ProgressReport

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 15)


@pytest.fixture
def health(published):
    return Measure.objects.select_related("edition").get(edition=published, code="M-1")


@pytest.fixture
def as_user(client, planners):
    def sign_in(username):
        client.force_login(planners[username])
        return client

    return sign_in


def _progress(health):
    return f"/plans/2026/measures/{health.code}/progress/"


def _submitted(planners, health, **extra):
    report = services.report_save(
        actor=planners["mhlw-editor"],
        measure=health,
        fiscal_year=2026,
        quarter=1,
        narrative="順調に進んだ",
        proposed_confidence="probable",
        proposed_reason="調達が遅れ気味",
        today=TODAY,
        **extra,
    )
    return services.report_submit(actor=planners["mhlw-editor"], report=report, today=TODAY)


@pytest.mark.parametrize(
    ("username", "files", "enters", "reviews"),
    [
        ("mhlw-editor", True, True, False),  # the lead's editor
        ("meti-editor", False, True, False),  # co-responsible: values, no report
        ("da-editor", False, False, True),
        ("mhlw-viewer", False, False, False),
        ("mic-editor", False, False, False),
    ],
)
def test_the_progress_section_offers_only_what_the_rules_allow(
    as_user, health, username, files, enters, reviews
):
    # when each kind of user opens the measure's progress
    page = as_user(username).get(_progress(health)).content.decode()
    # then each sees only the buttons their rules allow
    assert ("/reports/new/" in page) is files
    assert ("/measurements/new/" in page) is enters
    assert ('href="/plans/reviews/"' in page) is reviews


def test_a_reader_of_another_ministry_sees_the_reviewed_rating_but_nothing_internal(
    as_user, planners, health
):
    # given a report reviewed with an internal comment
    report = _submitted(planners, health)
    services.report_review(
        actor=planners["da-editor"],
        report=report,
        confidence="feasible",
        reason="公開する理由",
        comment="内部のコメント",
    )
    # when another ministry's user reads the progress and the report
    client = as_user("mic-editor")
    progress = client.get(_progress(health)).content.decode()
    detail = client.get(f"/plans/2026/measures/M-1/reports/{report.pk}/").content.decode()
    # then they see the rating as text with its level, never the proposal or the comment
    assert "公開する理由" in progress and "3" in progress
    for page in (progress, detail):
        assert "内部のコメント" not in page
        assert "調達が遅れ気味" not in page
        assert "順調に進んだ" not in page
    # while the lead sees them
    lead = as_user("mhlw-editor").get(f"/plans/2026/measures/M-1/reports/{report.pk}/")
    assert "内部のコメント" in lead.content.decode()


def test_the_lead_drafts_and_submits_a_report_by_page_with_every_problem_shown(as_user, health):
    client = as_user("mhlw-editor")
    milestone = health.milestones.get()
    kpi = health.kpis.get()
    # when the lead drafts the Q1 report with the milestone done and a value
    response = client.post(
        "/plans/2026/measures/M-1/reports/new/",
        {
            "report-fiscal_year": 2026,
            "report-quarter": 1,
            "report-narrative": "要件定義を完了",
            f"report-milestone_{milestone.pk}": "2026-06-20",
            f"report-kpi_{kpi.pk}_value": "150",
            f"report-kpi_{kpi.pk}_on": "2026-06-30",
        },
    )
    # then it is a draft holding them
    assert response.status_code == 302, response.content.decode()[:2000]
    report = ProgressReport.objects.get(measure=health)
    assert report.status == "draft"
    assert Measurement.objects.get(report=report).value == 150
    url = response["Location"]
    # when they submit without the proposed rating
    refused = client.post(url, {"do": "submit", "report-narrative": "要件定義を完了"})
    # then both missing fields are shown at once and the report stays a draft
    assert refused.status_code == 200
    errors = refused.content.decode()
    assert "Propose a delivery confidence" in errors or "実施の確度を提案" in errors
    assert errors.count('class="field__error"') >= 2
    report.refresh_from_db()
    assert report.status == "draft"
    # when they give them and submit
    done = client.post(
        url,
        {
            "do": "submit",
            "report-narrative": "要件定義を完了",
            "report-proposed_confidence": "highly_likely",
            "report-proposed_reason": "予定どおり",
            "report-record_version": report.version,
        },
    )
    assert done.status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted"


def test_the_digital_agency_reviews_and_returns_by_page(as_user, planners, health):
    # given a submitted report
    report = _submitted(planners, health)
    url = f"/plans/2026/measures/M-1/reports/{report.pk}/"
    da = as_user("da-editor")
    # when the Digital Agency returns it without a reason, then with one
    refused = da.post(url, {"do": "return", "return-reason": ""})
    assert refused.status_code == 200
    report.refresh_from_db()
    assert report.status == "submitted"
    returned = da.post(url, {"do": "return", "return-reason": "根拠を追記してください"})
    assert returned.status_code == 302, returned.content.decode()[-3000:]
    report.refresh_from_db()
    assert report.status == "draft"
    # and after the lead submits it again, the Digital Agency reviews it
    services.report_submit(actor=planners["mhlw-editor"], report=report, today=TODAY)
    report.refresh_from_db()
    reviewed = da.post(
        url,
        {
            "do": "review",
            "review-confidence": "probable",
            "review-review_reason": "管理されている",
            "review-record_version": report.version,
        },
    )
    assert reviewed.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.confidence) == ("reviewed", "probable")
    page = da.get(url).content.decode()
    assert "Revise" in page or "見直す" in page


def test_a_review_posted_over_a_stale_version_is_a_conflict(as_user, planners, health):
    report = _submitted(planners, health)
    response = as_user("da-editor").post(
        f"/plans/2026/measures/M-1/reports/{report.pk}/",
        {
            "do": "review",
            "review-confidence": "probable",
            "review-review_reason": "理由",
            "review-record_version": report.version - 1,
        },
    )
    assert response.status_code == 200
    assert 'id="conflict"' in response.content.decode()
    report.refresh_from_db()
    assert report.status == "submitted"


@pytest.mark.parametrize("username", ["mhlw-viewer", "meti-editor", "mic-editor", "mhlw-editor"])
def test_who_may_not_review_is_refused(as_user, planners, health, username):
    report = _submitted(planners, health)
    response = as_user(username).post(
        f"/plans/2026/measures/M-1/reports/{report.pk}/",
        {"do": "review", "review-confidence": "probable", "review-review_reason": "x"},
    )
    # (another ministry does not even see a report not yet reviewed)
    assert response.status_code == (404 if username == "mic-editor" else 403)
    report.refresh_from_db()
    assert report.status == "submitted"


def test_only_the_lead_opens_the_new_report_page(as_user, health):
    assert as_user("meti-editor").get("/plans/2026/measures/M-1/reports/new/").status_code == 403
    assert as_user("mhlw-editor").get("/plans/2026/measures/M-1/reports/new/").status_code == 200


def test_a_value_is_entered_by_page_and_accepted_from_the_queue(as_user, health):
    # when the co-responsible ministry enters a value
    entered = as_user("meti-editor").post(
        "/plans/2026/measures/M-1/kpis/K-1/measurements/new/",
        {"measured_on": "2026-09-30", "value": "180", "source": "調査"},
    )
    assert entered.status_code == 302
    value = Measurement.objects.get()
    # then it waits in the Digital Agency's queue, and is accepted from there
    da = as_user("da-editor")
    queue = da.get("/plans/reviews/").content.decode()
    assert f"/measurements/{value.pk}/review/" in queue
    accepted = da.post(
        f"/plans/2026/measures/M-1/measurements/{value.pk}/review/",
        {"decision": "accept", "next": "reviews"},
    )
    assert accepted["Location"] == "/plans/reviews/"
    value.refresh_from_db()
    assert value.status == "accepted"


def test_returning_a_value_by_page_needs_a_note(as_user, planners, health):
    value = services.measurement_enter(
        actor=planners["mhlw-editor"],
        kpi=health.kpis.get(),
        measured_on=TODAY,
        value=1,
        today=TODAY,
    )
    url = f"/plans/2026/measures/M-1/measurements/{value.pk}/review/"
    assert as_user("da-editor").post(url, {"decision": "return"}).status_code == 200
    value.refresh_from_db()
    assert value.status == "entered"
    assert as_user("mhlw-editor").post(url, {"decision": "accept"}).status_code == 403


@pytest.mark.parametrize(
    ("path", "username", "status"),
    [
        ("/plans/reviews/", "da-editor", 200),
        ("/plans/reviews/", "da-viewer", 403),
        ("/plans/reviews/", "mhlw-editor", 403),
        ("/plans/flags/", "da-editor", 200),
        ("/plans/flags/", "mhlw-editor", 403),
        ("/plans/mine/", "mhlw-viewer", 200),
        ("/plans/notices/", "tokyo-viewer", 302),  # to the one notifications page
        ("/notifications/", "tokyo-viewer", 200),
    ],
)
def test_the_lists_are_open_to_whom_they_serve(as_user, published, path, username, status):
    assert as_user(username).get(path).status_code == status


def test_the_flags_list_filters_by_kind_lead_and_area(as_user, planners, health, government):
    # given the report for Q1 overdue for both measures and M-1's milestone past due
    flags.refresh(TODAY)
    da = as_user("da-editor")
    everything = da.get("/plans/flags/").content.decode()
    assert "M-1" in everything and "M-2" in everything
    # when filtered by kind, by lead and by area
    milestones = da.get("/plans/flags/", {"kind": "milestone_overdue"}).content.decode()
    by_lead = da.get("/plans/flags/", {"lead": government["da"].pk}).content.decode()
    by_area = da.get("/plans/flags/", {"area": "1.1"}).content.decode()
    # then only those flags show (M-1 lies in area 1.1, M-2 in area 1 above it)
    assert "要件定義" in milestones and "M-2" not in milestones
    assert "M-2 " in by_lead and "M-1 " not in by_lead
    assert "M-1 " in by_area and "M-2 " not in by_area


def test_my_measures_show_their_flags_and_the_reports_due(as_user, planners, health):
    flags.refresh(TODAY)
    page = as_user("mhlw-editor").get("/plans/mine/").content.decode()
    assert "M-1" in page and "M-2" not in page
    assert "要件定義" in page
    assert "/reports/new/?fiscal_year=2026&amp;quarter=1" in page
    # the co-responsible ministry sees the measure but is offered no report to file
    meti = as_user("meti-editor").get("/plans/mine/").content.decode()
    assert "M-1" in meti and "/reports/new/" not in meti


def test_notices_are_listed_in_the_readers_language_and_marked_read(as_user, planners, health):
    # given a flag told to the lead's editor
    flags.refresh(TODAY)
    client = as_user("mhlw-editor")
    # when they read their notices in English
    client.cookies["django_language"] = "en"
    page = client.get("/plans/notices/", HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert page.redirect_chain == [("/notifications/?app=plans", 302)]
    assert "Requirements" in page.content.decode()
    assert 'href="/plans/2026/measures/M-1/progress/"' in page.content.decode()
    # and mark them read
    response = client.post("/plans/notices/read/")
    assert response.status_code == 302
    assert not Notification.objects.filter(user=planners["mhlw-editor"], read_at=None).exists()


def test_the_partial_renders_on_its_own(rf, planners, health):
    from django.template.loader import render_to_string

    from shireito.plans.views.sections import tracking_context

    # given the section's context for the lead
    request = rf.get("/")
    request.user = planners["mhlw-editor"]
    # when the partial is rendered by the measure page's way
    html = render_to_string(
        "plans/partials/_tracking.html", tracking_context(request, health), request=request
    )
    # then it holds the progress section
    assert 'id="tracking"' in html


def test_the_japanese_pages_show_no_english(client, planners, health):
    import re

    # given a reviewed report, a value waiting and flags raised
    report = _submitted(planners, health)
    services.report_review(
        actor=planners["da-editor"], report=report, confidence="feasible", reason="理由"
    )
    services.measurement_enter(
        actor=planners["mhlw-editor"],
        kpi=health.kpis.get(),
        measured_on=dt.date(2026, 9, 30),
        value=110,
        today=TODAY,
    )
    flags.refresh(TODAY)
    pages = [
        ("mhlw-editor", "/plans/2026/measures/M-1/progress/"),
        ("da-editor", f"/plans/2026/measures/M-1/reports/{report.pk}/"),
        ("da-editor", "/plans/reviews/"),
        ("da-editor", "/plans/flags/"),
        ("mhlw-editor", "/plans/mine/"),
        ("mhlw-editor", "/notifications/?app=plans"),
        ("mhlw-editor", "/plans/2026/measures/M-1/reports/new/"),
        ("mhlw-editor", "/plans/2026/measures/M-1/kpis/K-1/measurements/new/"),
    ]
    for username, path in pages:
        # when each is read in Japanese
        client.force_login(planners[username])
        html = client.get(path, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
        main = html.split("<main", 1)[1].split("</main>", 1)[0]
        text = re.sub(r"<[^>]+>", " ", "<main" + main)
        # then no English word shows in the content (KPI is the glossary's own word)
        english = set(re.findall(r"[A-Za-z]{2,}", text)) - {"KPI"}
        assert not english, (path, english)
