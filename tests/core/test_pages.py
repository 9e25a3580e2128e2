import pytest

pytestmark = pytest.mark.django_db


def test_pages_are_japanese_by_default_whatever_the_browser_says(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en")
    html = response.content.decode()
    assert '<html lang="ja">' in html
    assert "本文へ移動" in html
    assert response["Content-Language"] == "ja"


def test_language_switch_works_without_javascript(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in html
    assert "Skip to main content" in html


def test_every_response_has_security_headers_and_a_request_id(client):
    response = client.get("/accounts/login/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert len(response["X-Request-ID"]) == 32


def test_a_malformed_request_id_is_replaced(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="bad id with spaces")
    assert response["X-Request-ID"] != "bad id with spaces"


@pytest.mark.parametrize("path", ["/", "/organizations/", "/history/", "/accounts/tokens/"])
def test_pages_need_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_home_has_landmarks_and_navigation(signed_in, viewer, client):
    signed_in(viewer)
    html = client.get("/").content.decode()
    for fragment in [
        '<a class="skip-link" href="#main">',
        "<header",
        "<nav",
        '<main id="main"',
        "<footer",
    ]:
        assert fragment in html


def test_audit_log_is_closed_to_plain_viewers_but_open_to_auditors(signed_in, organization, client):
    from tests.factories import make_user

    viewer = make_user(organization=organization, roles=["viewer"])
    signed_in(viewer)
    response = client.get("/history/")
    assert response.status_code == 200
    assert "<table" not in response.content.decode()

    client.logout()
    auditor = make_user(organization=organization, roles=["auditor"], full_name="監査 花子")
    signed_in(auditor)
    html = client.get("/history/?search=" + viewer.username).content.decode()
    results = html.split('id="results"')[1]
    assert viewer.username in results and "ユーザー" in results
    assert f"accounts.user {viewer.pk}" not in results
    assert "監査 花子" not in results


@pytest.mark.parametrize(
    "path", ["/organizations/?search=a%00b", "/api/v1/organizations?search=%00"]
)
def test_null_characters_in_the_address_are_a_clear_400(client, viewer, signed_in, path):
    signed_in(viewer)
    response = client.get(path)
    assert response.status_code == 400
    text = response.json()["detail"] if path.startswith("/api/") else response.content.decode()
    assert "NUL文字" in text


def test_change_rows_use_the_fields_names_and_mark_before_and_after(signed_in, org_admin, client):
    from shireito.organizations.services import organization_update

    organization_update(actor=org_admin, organization=org_admin.organization, name_en="New")
    signed_in(org_admin)
    html = client.get("/organizations/test-ministry/").content.decode()
    history = html.split('id="history-title"')[1]
    assert "<dt>名称（英語）</dt>" in history
    assert "変更前" in history and "変更後" in history
