"""The signed-in pages that write and read the plan: who sees which edition and which
buttons, publication refused with every problem shown, forms that name every error at once in
Japanese, and the system page listing the measures a system serves."""

import datetime as dt

import pytest
from django.test import Client

from shireito.core.models import AuditEvent
from shireito.plans import services
from shireito.plans.models import Kpi, Measure, MeasureSystem, PlanArea, PlanEdition

pytestmark = pytest.mark.django_db

EDIT_LINKS = [
    "/plans/2026/edit/",
    "/plans/2026/publish/",
    "/plans/2026/delete/",
    "/plans/2026/measures/new/",
    "/plans/2026/areas/new/",
]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("who", "reads", "writes"),
    [
        ("da-editor", True, True),
        ("da-viewer", True, False),
        ("mhlw-editor", True, False),
        ("mhlw-viewer", True, False),
        ("tokyo-viewer", False, False),
    ],
)
def test_only_the_digital_agencys_editors_write_a_draft_and_see_its_buttons(
    draft, planners, who, reads, writes
):
    # given the Digital Agency's draft, and a user
    client = _client(planners[who])
    # when they open the draft and its pages that write
    page = client.get("/plans/2026/")
    writes_answers = [
        client.get(url).status_code
        for url in [
            "/plans/2026/edit/",
            "/plans/2026/measures/new/",
            "/plans/2026/areas/new/",
            "/plans/2026/measures/M-1/edit/",
            "/plans/2026/measures/M-1/kpis/new/",
            "/plans/2026/measures/M-1/links/",
            "/plans/2026/publish/",
        ]
    ]
    # then the draft is read by its author and the responsible organisations only, and only
    # the Digital Agency's editor may write it and sees the buttons
    assert page.status_code == (200 if reads else 404)
    html = page.content.decode()
    for link in EDIT_LINKS:
        assert (link in html) is writes, link
    expected = {200} if writes else ({403} if reads else {404})
    assert set(writes_answers) == expected


@pytest.mark.parametrize("who", ["da-viewer", "mhlw-editor", "mhlw-viewer", "tokyo-viewer"])
def test_a_published_edition_is_read_by_everyone_and_changed_by_nobody(published, planners, who):
    # given a published edition
    client = _client(planners[who])
    # when a user reads it and a measure of it
    page = client.get("/plans/2026/")
    measure = client.get("/plans/2026/measures/M-2/")
    # then both answer, with no button that writes
    assert page.status_code == measure.status_code == 200
    html = page.content.decode() + measure.content.decode()
    for link in [*EDIT_LINKS, "/plans/2026/measures/M-2/edit/"]:
        assert link not in html
    assert client.post("/plans/2026/measures/M-2/edit/", {}).status_code == 403


def test_even_the_author_sees_no_write_button_on_a_published_edition(published, planners):
    # given the published edition, read by its author
    client = _client(planners["da-editor"])
    # when the author opens it
    html = client.get("/plans/2026/").content.decode()
    # then there is no write button (but one to start the next edition as its copy)
    for link in EDIT_LINKS:
        assert link not in html
    assert "/plans/new/?based_on=" in html
    assert client.get("/plans/2026/edit/").status_code == 403


def test_a_responsible_organization_sees_only_its_own_measures_of_a_draft(draft, planners):
    # given the draft, with M-1 led by MHLW and M-2 by the Digital Agency
    client = _client(planners["mhlw-viewer"])
    # when MHLW reads the draft
    html = client.get("/plans/2026/").content.decode()
    # then it sees its measure, not the other, and the other's page is not found
    assert "/plans/2026/measures/M-1/" in html
    assert "/plans/2026/measures/M-2/" not in html
    assert client.get("/plans/2026/measures/M-2/").status_code == 404
    # and Tokyo does not see the draft in the list at all
    listing = _client(planners["tokyo-viewer"]).get("/plans/").content.decode()
    assert "/plans/2026/" not in listing


