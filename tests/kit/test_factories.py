"""The kit's factories make valid objects through the services, each with its audit trail."""

import pytest

from shireito.core.models import AuditEvent
from tests.kit.factories import (
    make_audit,
    make_catalog,
    make_organization,
    make_report,
    make_system,
    make_user,
)
from tests.organizations.conftest import government  # noqa: F401 - the same small government

pytestmark = pytest.mark.django_db


def _created(obj) -> bool:
    return AuditEvent.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk), action="create"
    ).exists()


def test_each_factory_makes_an_object_with_its_audit_trail(government):  # noqa: F811
    # given the small government, an auditor of the national centre and an editor of PMDA
    auditor = make_user(organization=government["nisc"], roles=["auditor"])
    editor = make_user(organization=government["pmda"], roles=["editor"])

    # when every factory makes its object with its defaults
    made = {
        "organization": make_organization(),
        "system": make_system(owner=government["mhlw"]),
        "catalog": make_catalog(owner=government["nisc"]),
    }
    made["audit"] = make_audit(
        actor=auditor,
        auditee=government["mhlw"],
        systems=[made["system"]],
        baseline=made["catalog"],
    )
    made["report"] = make_report(
        actor=editor,
        systems=[make_system(owner=government["pmda"], category="independent_agency_system")],
    )

    # then each is saved as its service saves it, with a "create" row in the audit trail
    assert {name: _created(obj) for name, obj in made.items()} == dict.fromkeys(made, True)
    assert made["audit"].status == "fieldwork"
    assert made["report"].status == "draft"


def test_a_submitted_report_is_routed(government):  # noqa: F811
    # given an editor of PMDA
    editor = make_user(organization=government["pmda"], roles=["editor"])

    # when the factory makes a submitted report
    report = make_report(actor=editor, submitted=True)

    # then it is open and on its route
    assert report.status != "draft"
    assert report.submitted_at is not None
