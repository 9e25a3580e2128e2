"""The page of a background job, while it runs and when it is done: accessible in both
languages, its progress as a labelled progress bar that refreshes itself."""

import pytest

from shireito.accounts.models import User
from shireito.core.choices import JobStatus
from shireito.core.models import BackgroundJob
from tests.e2e.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("language", ["ja", "en"])
def test_a_jobs_page_is_accessible_running_and_done(live_server, new_page, people, language):
    # given a running import and a finished one with a problem, both of the admin
    admin = User.objects.get(username="e2e-admin")
    running = BackgroundJob.objects.create(
        user=admin,
        kind="registry.systems_import",
        status=JobStatus.RUNNING,
        done=500,
        total=2000,
    )
    done = BackgroundJob.objects.create(
        user=admin,
        kind="registry.systems_import",
        status=JobStatus.DONE,
        done=3,
        total=3,
        result={
            "ok": False,
            "rows": 3,
            "created": 2,
            "updated": 0,
            "problems": [{"row": 3, "column": "owner", "message": "no such organisation"}],
        },
    )
    page = new_page(language=language, base_url=live_server.url)
    sign_in(page, live_server.url, "e2e-admin")
    # when the running job's page is read, it shows the progress, labelled
    assert page.goto(f"{live_server.url}/jobs/{running.pk}/").status == 200
    assert page.locator("progress#job-progress").get_attribute("value") == "500"
    assert_accessible(page)
    # and when the job ends, the polling page shows its result without a reload
    BackgroundJob.objects.filter(pk=running.pk).update(
        status=JobStatus.DONE,
        done=2000,
        result={
            "ok": True,
            "written": True,
            "rows": 2000,
            "created": 2000,
            "updated": 0,
            "problems": [],
        },
    )
    page.wait_for_selector("#result-title", timeout=15_000)
    assert page.locator("progress").count() == 0
    assert_accessible(page)
    # and the finished job with a problem shows its table
    page.goto(f"{live_server.url}/jobs/{done.pk}/")
    assert page.locator("#result tbody tr").count() == 1
    assert_accessible(page)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_a_long_export_is_asked_for_by_keyboard_and_offered_on_its_jobs_page(
    live_server, new_page, people, settings, language
):
    # given a list longer than the threshold for writing an export in the request
    settings.SHIREITO_BACKGROUND_EXPORT_ROWS = 0
    page = new_page(language=language, base_url=live_server.url)
    sign_in(page, live_server.url, "e2e-admin")

    # when the export is asked for, its page says why it waits and is accessible
    assert page.goto(f"{live_server.url}/systems/export.csv").status == 200
    assert_accessible(page)

    # and the user prepares the file by keyboard alone
    page.locator("main form button[type=submit]").focus()
    page.keyboard.press("Enter")

    # then the job's page offers the file, and is accessible too
    page.wait_for_url("**/jobs/**")
    page.wait_for_selector("a[href$='/file/']", timeout=15_000)
    assert_accessible(page)
