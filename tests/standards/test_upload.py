"""Bringing a catalog in through the page and the API: who may, what a bad file answers, and
that nothing is written when anything is wrong."""

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shireito.core.models import AuditEvent
from shireito.standards.models import Catalog, CatalogNode
from tests.factories import make_user

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "oscal"
NIST = DATA / "NIST_SP-800-53_rev5.0.1_catalog.json"
LOW = DATA / "NIST_SP-800-53_rev5_LOW-baseline_profile.json"


def _file(path, name=None):
    return SimpleUploadedFile(name or path.name, path.read_bytes(), "application/json")


@pytest.fixture(autouse=True)
def in_the_request(settings):
    """These pages import in the request; the larger files' job path is tested in
    tests/standards/test_catalog_import_jobs.py."""
    settings.SHIREITO_BACKGROUND_CATALOG_BYTES = 100 * 1024 * 1024


@pytest.fixture
def editor(organization):
    return make_user(organization=organization, roles=["editor"], username="editor")


def test_an_editor_imports_a_catalog_then_a_profile_through_the_page(client, editor):
    client.force_login(editor)
    assert "/standards/import/" in client.get("/standards/").content.decode()
    response = client.post(
        "/standards/import/",
        {"file": _file(NIST), "format": "oscal", "key": "nist", "edition": "5.0.1"},
    )
    assert response.status_code == 302 and response["Location"] == "/standards/nist/"
    nist = Catalog.objects.get(key="nist")
    assert nist.owner == editor.organization and nist.edition == "5.0.1"
    assert nist.nodes.count() == 1209
    assert AuditEvent.objects.filter(object_id=str(nist.pk), actor_id=editor.pk).exists()
    response = client.post(
        "/standards/import/",
        {"file": _file(LOW), "format": "oscal", "key": "low", "against": "nist"},
    )
    assert response.status_code == 302
    low = Catalog.objects.get(key="low")
    assert low.nodes.filter(is_group=False).count() == 149
    assert list(low.derived_from.all()) == [nist]


def test_a_bad_file_shows_its_problems_by_json_path_and_writes_nothing(client, editor):
    client.force_login(editor)
    document = json.loads(NIST.read_text())
    document["catalog"]["groups"][0]["controls"][1]["id"] = "ac-1"  # a duplicate id
    bad = SimpleUploadedFile("bad.json", json.dumps(document).encode(), "application/json")
    before = CatalogNode.objects.count()
    html = client.post(
        "/standards/import/", {"file": bad, "format": "oscal", "key": "bad"}
    ).content.decode()
    assert "$.catalog.groups[0].controls[1]" in html
    assert not Catalog.objects.filter(key="bad").exists()
    assert CatalogNode.objects.count() == before


def test_a_taken_or_reserved_key_is_a_field_error(client, editor):
    client.force_login(editor)
    client.post("/standards/import/", {"file": _file(NIST), "format": "oscal", "key": "nist"})
    for key in ["nist", "compare", "Not A Key"]:
        response = client.post(
            "/standards/import/", {"file": _file(NIST), "format": "oscal", "key": key}
        )
        assert response.status_code == 200
        assert 'href="#id_key"' in response.content.decode(), key
    assert Catalog.objects.count() == 1


def test_viewers_may_not_import(client, viewer, api):
    client.force_login(viewer)
    assert client.get("/standards/import/").status_code == 403
    assert "/standards/import/" not in client.get("/standards/").content.decode()


def test_an_editor_may_not_import_for_another_organization(client, editor, other_organization, api):
    client.force_login(editor)
    response = client.post(
        "/standards/import/",
        {"file": _file(NIST), "format": "oscal", "key": "nist", "owner": other_organization.pk},
    )
    assert 'href="#id_owner"' in response.content.decode()
    assert not Catalog.objects.exists()


def test_the_api_imports_and_answers_problems_with_paths(client, editor, viewer):
    from shireito.accounts.services import api_token_create

    def post(user, data, upload):
        _token, secret = api_token_create(actor=None, user=user, name="t")
        return client.post(
            "/api/v1/standards/catalogs",
            {**data, "file": upload},
            HTTP_AUTHORIZATION=f"Bearer {secret}",
        )

    created = post(editor, {"key": "nist"}, _file(NIST))
    assert created.status_code == 201, created.content
    assert created.json()["nodes"] == 1209 and created.json()["profile"] is False
    profile = post(editor, {"key": "low", "against": "nist"}, _file(LOW))
    assert profile.json()["controls"] == 149 and profile.json()["profile"] is True
    broken = post(editor, {"key": "x"}, SimpleUploadedFile("x.json", b'{"catalog": ', "a/json"))
    assert broken.status_code == 422
    assert broken.json()["errors"][0]["field"] == "file"
    assert broken.json()["errors"][0]["path"].startswith("$")
    taken = post(editor, {"key": "nist"}, _file(NIST))
    assert taken.status_code == 422 and taken.json()["errors"][0]["path"] == "$.key"
    assert post(viewer, {"key": "v"}, _file(NIST)).status_code == 403
    assert Catalog.objects.count() == 2


def test_an_owner_or_key_with_a_nul_is_a_field_error_not_a_500(client, editor):
    # given a code and a catalog key no database can hold (schemathesis sent such an owner,
    # and PostgreSQL refused to look it up)
    from shireito.accounts.services import api_token_create

    _token, secret = api_token_create(actor=None, user=editor, name="t")
    # when they are sent with an import
    response = client.post(
        "/api/v1/standards/catalogs",
        {"file": _file(NIST), "format": "oscal", "key": "k", "owner": "a\x00b", "against": "c\x00"},
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    # then the answer names the field, and nothing is written
    assert response.status_code == 422
    assert "owner" in response.content.decode()
    assert not Catalog.objects.exists()
