"""Systems are portfolio data: each organisation sees what the mandates give it."""

import pytest

from tests.factories import make_user

pytestmark = pytest.mark.django_db

EXPECTED = {
    "mhlw": {"joint", "mhlw-app", "pmda-app"},
    "meti": {"meti-app"},
    "nisc": {"da-portal", "joint", "mhlw-app", "meti-app", "pmda-app"},
    "ipa": {"pmda-app"},
    "da": {"da-portal", "joint", "mhlw-app", "meti-app"},
    "tokyo": {"tokyo-app"},
    "shibuya": {"shibuya-app"},
    "power": {"power-app"},
    "ncsc": set(),
}


@pytest.mark.parametrize(("viewer", "expected"), EXPECTED.items())
def test_each_organisation_sees_its_portfolio(api, client, government, systems, viewer, expected):
    user = make_user(organization=government[viewer], roles=["viewer"])
    listed = {
        s["code"] for s in api(user, "get", "/api/v1/portfolio/systems", limit=500).json()["items"]
    }
    assert listed == expected
    client.force_login(user)
    for code in systems:
        status = 200 if code in expected else 404
        assert api(user, "get", f"/api/v1/portfolio/systems/{code}").status_code == status
        assert client.get(f"/systems/{code}/").status_code == status
    exported = "".join(
        chunk.decode() for chunk in client.get("/systems/export.csv").streaming_content
    )
    assert {line.split(",")[0] for line in exported.splitlines()[1:]} == expected
