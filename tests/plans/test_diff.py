"""The diff of two editions: measures matched by code (added, removed, changed: which fields,
old → new), KPIs matched by code within a measure (added, removed, targets moved), on a page
that compares with the edition copied from by default, and as CSV."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client

from shireito.plans import services
from shireito.plans.models import InterimTarget, Kpi, Measure, PlanArea, Principle
from shireito.plans.selectors.diff import edition_diff

pytestmark = pytest.mark.django_db


@pytest.fixture
def next_edition(published, planners, government):
    """The 2027 edition as a copy of the published 2026 one, then changed: M-2 removed, M-3
    added, M-1's deadline, lead, target state and principles changed, K-1's target moved and
    an interim target added, and a KPI K-3 added to M-1."""
    da = planners["da-editor"]
    edition = services.edition_copy(actor=da, source=published, year=2027, title="重点計画2027")
    services.content_delete(actor=da, instance=edition.measures.get(code="M-2"))
    health = edition.measures.get(code="M-1")
    services.content_update(
        actor=da,
        instance=health,
        deadline=dt.date(2029, 3, 31),
        lead=government["mic"],
        target_state="全病院と全診療所で共有",
    )
    services.measure_set_parties(
        actor=da, measure=health, principles=list(Principle.objects.filter(number__in=[3, 7]))
    )
    kpi = Kpi.objects.get(measure=health, code="K-1")
    services.content_update(actor=da, instance=kpi, target_value=Decimal(800))
    services.content_create(
        actor=da, instance=InterimTarget(kpi=kpi, due_on=dt.date(2027, 3, 31), value=Decimal(300))
    )
    services.content_create(
        actor=da,
        instance=Kpi(
            measure=health,
            code="K-3",
            name="共有診療所数",
            unit="施設",
            baseline_value=Decimal(0),
            baseline_date=dt.date(2026, 4, 1),
            target_value=Decimal(1000),
            target_date=dt.date(2029, 3, 31),
        ),
    )
    services.content_create(
        actor=da,
        instance=Measure(
            edition=edition,
            area=PlanArea.objects.get(edition=edition, code="1"),
            code="M-3",
            name="新施策",
            lead=government["da"],
        ),
    )
    return edition


def test_the_diff_names_measures_added_removed_and_changed_field_by_field(published, next_edition):
    # given 2026 and its changed copy 2027
    # when they are compared
    diff = edition_diff(published, next_edition)
    # then M-3 is added, M-2 removed, and M-1 changed in exactly the fields touched
    assert [m.code for m in diff.added] == ["M-3"]
    assert [m.code for m in diff.removed] == ["M-2"]
    (change,) = diff.changed
    assert change.code == "M-1"
    fields = {f.field: (f.old, f.new) for f in change.fields}
    assert set(fields) == {"deadline", "lead", "target_state", "principles"}
    assert fields["deadline"] == ("2028-03-31", "2029-03-31")
    assert fields["principles"] == ("③ ⑤", "③ ⑦")
    assert fields["lead"][0].startswith("mhlw") and fields["lead"][1].startswith("mic")


def test_the_diff_names_kpis_added_and_targets_moved(published, next_edition):
    # when 2026 and 2027 are compared
    (change,) = edition_diff(published, next_edition).changed
    # then K-3 is added, and K-1's target and interim targets moved (nothing else of it)
    assert [k.code for k in change.kpis_added] == ["K-3"]
    assert change.kpis_removed == []
    (moved,) = change.kpis_changed
    assert moved.code == "K-1"
    assert {f.field: (f.old, f.new) for f in moved.fields} == {
        "target_value": ("500", "800"),
        "interim_targets": ("", "2027-03-31: 300"),
    }


def test_an_edition_compared_with_itself_has_no_change(published):
    diff = edition_diff(published, published)
    assert (diff.added, diff.removed, diff.changed) == ([], [], [])


def test_the_diff_page_compares_with_the_edition_copied_from_by_default(next_edition, planners):
    client = Client()
    client.force_login(planners["da-viewer"])
    # when the 2027 edition's diff page is opened without saying against what
    html = client.get("/plans/2027/diff/").content.decode()
    # then it compares with 2026 and shows each change
    assert "2026" in html
    assert "/plans/2027/measures/M-3/" in html  # added
    assert "/plans/2026/measures/M-2/" in html  # removed, linked where it still is
    assert "2029-03-31" in html and "2028-03-31" in html
    assert "K-3" in html


def test_the_diff_downloads_as_csv(next_edition, planners):
    client = Client()
    client.force_login(planners["da-viewer"])
    # when the diff is downloaded
    response = client.get("/plans/2027/diff.csv?against=2026")
    # then each change is a row
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    # then each change is a row, in the reader's language (Japanese by default)
    assert rows[0] == ["変更の種類", "施策", "KPI", "項目", "変更前", "変更後"]
    kinds = {(r[0], r[1], r[2]) for r in rows[1:]}
    assert ("施策の追加", "M-3", "") in kinds
    assert ("施策の削除", "M-2", "") in kinds
    assert ("施策の変更", "M-1", "") in kinds
    assert ("KPIの追加", "M-1", "K-3") in kinds
    assert ("KPIの変更", "M-1", "K-1") in kinds
    assert not any("_" in r[0] or "_" in r[3] for r in rows[1:])  # no internal key
    assert response["Content-Disposition"].startswith("attachment")


def test_a_draft_unseen_cannot_be_compared(next_edition, planners):
    client = Client()
    client.force_login(planners["tokyo-viewer"])
    # when Tokyo asks for the diff of the Digital Agency's draft, or against it
    # then the draft is not found, and an unknown year is ignored
    assert client.get("/plans/2027/diff/").status_code == 404
    assert client.get("/plans/2027/diff.csv").status_code == 404
    page = client.get("/plans/2026/diff/?against=2027")
    assert page.status_code == 200
    assert "/plans/2027/" not in page.content.decode()


API = "/api/v1/plans/editions"


def test_the_diff_api_answers_what_the_page_shows(api, next_edition, planners):
    # when the Digital Agency's viewer asks for 2027's diff without saying against what
    response = api(planners["da-viewer"], "get", f"{API}/2027/diff")
    # then it is against 2026, the edition it was copied from, change by change
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["edition"], body["against"]) == (2027, 2026)
    assert [m["code"] for m in body["added"]] == ["M-3"]
    assert [m["code"] for m in body["removed"]] == ["M-2"]
    (change,) = body["changed"]
    fields = {f["field"]: (f["old"], f["new"]) for f in change["fields"]}
    assert fields["deadline"] == ("2028-03-31", "2029-03-31")
    assert [k["code"] for k in change["kpis_added"]] == ["K-3"]
    (moved,) = change["kpis_changed"]
    assert {f["field"]: (f["old"], f["new"]) for f in moved["fields"]} == {
        "target_value": ("500", "800"),
        "interim_targets": ("", "2027-03-31: 300"),
    }
    # and against a year named, the same
    named = api(planners["da-viewer"], "get", f"{API}/2027/diff", against=2026).json()
    assert named == body


def test_the_diff_api_shows_a_lead_ministry_only_the_draft_measures_it_may_see(
    api, next_edition, planners
):
    # when the ministry that leads M-1 alone in the 2027 draft asks for its diff
    body = api(planners["mic-editor"], "get", f"{API}/2027/diff").json()
    # then M-1's changes are there, M-2's removal from the published edition too, and the
    # Digital Agency's new M-3, which the ministry may not see in the draft, is not
    assert [m["code"] for m in body["added"]] == []
    assert [m["code"] for m in body["removed"]] == ["M-2"]
    assert [c["code"] for c in body["changed"]] == ["M-1"]


@pytest.mark.parametrize(
    ("who", "path", "query", "status"),
    [
        ("tokyo-viewer", "2027/diff", {}, 404),  # a draft it takes no part in
        ("tokyo-viewer", "2026/diff", {"against": 2027}, 404),  # nor against it
        ("da-viewer", "2026/diff", {"against": 1999}, 404),  # a year never written
        ("da-viewer", "2026/diff", {}, 422),  # copied from nothing
        ("da-viewer", "2026/diff", {"against": 2026}, 422),  # itself
    ],
)
def test_the_diff_api_refuses_what_it_cannot_compare(
    api, next_edition, planners, who, path, query, status
):
    response = api(planners[who], "get", f"{API}/{path}", **query)
    assert response.status_code == status, response.content
