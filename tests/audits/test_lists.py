"""The findings and corrective-action lists across audits, and the audit list's filters the
tower links to: each shows only the user's audits and filters as its query says."""

import datetime as dt

import pytest
from django.urls import reverse

from shireito.audits import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def furnished(audit, people):
    auditor = people["nisc-auditor"]
    major = services.finding_create(
        actor=auditor,
        audit=audit,
        title="パッチ適用の遅れ",
        severity="high",
        grade="major",
        risk="残る",
    )
    services.finding_create(
        actor=auditor,
        audit=audit,
        title="教育の記録",
        severity="low",
        grade="observation",
        risk="残る",
    )
    services.action_create(
        actor=people["mhlw-editor"],
        finding=major,
        title="手順の整備",
        due_date=dt.date(2026, 1, 31),
    )
    return audit


def _count(client, user, name, query=""):
    client.force_login(user)
    response = client.get(reverse(name) + query)
    assert response.status_code == 200
    return response, response.context["page"].paginator.count


def test_the_findings_list_filters_by_grade_status_and_age(client, furnished, people):
    user = people["nisc-auditor"]
    response, count = _count(client, user, "audits:findings")
    assert count == 2
    assert "パッチ適用の遅れ" in response.content.decode()
    assert _count(client, user, "audits:findings", "?grade=major&status=open")[1] == 1
    assert _count(client, user, "audits:findings", "?age=0-30")[1] == 2
    assert _count(client, user, "audits:findings", "?age=181-")[1] == 0
    assert _count(client, user, "audits:findings", "?status=closed")[1] == 0


def test_the_actions_list_shows_the_overdue(client, furnished, people):
    user = people["mhlw-editor"]
    response, count = _count(client, user, "audits:actions", "?overdue=1")
    assert count == 1 and "手順の整備" in response.content.decode()


def test_who_is_no_party_lists_nothing(client, furnished, people):
    user = people["meti-editor"]
    assert _count(client, user, "audits:findings")[1] == 0
    assert _count(client, user, "audits:actions")[1] == 0


def test_the_audit_list_filters_the_auditors_own_and_overdue_stages(client, furnished, people):
    auditor, auditee = people["nisc-auditor"], people["mhlw-editor"]
    assert _count(client, auditor, "audits:list", "?mine=1")[1] == 1
    # the auditee is a party, but MHLW does not carry the audit out
    assert _count(client, auditee, "audits:list", "?mine=1")[1] == 0
    assert _count(client, auditee, "audits:list")[1] == 1
    # the scope stage was due on 1 June and is not marked done
    assert _count(client, auditor, "audits:list", "?mine=1&overdue=1")[1] == 1
