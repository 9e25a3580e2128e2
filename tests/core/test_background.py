"""Background work: periodic jobs scheduled by the workers once per slot, tasks run by
`shireito worker` from the database queue, and the read replica's router."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connections
from django.http import Http404
from django.test import RequestFactory
from django.utils import timezone

from shireito.core import periodic
from shireito.core.choices import JobStatus
from shireito.core.jobs import JobKind, job_for, job_start, register_job_kind
from shireito.core.models import BackgroundJob, PeriodicRun
from shireito.core.periodic import register_periodic, schedule_due, slot_start
from shireito.core.routers import REPLICA, ReplicaReadsMiddleware, ReplicaRouter, reads_from_replica
from tests.factories import make_user

pytestmark = pytest.mark.django_db

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_the_apps_register_the_periodic_jobs_that_cron_ran_before():
    # given the apps are ready
    # then the overdue notices, the summary refresh and the housekeeping are scheduled
    assert {
        "incidents.overdue_notices",
        "registry.summary_refresh",
        "core.jobs_housekeeping",
    } <= set(periodic.PERIODIC_JOBS)


def test_each_periodic_job_is_enqueued_once_per_slot(settings):
    # given the database queue and a moment in a slot
    settings.TASKS = DB_TASKS
    now = dt.datetime(2026, 12, 7, 10, 7, tzinfo=dt.UTC)
    # when two workers look for due jobs in the same slot
    first = schedule_due(now)
    second = schedule_due(now + dt.timedelta(seconds=30))
    # then every job is claimed and queued by the first only
    assert set(first) == set(periodic.PERIODIC_JOBS) and second == []
    runs = PeriodicRun.objects.filter(job="incidents.overdue_notices")
    assert runs.count() == 1 and runs.get().task_result_id
    # when the next five-minute slot comes, the overdue notices are due again
    later = schedule_due(now + dt.timedelta(minutes=5))
    assert "incidents.overdue_notices" in later and "registry.summary_refresh" not in later


def test_a_slot_claimed_elsewhere_is_not_enqueued_again(settings):
    # given another machine's worker claimed this slot of the overdue notices
    settings.TASKS = DB_TASKS
    now = timezone.now()
    job = periodic.PERIODIC_JOBS["incidents.overdue_notices"]
    PeriodicRun.objects.create(job=job.name, slot=slot_start(now, job.every))
    # when this worker looks
    enqueued = schedule_due(now)
    # then it leaves that job alone
    assert job.name not in enqueued
    assert PeriodicRun.objects.filter(job=job.name).count() == 1


def test_slots_start_at_the_same_moment_on_every_machine():
    # given two moments of one hour, one given in Japan's time
    jst = dt.timezone(dt.timedelta(hours=9))
    a = dt.datetime(2026, 12, 7, 19, 59, tzinfo=jst)
    b = dt.datetime(2026, 12, 7, 10, 1, tzinfo=dt.UTC)
    # then their hour slots are the same UTC hour
    assert slot_start(a, dt.timedelta(hours=1)) == slot_start(b, dt.timedelta(hours=1))
    assert slot_start(b, dt.timedelta(hours=1)) == dt.datetime(2026, 12, 7, 10, tzinfo=dt.UTC)


def test_a_job_more_often_than_once_a_minute_is_refused():
    with pytest.raises(ValueError, match="once a minute"):
        register_periodic("too-often", object(), every=dt.timedelta(seconds=10))


def _counting_kind(calls: list) -> JobKind:
    def run(job, progress):
        progress(1, 2)
        calls.append(job.pk)
        progress(2, None)
        return {"ok": True, "rows": 2}

    return JobKind(
        key="test.counting", label="counting", run=run, result_template="core/audit_log.html"
    )


def test_the_worker_runs_queued_jobs_once_in_process(transactional_db, settings, organization):
    # given the database queue and two jobs waiting (committed: the worker loop closes a
    # connection left inside a transaction, as between requests)
    settings.TASKS = DB_TASKS
    calls: list = []
    register_job_kind(_counting_kind(calls))
    user = make_user(organization=organization, roles=["editor"])
    jobs = [job_start(user=user, kind="test.counting") for _ in range(2)]
    assert all(job.status == JobStatus.QUEUED for job in jobs)
    # when a worker runs what is queued, and another after it
    call_command("worker", "--batch", "--no-schedule", "--interval", "0")
    call_command("worker", "--batch", "--no-schedule", "--interval", "0")
    # then each job ran once, with its progress and result kept
    assert sorted(calls) == sorted(job.pk for job in jobs)
    for job in jobs:
        job.refresh_from_db()
        assert (job.status, job.done, job.total, job.result) == (
            JobStatus.DONE,
            2,
            2,
            {"ok": True, "rows": 2},
        )
        assert job.finished_at is not None


def test_a_failing_job_is_shown_stopped_and_its_file_dropped(organization):
    # given a kind of job whose work breaks
    def run(job, progress):
        raise RuntimeError("broken")

    register_job_kind(JobKind(key="test.broken", label="broken", run=run, result_template=""))
    user = make_user(organization=organization, roles=["editor"])
    # when it runs
    job = job_start(user=user, kind="test.broken", payload=b"file")
    # then it is stopped, with no file kept
    assert job.status == JobStatus.FAILED and job.result == {"error": True}
    assert bytes(job.payload) == b""


def test_housekeeping_stops_jobs_whose_worker_died(organization):
    # given a job running for hours without progress (its worker was killed)
    user = make_user(organization=organization, roles=["editor"])
    job = BackgroundJob.objects.create(user=user, kind="test.counting", status=JobStatus.RUNNING)
    BackgroundJob.objects.filter(pk=job.pk).update(
        updated_at=timezone.now() - dt.timedelta(hours=3)
    )
    # when the housekeeping runs
    from shireito.core.tasks import jobs_housekeeping

    jobs_housekeeping.call()
    # then the job says it was interrupted
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.result["interrupted"] is True


def test_a_job_is_seen_only_by_the_user_who_started_it(client, organization):
    # given a job of one editor
    owner = make_user(organization=organization, roles=["editor"], username="owner")
    other = make_user(organization=organization, roles=["org_admin"], username="other")
    job = BackgroundJob.objects.create(user=owner, kind="registry.systems_import")
    # then its page answers the owner and is not found for a colleague
    client.force_login(other)
    assert client.get(f"/jobs/{job.pk}/").status_code == 404
    with pytest.raises(Http404):
        job_for(other, job.pk)
    client.force_login(owner)
    page = client.get(f"/jobs/{job.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<progress" in html and 'http-equiv="refresh"' in html and "hx-trigger" in html


def test_the_replica_router_reads_from_the_replica_only_on_marked_paths(settings):
    # given a replica is configured
    router = ReplicaRouter()
    connections.settings[REPLICA] = {**connections.settings["default"]}
    try:
        # then reads go to the default database unless marked
        assert router.db_for_read(BackgroundJob) is None
        with reads_from_replica():
            assert router.db_for_read(BackgroundJob) == REPLICA
            assert router.db_for_write(BackgroundJob) == "default"
        assert router.allow_migrate(REPLICA, "core") is False
        # and the middleware marks the GET requests of TAXII and open data only
        seen = []

        def view(request):
            seen.append(router.db_for_read(BackgroundJob))
            return None

        middleware = ReplicaReadsMiddleware(view)
        factory = RequestFactory()
        middleware(factory.get("/open-data/systems.csv"))
        middleware(factory.get("/taxii2/"))
        middleware(factory.post("/taxii2/"))
        middleware(factory.get("/systems/"))
        assert seen == [REPLICA, REPLICA, None, None]
    finally:
        del connections.settings[REPLICA]


def test_the_worker_beside_the_server_stops_with_it(monkeypatch):
    # given a worker command that would run until stopped
    import sys

    from shireito.core import worker_process

    monkeypatch.setattr(
        worker_process,
        "worker_command",
        lambda: [sys.executable, "-c", "import time; time.sleep(60)"],
    )
    # when the server's block runs and ends
    with worker_process.worker_beside() as child:
        assert child is not None and child.poll() is None
    # then the worker has stopped with it
    assert child.returncode is not None
    # and without a worker asked for, none is started
    with worker_process.worker_beside(enabled=False) as none:
        assert none is None


def test_a_finished_job_of_a_kind_no_longer_known_still_shows_its_page(client, organization):
    # given a finished job whose kind no app registers any more
    owner = make_user(organization=organization, roles=["editor"], username="owner")
    job = BackgroundJob.objects.create(
        user=owner, kind="gone.kind", status=JobStatus.DONE, result={"ok": True}
    )
    client.force_login(owner)
    # when its page is read, it answers without its result template
    response = client.get(f"/jobs/{job.pk}/")
    # then the page is there, with the generic title
    assert response.status_code == 200
    assert "バックグラウンド処理" in response.content.decode()
