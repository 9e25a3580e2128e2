"""The plan's API: editions and their content read as the selectors allow and written only on
a draft by the Digital Agency, publication refused with every problem, a whole edition out and
back in as a file."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shireito.accounts.services import api_token_create
from shireito.plans.models import Measure, PlanEdition
from shireito.plans.transfer import export_zip
from shireito.plans.transfer.export import table_rows

BASE = "/api/v1/plans/editions"


def _upload(client, user, path, raw, name="plan.zip", **query):
    headers = {}
    if user is not None:
        _token, secret = api_token_create(actor=None, user=user, name="test")
        headers["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    query_string = "&".join(f"{k}={v}" for k, v in query.items())
    return client.post(f"{path}?{query_string}", {"file": SimpleUploadedFile(name, raw)}, **headers)


# Who may do what: (user, method, path, body, status on the draft).
TABLE = [
    ("da-editor", "get", f"{BASE}/2026", None, 200),
    ("mhlw-editor", "get", f"{BASE}/2026", None, 200),  # leads a measure of the draft
    ("mic-editor", "get", f"{BASE}/2026", None, 404),
    ("tokyo-viewer", "get", f"{BASE}/2026/measures", None, 404),
    ("mhlw-viewer", "get", f"{BASE}/2026/measures/M-1", None, 200),
    ("mhlw-viewer", "get", f"{BASE}/2026/measures/M-2", None, 404),  # not theirs
    ("da-editor", "post", BASE, {"year": 2027, "title": "重点計画2027"}, 201),
    ("mhlw-editor", "post", BASE, {"year": 2027, "title": "重点計画2027"}, 403),
    ("da-viewer", "post", BASE, {"year": 2027, "title": "重点計画2027"}, 403),
    ("da-editor", "patch", f"{BASE}/2026/measures/M-1", {"name": "新しい名前"}, 200),
    ("mhlw-editor", "patch", f"{BASE}/2026/measures/M-1", {"name": "新しい名前"}, 403),
    ("da-viewer", "patch", f"{BASE}/2026/measures/M-1", {"name": "新しい名前"}, 403),
    ("da-editor", "delete", f"{BASE}/2026/measures/M-2", None, 204),
    ("mhlw-editor", "delete", f"{BASE}/2026/measures/M-1", None, 403),
    ("da-editor", "delete", f"{BASE}/2026", None, 204),
    ("da-viewer", "delete", f"{BASE}/2026", None, 403),
]


@pytest.mark.parametrize(("who", "method", "path", "body", "status"), TABLE)
def test_who_may_read_and_write_a_draft(api, draft, planners, who, method, path, body, status):
    # when each user calls the API on the draft
    response = api(planners[who], method, path, body)
    # then the permission rules decide, and what one may not see is not there
    assert response.status_code == status, response.content[:300]


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", BASE), ("get", f"{BASE}/2026"), ("post", BASE), ("get", f"{BASE}/2026/export")],
)
def test_anonymous_callers_are_asked_to_sign_in(client, draft, method, path):
    assert getattr(client, method)(path).status_code == 401


@pytest.mark.parametrize("who", ["tokyo-viewer", "mic-editor", "da-viewer"])
def test_every_signed_in_user_reads_a_published_edition(api, published, planners, who):
    # when anyone signed in reads the published edition and a measure
    listed = api(planners[who], "get", BASE)
    measure = api(planners[who], "get", f"{BASE}/2026/measures/M-1")
    # then they see it, with its KPIs and parties
    assert listed.json()["count"] == 1
    body = measure.json()
    assert body["co_responsible"] == ["meti"] and body["principles"] == [3, 5]
    assert body["kpis"][0]["code"] == "K-1" and body["milestones"][0]["quarter"] == 2
    assert measure["ETag"] == f'"{body["version"]}"'


def test_a_published_edition_is_not_written(api, published, planners):
    response = api(planners["da-editor"], "patch", f"{BASE}/2026/measures/M-1", {"name": "x"})
    assert response.status_code == 422


def test_publication_is_refused_with_every_problem_at_its_place(api, draft, planners):
    # given two measures missing a deadline and a target state, and no decision date
    Measure.objects.filter(code="M-1").update(deadline=None)
    Measure.objects.filter(code="M-2").update(target_state="")
    # when the Digital Agency publishes
    response = api(planners["da-editor"], "post", f"{BASE}/2026/publish", {})
    # then every problem is named with its place, and the edition stays a draft
    assert response.status_code == 422
    paths = {e["path"] for e in response.json()["errors"]}
    assert paths == {"$.measures.M-1.deadline", "$.measures.M-2.target_state", "$.decided_on"}
    assert PlanEdition.objects.get(year=2026).status == "draft"


def test_a_draft_is_published_with_its_decision_date(api, draft, planners):
    response = api(
        planners["da-editor"], "post", f"{BASE}/2026/publish", {"decided_on": "2026-06-13"}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "published"
    assert response.json()["decided_on"] == "2026-06-13"


def test_a_new_edition_starts_as_a_copy(api, published, planners):
    response = api(
        planners["da-editor"],
        "post",
        BASE,
        {"year": 2027, "title": "重点計画2027", "copy_from": 2026},
    )
    assert response.status_code == 201
    assert response.json()["based_on"] == 2026
    assert Measure.objects.filter(edition__year=2027).count() == 2


def test_a_measure_is_written_with_its_parties_links_and_kpis(api, draft, planners, systems):
    da = planners["da-editor"]
    # when a measure is added with parties and a system, then a KPI with interim targets
    created = api(
        da,
        "post",
        f"{BASE}/2026/measures",
        {
            "code": "M-3",
            "area": "1",
            "name": "電子申請",
            "lead": "mic",
            "co_responsible": ["mhlw"],
            "principles": [1, 2],
            "systems": ["mhlw-app"],
            "deadline": "2029-03-31",
        },
    )
    kpi = api(
        da,
        "post",
        f"{BASE}/2026/measures/M-3/kpis",
        {
            "code": "K-3",
            "name": "申請件数",
            "unit": "件",
            "unit_en": "applications",
            "baseline_value": "10",
            "baseline_date": "2025-04-01",
            "target_value": "100",
            "target_date": "2029-03-31",
            "interim_targets": [{"due_on": "2027-03-31", "value": "50"}],
        },
    )
    # then both are there, as the measure's answer shows
    assert created.status_code == 201, created.content
    assert created.json()["systems"] == ["mhlw-app"]
    assert kpi.status_code == 201, kpi.content
    measure = api(da, "get", f"{BASE}/2026/measures/M-3").json()
    assert measure["kpis"][0]["interim_targets"][0]["due_on"] == "2027-03-31"
    assert (measure["kpis"][0]["unit"], measure["kpis"][0]["unit_en"]) == ("件", "applications")
    assert measure["co_responsible"] == ["mhlw"] and measure["principles"] == [1, 2]


def test_an_unknown_name_is_an_error_on_its_field(api, draft, planners):
    response = api(
        planners["da-editor"],
        "post",
        f"{BASE}/2026/measures",
        {"code": "M-3", "area": "nowhere", "name": "x", "lead": "mic"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "$.area"


def test_a_stale_version_is_refused(api, draft, planners):
    # given a measure changed since the caller read it
    da = planners["da-editor"]
    etag = api(da, "get", f"{BASE}/2026/measures/M-1")["ETag"]
    api(da, "patch", f"{BASE}/2026/measures/M-1", {"name": "一度目"})
    # when the caller changes it with the old ETag
    response = api(
        da,
        "patch",
        f"{BASE}/2026/measures/M-1",
        {"name": "二度目"},
        headers={"HTTP_IF_MATCH": etag},
    )
    # then nothing is written
    assert response.status_code == 412
    assert Measure.objects.get(edition=draft, code="M-1").name == "一度目"


@pytest.mark.parametrize("fmt", ["xlsx", "csv-zip"])
def test_the_export_downloads_the_edition(api, published, planners, fmt):
    response = api(planners["tokyo-viewer"], "get", f"{BASE}/2026/export", format=fmt)
    assert response.status_code == 200
    assert response.content.startswith(b"PK")


def test_an_import_is_checked_then_written(client, draft, planners):
    # given the draft's export with a KPI renamed
    da = planners["da-editor"]
    raw = export_zip(da, draft)
    before = table_rows(da, draft)
    # when it is checked, then imported as a new draft
    checked = _upload(client, da, f"{BASE}/2030/import", raw, dry_run="true")
    written = _upload(client, da, f"{BASE}/2030/import", raw, dry_run="false")
    # then the check wrote nothing and the import wrote the same content
    assert checked.status_code == 200, checked.content
    assert checked.json()["written"] is False and checked.json()["counts"]["kpis"] == 2
    assert written.json() == {
        "year": 2030,
        "new_edition": True,
        "written": True,
        "counts": checked.json()["counts"],
    }
    after = table_rows(da, PlanEdition.objects.get(year=2030))
    assert {k: v for k, v in after.items() if k != "edition"} == {
        k: v for k, v in before.items() if k != "edition"
    }


def test_an_import_with_problems_answers_each_by_place(client, draft, planners):
    # given the draft's export with a measure's deadline that is no date, and a file of no kind
    da = planners["da-editor"]
    raw = export_zip(da, draft)
    broken = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as source, zipfile.ZipFile(broken, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "measures.csv":
                data = data.replace(b"2028-03-31", b"someday")
            target.writestr(name, data)
    # when each is imported
    located = _upload(client, da, f"{BASE}/2026/import", broken.getvalue(), dry_run="false")
    refused = _upload(client, da, f"{BASE}/2026/import", b"hello", name="x.xlsx")
    # then each problem is named in the file, and nothing is written
    assert located.status_code == 422
    assert [(e["location"], e["path"]) for e in located.json()["errors"]] == [
        ("file", "measures.csv!row 2.deadline")
    ]
    assert refused.status_code == 422 and refused.json()["errors"][0]["path"] == "$"
    assert Measure.objects.get(edition=draft, code="M-1").deadline == dt.date(2028, 3, 31)


@pytest.mark.parametrize(
    ("who", "status"), [("mhlw-editor", 403), ("da-viewer", 403), ("mic-editor", 404), (None, 401)]
)
def test_only_the_digital_agencys_authors_import(client, draft, planners, who, status):
    raw = export_zip(planners["da-editor"], draft)
    user = planners[who] if who else None
    response = _upload(client, user, f"{BASE}/2026/import", raw, dry_run="false")
    assert response.status_code == status, response.content[:300]


def test_a_draft_edition_is_changed_against_its_etag(api, draft, planners):
    # given the draft's ETag, then a change by someone else
    da = planners["da-editor"]
    etag = api(da, "get", f"{BASE}/2026")["ETag"]
    changed = api(
        da, "patch", f"{BASE}/2026", {"title": "重点計画（案）"}, headers={"HTTP_IF_MATCH": etag}
    )
    stale = api(da, "patch", f"{BASE}/2026", {"title": "別の題名"}, headers={"HTTP_IF_MATCH": etag})
    # then the first change is written and the second, made against the old version, is not
    assert changed.status_code == 200 and changed.json()["title"] == "重点計画（案）"
    assert changed["ETag"] != etag
    assert stale.status_code == 412


def test_areas_are_listed_added_and_removed(api, draft, planners):
    da = planners["da-editor"]
    added = api(da, "post", f"{BASE}/2026/areas", {"code": "2", "name": "産業", "parent": "1"})
    listed = api(da, "get", f"{BASE}/2026/areas").json()
    in_use = api(da, "delete", f"{BASE}/2026/areas/1.1")
    removed = api(da, "delete", f"{BASE}/2026/areas/2")
    assert added.status_code == 201 and added.json()["parent"] == "1"
    assert listed["count"] == 3
    assert in_use.status_code == 422  # it holds a measure
    assert removed.status_code == 204


def test_kpis_and_milestones_are_changed_and_removed(api, draft, planners):
    da = planners["da-editor"]
    kpi = api(
        da,
        "patch",
        f"{BASE}/2026/measures/M-1/kpis/K-1",
        {"target_value": "600", "interim_targets": [{"due_on": "2027-03-31", "value": "300"}]},
    )
    milestone = api(da, "get", f"{BASE}/2026/measures/M-1").json()["milestones"][0]["id"]
    moved = api(da, "patch", f"{BASE}/2026/measures/M-1/milestones/{milestone}", {"quarter": 3})
    gone = api(da, "delete", f"{BASE}/2026/measures/M-1/milestones/{milestone}")
    wrong = api(da, "patch", f"{BASE}/2026/measures/M-1/kpis/K-1", {"target_value": "1"})
    assert kpi.status_code == 200, kpi.content
    assert kpi.json()["interim_targets"] == [{"due_on": "2027-03-31", "value": "300.0000"}]
    assert moved.status_code == 200 and moved.json()["quarter"] == 3
    assert gone.status_code == 204
    assert wrong.status_code == 422  # below the baseline of a KPI that should go up


def test_a_measure_names_only_the_systems_its_reader_may_see(api, draft, planners, systems):
    # given a published measure delivered by a Digital Agency system and a MHLW system
    from shireito.plans import services

    measure = Measure.objects.get(edition=draft, code="M-1")
    services.measure_set_links(
        actor=planners["da-editor"],
        measure=measure,
        systems=[systems["da-portal"], systems["mhlw-app"]],
    )
    services.edition_publish(
        actor=planners["da-editor"], edition=draft, decided_on=dt.date(2026, 6, 1)
    )
    # when the lead ministry and another ministry read the measure
    lead = api(planners["mhlw-viewer"], "get", f"{BASE}/2026/measures/M-1").json()
    other = api(planners["mic-editor"], "get", f"{BASE}/2026/measures/M-1").json()
    # then each list names what its reader may open and counts the rest
    assert "mhlw-app" in lead["systems"]
    assert "mhlw-app" not in other["systems"]
    assert other["hidden_links"] == 2 - len(other["systems"])