def test_the_outline_shows_areas_at_depth_with_their_measures_and_principles(draft, planners):
    # given the draft with M-1 in the sub-area 1.1 serving principles ③ and ⑤
    client = _client(planners["da-viewer"])
    # when the outline is read, then filtered by the principle ⑤
    html = client.get("/plans/2026/").content.decode()
    filtered = client.get("/plans/2026/?principle=5").content.decode()
    # then the sub-area sits within the area, the marks carry their names, and the filter
    # keeps only M-1
    assert html.index('id="area-1"') < html.index('id="area-11"')
    assert '<span aria-hidden="true">③</span>' in html
    assert "/plans/2026/measures/M-2/" in html
    assert "/plans/2026/measures/M-1/" in filtered
    assert "/plans/2026/measures/M-2/" not in filtered


def test_the_outline_filters_by_area_lead_status_and_search(draft, planners):
    client = _client(planners["da-viewer"])
    # given the draft; when it is filtered by the top area (which holds 1.1), a lead, a status
    # and a search
    by_area = client.get("/plans/2026/?area=1").content.decode()
    by_lead = client.get("/plans/2026/?lead=da").content.decode()
    by_status = client.get("/plans/2026/?status=done").content.decode()
    by_search = client.get("/plans/2026/?search=クラウド").content.decode()
    # then each keeps what it should
    assert "/measures/M-1/" in by_area and "/measures/M-2/" in by_area
    assert "/measures/M-2/" in by_lead and "/measures/M-1/" not in by_lead
    assert "/measures/M-" not in by_status
    assert "/measures/M-2/" in by_search and "/measures/M-1/" not in by_search


def test_publication_is_refused_with_every_problem_each_linking_to_its_measure(draft, planners):
    # given a draft whose M-1 lacks a deadline and M-2 a target state
    Measure.objects.filter(code="M-1").update(deadline=None)
    Measure.objects.filter(code="M-2").update(target_state="")
    client = _client(planners["da-editor"])
    # when the editor publishes without the Cabinet's date
    response = client.post("/plans/2026/publish/", {"decided_on": ""})
    # then every problem is shown at once, each linking to the measure to put right, and the
    # edition stays a draft
    html = response.content.decode()
    assert response.status_code == 200
    assert "/plans/2026/measures/M-1/edit/#id_deadline" in html
    assert "/plans/2026/measures/M-2/edit/#id_target_state" in html
    assert 'href="#id_decided_on"' in html
    assert "このフィールドは必須です。" in html
    assert PlanEdition.objects.get(year=2026).status == "draft"


def test_a_complete_draft_is_published_with_the_cabinets_date(draft, planners):
    client = _client(planners["da-editor"])
    # when the editor publishes with the date
    response = client.post("/plans/2026/publish/", {"decided_on": "2026-06-13"})
    # then the edition is published
    assert response.status_code == 302
    edition = PlanEdition.objects.get(year=2026)
    assert edition.status == "published"
    assert edition.decided_on == dt.date(2026, 6, 13)


def test_a_measure_form_names_every_problem_at_once_in_japanese(draft, planners):
    # given the editor, and a new measure with a code already used, no title, a date that is
    # no date and the lead also named co-responsible
    client = _client(planners["da-editor"])
    area = PlanArea.objects.get(edition=draft, code="1")
    lead = Measure.objects.get(code="M-1").lead
    events = AuditEvent.objects.count()
    response = client.post(
        "/plans/2026/measures/new/",
        {
            "area": area.pk,
            "code": "M-1",
            "name": "",
            "lead": lead.pk,
            "co_responsible": [lead.pk],
            "deadline": "2027-13-45",
            "status": "not_started",
            "position": 0,
        },
    )
    # then one answer names them all, in Japanese, and nothing is written
    html = response.content.decode()
    assert response.status_code == 200
    for field in ["code", "name", "deadline", "co_responsible"]:
        assert f'href="#id_{field}"' in html, field
    assert "このフィールドは必須です。" in html
    assert "日付を正しく入力してください。" in html
    assert "主担当の組織は共同担当にできません。" in html
    assert Measure.objects.filter(edition=draft).count() == 2
    assert AuditEvent.objects.count() == events


