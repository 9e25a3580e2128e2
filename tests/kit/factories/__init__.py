"""Factories per app. Every object is made through the app's services, as a user would make
it, so it carries the same validation and audit trail as real data. The defaults make a valid
object; pass what the test is about and nothing else."""

from tests.kit.factories.accounts import PASSWORD, make_user
from tests.kit.factories.audits import make_audit
from tests.kit.factories.incidents import make_report
from tests.kit.factories.organizations import make_organization
from tests.kit.factories.registry import make_system
from tests.kit.factories.standards import make_catalog

__all__ = [
    "PASSWORD",
    "make_audit",
    "make_catalog",
    "make_organization",
    "make_report",
    "make_system",
    "make_user",
]
