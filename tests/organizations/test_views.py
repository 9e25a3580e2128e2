import pytest

from shireito.organizations.services import organization_update
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_list_searches_without_javascript(client, viewer, other_organization, signed_in):
    signed_in(viewer)
    html = client.get("/organizations/?search=Other").content.decode()
    assert "/organizations/other-ministry/" in html
    assert "/organizations/test-ministry/" not in html
    assert "<html" in html


def test_htmx_search_gets_only_the_results(client, viewer, other_organization, signed_in):
    signed_in(viewer)
    response = client.get("/organizations/?search=Other", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results">')
    assert html.count('id="results"') == 1
    assert "hx-swap-oob" in html
    assert "<html" not in html
    assert "/organizations/other-ministry/" in html


def test_htmx_history_restore_gets_the_whole_page(client, viewer, signed_in):
    signed_in(viewer)
    response = client.get(
        "/organizations/?search=Other",
        HTTP_HX_REQUEST="true",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
    )
    assert "<html" in response.content.decode()
    assert "HX-Request" in response["Vary"]


def test_unknown_kind_filter_is_ignored(client, viewer, other_organization, signed_in):
    # given two ministries and a viewer
    signed_in(viewer)

    # when the list is filtered by a kind that does not exist
    response = client.get("/organizations/?kind=planet")

    # then the filter is ignored: every organisation is listed, as without it
    assert response.status_code == 200
    html = response.content.decode()
    assert "/organizations/test-ministry/" in html
    assert "/organizations/other-ministry/" in html


def test_detail_shows_history_from_the_trail(client, viewer, org_admin, signed_in):
    organization_update(
        actor=org_admin, organization=org_admin.organization, name_en="Renamed Ministry"
    )
    signed_in(viewer)
    hidden = client.get("/organizations/test-ministry/").content.decode()
    assert "Renamed Ministry" not in hidden.split('id="history-title"')[1]
    client.logout()
    signed_in(org_admin)
    html = client.get("/organizations/test-ministry/").content.decode()
    history = html.split('id="history-title"')[1]
    assert "Renamed Ministry" in history
    # the actor's Latin name is marked as English on this Japanese page, then its organisation
    assert '<td><span lang="en">orgadmin</span><br>' in history


def test_unknown_organization_is_404(client, viewer, signed_in):
    signed_in(viewer)
    assert client.get("/organizations/nope/").status_code == 404


def test_user_page_of_another_organisation_is_404(client, viewer, other_organization, signed_in):
    from tests.factories import make_user

    stranger = make_user(organization=other_organization, username="stranger")
    signed_in(viewer)
    assert client.get(f"/accounts/users/{stranger.username}/").status_code == 404
    own = client.get("/accounts/users/viewer/").content.decode()
    assert "変更履歴" in own


def test_the_supervising_body_is_linked_only_when_its_page_opens(client, government, signed_in):
    # given the national centre under the Cabinet, read by an overseas counterpart who may
    # open the centre's page but not the Cabinet's, and by a ministry that may open both
    organization_update(actor=None, organization=government["nisc"], parent=government["cabinet"])
    overseas = make_user(organization=government["ncsc"], roles=["viewer"], username="liaison")
    ministry = make_user(organization=government["mhlw"], roles=["viewer"], username="mhlw-v")

    # when each opens the centre's page
    signed_in(overseas)
    for_overseas = client.get("/organizations/nisc/").content.decode()
    client.logout()
    signed_in(ministry)
    for_ministry = client.get("/organizations/nisc/").content.decode()

    # then the Cabinet is named to both, and linked only for the one who may open it
    assert client.get("/organizations/cabinet/").status_code == 200
    assert str(government["cabinet"]) in for_overseas
    assert "/organizations/cabinet/" not in for_overseas
    assert "/organizations/cabinet/" in for_ministry
