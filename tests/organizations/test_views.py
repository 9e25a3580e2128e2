import pytest

from shireito.organizations.services import organization_update

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


def test_unknown_kind_filter_is_ignored(client, viewer, signed_in):
    # given a signed-in viewer
    signed_in(viewer)
    # when the list is asked for a kind that does not exist (an old bookmark)
    response = client.get("/organizations/?kind=planet")
    # then the filter is ignored: every organisation they may see is listed
    assert response.status_code == 200
    assert f"/organizations/{viewer.organization.code}/" in response.content.decode()


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
    assert "<td>orgadmin<br>" in history


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
