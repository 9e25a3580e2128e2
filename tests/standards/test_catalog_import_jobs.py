"""A catalog file larger than SHIREITO_BACKGROUND_CATALOG_BYTES is checked or imported by a
worker; its job's page shows the result, and a bad file writes nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shireito.core.choices import JobStatus
from shireito.core.models import AuditEvent, BackgroundJob
from shireito.standards.models import Catalog
from tests.factories import make_user

pytestmark = pytest.mark.django_db

SHEET = (
    "id,parent,kind,title,statement,guidance\r\n"
    "A,,group,管理策群,,\r\n"
    "A-1,A,control,責任者の任命,責任者を置く。,\r\n"
    "A-2,A,control,外部委託,委託先を管理する。,\r\n"
)
FORM = {"format": "csv", "key": "big", "title": "", "edition": "", "owner": ""}


@pytest.fixture
def editor(client, organization, settings):
    settings.SHIREITO_BACKGROUND_CATALOG_BYTES = 0  # every file goes to a worker
    user = make_user(organization=organization, roles=["editor"], username="editor")
    client.force_login(user)
    return user


def post(client, raw: bytes, action: str):
    upload = SimpleUploadedFile("c.csv", raw, "text/csv")
    return client.post("/standards/import/", {**FORM, "file": upload, "action": action})


def test_a_large_catalog_is_checked_then_imported_by_a_worker(client, editor):
    # given a catalog sheet
    events = AuditEvent.objects.count()
    # when it is checked
    checked = post(client, SHEET.encode(), "check")
    # then the job's page says what importing adds, and nothing is written
    page = client.get(checked["Location"]).content.decode()
    assert "取り込むと、グループと管理策が3件追加されます。" in page
    assert not Catalog.objects.filter(key="big").exists()
    assert AuditEvent.objects.count() == events
    # when it is imported
    done = post(client, SHEET.encode(), "import")
    # then the job is done, the catalog is there, and the page links to it
    job = BackgroundJob.objects.filter(user=editor).order_by("-created_at").first()
    assert done["Location"] == f"/jobs/{job.pk}/" and job.status == JobStatus.DONE
    assert Catalog.objects.get(key="big").nodes.count() == 3
    assert "/standards/big/" in client.get(done["Location"]).content.decode()


def test_a_large_catalog_with_a_problem_writes_nothing_and_names_the_place(client, editor):
    # given a sheet whose control names a parent that is not there
    bad = SHEET + "B-1,Z,control,孤児,文。,\r\n"
    events = AuditEvent.objects.count()
    # when it is imported
    response = post(client, bad.encode(), "import")
    # then the job's page lists the problem and nothing is written
    page = client.get(response["Location"]).content.decode()
    assert "<caption>" in page and "<code>" in page
    assert not Catalog.objects.filter(key="big").exists()
    assert AuditEvent.objects.count() == events
