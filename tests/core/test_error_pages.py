"""The error pages: in the layout and the user's language, with a way back and the request id;
the API and TAXII keep their JSON."""

import pytest
from django.db import DatabaseError

from shireito.core import errors

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.error_urls")]

TITLES = {
    ("ja", 400): "リクエストを理解できませんでした",
    ("ja", 403): "このページを開く権限がありません",
    ("ja", 404): "ページが見つかりません",
    ("ja", 500): "申し訳ありません。システムでエラーが起きました",
    ("en", 400): "The request could not be understood",
    ("en", 403): "You may not open this page",
    ("en", 404): "Page not found",
    ("en", 500): "Sorry, something went wrong on our side",
}


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    return settings


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("status", [400, 403, 404, 500])
def test_each_error_page_is_in_the_layout_and_the_language_with_the_request_id(
    production, client, signed_in, viewer, language, status
):
    # given a signed-in user reading in one language
    signed_in(viewer)
    client.cookies["django_language"] = language
    client.raise_request_exception = False
    # when a page fails with that status
    response = client.get(f"/systems/fail/{status}/", HTTP_X_REQUEST_ID="support-ref-12345")
    # then the page says so in the layout, in that language, with a way back and the id
    html = response.content.decode()
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    assert f'<html lang="{language}">' in html
    assert '<a class="skip-link" href="#main">' in html
    assert '<nav class="site-nav"' in html
    assert f"<h1>{TITLES[language, status]}</h1>" in html
    # (the server's own id, which the log and the audit trail carry, not the client's)
    assert response["X-Request-ID"] in html
    assert "support-ref-12345" not in html
    assert '<a href="/">' in html


def test_a_page_inside_an_area_offers_the_way_back_to_it(production, client, signed_in, viewer):
    # given a signed-in user
    signed_in(viewer)
    # when a page of the portfolio is not found
    html = client.get("/systems/no-such-system/").content.decode()
    # then the error page links back to the portfolio's list
    assert '<a href="/systems/">情報システムに戻る</a>' in html


def test_an_unknown_address_is_the_404_page_even_signed_out(production, client):
    # given nobody signed in
    # when an unknown address is asked for
    response = client.get("/no/such/page", HTTP_X_REQUEST_ID="support-ref-67890")
    # then the 404 page answers, without the signed-in menu, with the id
    html = response.content.decode()
    assert response.status_code == 404
    assert "<h1>ページが見つかりません</h1>" in html
    assert response["X-Request-ID"] in html
    assert '<nav class="site-nav"' not in html


def test_a_refused_csrf_check_is_a_403_page_that_says_what_to_do(production, signed_in, viewer):
    # given a browser that enforces CSRF checks, signed in
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(viewer)
    browser.cookies["django_language"] = "en"
    # when it posts a form without the token
    response = browser.post("/systems/new/", {"code": "X"})
    # then the 403 page explains the expired form
    html = response.content.decode()
    assert response.status_code == 403
    assert '<html lang="en">' in html
    assert "reload the page and send the form again" in html
    assert response["X-Request-ID"] in html


@pytest.mark.parametrize("path", ["/api/v1/xyz", "/api/v1/organizations/no-such-code"])
def test_the_api_answers_its_own_json_for_what_it_does_not_have(production, api, viewer, path):
    # given a client of the API
    # when it asks for an address or object that is not there
    response = api(viewer, "get", path)
    # then the answer is the API's JSON error
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


def test_a_bug_in_the_api_answers_json_500(production, client, api, viewer, monkeypatch):
    # given an API endpoint whose selector fails
    from shireito.organizations import selectors

    def broken(**kwargs):
        raise DatabaseError("the database is down")

    monkeypatch.setattr(selectors, "organization_list", broken)
    client.raise_request_exception = False
    # when it is called
    response = api(viewer, "get", "/api/v1/organizations")
    # then the answer is JSON, not an HTML page
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["errors"] == []


def test_a_bug_under_taxii_answers_a_taxii_error(production, client):
    # given nobody in particular
    client.raise_request_exception = False
    # when an address under the TAXII prefix fails
    response = client.get("/taxii2/fail/")
    # then the answer is a TAXII error message
    assert response.status_code == 500
    assert response["Content-Type"] == "application/taxii+json;version=2.1"
    assert response.json()["http_status"] == "500"


def test_the_500_page_stands_when_the_context_processors_fail(production, rf, monkeypatch):
    # given a request whose layout cannot be drawn: a context processor hits a broken database
    def broken(request):
        raise DatabaseError("the database is down")

    monkeypatch.setattr("shireito.core.context_processors.shireito", broken)
    request = rf.get("/systems/")
    request.request_id = "support-ref-500"
    request.COOKIES["django_language"] = "en"
    # when the 500 view answers
    response = errors.server_error(request)
    # then a plain page in the user's language still says what happened, with the id
    html = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="en">' in html
    assert "<h1>Sorry, something went wrong on our side</h1>" in html
    assert "support-ref-500" in html
    assert '<a href="/">Go to the control tower</a>' in html


def test_the_500_page_stands_when_even_the_plain_template_fails(production, rf, monkeypatch):
    # given a request for which no template can be rendered at all
    def broken(*args, **kwargs):
        raise DatabaseError("the database is down")

    monkeypatch.setattr(errors, "render_to_string", broken)
    request = rf.get("/")
    # when the 500 view answers
    response = errors.server_error(request)
    # then the text page is there, in Japanese
    html = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="ja">' in html
    assert "<h1>申し訳ありません。システムでエラーが起きました</h1>" in html
