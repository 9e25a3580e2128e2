"""Who may list, read, plan and change an audit, on the pages and the API alike. An audit is
its parties' only: the auditee and the auditor; a mandate lets one plan an audit, not read
another's."""

import pytest

from tests.kit.access import Can, Expect, Model, check_access
from tests.kit.factories import make_user

pytestmark = pytest.mark.django_db

# An audit each organisation's people would plan (its mandate covers the systems; for the
# others, one of their own systems, so the answer is about the role and not an unknown code).
PLANNED = {
    "nisc": {"kind": "security_audit", "auditee": "meti", "systems": ["meti-app"]},
    "ipa": {"kind": "entrusted_security_audit", "auditee": "pmda", "systems": ["pmda-app"]},
    "mhlw": {"kind": "security_audit", "auditee": "mhlw", "systems": ["mhlw-app"]},
    "meti": {"kind": "security_audit", "auditee": "meti", "systems": ["meti-app"]},
    # a counterpart abroad names a system it cannot see: refused for its role, not as unknown
    "ncsc": {"kind": "security_audit", "auditee": "meti", "systems": ["meti-app"]},
    # platform admins plan for an auditor
    "da": {"kind": "security_audit", "auditee": "meti", "systems": ["meti-app"], "auditor": "nisc"},
}

AUDITS = Model(
    list_page="/audits/",
    detail_page="/audits/{key}/",
    create_page="/audits/new/",
    edit_page="/audits/{key}/edit/",
    api_list="/api/v1/audits",
    api_detail="/api/v1/audits/{key}",
    api_create="/api/v1/audits",
    api_edit="/api/v1/audits/{key}",
    api_key="number",
    create_body=lambda user, n: {
        **PLANNED[user.organization.code],
        "baseline": "baseline",
        "fiscal_year": 2026,
        "period_start": "2026-06-01",
        "period_end": "2026-12-20",
        "title": f"監査{n}",
    },
    edit_body={"title": "厚生労働省システム監査"},
    missing_key="A2026-9999",
)

# role: (organisation, roles) — the demo's kinds of people, each looking at NISC's audit of
# MHLW's system.
ROLES = {
    "nisc-auditor": ("nisc", ["auditor"]),
    "nisc-admin": ("nisc", ["org_admin"]),
    "nisc-viewer": ("nisc", ["viewer"]),
    "mhlw-editor": ("mhlw", ["editor"]),
    "mhlw-viewer": ("mhlw", ["viewer"]),
    "ipa-auditor": ("ipa", ["auditor"]),
    "meti-editor": ("meti", ["editor"]),
    "overseas-liaison": ("ncsc", ["viewer"]),
    "platform-admin": ("da", ["platform_admin"]),
}

NISC_AUDIT_OF_MHLW = {
    # the auditor's auditors and admins run it and plan others; its viewers read it
    "nisc-auditor": Expect(Can.EDIT, create=True),
    "nisc-admin": Expect(Can.EDIT, create=True),
    "nisc-viewer": Expect(Can.VIEW),
    # the auditee reads its audit but does not change it
    "mhlw-editor": Expect(Can.VIEW),
    "mhlw-viewer": Expect(Can.VIEW),
    # another auditor plans its own audits and never sees this one
    "ipa-auditor": Expect(Can.NOTHING, create=True),
    "meti-editor": Expect(Can.NOTHING),
    # an overseas counterpart sees no audit and may plan none: refused before any lookup
    "overseas-liaison": Expect(Can.NOTHING),
    "platform-admin": Expect(Can.EDIT, create=True),
}


@pytest.mark.parametrize("role", NISC_AUDIT_OF_MHLW)
def test_who_may_do_what_with_an_audit(government, audit, demo_mode, role):
    # given a person of the role and NISC's audit of MHLW's system, in fieldwork
    organization, roles = ROLES[role]
    user = make_user(organization=government[organization], roles=roles, username=f"as-{role}")

    # when they use every page and endpoint of it, and of an audit that does not exist
    # then each answers as the table says
    check_access(user, AUDITS, key=audit.number, expect=NISC_AUDIT_OF_MHLW[role])