def test_a_measure_is_added_with_its_parties_and_principles(draft, planners, government):
    client = _client(planners["da-editor"])
    area = PlanArea.objects.get(edition=draft, code="1")
    # when the editor adds a measure with a co-responsible body and two principles
    response = client.post(
        "/plans/2026/measures/new/",
        {
            "area": area.pk,
            "code": "M-3",
            "name": "新しい施策",
            "lead": government["mic"].pk,
            "co_responsible": [government["meti"].pk],
            "principles": ["1", "10"],
            "target_state": "完了",
            "deadline": "2028-03-31",
            "status": "not_started",
            "position": 3,
        },
    )
    # then it is written, with both, and the page leads to it
    assert response.status_code == 302
    assert response["Location"] == "/plans/2026/measures/M-3/"
    measure = Measure.objects.get(edition=draft, code="M-3")
    assert [o.code for o in measure.co_responsible.all()] == ["meti"]
    assert sorted(p.number for p in measure.principles.all()) == [1, 10]


def test_a_kpi_form_names_the_wrong_way_target_and_the_date_order_together(draft, planners):
    client = _client(planners["da-editor"])
    # when a KPI that should go up has a target below its baseline, and a target date before
    # the baseline date, and no unit
    response = client.post(
        "/plans/2026/measures/M-1/kpis/new/",
        {
            "code": "K-9",
            "name": "指標",
            "unit": "",
            "direction": "up",
            "baseline_value": "10",
            "baseline_date": "2026-04-01",
            "target_value": "5",
            "target_date": "2025-04-01",
            "position": 0,
        },
    )
    # then all three are named at once
    html = response.content.decode()
    for field in ["unit", "target_value", "target_date"]:
        assert f'href="#id_{field}"' in html, field
    assert not Kpi.objects.filter(code="K-9").exists()


def test_interim_targets_are_added_and_removed(draft, planners):
    client = _client(planners["da-editor"])
    url = "/plans/2026/measures/M-1/kpis/K-1/targets/"
    # when the editor adds an interim target, then removes it
    added = client.post(url, {"due_on": "2027-03-31", "value": "300"})
    kpi = Kpi.objects.get(code="K-1", measure__edition=draft)
    target = kpi.interim_targets.get()
    page = client.get("/plans/2026/measures/M-1/").content.decode()
    removed = client.post(url, {"remove": target.pk})
    # then both happen, and the measure page showed it between
    assert added.status_code == removed.status_code == 302
    assert "2027-03-31" in page
    assert not kpi.interim_targets.exists()


def test_an_area_with_measures_is_not_deleted_and_the_page_says_why(draft, planners):
    client = _client(planners["da-editor"])
    # when the editor deletes the area holding M-1
    response = client.post("/plans/2026/areas/1.1/delete/")
    # then it is refused with the reason
    assert response.status_code == 200
    assert PlanArea.objects.filter(edition=draft, code="1.1").exists()


def test_a_milestone_is_added_changed_and_deleted(draft, planners):
    client = _client(planners["da-editor"])
    base = "/plans/2026/measures/M-2/milestones/"
    data = {
        "name": "設計",
        "fiscal_year": 2026,
        "quarter": 3,
        "planned_on": "2026-12-31",
        "position": 0,
    }
    assert client.post(base + "new/", data).status_code == 302
    step = Measure.objects.get(edition=draft, code="M-2").milestones.get()
    assert client.post(f"{base}{step.pk}/edit/", {**data, "quarter": 5}).status_code == 200
    assert client.post(f"{base}{step.pk}/edit/", {**data, "quarter": 4}).status_code == 302
    step.refresh_from_db()
    assert step.quarter == 4
    assert client.post(f"{base}{step.pk}/delete/").status_code == 302
    assert not Measure.objects.get(edition=draft, code="M-2").milestones.exists()


