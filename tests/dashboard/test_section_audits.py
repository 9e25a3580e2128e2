"""The audits section: open findings by grade and age, overdue corrective actions and an
auditor's own audits, each count equal to the list it links to, and only for the parties."""

import datetime as dt

import pytest

from shireito.audits import services
from shireito.dashboard.sections import audits as audits_section
from shireito.dashboard.tower import viewer_for
from tests.audits.conftest import audit, baseline, people  # noqa: F401
from tests.dashboard.audit_kit import cell, list_count
from tests.organizations.conftest import government  # noqa: F401
from tests.registry.conftest import systems  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def findings(audit, people):  # noqa: F811
    """Two major findings and one observation, one action long past due."""
    auditor = people["nisc-auditor"]
    made = [
        services.finding_create(
            actor=auditor, audit=audit, title=title, severity="high", grade=grade, risk="残る"
        )
        for title, grade in (("パッチ", "major"), ("ログ", "major"), ("教育", "observation"))
    ]
    services.action_create(
        actor=people["mhlw-editor"], finding=made[0], title="手順", due_date=dt.date(2026, 1, 31)
    )
    services.action_create(
        actor=people["mhlw-editor"], finding=made[1], title="設定", due_date=dt.date(2099, 1, 31)
    )
    return made


def test_open_findings_by_grade_and_age_equal_their_lists(client, audit, people, findings):  # noqa: F811
    user = people["nisc-auditor"]
    section = audits_section.build(viewer_for(user))
    table = section.table("open_findings")
    assert cell(table, "major", "age_0-30").value == 2
    assert cell(table, "major", "age_181-").value == 0
    assert cell(table, "observation", "total").value == 1
    for row in table.rows:
        for item in row[1:]:
            assert item.value == list_count(client, user, item.href)
    opened = next(f for f in section.figures if f.key == "open_findings")
    assert opened.value == 3 == list_count(client, user, opened.href)


def test_overdue_actions_equal_their_list(client, audit, people, findings):  # noqa: F811
    for username in ("nisc-auditor", "mhlw-editor"):
        user = people[username]
        section = audits_section.build(viewer_for(user))
        overdue = next(f for f in section.figures if f.key == "overdue_actions")
        assert overdue.value == 1 == list_count(client, user, overdue.href)
        assert overdue.flag == "danger"


def test_an_auditor_sees_their_own_audits_by_status(client, audit, people, findings):  # noqa: F811
    user = people["nisc-auditor"]
    own = audits_section.build(viewer_for(user)).table("own_audits")
    assert cell(own, "fieldwork", "count").value == 1
    for row in own.rows:
        assert row[1].value == list_count(client, user, row[1].href)


def test_who_is_no_party_counts_none_of_it(audit, people, findings):  # noqa: F811
    section = audits_section.build(viewer_for(people["meti-editor"]))
    if section is not None:
        assert next(f for f in section.figures if f.key == "open_findings").value == 0
        assert next(f for f in section.figures if f.key == "overdue_actions").value == 0
        assert section.table("open_findings").rows == []
        assert section.table("own_audits") is None
