"""The rules the report page offers its actions by (incidents.permissions), by role and stage."""

import pytest

from shireito.incidents import permissions, services
from tests.factories import make_user

pytestmark = pytest.mark.django_db

RULES = ("may_edit", "may_submit", "may_delete_attachments")


@pytest.mark.parametrize(
    ("who", "stage", "expected"),
    [
        (
            "pmda-editor",
            "draft",
            {"may_edit": True, "may_submit": True, "may_delete_attachments": True},
        ),
        (
            "pmda-editor",
            "open",
            {"may_edit": True, "may_submit": False, "may_delete_attachments": False},
        ),
        ("mhlw-handler", "draft", dict.fromkeys(RULES, False)),
        ("mhlw-handler", "open", dict.fromkeys(RULES, False)),
        ("mhlw-viewer", "open", dict.fromkeys(RULES, False)),
    ],
)
def test_the_reporters_rules_by_stage(draft, handlers, who, stage, expected):
    # given PMDA's report, a draft or submitted
    report = draft
    if stage == "open":
        report = services.report_submit(actor=handlers["pmda-editor"], report=draft)
    # when each rule is asked for the user
    answers = {rule: getattr(permissions, rule)(handlers[who], report) for rule in RULES}
    # then only the reporting organisation edits, and submits or deletes files in a draft
    assert answers == expected


def test_only_platform_admins_change_the_regimes(government, handlers):
    # given a platform admin and an organisation's incident handler
    admin = make_user(organization=government["da"], roles=["platform_admin"])
    # when asked who may change the reporting regimes
    # then the platform admin may, the handler and nobody at all may not
    assert permissions.may_change_regimes(admin)
    assert not permissions.may_change_regimes(handlers["nisc-handler"])
    assert not permissions.may_change_regimes(None)
