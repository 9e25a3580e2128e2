"""Tracking over the API: values entered, listed and reviewed; a report drafted, changed,
submitted, reviewed and returned with versions; the rating history; flags for the Digital
Agency and per measure; notices; and what a reader outside the measure never sees."""

import datetime as dt

import pytest

from shireito.notifications.models import Notification
from shireito.plans import flags, services
from shireito.plans.models import Measure

pytestmark = pytest.mark.django_db
BASE = "/api/v1/plans/editions/2026/measures/M-1"
TODAY = dt.date(2026, 11, 15)


@pytest.fixture
def health(published):
    return Measure.objects.select_related("edition").get(edition=published, code="M-1")


def _errors(response) -> set:
    return {error["path"] for error in response.json()["errors"]}


def test_a_value_is_entered_reviewed_and_then_public(api, planners, health):
    # when the co-responsible ministry enters a value
    entered = api(
        planners["meti-editor"],
        "post",
        f"{BASE}/kpis/K-1/measurements",
        {"measured_on": "2026-09-30", "value": "180.5", "source": "調査"},
    )
    assert entered.status_code == 201, entered.content
    value = entered.json()
    assert (value["status"], value["organization"]) == ("entered", "meti")
    # then another ministry does not see it yet
    listed = api(planners["mic-editor"], "get", f"{BASE}/kpis/K-1/measurements")
    assert listed.json()["count"] == 0
    # when the Digital Agency accepts it
    reviewed = api(
        planners["da-editor"],
        "post",
        f"{BASE}/measurements/{value['id']}/review",
        {"accept": True},
    )
    assert reviewed.json()["status"] == "accepted"
    # then everyone reads it
    listed = api(planners["mic-editor"], "get", f"{BASE}/kpis/K-1/measurements")
    assert [item["value"] for item in listed.json()["items"]] == ["180.5000"]


def test_the_review_note_of_an_accepted_value_stays_with_the_measures_bodies(api, planners, health):
    # given a value the Digital Agency accepted with a note for the ministry
    entered = api(
        planners["mhlw-editor"],
        "post",
        f"{BASE}/kpis/K-1/measurements",
        {"measured_on": "2026-09-30", "value": "150"},
    ).json()
    api(
        planners["da-editor"],
        "post",
        f"{BASE}/measurements/{entered['id']}/review",
        {"accept": True, "note": "出典の版を次回から記入のこと"},
    )
    # when the lead and another ministry list the KPI's values
    lead = api(planners["mhlw-editor"], "get", f"{BASE}/kpis/K-1/measurements").json()
    other = api(planners["mic-editor"], "get", f"{BASE}/kpis/K-1/measurements").json()
    # then the lead reads the note; the other ministry reads the value without it
    assert [item["review_note"] for item in lead["items"]] == ["出典の版を次回から記入のこと"]
    assert [(item["value"], item["review_note"]) for item in other["items"]] == [("150.0000", "")]


def test_a_value_with_problems_names_each_and_a_stranger_is_refused(api, planners, health):
    bad = api(
        planners["mhlw-editor"],
        "post",
        f"{BASE}/kpis/K-1/measurements",
        {"measured_on": "2099-01-01", "value": "1"},
    )
    assert bad.status_code == 422
    assert any("measured_on" in path for path in _errors(bad))
    refused = api(
        planners["mic-editor"],
        "post",
        f"{BASE}/kpis/K-1/measurements",
        {"measured_on": "2026-09-30", "value": "1"},
    )
    assert refused.status_code == 403


