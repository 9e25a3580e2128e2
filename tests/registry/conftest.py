import pytest

from shireito.registry.services import system_create
from tests.organizations.conftest import government  # noqa: F401 - the same small government


@pytest.fixture
def systems(government):  # noqa: F811
    """One system per category, built as the model says."""
    g = government
    made = {}
    for code, owner, category in [
        ("da-portal", "da", "digital_agency_system"),
        ("joint", "mhlw", "joint_system"),
        ("mhlw-app", "mhlw", "ministry_system"),
        ("meti-app", "meti", "ministry_system"),
        ("pmda-app", "pmda", "independent_agency_system"),
        ("tokyo-app", "tokyo", "local_government_system"),
        ("shibuya-app", "shibuya", "local_government_system"),
        ("power-app", "power", "ci_system"),
    ]:
        made[code] = system_create(
            actor=None, code=code, name=f"{code} システム", owner=g[owner], category=category
        )
    return made
