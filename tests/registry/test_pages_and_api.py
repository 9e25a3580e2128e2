from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from shireito.core.models import AuditEvent
from shireito.registry import oversight
from shireito.registry.models import InformationSystem
from shireito.registry.selectors import current_fiscal_year
from shireito.registry.services import system_create, system_set_related
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_list_filters_sorts_and_searches_without_javascript(client, government, systems):
    client.force_login(make_user(organization=government["nisc"]))
    html = client.get("/systems/?category=ministry_system&sort=-code").content.decode()
    assert html.index("mhlw-app") < html.index("meti-app")
    assert "pmda-app" not in html.split('id="results"')[1]
    assert "da-portal" in client.get("/systems/?search=portal").content.decode()
    partial = client.get("/systems/?search=portal", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "da-portal" in partial


def test_create_and_edit_pages_show_field_errors(client, government):
    editor = make_user(organization=government["mhlw"], roles=["editor"])
    client.force_login(editor)
    response = client.post(
        "/systems/new/",
        {
            "code": "m9",
            "name": "x",
            "owner": government["mhlw"].pk,
            "category": "joint_system",
            "builder": government["mhlw"].pk,
            "phase": "planning",
            "hosting": "on_premises",
            "confidentiality": 2,
            "integrity": 2,
            "availability": 2,
        },
    )
    assert 'href="#id_builder"' in response.content.decode()
    ok = client.post(
        "/systems/new/",
        {
            "code": "m9",
            "name": "x",
            "owner": government["mhlw"].pk,
            "category": "ministry_system",
            "phase": "planning",
            "hosting": "on_premises",
            "confidentiality": 2,
            "integrity": 2,
            "availability": 2,
        },
    )
    assert ok.status_code == 302
    system = InformationSystem.objects.get(code="m9")
    assert system.builder == government["mhlw"]
    assert client.get("/systems/m9/edit/").status_code == 200


def test_viewers_cannot_add(client, government):
    client.force_login(make_user(organization=government["mhlw"], roles=["viewer"]))
    assert client.get("/systems/new/").status_code == 403


def test_api_crud_and_errors(api, government, systems):
    editor = make_user(organization=government["mhlw"], roles=["editor"])
    created = api(
        editor,
        "post",
        "/api/v1/portfolio/systems",
        {"code": "api-1", "name": "API", "owner": "mhlw", "category": "ministry_system"},
    )
    assert created.status_code == 201, created.content
    assert created.json()["builder"] == "mhlw"
    refused = api(
        editor,
        "post",
        "/api/v1/portfolio/systems",
        {
            "code": "api-2",
            "name": "API",
            "owner": "mhlw",
            "category": "joint_system",
            "builder": "mhlw",
        },
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "builder"
    patched = api(editor, "patch", "/api/v1/portfolio/systems/api-1", {"phase": "operation"})
    assert patched.json()["phase"] == "operation"
    bad = api(editor, "get", "/api/v1/portfolio/systems", sort="colour")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "sort"
    other = make_user(organization=government["meti"], roles=["editor"])
    assert (
        api(other, "patch", "/api/v1/portfolio/systems/api-1", {"phase": "retired"}).status_code
        == 404
    )


def test_related_systems_are_set_both_ways_and_audited(api, government, systems):
    editor = make_user(organization=government["mhlw"], roles=["editor"])
    response = api(editor, "patch", "/api/v1/portfolio/systems/mhlw-app", {"related": ["joint"]})
    assert response.json()["related"] == ["joint"]
    assert api(editor, "get", "/api/v1/portfolio/systems/joint").json()["related"] == ["mhlw-app"]
    # one row on each side of the link
    assert AuditEvent.objects.filter(changes__has_key="related_systems").count() == 2
    unknown = api(editor, "patch", "/api/v1/portfolio/systems/mhlw-app", {"related": ["meti-app"]})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "related"


def test_rollup_on_the_command_line(government, systems):
    year = current_fiscal_year()
    line = oversight.budget_request(
        actor=None, system=systems["meti-app"], fiscal_year=year, development=1000, operation=0
    )
    line = oversight.budget_review(actor=None, line=line)
    oversight.budget_decide(actor=None, line=line, development=1000, operation=0)
    out = StringIO()
    call_command("registry", "rollup", stdout=out)
    assert "meti" in out.getvalue() and "1,000" in out.getvalue()


def test_related_systems_never_name_what_the_user_may_not_see(api, client, government, systems):
    system_set_related(
        actor=None, system=systems["pmda-app"], related=[systems["mhlw-app"], systems["tokyo-app"]]
    )
    pmda = make_user(organization=government["pmda"], roles=["editor"])
    assert api(pmda, "get", "/api/v1/portfolio/systems/pmda-app").json()["related"] == []
    mhlw = make_user(organization=government["mhlw"], roles=["editor"])
    assert api(mhlw, "get", "/api/v1/portfolio/systems/pmda-app").json()["related"] == ["mhlw-app"]
    # saving without naming the hidden links keeps them
    assert (
        api(pmda, "patch", "/api/v1/portfolio/systems/pmda-app", {"related": []}).status_code == 200
    )
    assert sorted(s.code for s in systems["pmda-app"].related_systems.all()) == [
        "mhlw-app",
        "tokyo-app",
    ]
    client.force_login(pmda)
    form = client.get("/systems/pmda-app/edit/").content.decode()
    assert "tokyo-app" not in form and "mhlw-app" not in form


@pytest.mark.parametrize("code", ["budget", "new", "recommendations"])
def test_page_words_are_not_system_ids(government, code):
    with pytest.raises(ValidationError) as error:
        system_create(
            actor=None, code=code, name="x", owner=government["mhlw"], category="ministry_system"
        )
    assert "code" in error.value.message_dict


def test_saving_the_edit_page_keeps_hidden_links_and_exports_do_not_name_them(
    client, government, systems
):
    system_set_related(
        actor=None, system=systems["pmda-app"], related=[systems["mhlw-app"], systems["tokyo-app"]]
    )
    pmda = make_user(organization=government["pmda"], roles=["editor"])
    client.force_login(pmda)
    form = client.get("/systems/pmda-app/edit/")
    data = {k: v for k, v in form.context["form"].initial.items() if v is not None}
    data.update({"owner": government["pmda"].pk, "builder": government["pmda"].pk, "related": ""})
    response = client.post("/systems/pmda-app/edit/", data)
    assert response.status_code == 302, response.content[:2000]
    assert sorted(s.code for s in systems["pmda-app"].related_systems.all()) == [
        "mhlw-app",
        "tokyo-app",
    ]
    exported = "".join(
        chunk.decode() for chunk in client.get("/systems/export.csv").streaming_content
    )
    assert "mhlw-app" not in exported and "tokyo-app" not in exported


def test_history_hides_ids_of_systems_the_reader_may_not_see(api, client, government, systems):
    system_set_related(actor=None, system=systems["pmda-app"], related=[systems["tokyo-app"]])
    tokyo_admin = make_user(organization=government["tokyo"], roles=["org_admin"])
    client.force_login(tokyo_admin)
    history = client.get("/systems/tokyo-app/").content.decode().split('id="history-title"')[1]
    assert "pmda-app" not in history and systems["pmda-app"].name not in history
    assert "（閲覧権限のない項目）" in history and "[hidden]" not in history
    events = api(tokyo_admin, "get", "/api/v1/audit-events", search="tokyo-app").json()["items"]
    assert "pmda-app" not in str(events)


def test_users_who_see_a_system_but_not_its_oversight_get_no_oversight_section(
    client, government, systems
):
    nisc = make_user(organization=government["nisc"], roles=["auditor"])
    client.force_login(nisc)
    page = client.get("/systems/mhlw-app/").content.decode()
    assert 'id="oversight-title"' not in page and 'id="budget-title"' not in page
    assert client.get("/systems/oversight/").content.decode().count("/systems/mhlw-app/") == 0