def test_a_report_goes_from_draft_through_review_with_versions(api, planners, health):
    lead, da = planners["mhlw-editor"], planners["da-editor"]
    milestone = health.milestones.get()
    # when the lead drafts the Q1 report with the milestone done and a value
    created = api(
        lead,
        "post",
        f"{BASE}/reports",
        {
            "fiscal_year": 2026,
            "quarter": 1,
            "narrative": "要件定義を完了",
            "milestones": [{"milestone": milestone.pk, "done_on": "2026-06-20"}],
            "values": [{"kpi": "K-1", "measured_on": "2026-06-30", "value": "150"}],
        },
    )
    assert created.status_code == 201, created.content
    report = created.json()
    url = f"{BASE}/reports/{report['id']}"
    assert created["ETag"] == f'"{report["version"]}"'
    # and submits it without a proposed rating: both missing fields are named
    refused = api(lead, "post", f"{url}/submit", {})
    assert refused.status_code == 422
    assert {"proposed_confidence", "proposed_reason"} <= {
        p.split(".")[-1] for p in _errors(refused)
    }
    # a change from a stale version is refused
    stale = api(
        lead,
        "patch",
        url,
        {"proposed_confidence": "probable", "proposed_reason": "順調", "version": 99},
    )
    assert stale.status_code == 409
    changed = api(
        lead,
        "patch",
        url,
        {"proposed_confidence": "probable", "proposed_reason": "順調"},
        headers={"HTTP_IF_MATCH": created["ETag"]},
    )
    assert changed.status_code == 200, changed.content
    submitted = api(lead, "post", f"{url}/submit", {})
    assert submitted.json()["status"] == "submitted"
    # when the Digital Agency reviews it, then revises the rating
    api(
        da, "post", f"{url}/review", {"confidence": "feasible", "reason": "遅延", "comment": "内部"}
    )
    revised = api(da, "post", f"{url}/review", {"confidence": "probable", "reason": "回復"})
    assert (revised.json()["status"], revised.json()["confidence"]) == ("reviewed", "probable")
    # then the history holds each rating for the lead, the reviewed ones for others
    history = api(lead, "get", f"{BASE}/ratings").json()["items"]
    assert [(r["kind"], r["confidence"]) for r in history] == [
        ("proposed", "probable"),
        ("reviewed", "feasible"),
        ("reviewed", "probable"),
    ]
    public = api(planners["mic-editor"], "get", f"{BASE}/ratings").json()["items"]
    assert [r["kind"] for r in public] == ["reviewed", "reviewed"]
    assert public[-1]["meaning"]
    # and another ministry reads the report without its proposal or comment
    seen = api(planners["mic-editor"], "get", url).json()
    assert seen["confidence"] == "probable"
    assert seen["review_comment"] is None and seen["proposed_confidence"] is None
    assert seen["narrative"] is None


def test_a_submitted_report_is_returned_with_a_reason(api, planners, health):
    report = services.report_save(
        actor=planners["mhlw-editor"],
        measure=health,
        fiscal_year=2026,
        quarter=1,
        narrative="n",
        proposed_confidence="probable",
        proposed_reason="r",
        today=TODAY,
    )
    services.report_submit(actor=planners["mhlw-editor"], report=report, today=TODAY)
    url = f"{BASE}/reports/{report.pk}/return"
    assert api(planners["da-editor"], "post", url, {"reason": ""}).status_code == 422
    assert api(planners["mhlw-editor"], "post", url, {"reason": "x"}).status_code == 403
    returned = api(planners["da-editor"], "post", url, {"reason": "根拠を"})
    assert returned.json()["status"] == "draft"
    assert returned.json()["review_comment"] == "根拠を"


@pytest.mark.parametrize(
    ("username", "status"),
    [("mhlw-editor", 201), ("meti-editor", 403), ("da-editor", 403), ("mhlw-viewer", 403)],
)
def test_only_the_leads_editor_drafts_a_report(api, planners, health, username, status):
    response = api(
        planners[username], "post", f"{BASE}/reports", {"fiscal_year": 2026, "quarter": 1}
    )
    assert response.status_code == status


def test_flags_for_the_digital_agency_and_per_measure(api, planners, health, government):
    flags.refresh(TODAY)
    # the Digital Agency lists every open flag, filtered by kind, lead and area
    everything = api(planners["da-editor"], "get", "/api/v1/plans/flags").json()
    assert {item["measure"] for item in everything["items"]} == {"M-1", "M-2"}
    by_kind = api(
        planners["da-editor"], "get", "/api/v1/plans/flags", kind="milestone_overdue"
    ).json()
    assert [item["measure"] for item in by_kind["items"]] == ["M-1"]
    assert by_kind["items"][0]["text"]
    by_lead = api(planners["da-editor"], "get", "/api/v1/plans/flags", lead="da").json()
    assert {item["measure"] for item in by_lead["items"]} == {"M-2"}
    by_area = api(planners["da-editor"], "get", "/api/v1/plans/flags", area="1.1").json()
    assert {item["measure"] for item in by_area["items"]} == {"M-1"}
    # a ministry may not list them all
    assert api(planners["mhlw-editor"], "get", "/api/v1/plans/flags").status_code == 403
    # per measure: the responsible see its flags, another ministry none
    mine = api(planners["meti-editor"], "get", f"{BASE}/flags").json()
    assert mine["count"] == 3  # Q1 and Q2 reports, the milestone
    assert api(planners["mic-editor"], "get", f"{BASE}/flags").json()["count"] == 0


def test_notices_are_listed_and_marked_read(api, planners, health):
    flags.refresh(TODAY)
    editor = planners["mhlw-editor"]
    listed = api(editor, "get", "/api/v1/plans/notices", unread=True).json()
    assert listed["count"] >= 1
    ids = [item["id"] for item in listed["items"]]
    other = Notification.objects.exclude(user=editor).first()
    changed = api(editor, "post", "/api/v1/plans/notices/read", {"ids": [*ids, other.pk]})
    assert changed.json()["changed"] == len(ids)
    other.refresh_from_db()
    assert other.read_at is None


def test_a_draft_editions_tracking_is_not_found(api, planners, draft):
    response = api(planners["tokyo-viewer"], "get", f"{BASE}/reports")
    assert response.status_code == 404
