"""Catalog, mapping and result files against the probe's bad input: deep JSON and a workbook
that expands to far more than it weighs are refused with a clear problem before any work."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shireito.accounts.services import api_token_create
from shireito.core import uploads
from shireito.core.spreadsheets import xlsx_bytes
from shireito.standards.models import Catalog
from shireito.standards.spreadsheet import read_rows
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _post(client, user, upload, **data):
    _token, secret = api_token_create(actor=None, user=user, name="t")
    return client.post(
        "/api/v1/standards/catalogs",
        {"key": "k", **data, "file": upload},
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )


def zip_bomb(expanded: int) -> bytes:
    """A workbook-shaped zip whose sheet expands to ``expanded`` bytes of repetitive XML."""
    out = io.BytesIO()
    row = b"<row><c t='inlineStr'><is><t>x</t></is></c></row>"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            chunk = row * (1024 * 1024 // len(row))
            for _ in range(expanded // len(chunk) + 1):
                sheet.write(chunk)
    return out.getvalue()


def test_deeply_nested_json_is_a_problem_not_a_server_error(client, organization):
    # given an editor and a catalog file nested 100,000 levels deep
    editor = make_user(organization=organization, roles=["editor"])
    raw = b'{"catalog": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"

    # when it is imported through the API
    response = _post(client, editor, SimpleUploadedFile("c.json", raw, "application/json"))

    # then the file is refused with its reason, and nothing is written
    assert response.status_code == 422, response.content
    assert response.json()["errors"][0]["field"] == "file"
    assert Catalog.objects.count() == 0


def test_a_workbook_that_expands_past_the_limit_is_refused_before_it_is_parsed(
    client, organization, settings
):
    # given a workbook of a few hundred kilobytes that expands past the limit
    settings.SHIREITO_XLSX_MAX_UNCOMPRESSED_BYTES = 32 * 1024 * 1024
    raw = zip_bomb(40 * 1024 * 1024)
    assert len(raw) < 1024 * 1024
    editor = make_user(organization=organization, roles=["editor"])

    # when it is imported as a catalog sheet
    response = _post(
        client,
        editor,
        SimpleUploadedFile("c.xlsx", raw, "application/octet-stream"),
        format="xlsx",
    )

    # then its expanded size is the problem
    assert response.status_code == 422, response.content
    assert "MB" in response.json()["errors"][0]["message"]
    assert Catalog.objects.count() == 0


def test_a_workbook_with_too_many_parts_is_refused(settings):
    # given a zip of more parts than a workbook has
    settings.SHIREITO_XLSX_MAX_PARTS = 10
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for number in range(11):
            archive.writestr(f"part{number}.xml", "<x/>")

    # then it is refused before openpyxl sees it
    with pytest.raises(uploads.FileRefused):
        uploads.check_xlsx(out.getvalue())


def test_a_wrong_header_is_reported_before_the_rows_are_counted():
    # given a sheet with a wrong header and more rows than the limit
    raw = xlsx_bytes([("s", ["nope"], ([str(i)] for i in range(300)))])
    problems = []

    # when it is read with a limit of 100 rows
    rows = read_rows(
        raw, "xlsx", lambda path, message: problems.append((path, message)), max_rows=100
    )

    # then the header is the problem, not the count
    assert rows is None and [path for path, _message in problems] == ["row 1"]


def test_a_sheet_over_the_row_limit_is_refused():
    raw = xlsx_bytes([("s", ["id", "kind"], ([str(i), "part"] for i in range(101)))])
    problems = []
    assert read_rows(raw, "xlsx", lambda *p: problems.append(p), max_rows=100) is None
    assert len(problems) == 1 and "100" in problems[0][1]
