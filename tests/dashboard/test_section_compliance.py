"""The compliance section: shares from the latest closed audit, per organisation, area and
year, seen only by the audit's parties, each count equal to the list it links to."""

import pytest

from shireito.dashboard.sections import compliance
from shireito.dashboard.tower import viewer_for
from tests.audits.conftest import audit, baseline, people  # noqa: F401
from tests.dashboard.audit_kit import cell, close_with_sheet, list_count
from tests.organizations.conftest import government  # noqa: F401
from tests.registry.conftest import systems  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_parties_see_the_share_of_the_latest_closed_audit(audit, people):  # noqa: F811
    # given NISC's audit of MHLW closed with 2 of 4 assessed controls satisfied
    close_with_sheet(audit, people)
    for username in ("nisc-auditor", "mhlw-viewer"):
        # when a party looks
        section = compliance.build(viewer_for(people[username]))
        # then the organisation's share is 50 %, from 2 of 4 (not applicable left out)
        row = section.table("by_organization")
        assert cell(row, "mhlw", "satisfied").value == 2
        assert cell(row, "mhlw", "assessed").value == 4
        assert cell(row, "mhlw", "share").value == 50.0
        assert section.figures[0].value == 50.0


def test_areas_are_the_catalog_parts_weakest_first(audit, people):  # noqa: F811
    close_with_sheet(audit, people)
    section = compliance.build(viewer_for(people["nisc-auditor"]))
    areas = section.table("by_area")
    # part 2 has one partially and one not satisfied: 0 %; part 1 all satisfied
    assert [(r[0].value, r[3].value) for r in areas.rows] == [("2", 0.0), ("1", 100.0)]
    assert next(f for f in section.figures if f.key == "weakest_area").value == 0.0


def test_nobody_else_sees_the_compliance_of_the_audit(audit, people):  # noqa: F811
    close_with_sheet(audit, people)
    # METI is no party to the audit: there is nothing for it to see
    assert compliance.build(viewer_for(people["meti-editor"])) is None


def test_an_audit_not_yet_closed_gives_no_audit_share(audit, people):  # noqa: F811
    # the audit is in fieldwork: its results are not final
    assert compliance.build(viewer_for(people["nisc-auditor"])) is None


def test_the_trend_counts_equal_the_audits_list_they_link_to(client, audit, people):  # noqa: F811
    close_with_sheet(audit, people)
    user = people["nisc-auditor"]
    trend = compliance.build(viewer_for(user)).table("trend")
    [row] = trend.rows
    assert row[0].value == 2026 and row[2].value == 50.0 and row[3].value == 100.0
    assert row[1].value == list_count(client, user, row[1].href) == 1


def test_a_ministry_gets_no_median_of_fewer_than_five_bodies(audit, people):  # noqa: F811
    close_with_sheet(audit, people)
    section = compliance.build(viewer_for(people["mhlw-viewer"]))
    assert not [f for f in section.figures if f.key == "median_share"]
    assert "median" in section.description.lower() or "中央値" in section.description
