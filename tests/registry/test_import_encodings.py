"""CSV files as Japanese offices save them: Shift_JIS (CP932) from Excel, UTF-8 with or without
BOM; the encoding used is shown before import; downloads offer UTF-8 with BOM for Excel."""

import csv
import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from shireito.accounts.services import api_token_create
from shireito.core.models import AuditEvent
from shireito.registry.models import InformationSystem
from shireito.registry.transfer import COLUMNS
from tests.factories import make_user

pytestmark = pytest.mark.django_db

ROWS = [
    {"code": "sjis-1", "name": "住民記録システム①", "owner": "mhlw", "category": "ministry_system"},
    {"code": "sjis-2", "name": "㈱受託の給付管理", "owner": "mhlw", "category": "ministry_system"},
]


def sheet(rows: list[dict]) -> str:
    """The rows as Excel writes CSV: CRLF line ends, every column of the export."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({c: row.get(c, "") for c in COLUMNS} for row in rows)
    return buffer.getvalue()


def upload(raw: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("systems.csv", raw, content_type="text/csv")


@pytest.fixture
def editor(government, client):
    user = make_user(organization=government["mhlw"], roles=["editor"])
    client.force_login(user)
    return user


def test_a_shift_jis_file_from_excel_is_checked_then_imported_with_its_encoding_shown(
    client, editor
):
    # given the systems saved by Excel as Shift_JIS (CP932, with ① and ㈱)
    raw = sheet(ROWS).encode("cp932")
    # when the file is checked
    checked = client.post("/systems/import/", {"file": upload(raw), "action": "check"})
    # then the check says how it was read and writes nothing
    page = checked.content.decode()
    assert "文字コード: Shift_JIS（CP932）として読み込みました。" in page
    assert "2 行：追加 2 件、変更 0 件。" in page
    assert not InformationSystem.objects.filter(code__startswith="sjis-").exists()
    # when it is imported
    done = client.post("/systems/import/", {"file": upload(raw), "action": "import"}, follow=True)
    # then the Japanese names are stored as written, and the message names the encoding
    names = dict(
        InformationSystem.objects.values_list("code", "name").filter(code__in=["sjis-1", "sjis-2"])
    )
    assert names == {"sjis-1": "住民記録システム①", "sjis-2": "㈱受託の給付管理"}
    assert "Shift_JIS（CP932）" in done.content.decode()


@pytest.mark.parametrize(
    ("encoding", "label"), [("utf-8", "UTF-8（BOMなし）"), ("utf-8-sig", "BOM付きUTF-8")]
)
def test_utf8_with_and_without_bom_imports(client, editor, encoding, label):
    # given the file as UTF-8, with or without the BOM
    raw = sheet(ROWS).encode(encoding)
    # when it is checked and imported
    checked = client.post("/systems/import/", {"file": upload(raw), "action": "check"})
    client.post("/systems/import/", {"file": upload(raw), "action": "import"})
    # then the encoding is named and the first column is "code", not "\ufeffcode"
    assert f"文字コード: {label}として読み込みました。" in checked.content.decode()
    assert InformationSystem.objects.get(code="sjis-1").name == "住民記録システム①"


@pytest.mark.parametrize(
    ("language", "words"),
    [("ja", "文字コードを判別できません"), ("en", "encoding could not be recognised")],
)
def test_an_undecodable_file_is_refused_in_the_users_language_and_writes_nothing(
    client, editor, language, words
):
    # given a file no Japanese office's encoding reads, and the user's language
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    raw = b"code,name\r\n\x80\x81\xfe\xff\x00\x9f\r\n"
    systems, events = InformationSystem.objects.count(), AuditEvent.objects.count()
    # when it is imported
    response = client.post("/systems/import/", {"file": upload(raw), "action": "import"})
    # then the page says why in that language, without a codec's message, and writes nothing
    page = response.content.decode()
    assert response.status_code == 200 and words in page
    assert "codec" not in page
    assert InformationSystem.objects.count() == systems
    assert AuditEvent.objects.count() == events


def test_the_api_says_which_encoding_it_read(client, editor):
    # given an API token and a Shift_JIS file
    _token, secret = api_token_create(actor=None, user=editor, name="t")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    # when it is checked through the API
    response = client.post(
        "/api/v1/portfolio/systems/import?dry_run=true",
        {"file": upload(sheet(ROWS).encode("cp932"))},
        **headers,
    )
    # then the answer names the encoding, as a key and as words
    body = response.json()
    assert response.status_code == 200, body
    assert body["encoding"] == "cp932" and body["encoding_label"] == "Shift_JIS（CP932）"
    assert body["rows"] == 2 and body["created"] == 2 and not body["written"]


def test_the_excel_export_starts_with_a_bom_and_holds_the_same_rows(client, editor, systems):
    # given the systems list's two CSV downloads
    page = client.get("/systems/").content.decode()
    assert "この一覧をExcel用CSV（BOM付きUTF-8）で出力" in page and "export.csv?bom=1" in page
    # when both are downloaded
    plain = b"".join(client.get("/systems/export.csv").streaming_content)
    excel = b"".join(client.get("/systems/export.csv?bom=1").streaming_content)
    # then the Excel one starts with EF BB BF and reads back as the same rows
    assert excel.startswith(b"\xef\xbb\xbf") and not plain.startswith(b"\xef\xbb\xbf")
    assert excel[3:] == plain
    rows = list(csv.DictReader(io.StringIO(excel.decode("utf-8-sig"), newline="")))
    assert rows == list(csv.DictReader(io.StringIO(plain.decode("utf-8"), newline="")))
    assert rows and list(rows[0]) == COLUMNS


def test_open_data_and_the_api_offer_the_excel_variant(client, editor, systems):
    # given the open data files and the API's export
    _token, secret = api_token_create(actor=None, user=editor, name="t")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    # when each is asked for with the BOM
    budget = client.get("/open-data/budget.csv?bom=1").content
    published = b"".join(client.get("/open-data/systems.csv?bom=1").streaming_content)
    api = b"".join(
        client.get(
            "/api/v1/portfolio/systems/export?format=csv&bom=true", **headers
        ).streaming_content
    )
    # then each starts with the BOM, and without it none does
    assert all(f.startswith(b"\xef\xbb\xbf") for f in (budget, published, api))
    assert not client.get("/open-data/budget.csv").content.startswith(b"\xef\xbb\xbf")
