"""The posture section: the self-assessment beside the audit result, with dates and ages,
flagged where the claim is far above the audit; only for the audit's parties."""

import pytest

from shireito.audits.figures import GAP_POINTS
from shireito.dashboard.sections import posture
from shireito.dashboard.tower import viewer_for
from tests.audits.conftest import audit, baseline, people  # noqa: F401
from tests.dashboard.audit_kit import cell, close_with_sheet
from tests.organizations.conftest import government  # noqa: F401
from tests.registry.conftest import systems  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_self_assessment_far_above_its_audit_is_flagged(audit, people):  # noqa: F811
    # given claims of 100 % and an audit result of 50 %
    closed = close_with_sheet(audit, people)
    viewer = viewer_for(people["nisc-auditor"])
    # when
    section = posture.build(viewer)
    # then the system and its owner are flagged, 50 points apart
    by_system = section.table("by_system")
    assert cell(by_system, "mhlw-app", "claimed").value == 100.0
    assert cell(by_system, "mhlw-app", "audited").value == 50.0
    gap = cell(by_system, "mhlw-app", "gap")
    assert gap.value == 50.0 >= GAP_POINTS and gap.flag == "warning" and gap.note
    assert cell(by_system, "mhlw-app", "audited_on").value == closed.closed_on
    assert (
        cell(by_system, "mhlw-app", "audited_age").value == (viewer.today - closed.closed_on).days
    )
    organizations = section.table("by_organization")
    assert cell(organizations, "mhlw", "disagreeing").value == 1
    assert next(f for f in section.figures if f.key == "disagreeing").value == 1


def test_the_shares_lead_to_the_systems_results(client, audit, people):  # noqa: F811
    close_with_sheet(audit, people)
    user = people["nisc-auditor"]
    section = posture.build(viewer_for(user))
    href = cell(section.table("by_system"), "mhlw-app", "audited").href
    assert href.startswith(f"/audits/{audit.number}/results/") and "system=mhlw-app" in href
    client.force_login(user)
    response = client.get(href)
    assert response.status_code == 200
    assert len([r for r in response.context["rows"] if r.result.status == "satisfied"]) == 2


def test_no_posture_for_who_is_no_party(audit, people):  # noqa: F811
    close_with_sheet(audit, people)
    assert posture.build(viewer_for(people["meti-editor"])) is None
    assert posture.build(viewer_for(people["pmda-editor"])) is None
