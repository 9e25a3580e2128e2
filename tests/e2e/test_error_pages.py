"""The error pages and the error summary in a real browser: accessible in both languages, and
the summary takes the focus when a form comes back with problems."""

import pytest

from tests.e2e.conftest import assert_accessible, sign_in


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_404_and_403_pages_are_accessible(live_server, new_page, people, language):
    # given a viewer signed in
    page = new_page(language=language, base_url=live_server.url)
    sign_in(page, live_server.url, "e2e-viewer")
    for path, status in [("/systems/no-such-system/", 404), ("/systems/new/", 403)]:
        # when a page is missing or closed to them
        response = page.goto(f"{live_server.url}{path}")
        # then the error page is in the layout, in their language, and passes axe
        assert response.status == status, path
        assert page.get_attribute("html", "lang") == language
        assert page.locator(".error-page__id").inner_text() == response.headers["x-request-id"]
        assert_accessible(page)


@pytest.mark.parametrize("javascript", [True, False])
def test_the_error_summary_takes_the_focus(live_server, new_page, people, javascript):
    # given an admin on a form, with or without JavaScript
    page = new_page(javascript=javascript, base_url=live_server.url)
    sign_in(page, live_server.url, "e2e-admin")
    page.goto(f"{live_server.url}/organizations/new/")
    # when the form is sent with problems
    page.click("main form button[type=submit]")
    page.wait_for_selector(".error-summary")
    # then the focus is on the summary, whose links lead to the fields
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert page.locator(".error-summary a[href='#id_code']").count() == 1
