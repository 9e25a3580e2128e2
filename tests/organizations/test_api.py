import pytest

from shireito.organizations.models import Organization
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_organizations_filter_by_kind_parent_and_sector(api, government):
    user = make_user(organization=government["mhlw"])

    def codes(**q):
        return {
            i["code"]
            for i in api(user, "get", "/api/v1/organizations", limit=500, **q).json()["items"]
        }

    assert codes(parent="mhlw") == {"pmda"}
    assert codes(sector="electric-power") == {"power"}
    assert codes(kind="local_government") == {"tokyo", "shibuya"}
    assert codes(search="131130") == {"shibuya"}
    detail = api(user, "get", "/api/v1/organizations/shibuya").json()
    assert detail["parent_code"] == "tokyo"
    assert detail["local_government_level"] == "municipality"


def test_create_update_delete_through_the_api(api, government, platform_admin):
    created = api(
        platform_admin,
        "post",
        "/api/v1/organizations",
        {
            "code": "jetro2",
            "name": "機構",
            "kind": "independent_agency",
            "parent": "meti",
        },
    )
    assert created.status_code == 201, created.content
    changed = api(platform_admin, "patch", "/api/v1/organizations/jetro2", {"name_en": "Agency"})
    assert changed.json()["name_en"] == "Agency"
    assert api(platform_admin, "delete", "/api/v1/organizations/jetro2").status_code == 204
    assert not Organization.objects.filter(code="jetro2").exists()


def test_api_errors_name_the_field(api, government, platform_admin):
    response = api(
        platform_admin,
        "post",
        "/api/v1/organizations",
        {
            "code": "x",
            "name": "x",
            "kind": "independent_agency",
            "parent": "nowhere",
        },
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "parent"
    response = api(
        platform_admin,
        "post",
        "/api/v1/organizations",
        {
            "code": "x",
            "name": "x",
            "kind": "local_government",
            "local_government_level": "prefecture",
            "local_government_code": "130009",
        },
    )
    assert [e["field"] for e in response.json()["errors"]] == ["local_government_code"]
    in_use = api(platform_admin, "delete", "/api/v1/organizations/mhlw")
    assert in_use.status_code == 422
    assert "先にそれらを外してください" in in_use.json()["errors"][0]["message"]


def test_only_platform_admins_create(api, government):
    admin = make_user(organization=government["mhlw"], roles=["org_admin"])
    response = api(
        admin, "post", "/api/v1/organizations", {"code": "x", "name": "x", "kind": "ministry"}
    )
    assert response.status_code == 403


def test_governance_endpoints(api, government, platform_admin):
    user = make_user(organization=government["mhlw"])
    models = api(user, "get", "/api/v1/governance/models").json()
    assert [(m["key"], m["active"]) for m in models] == [
        ("current", False),
        ("digital-agency", True),
    ]
    model = api(
        user, "get", "/api/v1/governance/models/digital-agency", open_question="own_systems"
    ).json()
    assert model["open_question"] == "own_systems"
    assert model["definition"]["open_question"]["key"] == "digital-agency-audit-beyond-security"
    diff = api(user, "get", "/api/v1/governance/compare", a="current", b="digital-agency").json()
    assert {
        "relation": "builds",
        "subject": "role:digital_agency",
        "object": "category:joint_system",
        "detail": "",
    } in diff["only_b"]
    assert (
        api(user, "get", "/api/v1/governance/compare", a="current", b="nope").json()["errors"][0][
            "field"
        ]
        == "b"
    )


def test_mandate_questions_over_the_api(api, government):
    user = make_user(organization=government["mhlw"])
    audit = api(
        user,
        "get",
        "/api/v1/governance/questions/may-audit",
        auditor="ipa",
        owner="pmda",
        category="independent_agency_system",
    ).json()
    assert audit["allowed"] and audit["capacity"] == "entrusted"
    route = api(user, "get", "/api/v1/governance/questions/report-route", reporter="power").json()
    assert [h["organization_code"] for h in route["routes"][0]["hops"]] == ["meti", "nisc"]
    builder = api(
        user, "get", "/api/v1/governance/questions/builder", category="joint_system", owner="mhlw"
    ).json()
    assert builder["builders"] == ["da"]
    unknown = api(user, "get", "/api/v1/governance/questions/report-route", reporter="atlantis")
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "reporter"


def test_settings_and_handover_over_the_api(api, government, platform_admin):
    user = make_user(organization=government["mhlw"], roles=["org_admin"])
    body = {"active_model": "current", "open_question": "none"}
    assert api(user, "put", "/api/v1/governance/settings", body).status_code == 403
    assert (
        api(platform_admin, "put", "/api/v1/governance/settings", body).json()["active_model"]
        == "current"
    )
    bad = api(
        platform_admin,
        "put",
        "/api/v1/governance/settings",
        {**body, "route_choices": {"kind:ci_operator": "teleport"}},
    )
    assert bad.json()["errors"][0]["field"] == "route_choices.kind:ci_operator"
    handed = api(
        platform_admin,
        "post",
        "/api/v1/governance/role-holdings",
        {"role": "ipa", "organization": "jetro", "on": "2030-04-01"},
    )
    assert handed.status_code == 201
    holders = api(user, "get", "/api/v1/governance/role-holdings").json()
    assert {
        "role": "ipa",
        "organization_code": "jetro",
        "valid_from": "2030-04-01",
        "valid_to": None,
    } in holders
    assert (
        api(
            platform_admin,
            "patch",
            "/api/v1/governance/sectors/gas",
            {"supervising_ministry": "tokyo"},
        ).status_code
        == 422
    )