def test_an_edition_starts_as_a_copy_and_a_draft_is_deleted(published, planners):
    client = _client(planners["da-editor"])
    # when the editor starts the 2027 edition as a copy of 2026
    response = client.post(
        "/plans/new/",
        {"year": 2027, "title": "重点計画2027", "report_due_days": 30, "based_on": published.pk},
    )
    # then it holds the same measures; and when it is deleted, it is gone
    assert response.status_code == 302
    copy = PlanEdition.objects.get(year=2027)
    assert copy.based_on == published
    assert copy.measures.count() == 2
    assert client.post("/plans/2027/delete/").status_code == 302
    assert not PlanEdition.objects.filter(year=2027).exists()


def test_a_year_already_taken_is_named_with_the_other_problems(published, planners):
    client = _client(planners["da-editor"])
    response = client.post("/plans/new/", {"year": 2026, "title": "", "report_due_days": 0})
    html = response.content.decode()
    for field in ["year", "title", "report_due_days"]:
        assert f'href="#id_{field}"' in html, field


def test_links_are_named_by_code_with_clear_field_errors(draft, planners, systems):
    client = _client(planners["da-editor"])
    base = "/plans/2026/measures/M-1/links/"
    # when the editor names an unknown system, then a known one, then a budget line that
    # does not exist and a catalog that does not
    unknown = client.post(base + "system/", {"system": "nope"})
    known = client.post(base + "system/", {"system": "mhlw-app"})
    share = client.post(base + "budget/", {"system": "mhlw-app", "fiscal_year": 2031, "share": 0})
    budget = client.post(base + "budget/", {"system": "mhlw-app", "fiscal_year": 2031, "share": 50})
    control = client.post(base + "control/", {"catalog": "nothing", "control": ""})
    # then the errors land on their fields, and the known system is linked
    assert "nope" in unknown.content.decode()
    assert known.status_code == 302
    assert MeasureSystem.objects.filter(measure__code="M-1", system__code="mhlw-app").exists()
    assert 'href="#id_share"' in share.content.decode()
    assert 'href="#id_fiscal_year"' in budget.content.decode()
    assert 'href="#id_catalog"' in control.content.decode()
    # and a link is removed
    link = MeasureSystem.objects.get(measure__code="M-1")
    assert client.post(base + "remove/", {"kind": "system", "link": link.pk}).status_code == 302
    assert not MeasureSystem.objects.exists()


def test_a_system_page_lists_the_measures_it_serves(draft, planners, systems, government):
    # given M-1 of the draft delivered by MHLW's system
    services.measure_link_system(
        actor=planners["da-editor"], measure=Measure.objects.get(code="M-1"), code="mhlw-app"
    )
    # when MHLW's viewer and an editor of another ministry read the system's page
    mhlw = _client(planners["mhlw-viewer"]).get("/systems/mhlw-app/").content.decode()
    # then MHLW sees the measure (a draft it is responsible for)
    assert "/plans/2026/measures/M-1/" in mhlw


def test_a_system_page_shows_a_published_measure_to_everyone_who_sees_the_system(
    published, planners, systems, government
):
    # given a published measure linked to MHLW's system, and a draft 2027 copy (unseen by
    # others than the Digital Agency and the responsible bodies)
    MeasureSystem.objects.create(
        measure=Measure.objects.get(edition=published, code="M-2"), system=systems["mhlw-app"]
    )
    da = _client(planners["da-viewer"]).get("/systems/mhlw-app/").content.decode()
    # then the Digital Agency reads the published measure there
    assert "/plans/2026/measures/M-2/" in da


