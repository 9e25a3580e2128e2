import pytest
from django.db import connection
from django.test import Client

from tests.factories import PASSWORD, make_organization, make_user


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Let Django's flush (after transactional tests) TRUNCATE the audit tables, which the
    PostgreSQL trigger refuses everywhere else; only this throwaway test database opts in."""
    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                name = connection.ops.quote_name(connection.settings_dict["NAME"])
                cursor.execute(f"ALTER DATABASE {name} SET shireito.allow_audit_truncate = 'on'")
                cursor.execute("SET shireito.allow_audit_truncate = 'on'")


@pytest.fixture(autouse=True)
def _audit_checkpoint_log(settings, tmp_path):
    """Each test its own checkpoint log: a file outlives the test's rolled-back database."""
    settings.SHIREITO_AUDIT_ANCHOR_FILE = tmp_path / "audit_checkpoints.log"


@pytest.fixture
def organization(db):
    return make_organization(code="test-ministry", name="テスト省", name_en="Test Ministry")


@pytest.fixture
def other_organization(db):
    return make_organization(code="other-ministry", name="別省", name_en="Other Ministry")


@pytest.fixture
def viewer(organization):
    return make_user(organization=organization, roles=["viewer"], username="viewer")


@pytest.fixture
def org_admin(organization):
    return make_user(organization=organization, roles=["org_admin"], username="orgadmin")


@pytest.fixture
def platform_admin(db):
    return make_user(
        organization=make_organization(code="digital-agency", kind="digital_agency"),
        roles=["platform_admin"],
        username="platformadmin",
    )


@pytest.fixture
def signed_in(client):
    """Sign a user in through the real sign-in form; returns the client."""

    def sign_in(user, password: str = PASSWORD) -> Client:
        response = client.post(
            "/accounts/login/", {"username": user.username, "password": password}
        )
        assert response.status_code == 302, response.content[:500]
        return client

    return sign_in


@pytest.fixture
def demo_mode(settings):
    settings.DEMO_MODE = True
    return settings


@pytest.fixture
def api(client):
    """Call the API as ``user`` with a fresh bearer token: ``api(user, "get", path, **query)``
    or ``api(user, "post", path, body)``; ``headers`` adds request headers (``If-Match``)."""
    import json

    from shireito.accounts.services import api_token_create

    def call(user, method, path, body=None, headers=None, **params):
        _token, secret = api_token_create(actor=None, user=user, name="test")
        headers = {**(headers or {}), "HTTP_AUTHORIZATION": f"Bearer {secret}"}
        if body is not None:
            return getattr(client, method)(
                path, json.dumps(body), content_type="application/json", **headers
            )
        return getattr(client, method)(path, params, **headers)

    return call


def pytest_terminal_summary(terminalreporter):
    """What the attack runs tried and survived: the fuzz inputs per importer
    (``tests/fuzzing.py``) and the figures the other runs reported (``tests/kit/figures.py``)."""
    from tests.fuzzing import COUNTS
    from tests.kit.figures import FIGURES

    if COUNTS:
        terminalreporter.write_sep("-", "fuzz inputs per importer")
        for name, count in sorted(COUNTS.items()):
            terminalreporter.write_line(f"{name}: {count} inputs")
        terminalreporter.write_line(f"in all: {sum(COUNTS.values())} inputs")
    for section in dict.fromkeys(section for section, _ in FIGURES):
        terminalreporter.write_sep("-", section)
        for line in (line for name, line in FIGURES if name == section):
            terminalreporter.write_line(line)
