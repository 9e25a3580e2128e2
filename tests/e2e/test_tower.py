"""The control tower in a real browser, on the demo data: every kind of user's tower passes
axe in Japanese and English and works without JavaScript and by keyboard; the open
statistics need no sign-in; and a whole-government user drills down to one finding."""

from importlib import import_module

import pytest

from tests.e2e.conftest import assert_accessible, sign_in

TOWER_USERS = ["da-officer", "nisc-auditor", "mhlw-officer", "tokyo-officer", "city-officer"]


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    from shireito.demo.dataset import demo_password, load_demo_data
    from shireito.organizations.models import Sector

    # The sectors are reference data a migration loads; an earlier transactional test's flush
    # took them away, so put them back as the migration does.
    sectors = import_module(
        "shireito.organizations.migrations.0003_critical_infrastructure_sectors"
    )
    for position, (code, name, name_en) in enumerate(sectors.SECTORS, start=1):
        Sector.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "position": position}
        )
    settings.DEMO_MODE = True
    settings.MEDIA_ROOT = tmp_path
    load_demo_data()
    return demo_password()


@pytest.mark.parametrize("language", ["ja", "en"])
def test_every_kind_of_tower_is_accessible(live_server, new_page, demo, language):
    for username in TOWER_USERS:
        page = new_page(language=language, base_url=live_server.url)
        sign_in(page, live_server.url, username, demo)
        # the tower is the first page after signing in
        assert (
            page.locator("h1")
            .first.inner_text()
            .startswith("司令塔" if language == "ja" else "Control tower")
        )
        assert page.get_attribute("html", "lang") == language
        assert page.locator("section.tower-section").count() >= 1, username
        assert_accessible(page)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_open_statistics_are_accessible_without_sign_in(live_server, new_page, demo, language):
    page = new_page(language=language, base_url=live_server.url)
    for path in ["/open-data/statistics/", "/open-data/statistics/migration-by-prefecture/"]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert_accessible(page)


def test_the_tower_works_without_javascript_and_by_keyboard(live_server, new_page, demo):
    # given the Digital Agency with JavaScript off
    page = new_page(javascript=False, language="ja", base_url=live_server.url)
    sign_in(page, live_server.url, "da-officer", demo)
    # then the charts are drawn by the server, each with its data table
    assert page.locator("section.tower-section svg").count() >= 3
    assert page.locator("section.tower-section table").count() >= 3
    # and a bar of a chart is a link reached by keyboard: focus it and press Enter
    bar = page.locator("#section-portfolio svg a").first
    target = bar.get_attribute("href")
    bar.focus()
    assert page.evaluate("document.activeElement.closest('svg') !== null")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{target}")
    assert page.locator("h1").count() == 1


def test_drill_from_the_whole_government_to_one_finding(live_server, new_page, demo):
    # given the national centre's auditor on the whole government's tower
    page = new_page(language="ja", base_url=live_server.url)
    sign_in(page, live_server.url, "nisc-auditor", demo)
    assert page.locator("#section-posture").count() == 1
    # when they follow MHLW in the posture per organisation to its tower
    page.locator("#section-posture a", has_text="厚生労働省").first.click()
    page.wait_for_url("**/?organization=mhlw")
    assert "厚生労働省" in page.locator("h1").inner_text()
    # and the open findings there to their list, narrowed to MHLW alike
    figure = page.locator("#section-audits .tower-figures a[href*='/audits/findings/']").first
    counted = int(figure.inner_text().replace(",", ""))
    figure.click()
    page.wait_for_url("**/audits/findings/**within=mhlw**")
    assert page.locator(".notice--within").count() == 1
    rows = page.locator("#results tbody tr")
    assert rows.count() == counted > 0
    assert_accessible(page)
    # and one finding to its page
    link = rows.first.locator("a[href*='/findings/']").first
    title = link.inner_text()
    link.click()
    page.wait_for_load_state()
    assert title.split()[-1] in page.locator("h1").inner_text()
    assert_accessible(page)
    # the other lists the tower links to pass axe too
    for path in ["/audits/actions/?overdue=1", "/incidents/?overdue=1", "/?organization=mhlw"]:
        assert page.goto(f"{live_server.url}{path}").status == 200, path
        assert_accessible(page)
