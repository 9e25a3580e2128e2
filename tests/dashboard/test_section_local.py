"""The local governments' section: migration by prefecture (tiles and table), behind target,
special support by deadline, drill-down; a prefecture only its municipalities, a municipality
its own; every count leading to the migration list filtered to it."""

from urllib.parse import parse_qs, urlsplit

import pytest

from shireito.dashboard.sections import local
from tests.dashboard import portfolio_world as world
from tests.organizations.conftest import government  # noqa: F401 - the small government

pytestmark = pytest.mark.django_db


def _record(table, code):
    keys = [column.key for column in table.columns]
    row = next(row for row in table.rows if row[0].value == code)
    return dict(zip(keys, row, strict=True))


def test_the_whole_government_by_prefecture(government, platform_admin):  # noqa: F811
    # Given Tokyo (with Shibuya) and Osaka (with Sakai) and their systems
    world.local(government)
    section = local.build(world.viewer(government, user=platform_admin))
    # Then each prefecture counts its municipalities' systems with its own
    table = section.table("local_prefectures")
    tokyo, osaka = _record(table, "tokyo"), _record(table, "osaka")
    assert tokyo["systems"].value == 4
    assert tokyo["migrated_share"].value == 25.0
    assert tokyo["prefecture_code"].value == "13"
    # behind target: Shibuya's pension (FY2025 target over); Sakai's not-started system and
    # its special support past the FY2025 deadline
    assert tokyo["behind_target"].value == 1
    assert osaka["behind_target"].value == 2
    assert osaka["behind_target"].flag == "danger"
    # and the tiles are drawn from the table by the prefectures' codes
    assert table.chart.kind == "tiles"
    assert table.chart.key == "prefecture_code"
    assert table.chart.values == ["migrated_share"]
    # every count leads to the migration list with the filters that produce it
    link = urlsplit(osaka["behind_target"].href)
    assert link.path == "/systems/migration/"
    assert parse_qs(link.query) == {"prefecture": ["osaka"], "behind_target": ["1"]}
    assert parse_qs(urlsplit(tokyo["in_progress"].href).query) == {
        "prefecture": ["tokyo"],
        "migration_status": ["in_progress"],
    }
    # special support by the fiscal year of the deadline (令和 and FY)
    deadlines = section.table("local_special_support")
    assert [(row[0].value, row[1].value) for row in deadlines.rows] == [(2025, 1), (2027, 1)]
    assert deadlines.rows[0][0].display == "令和7年度（FY2025）"


def test_drill_down_prefecture_to_municipality_to_business(government, platform_admin):  # noqa: F811
    world.local(government)
    viewer = world.viewer(government, user=platform_admin)
    # When drilled to Tokyo: its local governments, then Shibuya's businesses
    tokyo = local.build_for(viewer, prefecture="tokyo")
    rows = tokyo.table("local_municipalities").rows
    assert sorted(row[0].value for row in rows) == ["shibuya", "tokyo"]
    shibuya = local.build_for(viewer, owner="shibuya")
    businesses = shibuya.table("local_businesses")
    assert [row[0].value for row in businesses.rows] == [
        "resident_registry",
        "national_pension",
        "child_allowance",
    ]
    pension = _record(businesses, "national_pension")
    assert parse_qs(urlsplit(pension["behind_target"].href).query) == {
        "owner": ["shibuya"],
        "standard_business": ["national_pension"],
        "behind_target": ["1"],
    }
    assert "Osaka" not in world.text_of(tokyo) and "osaka" not in world.text_of(tokyo)


def test_a_municipality_sees_its_own_migration_only(government):  # noqa: F811
    world.local(government)
    section = local.build(world.viewer(government, "shibuya"))
    assert section.table("local_prefectures") is None
    figures = {f.key: f.value for f in section.figures}
    assert figures["systems"] == 3
    assert figures["behind_target"] == 1


def test_a_prefecture_never_sees_another_prefectures_municipalities(government):  # noqa: F811
    world.local(government)
    section = local.build(world.viewer(government, "tokyo"))
    shown = world.text_of(section)
    assert government["sakai"].name not in shown
    assert government["osaka"].name not in shown
    assert local.build_for(world.viewer(government, "tokyo"), owner="sakai") is None


def test_a_prefecture_counts_its_municipalities(government):  # noqa: F811
    world.local(government)
    section = local.build(world.viewer(government, "tokyo"))
    rows = section.table("local_municipalities").rows
    assert sorted(row[0].value for row in rows) == ["shibuya", "tokyo"]


def test_behind_target_is_the_same_in_python_and_in_sql(government):  # noqa: F811
    from shireito.registry import figures
    from shireito.registry.models import MigrationTally

    # Given the tally rows of the local systems, read on days either side of their dates
    world.local(government)
    for today in [world.TODAY, world.TODAY.replace(year=2025), world.TODAY.replace(year=2031)]:
        in_sql = set(
            MigrationTally.objects.filter(figures.behind_target(today)).values_list("pk", flat=True)
        )
        in_python = {
            row.pk
            for row in MigrationTally.objects.all()
            if figures.is_behind_target(
                row.migration_status, row.migration_target, row.special_support_deadline, today
            )
        }
        # Then both say the same rows are behind
        assert in_sql == in_python
