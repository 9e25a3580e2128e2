"""Catalog sheets and mappings saved by Excel as Shift_JIS: checked first with the encoding
shown, then imported; their CSV downloads offer UTF-8 with BOM for Excel."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shireito.accounts.services import api_token_create
from shireito.core.models import AuditEvent
from shireito.standards.importers import import_catalog
from shireito.standards.models import Catalog, CatalogMapping
from shireito.standards.spreadsheet import template_csv
from tests.factories import make_user

pytestmark = pytest.mark.django_db

TARGET = (
    "id,parent,kind,title,statement,guidance\r\n"
    "A,,group,管理策群,,\r\n"
    "A-1,A,control,責任者の任命①,責任者を置く。,\r\n"
    "A-2,A,control,外部委託,委託先を管理する。,\r\n"
)
MAPPING = (
    "source_id,target_id,relationship,note\r\n"
    "1.1.1(1)(a),A-1,equal,同じ趣旨（㈱の例）\r\n"
    "1.1.1(1)-1,A-2,intersects,\r\n"
)


@pytest.fixture
def editor(client, organization):
    user = make_user(organization=organization, roles=["editor"], username="editor")
    client.force_login(user)
    return user


def test_a_shift_jis_catalog_sheet_is_checked_then_imported(client, editor):
    # given a catalog sheet saved by Excel as Shift_JIS
    form = {"format": "csv", "key": "sjis", "title": "", "edition": "", "owner": ""}
    raw = TARGET.encode("cp932")
    events = AuditEvent.objects.count()
    # when it is checked
    checked = client.post(
        "/standards/import/",
        {**form, "file": SimpleUploadedFile("c.csv", raw, "text/csv"), "action": "check"},
    )
    # then the page says how it was read and what importing adds, and nothing is written
    page = checked.content.decode()
    assert "文字コード: Shift_JIS（CP932）として読み込みました。" in page
    assert "グループと管理策が3件追加されます。" in page
    assert not Catalog.objects.filter(key="sjis").exists()
    assert AuditEvent.objects.count() == events
    # when it is imported
    done = client.post(
        "/standards/import/",
        {**form, "file": SimpleUploadedFile("c.csv", raw, "text/csv"), "action": "import"},
    )
    # then its Japanese text is stored as written
    assert done.status_code == 302, done.content.decode()
    catalog = Catalog.objects.get(key="sjis")
    assert catalog.nodes.get(label="A-1").title == "責任者の任命①"


def test_a_shift_jis_mapping_is_checked_then_imported_and_the_api_names_the_encoding(
    client, editor
):
    # given two catalogs and a mapping saved as Shift_JIS
    import_catalog(template_csv().encode(), fmt="csv", actor=None, key="src")
    import_catalog(TARGET.encode(), fmt="csv", actor=None, key="tgt")
    form = {"key": "src-tgt", "source": "src", "target": "tgt"}
    raw = MAPPING.encode("cp932")
    # when it is checked on the page
    checked = client.post(
        "/standards/mappings/import/",
        {**form, "file": SimpleUploadedFile("m.csv", raw, "text/csv"), "action": "check"},
    )
    # then the encoding and the count are shown and nothing is written
    page = checked.content.decode()
    assert "文字コード: Shift_JIS（CP932）として読み込みました。" in page
    assert "管理策の対応が2件追加されます。" in page
    assert not CatalogMapping.objects.exists()
    # when it is imported through the API
    _token, secret = api_token_create(actor=None, user=editor, name="t")
    answer = client.post(
        "/api/v1/standards/mappings",
        {**form, "file": SimpleUploadedFile("m.csv", raw, "text/csv")},
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    # then the answer names the encoding, and the note is stored as written
    assert answer.status_code == 201, answer.content
    assert answer.json()["encoding"] == "cp932" and answer.json()["entries"] == 2
    mapping = CatalogMapping.objects.get(key="src-tgt")
    assert mapping.entries.get(target__label="A-1").note == "同じ趣旨（㈱の例）"


def test_catalog_and_mapping_downloads_offer_the_excel_variant(client, editor):
    # given a catalog
    import_catalog(TARGET.encode("cp932"), fmt="csv", actor=None, key="tgt")
    # when its page and both downloads are fetched
    page = client.get("/standards/tgt/").content.decode()
    plain = client.get("/standards/tgt/catalog.csv").content
    excel = client.get("/standards/tgt/catalog.csv?bom=1").content
    # then the page links the Excel file, which is the same file after EF BB BF
    assert "/standards/tgt/catalog.csv?bom=1" in page and "Excel用（BOM付きUTF-8）" in page
    assert excel.startswith(b"\xef\xbb\xbf") and excel[3:] == plain
    assert plain.decode("utf-8").startswith("id,parent,kind")
