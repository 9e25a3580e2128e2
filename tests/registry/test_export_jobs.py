"""A systems export of a long list is written by a worker: the page shows its progress and
then offers the file, to the user who asked for it only, with the list's filters and scope."""

import datetime as dt

import pytest
from django.core.files.storage import storages
from django.utils import timezone

from shireito.core.choices import JobStatus
from shireito.core.jobs import job_start
from shireito.core.models import BackgroundJob
from shireito.core.tasks import jobs_housekeeping
from shireito.registry.tasks import SYSTEMS_EXPORT, run_systems_export
from tests.factories import make_user

pytestmark = pytest.mark.django_db

FILTERED = "?category=ministry_system&sort=name"


@pytest.fixture
def viewer(government, systems, client, settings, tmp_path):
    # a list of more than one row is written by a worker; files go to a test's own store
    settings.SHIREITO_BACKGROUND_EXPORT_ROWS = 1
    settings.MEDIA_ROOT = tmp_path
    user = make_user(organization=government["nisc"], roles=["viewer"])
    client.force_login(user)
    return user


def immediate(client, settings, query: str) -> bytes:
    """The export as a request writes it (the threshold raised above the list)."""
    settings.SHIREITO_BACKGROUND_EXPORT_ROWS = 10_000
    response = client.get(f"/systems/export.csv{query}")
    settings.SHIREITO_BACKGROUND_EXPORT_ROWS = 1
    return b"".join(response.streaming_content)


def export_as_job(client, query: str) -> BackgroundJob:
    response = client.post(f"/systems/export.csv{query}")
    job = BackgroundJob.objects.get(kind=SYSTEMS_EXPORT)
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    return job


def test_a_long_list_asks_before_it_becomes_a_job(client, viewer):
    # given a filtered list longer than the threshold
    # when its export is followed as a link
    response = client.get(f"/systems/export.csv{FILTERED}")
    # then nothing starts yet: a page offers to prepare the file, with the same filters
    page = response.content.decode()
    assert response.status_code == 200 and not BackgroundJob.objects.exists()
    assert "2 件のシステム" in page and "ファイルを作成する" in page
    assert 'action="/systems/export.csv?category=ministry_system&amp;sort=name"' in page


@pytest.mark.parametrize("bom", ["", "&bom=1"])
def test_the_jobs_file_equals_the_immediate_export(client, settings, viewer, bom):
    # given the immediate export of a filtered list
    expected = immediate(client, settings, FILTERED + bom)
    # when the same export runs as a job
    job = export_as_job(client, FILTERED + bom)
    # then it has done every row, its page offers the file, and the file is the same
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == (JobStatus.DONE, 2, 2)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "ファイルができました" in page and f'href="/jobs/{job.pk}/file/"' in page
    download = client.get(f"/jobs/{job.pk}/file/")
    assert b"".join(download.streaming_content) == expected
    assert expected.startswith(b"\xef\xbb\xbf") == bool(bom)
    assert download["Content-Disposition"] == 'attachment; filename="systems.csv"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Cache-Control"] == "private, no-store"
    assert download["Content-Type"] == "text/csv; charset=utf-8"


def test_the_job_reports_its_progress(viewer):
    # given an export job of the whole list the user sees (five systems)
    job = BackgroundJob.objects.create(user=viewer, kind=SYSTEMS_EXPORT, params={"query": ""})
    calls = []
    # when a worker runs it
    result = run_systems_export(job, lambda done, total: calls.append((done, total)))
    # then the total is said first, and every row is done at the end
    assert calls[0] == (0, 5) and calls[-1] == (5, None)
    assert result["rows"] == 5 and result["filename"] == "systems.csv"


def test_another_user_gets_404_on_the_job_and_its_file(client, government, viewer):
    # given a finished export job of one user
    job = export_as_job(client, FILTERED)
    # when another user of the same organisation asks for its page or its file
    other = make_user(organization=government["nisc"], roles=["viewer"])
    client.force_login(other)
    # then neither exists for them
    assert client.get(f"/jobs/{job.pk}/").status_code == 404
    assert client.get(f"/jobs/{job.pk}/file/").status_code == 404


def test_the_worker_asks_the_scope_again(client, government, viewer):
    # given a job whose query names systems outside its user's reach (a tampered job)
    mhlw = make_user(organization=government["mhlw"], roles=["viewer"])
    job = job_start(user=mhlw, kind=SYSTEMS_EXPORT, params={"query": "owner=power"})
    # when it has run
    job.refresh_from_db()
    client.force_login(mhlw)
    text = b"".join(client.get(f"/jobs/{job.pk}/file/").streaming_content).decode()
    # then the file holds only the header: the user's scope, not the query, decides
    assert job.status == JobStatus.DONE and job.total == 0
    assert len(text.splitlines()) == 1 and "power-app" not in text


def test_a_short_list_is_downloaded_at_once(client, settings, viewer):
    # given a threshold above the filtered list's length
    settings.SHIREITO_BACKGROUND_EXPORT_ROWS = 2
    # when its export is asked for
    response = client.get(f"/systems/export.csv{FILTERED}")
    # then the file comes in the response, and no job is started
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert [line.split(",")[0] for line in lines[1:]] == ["meti-app", "mhlw-app"]
    assert not BackgroundJob.objects.exists()


def test_housekeeping_removes_an_old_exports_file_with_its_job(client, settings, viewer):
    # given a finished export job whose file is in the store
    job = export_as_job(client, FILTERED)
    job.refresh_from_db()
    name = job.result["file"]
    assert storages["default"].exists(name)
    # when it is older than the jobs are kept and the housekeeping runs
    old = timezone.now() - dt.timedelta(days=settings.SHIREITO_JOB_KEEP_DAYS + 1)
    BackgroundJob.objects.filter(pk=job.pk).update(finished_at=old)
    jobs_housekeeping.call()
    # then the job and its file are gone
    assert not BackgroundJob.objects.filter(pk=job.pk).exists()
    assert not storages["default"].exists(name)
