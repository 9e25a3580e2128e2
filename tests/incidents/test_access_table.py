"""Who may list, read, report and change an incident report, on the pages and the API alike.
A report is its parties' only: the reporter, and each organisation its route has reached."""

import pytest

from shireito.incidents import services
from tests.kit.access import Can, Expect, Model, check_access
from tests.kit.factories import make_user

pytestmark = pytest.mark.django_db

REPORTS = Model(
    list_page="/incidents/",
    detail_page="/incidents/{key}/",
    create_page="/incidents/new/",
    edit_page="/incidents/{key}/edit/",
    api_list="/api/v1/incidents",
    api_detail="/api/v1/incidents/{key}",
    api_create="/api/v1/incidents",
    api_edit="/api/v1/incidents/{key}",
    api_key="number",
    create_body=lambda _user, n: {"title": f"不審な通信{n}", "category": "malware"},
    # a draft takes the change as it is; an open report takes it as the reporter's update
    edit_body={"narrative": "端末2台でマルウェアを検知した。", "note": "台数を訂正"},
    missing_key="IR2026-99999",
)

# role: (organisation, roles) — the demo's kinds of people around PMDA's report.
ROLES = {
    "pmda-editor": ("pmda", ["editor"]),
    "pmda-viewer": ("pmda", ["viewer"]),
    "mhlw-handler": ("mhlw", ["incident_handler"]),
    "mhlw-viewer": ("mhlw", ["viewer"]),
    "nisc-handler": ("nisc", ["incident_handler"]),
    "meti-editor": ("meti", ["editor"]),
    "ncsc-viewer": ("ncsc", ["viewer"]),
    "platform-admin": ("da", ["platform_admin"]),
}

DRAFT = {
    # the reporter's editors write the draft; its viewers read it
    "pmda-editor": Expect(Can.EDIT, create=True),
    "pmda-viewer": Expect(Can.VIEW),
    # nobody else sees a draft, though handlers and editors report for their own organisation
    "mhlw-handler": Expect(Can.NOTHING, create=True),
    "mhlw-viewer": Expect(Can.NOTHING),
    # the national centre is where routes end: no route starts from it, so it starts no report
    "nisc-handler": Expect(Can.NOTHING),
    "meti-editor": Expect(Can.NOTHING, create=True),
    "ncsc-viewer": Expect(Can.NOTHING),
    # platform admins read every report and report for their own organisation, never for another
    "platform-admin": Expect(Can.VIEW, create=True),
}

SUBMITTED = {
    **DRAFT,
    # once submitted, its first hop (the supervising ministry) reads it; the national centre
    # only once it is forwarded there; only the reporter changes it
    "mhlw-handler": Expect(Can.VIEW, create=True),
    "mhlw-viewer": Expect(Can.VIEW),
}


def _user(government, role):
    organization, roles = ROLES[role]
    return make_user(organization=government[organization], roles=roles, username=f"as-{role}")


@pytest.mark.parametrize("role", DRAFT)
def test_who_may_do_what_with_a_draft(government, draft, demo_mode, role):
    # given a person of the role and PMDA's draft
    user = _user(government, role)

    # when they use every page and endpoint of it, and of a report that does not exist
    # then each answers as the table says
    check_access(user, REPORTS, key=draft.number, expect=DRAFT[role])


@pytest.mark.parametrize("role", SUBMITTED)
def test_who_may_do_what_with_a_submitted_report(government, draft, handlers, demo_mode, role):
    # given a person of the role and PMDA's report, submitted along its route
    report = services.report_submit(actor=handlers["pmda-editor"], report=draft)
    user = _user(government, role)

    # when they use every page and endpoint of it, and of a report that does not exist
    # then each answers as the table says
    check_access(user, REPORTS, key=report.number, expect=SUBMITTED[role])
