"""The spreadsheet authoring format: the template imports as it is, CSV and XLSX give the same
tree, an export imports back, and each problem is named by row and column."""

import io

import pytest
from openpyxl import Workbook
from trestle.oscal.catalog import Catalog as TrestleCatalog

from shireito.standards.exporters import export_oscal
from shireito.standards.importers import CatalogImportError, import_catalog
from shireito.standards.models import Catalog, CatalogNode
from shireito.standards.spreadsheet import export_csv, template_csv, template_xlsx

pytestmark = pytest.mark.django_db


def _tree(catalog):
    return [
        (n.label, n.parent.label if n.parent else "", n.kind, n.title, n.statement, n.guidance)
        for n in catalog.nodes.select_related("parent").order_by("position")
    ]


def test_the_templates_import_to_the_same_tree_and_export_as_valid_oscal():
    from_csv = import_catalog(template_csv().encode(), fmt="csv", actor=None, key="a").catalog
    from_xlsx = import_catalog(template_xlsx(), fmt="xlsx", actor=None, key="b").catalog
    assert _tree(from_csv) == _tree(from_xlsx)
    nodes = {n.label: n for n in from_csv.nodes.select_related("parent")}
    assert nodes["1.1.1(1)(a)"].parent.label == "1.1.1(1)"
    assert nodes["1.1.1(1)(a)"].kind == "requirement" and not nodes["1.1.1(1)(a)"].is_group
    assert nodes["1.1"].is_group
    TrestleCatalog.parse_obj(export_oscal(from_csv)["catalog"])


def test_a_spreadsheet_export_imports_back_unchanged():
    first = import_catalog(template_csv().encode(), fmt="csv", actor=None, key="a").catalog
    again = import_catalog(export_csv(first).encode(), fmt="csv", actor=None, key="b").catalog
    assert _tree(first) == _tree(again)


@pytest.mark.parametrize(
    "rows,where",
    [
        ([["1", "", "part", "t", "", ""], ["1", "", "part", "t", "", ""]], "row 3, id"),
        ([["1", "", "chapter", "t", "", ""]], "row 2, kind"),
        ([["1.1", "1", "section", "t", "", ""], ["1", "", "part", "t", "", ""]], "row 2, parent"),
        ([["c", "", "control", "t", "s", ""], ["g", "c", "group", "t", "", ""]], "row 3, kind"),
        ([["g", "", "group", "t", "has text", ""]], "row 2, statement"),
        ([["", "", "control", "t", "", ""]], "row 2, id"),
    ],
)
def test_problems_name_the_row_and_column_and_nothing_is_written(rows, where):
    out = io.StringIO()
    out.write("id,parent,kind,title,statement,guidance\n")
    for row in rows:
        out.write(",".join(row) + "\n")
    with pytest.raises(CatalogImportError) as caught:
        import_catalog(out.getvalue().encode(), fmt="csv", actor=None, key="x")
    assert where in [p.path for p in caught.value.problems]
    assert not Catalog.objects.exists() and not CatalogNode.objects.exists()


@pytest.mark.parametrize(
    "raw,fmt,where",
    [
        (b"\xff\xfe", "csv", "$"),
        (b"id,title\n1,x\n", "csv", "row 1"),
        (b"not a workbook", "xlsx", "$"),
        (b'id,kind\n"' + b"x" * 200_000 + b'",part\n', "csv", "$"),  # beyond csv's field limit
        (b"id,kind\n1\x00,part\n", "csv", "$"),
    ],
)
def test_unreadable_files_are_refused(raw, fmt, where):
    with pytest.raises(CatalogImportError) as caught:
        import_catalog(raw, fmt=fmt, actor=None, key="x")
    assert [p.path for p in caught.value.problems] == [where]


def test_xlsx_cells_that_are_numbers_read_as_ids():
    book = Workbook()
    sheet = book.active
    sheet.append(["id", "parent", "kind", "title"])
    sheet.append([1, None, "part", "第1部"])
    sheet.append(["1.1", 1, "section", "節"])
    out = io.BytesIO()
    book.save(out)
    catalog = import_catalog(out.getvalue(), fmt="xlsx", actor=None, key="x").catalog
    assert catalog.nodes.get(label="1.1").parent.label == "1"


def test_the_template_downloads_and_the_api_reports_rows(client, viewer, organization):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from shireito.accounts.services import api_token_create
    from tests.factories import make_user

    client.force_login(viewer)
    csv_template = client.get("/standards/template.csv")
    assert csv_template.content.decode("utf-8-sig").startswith("id,parent,kind")
    assert client.get("/standards/template.xlsx")["Content-Type"].endswith("sheet")
    editor = make_user(organization=organization, roles=["editor"], username="editor")
    _token, secret = api_token_create(actor=None, user=editor, name="t")
    bad = SimpleUploadedFile("c.csv", b"id,parent,kind\n1,,chapter\n", "text/csv")
    response = client.post(
        "/api/v1/standards/catalogs",
        {"file": bad, "key": "c", "format": "csv"},
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0] == {
        "field": "file",
        "location": "file",
        "path": "row 2, kind",
        "message": response.json()["errors"][0]["message"],
    }