def test_the_plan_is_in_the_main_menu_for_domestic_users(draft, planners, government):
    from tests.factories import make_user

    # given a domestic viewer and an overseas liaison
    liaison = make_user(username="ncsc", organization=government["ncsc"], roles=["viewer"])
    # then the plan is in the first's menu, not the second's, who is refused its pages
    assert 'href="/plans/"' in _client(planners["tokyo-viewer"]).get("/").content.decode()
    client = _client(liaison)
    assert 'href="/plans/"' not in client.get("/").content.decode()
    assert client.get("/plans/").status_code == 403


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_authoring_pages_speak_only_the_readers_language(draft, planners, systems, language):
    from tests.kit.crawl import language_problems, parse_page

    # given the draft with a linked system and an interim target, and its author's editor;
    # the systems have English names too (names are data: the check is about the pages' text)
    for system in systems.values():
        system.name_en = f"{system.code} system"
        system.save(update_fields=["name_en"])
    measure = Measure.objects.get(edition=draft, code="M-1")
    services.measure_link_system(actor=planners["da-editor"], measure=measure, code="mhlw-app")
    client = _client(planners["da-editor"])
    client.cookies["django_language"] = language
    base = "/plans/2026/measures/M-1/"
    pages = [
        "/plans/",
        "/plans/new/",
        "/plans/2026/",
        "/plans/2026/?principle=3",
        "/plans/2026/edit/",
        "/plans/2026/publish/",
        "/plans/2026/delete/",
        "/plans/2026/diff/",
        "/plans/2026/areas/new/",
        "/plans/2026/areas/1/edit/",
        "/plans/2026/measures/new/",
        base,
        base + "edit/",
        base + "links/",
        base + "kpis/new/",
        base + "kpis/K-1/edit/",
        base + "kpis/K-1/targets/",
        base + "milestones/new/",
    ]
    problems = []
    # when each page is read, and forms are sent empty (every error shown)
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        page = parse_page(response.content.decode(), language)
        problems += [f"{url}: {p}" for p in language_problems(page.texts, language)]
    for url in ["/plans/2026/measures/new/", base + "kpis/new/", "/plans/2026/publish/"]:
        response = client.post(url, {})
        page = parse_page(response.content.decode(), language)
        problems += [f"POST {url}: {p}" for p in language_problems(page.texts, language)]
    # then nothing is in the other language
    assert not problems, "\n".join(problems)


def test_the_outline_filters_in_place_with_htmx_and_the_copy_link_preselects(draft, planners):
    client = _client(planners["da-editor"])
    # when the filter is sent by htmx
    partial = client.get("/plans/2026/?lead=da", HTTP_HX_REQUEST="true").content.decode()
    # then only the results come back
    assert partial.lstrip().startswith('<div id="results">')
    assert "/measures/M-2/" in partial and "<html" not in partial
    # and the new-edition page offers the edition it was opened from
    page = client.get(f"/plans/new/?based_on={draft.pk}").content.decode()
    assert f'<option value="{draft.pk}" selected>' in page


@pytest.mark.parametrize(("who", "may_change"), [("da-editor", True), ("mhlw-viewer", False)])
def test_the_measure_page_shows_its_links_once_and_links_authors_to_change_them(
    draft, planners, systems, who, may_change
):
    # given M-1 delivered by mhlw-app
    measure = Measure.objects.get(edition=draft, code="M-1")
    services.measure_link_system(actor=planners["da-editor"], measure=measure, code="mhlw-app")
    # when a reader opens the measure page
    page = _client(planners[who]).get("/plans/2026/measures/M-1/").content.decode()
    # then the system is shown once, in the chain's read-out, and only an author of the draft
    # is sent to the links page to change it
    assert page.count('href="/systems/mhlw-app/"') == 1
    assert 'id="chain-systems"' in page and 'id="links-title"' not in page
    assert ('href="/plans/2026/measures/M-1/links/"' in page) is may_change


@pytest.mark.parametrize(("who", "may_import"), [("da-editor", True), ("mhlw-viewer", False)])
def test_the_edition_page_offers_the_downloads_and_the_import_to_whom_it_may(
    draft, planners, who, may_import
):
    # given a reader of the draft
    client = _client(planners[who])
    # when they open the edition page and the list of editions
    page = client.get("/plans/2026/").content.decode()
    editions = client.get("/plans/").content.decode()
    # then both downloads are offered; the imports only to the Digital Agency's editor
    assert 'href="/plans/2026/export.xlsx"' in page and 'href="/plans/2026/export.zip"' in page
    assert ('href="/plans/2026/import/"' in page) is may_import
    assert ('href="/plans/import/"' in editions) is may_import
