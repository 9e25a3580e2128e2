"""Real-browser tests: Debian's Chromium driven by Playwright against a live server."""

import os
import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

from tests.factories import PASSWORD, make_organization, make_user

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test
# body are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("SHIREITO_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: run scripts/ensure-test-services")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    contexts = []

    def make(*, javascript: bool = True, language: str | None = None, base_url: str = ""):
        context = browser.new_context(
            java_script_enabled=javascript, base_url=base_url, locale="en-US"
        )
        if language:
            context.add_cookies([{"name": "django_language", "value": language, "url": base_url}])
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def people(transactional_db, settings):
    from shireito.organizations.services import role_holding_ensure

    settings.DEMO_MODE = True  # the platform admin signs in without a second factor here
    organization = make_organization(code="e2e-ministry", name="試験省", name_en="E2E Ministry")
    make_organization(code="e2e-agency", kind="independent_agency", parent=organization)
    centre = make_organization(
        code="e2e-centre", kind="national_cyber_centre", name="統括室", name_en="Centre"
    )
    agency = make_organization(
        code="e2e-da", kind="digital_agency", name="デジタル庁", name_en="Digital Agency"
    )
    role_holding_ensure(
        actor=None, role="national_cyber_centre", organization=centre, valid_from=None
    )
    role_holding_ensure(actor=None, role="digital_agency", organization=agency, valid_from=None)
    viewer = make_user(organization=organization, roles=["viewer"], username="e2e-viewer")
    auditor = make_user(
        organization=organization, roles=["auditor", "org_admin"], username="e2e-auditor"
    )
    admin = make_user(organization=agency, roles=["platform_admin"], username="e2e-admin")
    from shireito.registry.services import system_create

    system_create(
        actor=None,
        code="e2e-system",
        name="試験システム",
        name_en="Test system",
        owner=organization,
        category="ministry_system",
        important=True,
    )
    return {"organization": organization, "viewer": viewer, "auditor": auditor, "admin": admin}


def sign_in(page, base_url: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base_url}/")


def assert_accessible(page) -> None:
    """No WCAG 2.2 A/AA violation that axe-core can find on the page as it is now."""
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"
