import datetime as dt

import pytest

from shireito.incidents import services
from tests.factories import make_user
from tests.organizations.conftest import government  # noqa: F401
from tests.registry.conftest import systems  # noqa: F401 - one system per category

T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def handlers(government):  # noqa: F811
    """One reporter and one incident handler per organisation the tests route through."""
    g = government
    return {
        "mhlw-editor": make_user(username="mhlw-editor", organization=g["mhlw"], roles=["editor"]),
        "mhlw-viewer": make_user(username="mhlw-viewer", organization=g["mhlw"], roles=["viewer"]),
        "mhlw-handler": make_user(
            username="mhlw-handler",
            organization=g["mhlw"],
            roles=["incident_handler"],
            email="mhlw@example.jp",
        ),
        "pmda-editor": make_user(username="pmda-editor", organization=g["pmda"], roles=["editor"]),
        "power-editor": make_user(
            username="power-editor", organization=g["power"], roles=["editor"]
        ),
        "nisc-handler": make_user(
            username="nisc-handler",
            organization=g["nisc"],
            roles=["incident_handler"],
            email="nisc@example.jp",
        ),
        "ipa-handler": make_user(
            username="ipa-handler", organization=g["ipa"], roles=["incident_handler"]
        ),
        "meti-handler": make_user(
            username="meti-handler", organization=g["meti"], roles=["incident_handler"]
        ),
        "meti-editor": make_user(username="meti-editor", organization=g["meti"], roles=["editor"]),
        "ncsc-viewer": make_user(username="ncsc-viewer", organization=g["ncsc"], roles=["viewer"]),
    }


@pytest.fixture
def draft(government, systems, handlers):  # noqa: F811
    """PMDA's draft: malware on its system, aware an hour after detection."""
    return services.report_create(
        actor=handlers["pmda-editor"],
        title="マルウェア感染",
        category="malware",
        impact="medium",
        detected_at=T0,
        aware_at=T0 + dt.timedelta(hours=1),
        narrative="端末1台でマルウェアを検知した。",
        tlp="amber",
        systems=[systems["pmda-app"]],
        indicators=[{"kind": "ipv4", "value": "203.0.113.7", "description": "C2"}],
        now=T0 + dt.timedelta(hours=1),
    )
