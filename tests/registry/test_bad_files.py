"""Systems import and open data against the probe's bad input: each answered with a clear
problem (never a 500), and the cheap checks (header, size, row count) before any row is
checked."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from shireito.accounts.services import api_token_create
from shireito.registry import transfer
from shireito.registry.models import InformationSystem
from tests.factories import make_user

pytestmark = pytest.mark.django_db
HEADER = "code,name,owner,category\n"


def _api_import(client, user, raw: bytes):
    _token, secret = api_token_create(actor=None, user=user, name="t")
    return client.post(
        "/api/v1/portfolio/systems/import?dry_run=false",
        {"file": SimpleUploadedFile("s.csv", raw, "text/csv")},
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )


@pytest.mark.parametrize(
    "raw",
    [
        (HEADER + "x," + "a" * (csv.field_size_limit() + 1) + ",mhlw,ministry_system\n").encode(),
        b"a" * (21 * 1024 * 1024),  # 21 MB on one line
    ],
    ids=["field-over-131072", "21MB-one-line"],
)
def test_an_unreadable_csv_is_a_problem_not_a_server_error(client, government, raw):
    # given an editor and a file no CSV reader takes
    editor = make_user(organization=government["mhlw"], roles=["editor"])
    before = InformationSystem.objects.count()

    # when it is imported through the API and the page
    answer = _api_import(client, editor, raw)
    client.force_login(editor)
    page = client.post(
        "/systems/import/",
        {"file": SimpleUploadedFile("s.csv", raw), "action": "import"},
        follow=True,  # a large file is imported by a job, whose page shows the same problems
    )

    # then both say what is wrong, and nothing is written
    assert answer.status_code == 200 and answer.json()["problems"], answer.content
    assert page.status_code == 200 and "<caption>" in page.content.decode()
    assert InformationSystem.objects.count() == before


def test_too_many_rows_are_refused_before_any_row_is_checked(government, monkeypatch):
    # given a file of 6,000 rows, over the web limit of 5,000
    text = HEADER + "".join(f"s{i},名前{i},mhlw,ministry_system\n" for i in range(6000))
    checked = []
    monkeypatch.setattr(transfer, "_check_row", lambda *args: checked.append(args))

    # when it is imported
    result = transfer.import_bytes(
        text.encode(), actor=None, dry_run=False, max_rows=transfer.MAX_WEB_ROWS
    )

    # then the limit is the one problem, and no row was checked
    assert len(result.problems) == 1 and "5000" in result.problems[0].message
    assert checked == []


def test_a_wrong_header_is_reported_before_the_rows_are_read(government, monkeypatch):
    # given a large file with a wrong header
    text = "nope\n" + "x\n" * 60_000

    # when it is imported; then only the header is the problem
    result = transfer.import_bytes(text.encode(), actor=None, dry_run=True)
    assert [p.row for p in result.problems] == [1, 1]


def test_an_upload_over_the_byte_limit_is_refused_before_it_is_read(
    client, government, monkeypatch
):
    # given a small limit
    monkeypatch.setattr(transfer, "MAX_BYTES", 1000)
    editor = make_user(organization=government["mhlw"], roles=["editor"])

    # when a larger file is sent
    answer = _api_import(client, editor, (HEADER + "x" * 2000).encode())

    # then the field says so
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "file"


def test_a_request_over_the_platform_limit_is_413_before_it_is_read(client, settings):
    # given the platform's request limit
    settings.SHIREITO_REQUEST_MAX_BYTES = 1024

    # when a request declares a larger body
    response = client.post(
        "/api/v1/portfolio/systems/import",
        data=b"x",
        content_type="text/csv",
        CONTENT_LENGTH="999999999",
    )

    # then it is refused as too large
    assert response.status_code == 413


@pytest.mark.parametrize("offset", ["9223372036854775808", "9223372036854775807"])
def test_open_data_with_an_offset_past_any_page_answers_an_empty_page(systems, offset):
    # given no sign-in; when a page past the largest offset is asked for
    response = Client().get("/api/v1/portfolio/open-data/systems", {"offset": offset})

    # then it is an empty page with the count, or a clear 4xx for a number out of range
    assert response.status_code in {200, 422}
    if response.status_code == 200:
        assert response.json()["items"] == [] and response.json()["count"] == 4


def test_the_systems_export_reads_back_through_the_csv_reader_unchanged(systems):
    # given the export; then the CSV reader reads it with no error and every row
    text = "".join(transfer.export_csv(InformationSystem.objects.order_by("code")))
    assert len(list(csv.reader(io.StringIO(text)))) == InformationSystem.objects.count() + 1
