"""Which tower each kind of user gets, and the page, CSV and API serving the same figures."""

import csv
import io

import pytest

from shireito.dashboard import sections
from shireito.dashboard.figures import Cell, Chart, Column, Figure, Section, Table, benchmark
from shireito.dashboard.tower import TowerKind, tower_kind
from tests.kit.factories.accounts import make_user
from tests.kit.factories.organizations import make_organization

pytestmark = pytest.mark.django_db


def _user(kind, **fields):
    return make_user(organization=make_organization(kind=kind, **fields), roles=["viewer"])


@pytest.mark.parametrize(
    ("kind", "fields", "tower"),
    [
        ("digital_agency", {}, TowerKind.WHOLE_GOVERNMENT),
        ("national_cyber_centre", {}, TowerKind.WHOLE_GOVERNMENT),
        ("ministry", {}, TowerKind.MINISTRY),
        ("cabinet", {}, TowerKind.WHOLE_GOVERNMENT),
        ("overseas_counterpart", {}, TowerKind.ORGANIZATION),
    ],
)
def test_each_kind_of_body_gets_its_tower(kind, fields, tower):
    # given a user of a body of that kind
    user = _user(kind, **fields)
    # then their tower is the one for that kind
    assert tower_kind(user) == tower


def test_a_prefecture_and_its_municipality_get_theirs():
    prefecture = make_organization(
        kind="local_government", local_government_level="prefecture", local_government_code="130001"
    )
    city = make_organization(
        kind="local_government",
        local_government_level="municipality",
        local_government_code="131016",
        parent=prefecture,
    )
    assert tower_kind(make_user(organization=prefecture)) == TowerKind.PREFECTURE
    assert tower_kind(make_user(organization=city)) == TowerKind.MUNICIPALITY


def test_a_platform_admin_sees_the_whole_government(platform_admin):
    assert tower_kind(platform_admin) == TowerKind.WHOLE_GOVERNMENT


def test_the_benchmark_names_no_body_and_needs_five_peers():
    # given the shares of four bodies, then of five
    assert benchmark([10, 20, 30, 40]) is None
    spread = benchmark([10, 20, 30, 40, 50])
    # then only the spread is given, never who has which figure
    assert spread is not None
    assert (spread.peers, spread.lower_quartile, spread.median, spread.upper_quartile) == (
        5,
        20.0,
        30.0,
        40.0,
    )


@pytest.fixture
def sample_section(monkeypatch):
    """A section of our own in every tower, so the plumbing is tested apart from the domains."""

    def build(viewer):
        return Section(
            key="sample",
            title="見本",
            figures=[Figure("systems", "システム数", 1234, href="/systems/")],
            tables=[
                Table(
                    key="by-category",
                    title="区分別",
                    columns=[Column("category", "区分"), Column("systems", "システム数", "count")],
                    rows=[
                        [
                            Cell("ministry_system", display="各府省システム"),
                            Cell(7, "/systems/?x=1"),
                        ]
                    ],
                )
            ],
        )

    monkeypatch.setitem(sections.BUILDERS, "sample", build)
    towers = {kind: [*keys, "sample"] for kind, keys in sections.TOWERS.items()}
    monkeypatch.setattr(sections, "TOWERS", towers)
    return build


def test_the_api_returns_the_figures_of_the_page(client, sample_section, organization):
    # given a ministry user
    user = make_user(organization=organization, roles=["viewer"])
    client.force_login(user)
    # when they ask the API for their tower
    body = client.get("/api/v1/dashboard").json()
    # then it names their tower and carries each figure with the link behind it
    assert body["tower"] == "ministry"
    sample = next(s for s in body["sections"] if s["key"] == "sample")
    assert sample["figures"][0] == {
        "key": "systems",
        "label": "システム数",
        "value": 1234,
        "kind": "count",
        "href": "/systems/",
        "flag": "",
    }
    assert sample["tables"][0]["rows"] == [
        {
            "category": "ministry_system",
            "category_label": "各府省システム",
            "systems": 7,
            "systems_href": "/systems/?x=1",
        }
    ]
    # and one section alone answers the same
    assert client.get("/api/v1/dashboard/sample").json() == sample
    assert client.get("/api/v1/dashboard/nothing-here").status_code == 404


