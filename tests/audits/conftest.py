import datetime as dt

import pytest

from shireito.audits import services
from shireito.standards.importers import import_catalog
from tests.factories import make_user
from tests.kit.factories.standards import CATALOG_CSV
from tests.organizations.conftest import government  # noqa: F401
from tests.registry.conftest import systems  # noqa: F401 - one system per category


@pytest.fixture
def baseline(government):  # noqa: F811
    return import_catalog(
        CATALOG_CSV,
        fmt="csv",
        actor=None,
        key="baseline",
        title="Baseline",
        owner=government["nisc"],
    ).catalog


@pytest.fixture
def people(government):  # noqa: F811
    g = government
    return {
        "nisc-auditor": make_user(
            username="nisc-auditor", organization=g["nisc"], roles=["auditor"]
        ),
        "ipa-auditor": make_user(username="ipa-auditor", organization=g["ipa"], roles=["auditor"]),
        "da-auditor": make_user(username="da-auditor", organization=g["da"], roles=["auditor"]),
        "mhlw-editor": make_user(username="mhlw-editor", organization=g["mhlw"], roles=["editor"]),
        "mhlw-viewer": make_user(username="mhlw-viewer", organization=g["mhlw"], roles=["viewer"]),
        "meti-editor": make_user(username="meti-editor", organization=g["meti"], roles=["editor"]),
        "pmda-editor": make_user(username="pmda-editor", organization=g["pmda"], roles=["editor"]),
        "mic-auditor": make_user(username="mic-auditor", organization=g["mic"], roles=["auditor"]),
    }


@pytest.fixture
def audit(government, systems, baseline, people):  # noqa: F811
    """NISC's security audit of MHLW's ministry system, in fieldwork."""
    made = services.audit_create(
        actor=people["nisc-auditor"],
        kind="security_audit",
        auditee=government["mhlw"],
        systems=[systems["mhlw-app"]],
        baseline=baseline,
        fiscal_year=2026,
        period_start=dt.date(2026, 6, 1),
        period_end=dt.date(2026, 12, 20),
        lead=people["nisc-auditor"],
    )
    return services.audit_advance(actor=people["nisc-auditor"], audit=made, status="fieldwork")
