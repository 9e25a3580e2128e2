"""A systems file too large for a request is checked and imported by a worker: the page
shows the job's progress, then its result; the write stays all-or-nothing."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shireito.core.choices import JobStatus
from shireito.core.models import AuditEvent, BackgroundJob
from shireito.registry.models import InformationSystem
from shireito.registry.transfer import COLUMNS
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def sheet(rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({c: row.get(c, "") for c in COLUMNS} for row in rows)
    return buffer.getvalue().encode()


def rows(count: int, owner: str = "mhlw") -> list[dict]:
    return [
        {"code": f"bulk-{n}", "name": f"一括{n}", "owner": owner, "category": "ministry_system"}
        for n in range(count)
    ]


@pytest.fixture
def editor(government, client, settings):
    # every file goes to a worker
    settings.SHIREITO_BACKGROUND_IMPORT_BYTES = 0
    user = make_user(organization=government["mhlw"], roles=["editor"])
    client.force_login(user)
    return user


def post(client, raw: bytes, action: str):
    upload = SimpleUploadedFile("systems.csv", raw, content_type="text/csv")
    return client.post("/systems/import/", {"file": upload, "action": action})


def test_a_large_import_runs_as_a_job_whose_page_shows_the_result(client, editor):
    # given a file of twelve systems
    raw = sheet(rows(12))
    # when it is imported
    response = post(client, raw, "import")
    # then the user is sent to the job's page, which shows every row written
    job = BackgroundJob.objects.get(user=editor)
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert (job.status, job.done, job.total) == (JobStatus.DONE, 12, 12)
    assert InformationSystem.objects.filter(code__startswith="bulk-").count() == 12
    page = client.get(response["Location"]).content.decode()
    assert "12 行：追加 12 件、変更 0 件。" in page
    assert "<progress" not in page and 'http-equiv="refresh"' not in page
    assert bytes(BackgroundJob.objects.get(pk=job.pk).payload) == b""


def test_a_check_as_a_job_writes_nothing(client, editor):
    # given a file of systems
    raw = sheet(rows(3))
    events = AuditEvent.objects.count()
    # when it is only checked
    response = post(client, raw, "check")
    # then the job's page says what would be added, and nothing is written
    page = client.get(response["Location"]).content.decode()
    assert "3 行：追加 3 件、変更 0 件。" in page and "ファイルに問題はありません" in page
    assert not InformationSystem.objects.filter(code__startswith="bulk-").exists()
    assert AuditEvent.objects.count() == events


def test_a_job_with_one_bad_row_writes_no_row_and_names_the_line(client, editor):
    # given 20 good rows and one owned by an unknown organisation on line 22
    raw = sheet([*rows(20), {**rows(1)[0], "code": "bad-1", "owner": "nowhere"}])
    events = AuditEvent.objects.count()
    # when it is imported
    response = post(client, raw, "import")
    # then nothing is written and the page names the line
    page = client.get(response["Location"]).content.decode()
    assert "<caption>" in page and "<td>22</td>" in page
    assert not InformationSystem.objects.filter(code__startswith="bulk-").exists()
    assert AuditEvent.objects.count() == events


def test_a_small_file_is_still_imported_within_the_request(client, editor, settings):
    # given the usual threshold and a small file
    settings.SHIREITO_BACKGROUND_IMPORT_BYTES = 64 * 1024
    # when it is checked
    response = post(client, sheet(rows(2)), "check")
    # then the page answers at once, without a job
    assert response.status_code == 200 and not BackgroundJob.objects.exists()