def test_a_table_downloads_as_csv_with_labels_and_plain_values(
    client, sample_section, organization
):
    client.force_login(make_user(organization=organization, roles=["viewer"]))
    response = client.get("/tower/sample/by-category.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [["区分", "システム数"], ["各府省システム", "7"]]
    assert client.get("/tower/sample/none.csv").status_code == 404


def test_a_tables_excel_download_starts_with_a_bom_and_holds_the_same_rows(
    client, sample_section, organization
):
    # given a viewer of the tower, whose page links both downloads of each table
    client.force_login(make_user(organization=organization, roles=["viewer"]))
    assert "/tower/sample/by-category.csv?bom=1" in client.get("/").content.decode()
    # when a table is downloaded as it is and for Excel
    plain = client.get("/tower/sample/by-category.csv").content
    excel = client.get("/tower/sample/by-category.csv?bom=1").content
    # then only the Excel file starts with EF BB BF, and the rows after it are the same
    assert excel.startswith(b"\xef\xbb\xbf") and not plain.startswith(b"\xef\xbb\xbf")
    assert excel[3:] == plain


def test_the_tower_needs_sign_in(client):
    assert client.get("/api/v1/dashboard").status_code == 401
    assert client.get("/tower/sample/by-category.csv").status_code == 302


def test_drilling_down_narrows_to_the_body_and_those_under_it(client, sample_section):
    # given the Digital Agency, a ministry with an agency under it, and another ministry
    agency_user = make_user(organization=make_organization(kind="digital_agency"))
    ministry = make_organization(code="m-one")
    other = make_organization(code="m-two")
    below = make_organization(code="m-one-agency", kind="independent_agency", parent=ministry)
    seen = {}

    def build(viewer):
        from shireito.core.scoping import visible_organization_ids
        from shireito.organizations.models import Organization

        seen["ids"] = visible_organization_ids(viewer.user, Organization)
        seen["kind"] = viewer.kind
        return None

    sections.BUILDERS["sample"] = build
    client.force_login(agency_user)
    # when the Digital Agency drills down to the ministry
    assert client.get("/?organization=m-one").status_code == 200
    # then the tower is a ministry's, limited to the ministry and its agency
    assert seen == {"ids": {ministry.pk, below.pk}, "kind": TowerKind.MINISTRY}
    # and a ministry may not drill into another ministry, on the page or in the API
    client.force_login(make_user(organization=ministry))
    assert client.get("/?organization=m-two").status_code == 404
    assert client.get("/api/v1/dashboard?organization=m-two").status_code == 404
    assert client.get("/api/v1/dashboard?organization=m-one-agency").status_code == 200
    assert other.pk not in seen["ids"]


def test_the_page_shows_each_figure_with_its_link_table_chart_and_csv(
    client, sample_section, organization
):
    # given a ministry user whose tower has the sample section, its table drawn as bars
    client.force_login(make_user(organization=organization, roles=["viewer"]))
    build = sections.BUILDERS["sample"]

    def with_chart(viewer):
        section = build(viewer)
        section.tables[0].chart = Chart(kind="bar", label="category", values=["systems"])
        return section

    sections.BUILDERS["sample"] = with_chart
    # when they open the tower
    html = client.get("/").content.decode()
    # then the headline figure is formatted and leads to its list
    assert '<a href="/systems/">1,234</a>' in html
    # and the table shows labels, not keys, with its chart and its CSV download
    assert "各府省システム" in html and "ministry_system" not in html
    assert "<svg" in html
    assert 'href="/tower/sample/by-category.csv"' in html


def test_a_drilled_down_towers_links_open_their_lists_narrowed_alike(client, sample_section):
    # given the Digital Agency drilled down to a ministry with an agency under it
    agency_user = make_user(organization=make_organization(kind="digital_agency"))
    ministry = make_organization(code="m-one", name="一の省")
    make_organization(code="m-one-agency", kind="independent_agency", parent=ministry)
    make_organization(code="m-two")
    client.force_login(agency_user)
    # then each figure's link carries the drill-down to its list
    html = client.get("/?organization=m-one").content.decode()
    assert 'href="/systems/?within=m-one"' in html
    assert 'href="/systems/?x=1&amp;within=m-one"' in html
    # and the list is narrowed to the ministry and its agency, and says so with a way back
    listed = client.get("/organizations/?within=m-one").content.decode()
    assert "m-one-agency" in listed and "m-two" not in listed
    assert "一の省" in listed and 'href="/organizations/"' in listed
    # and a body the user's tower does not reach answers 404
    client.force_login(make_user(organization=ministry))
    assert client.get("/organizations/?within=m-two").status_code == 404
