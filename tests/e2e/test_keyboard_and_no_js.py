"""Keyboard use, the skip link, the language switch, and pages with and without JavaScript."""

from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import PASSWORD


def test_sign_in_by_keyboard_alone(live_server, new_page, people):
    page = new_page(base_url=live_server.url)
    page.goto(f"{live_server.url}/accounts/login/")
    # the first Tab reaches the skip link, which is visible when focused
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.is_visible(".skip-link")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    # then into the form: Tab to the user name field, type, Tab, type, Enter
    page.focus("#id_username")
    page.keyboard.type("e2e-viewer")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    assert page.is_visible("text=e2e-viewer") or page.is_visible("nav")


def test_language_switch_without_javascript(live_server, new_page, people):
    page = new_page(javascript=False, base_url=live_server.url)
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.get_attribute("html", "lang") == "ja"
    page.click("button[value=en]")
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "en"
    assert page.is_visible("h1:has-text('Sign in')")


def test_search_works_without_javascript(live_server, new_page, people):
    page = new_page(javascript=False, base_url=live_server.url)
    sign_in(page, live_server.url, "e2e-viewer")
    page.goto(f"{live_server.url}/organizations/")
    page.fill("#id_search", "e2e-agency")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_url("**/organizations/?search=e2e-agency**")
    rows = page.locator("#results tbody tr")
    assert rows.count() == 1
    assert "e2e-agency" in rows.first.inner_text()


def test_search_updates_in_place_with_htmx(live_server, new_page, people):
    page = new_page(base_url=live_server.url)
    sign_in(page, live_server.url, "e2e-viewer")
    page.goto(f"{live_server.url}/organizations/")
    page.evaluate("window.__sameDocument = true")
    page.fill("#id_search", "e2e-agency")
    expect(page.locator("#results tbody tr")).to_have_count(1)
    # swapped in place of the old results, not nested inside them; the count is announced
    assert page.locator("#results").count() == 1
    expect(page.locator("#results-status")).to_contain_text("1")
    assert_accessible(page)
    # the page was not reloaded, and the address reflects the search for bookmarking
    assert page.evaluate("window.__sameDocument") is True
    assert "search=e2e-agency" in page.url
