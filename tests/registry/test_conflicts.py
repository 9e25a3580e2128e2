"""Two editors changing the same system: the second gets a conflict, never a lost update."""

import json

import pytest

from shireito.core.pages import VERSION_FIELD
from shireito.registry import oversight
from shireito.registry.models import BudgetLine, InformationSystem
from tests.factories import make_user
from tests.kit.forms import loaded_form

pytestmark = pytest.mark.django_db


def _form(system: InformationSystem, **changes) -> dict:
    """The edit form as the browser sends it, loaded now (with the version it shows)."""
    data = {
        "code": system.code,
        "name": system.name,
        "owner": system.owner_id,
        "category": system.category,
        "phase": system.phase,
        "hosting": system.hosting,
        "confidentiality": system.confidentiality,
        "integrity": system.integrity,
        "availability": system.availability,
        VERSION_FIELD: system.version,
    }
    return {**data, **changes}


def test_the_second_editor_of_a_system_page_gets_a_conflict_with_values_kept(
    client, government, systems
):
    # given two editors of the ministry who opened the same edit page
    system = systems["mhlw-app"]
    first = make_user(organization=government["mhlw"], roles=["editor"], username="first")
    second = make_user(organization=government["mhlw"], roles=["editor"], username="second")
    client.force_login(second)
    page = client.get(f"/systems/{system.code}/edit/").content.decode()
    assert f'name="{VERSION_FIELD}" value="{system.version}"' in page
    loaded = _form(system)
    client.force_login(first)
    saved = client.post(f"/systems/{system.code}/edit/", {**loaded, "name": "最初の名前"})
    assert saved.status_code == 302

    # when the second sends the form loaded before the first saved
    client.force_login(second)
    response = client.post(f"/systems/{system.code}/edit/", {**loaded, "name": "二番目の名前"})

    # then the page says so, names the first editor, keeps the values; nothing is written
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="conflict"' in html and "first" in html
    assert "この記録は他の人が変更しました" in html  # in the user's language
    assert 'value="二番目の名前"' in html
    system.refresh_from_db()
    assert system.name == "最初の名前"
    assert system.version == 2
    # and sending again after reading it replaces the stored version deliberately
    again = client.post(
        f"/systems/{system.code}/edit/", {**loaded, "name": "二番目の名前", VERSION_FIELD: 2}
    )
    assert again.status_code == 302
    system.refresh_from_db()
    assert (system.name, system.version) == ("二番目の名前", 3)


def _patch(client, user, path, body, **headers):
    client.force_login(user)
    return client.patch(path, json.dumps(body), content_type="application/json", headers=headers)


def test_the_api_answers_412_to_a_stale_if_match_and_409_to_a_stale_version(
    client, government, systems
):
    # given an editor who read the system and its ETag, and a change saved since
    editor = make_user(organization=government["mhlw"], roles=["editor"])
    path = f"/api/v1/portfolio/systems/{systems['mhlw-app'].code}"
    client.force_login(editor)
    read = client.get(path)
    tag = read.headers["ETag"]
    assert (tag, read.json()["version"]) == ('"1"', 1)
    fresh = _patch(client, editor, path, {"name": "最初"}, if_match=tag)
    assert fresh.status_code == 200 and fresh.headers["ETag"] == '"2"'

    # when the editor sends changes made against what they read first
    by_header = _patch(client, editor, path, {"name": "古い"}, if_match=tag)
    by_body = _patch(client, editor, path, {"name": "古い", "version": 1})

    # then the header answers 412, the body 409, each a problem naming the version
    assert by_header.status_code == 412
    assert by_header.json()["errors"][0]["location"] == "header"
    assert by_header.headers["ETag"] == '"2"'
    assert by_body.status_code == 409
    assert by_body.json()["errors"][0]["path"] == "$.version"
    assert InformationSystem.objects.get(code="mhlw-app").name == "最初"


def test_api_clients_sending_no_precondition_keep_working(client, government, systems):
    # given an editor whose client knows nothing of versions
    editor = make_user(organization=government["mhlw"], roles=["editor"])
    path = f"/api/v1/portfolio/systems/{systems['mhlw-app'].code}"

    # when it changes the system twice, and once with If-Match: *
    first = _patch(client, editor, path, {"name": "一"})
    second = _patch(client, editor, path, {"name": "二"})
    third = _patch(client, editor, path, {"name": "三"}, if_match="*")

    # then each is applied over what is stored, and the version still moves on
    assert [first.status_code, second.status_code, third.status_code] == [200, 200, 200]
    assert third.json()["version"] == 4


def test_changing_only_the_related_systems_moves_the_version_on(client, government, systems):
    # given an editor who read the system
    editor = make_user(organization=government["mhlw"], roles=["editor"])
    path = f"/api/v1/portfolio/systems/{systems['mhlw-app'].code}"

    # when one change sets only the related systems and a second is made against the first read
    linked = _patch(client, editor, path, {"related": ["joint"], "version": 1})
    stale = _patch(client, editor, path, {"related": [], "version": 1})

    # then the second is a conflict and the link stays
    assert linked.status_code == 200 and linked.json()["version"] == 2
    assert stale.status_code == 409
    assert list(systems["mhlw-app"].related_systems.values_list("code", flat=True)) == ["joint"]


def test_two_owners_recording_spending_from_the_same_page_get_a_conflict(
    client, government, systems
):
    # given a decided budget line and two of the owner's editors on its spending page
    da = make_user(organization=government["da"], roles=["editor"])
    first = make_user(organization=government["mhlw"], roles=["editor"], username="first")
    second = make_user(organization=government["mhlw"], roles=["editor"], username="second")
    line = oversight.budget_request(
        actor=first, system=systems["mhlw-app"], fiscal_year=2026, development=100, operation=50
    )
    oversight.budget_review(actor=da, line=line)
    oversight.budget_decide(actor=da, line=line, development=100, operation=50)
    path = "/systems/mhlw-app/budget/2026/execution/"
    client.force_login(first)
    form_of_first = loaded_form(client.get(path).content.decode())
    client.force_login(second)
    form_of_second = loaded_form(client.get(path).content.decode())
    client.force_login(first)
    spent = {"development_executed": "60", "operation_executed": "10"}
    assert client.post(path, {**form_of_first, **spent}).status_code == 302

    # when the second records other figures from the page loaded before
    client.force_login(second)
    other = {"development_executed": "70", "operation_executed": "20"}
    response = client.post(path, {**form_of_second, **other})

    # then the conflict is shown and the first's figures stay
    assert response.status_code == 200 and 'id="conflict"' in response.content.decode()
    stored = BudgetLine.objects.get(pk=line.pk)
    assert (stored.development_executed, stored.operation_executed) == (60, 10)
