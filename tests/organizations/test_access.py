"""Access derived from mandates: a table of kinds × objects × actions, and a property over random
organisation graphs that no list or detail endpoint returns what is outside its user's scope."""

import json

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shireito.accounts.services import api_token_create
from shireito.organizations.choices import ScopeClass
from shireito.organizations.mandates import active_engine
from shireito.organizations.models import Organization, Sector
from shireito.organizations.services import role_holding_ensure
from tests.factories import make_organization, make_user

pytestmark = pytest.mark.django_db

# Whose systems (the portfolio) each kind of organisation may see, besides its own.
PORTFOLIO_TABLE = [
    # viewer, objects it sees, objects it does not
    ("mhlw", ["pmda"], ["jetro", "meti", "tokyo", "power", "da"]),
    ("meti", ["jetro", "ipa"], ["pmda", "mhlw", "tokyo"]),
    ("nisc", ["mhlw", "meti", "mic", "da", "pmda", "jetro"], ["tokyo", "shibuya", "power", "ncsc"]),
    ("ipa", ["pmda", "jetro"], ["mhlw", "da", "tokyo", "power"]),
    ("da", ["mhlw", "meti", "mic"], ["pmda", "tokyo", "power", "ncsc"]),
    ("tokyo", [], ["shibuya", "mic", "pmda", "power"]),
    ("shibuya", [], ["tokyo"]),
    ("power", [], ["meti", "tokyo"]),
    ("ncsc", [], ["nisc", "mhlw", "da"]),
]


@pytest.mark.parametrize(("viewer", "sees", "hidden"), PORTFOLIO_TABLE)
def test_portfolio_scope_by_kind(government, viewer, sees, hidden):
    visible = active_engine().visible_org_ids(government[viewer], ScopeClass.PORTFOLIO)
    for code in sees:
        assert government[code].pk in visible, code
    for code in hidden:
        assert government[code].pk not in visible, code


@pytest.mark.parametrize(
    ("viewer", "object_", "action", "status"),
    [
        # the directory of organisations: every domestic body reads it
        ("tokyo", "mhlw", "view", 200),
        ("power", "nisc", "view", 200),
        # overseas counterparts see themselves and the national centre they liaise with
        ("ncsc", "nisc", "view", 200),
        ("ncsc", "ncsc", "view", 200),
        ("ncsc", "mhlw", "view", 404),
        ("ncsc", "tokyo", "view", 404),
        # people are their own organisation's only
        ("mhlw", "mhlw-person", "view", 200),
        ("nisc", "mhlw-person", "view", 404),
        ("ncsc", "mhlw-person", "view", 404),
        # changing an organisation: its own admin (names), platform admins; nobody else
        ("mhlw", "mhlw", "change", 200),
        ("mhlw", "meti", "change", 403),
        ("nisc", "mhlw", "change", 403),
        ("ncsc", "mhlw", "change", 404),
    ],
)
def test_kinds_objects_actions(government, viewer, object_, action, status):
    client = Client()
    user = make_user(organization=government[viewer], roles=["org_admin", "auditor"])
    make_user(organization=government["mhlw"], username="mhlw-person")
    _token, secret = api_token_create(actor=None, user=user, name="t")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    if object_.endswith("-person"):
        response = client.get(f"/api/v1/accounts/users/{object_}", **headers)
    elif action == "view":
        response = client.get(f"/api/v1/organizations/{government[object_].code}", **headers)
    else:
        response = client.patch(
            f"/api/v1/organizations/{government[object_].code}",
            json.dumps({"name_en": "Changed"}),
            content_type="application/json",
            **headers,
        )
    assert response.status_code == status, response.content


def test_overseas_lists_show_only_what_is_shared(government):
    user = make_user(organization=government["ncsc"], roles=["viewer"])
    _token, secret = api_token_create(actor=None, user=user, name="t")
    codes = {
        item["code"]
        for item in Client()
        .get("/api/v1/organizations?limit=500", HTTP_AUTHORIZATION=f"Bearer {secret}")
        .json()["items"]
    }
    assert codes == {"ncsc", "nisc"}


# --- the property ------------------------------------------------------------------------


@st.composite
def graphs(draw):
    """A random government: ministries, agencies under them, prefectures and municipalities,
    operators in sectors, overseas counterparts, and who holds the central roles."""
    return {
        "ministries": draw(st.integers(1, 4)),
        "agencies": draw(st.lists(st.integers(0, 3), max_size=5)),
        "prefectures": draw(st.integers(0, 2)),
        "municipalities": draw(st.lists(st.integers(0, 1), max_size=3)),
        "operators": draw(
            st.lists(st.sampled_from(["electric-power", "medical", "gas"]), max_size=3)
        ),
        "overseas": draw(st.integers(0, 2)),
        "users": draw(st.lists(st.integers(0, 40), min_size=1, max_size=4)),
    }


def _build(graph) -> list[Organization]:
    ministries = [make_organization(kind="ministry") for _ in range(graph["ministries"])]
    orgs = [
        make_organization(kind="digital_agency"),
        make_organization(kind="national_cyber_centre"),
        make_organization(kind="ipa", parent=ministries[-1]),
    ]
    for role, holder in zip(["digital_agency", "national_cyber_centre", "ipa"], orgs, strict=True):
        role_holding_ensure(actor=None, role=role, organization=holder, valid_from=None)
    orgs += ministries
    orgs += [
        make_organization(kind="independent_agency", parent=ministries[i % len(ministries)])
        for i in graph["agencies"]
    ]
    prefectures = [
        make_organization(kind="local_government", local_government_level="prefecture")
        for _ in range(graph["prefectures"])
    ]
    orgs += prefectures
    if prefectures:
        orgs += [
            make_organization(
                kind="local_government",
                local_government_level="municipality",
                parent=prefectures[i % len(prefectures)],
            )
            for i in graph["municipalities"]
        ]
    for code in graph["operators"]:
        sector = Sector.objects.get(code=code)
        sector.supervising_ministry = ministries[0]
        sector.save()
        orgs.append(make_organization(kind="ci_operator", sector=sector))
    orgs += [make_organization(kind="overseas_counterpart") for _ in range(graph["overseas"])]
    return orgs


def reference_directory(viewer: Organization, orgs: list[Organization]) -> set[int]:
    """What the seed says, written out plainly: overseas counterparts see themselves and the
    national centre; everyone else sees the whole directory."""
    if viewer.kind == "overseas_counterpart":
        return {viewer.pk} | {o.pk for o in orgs if o.kind == "national_cyber_centre"}
    return {o.pk for o in orgs}


def reference_portfolio(viewer: Organization, orgs: list[Organization], model: str) -> set[int]:
    """The seed's audit and oversight lines, written out plainly for both models."""
    seen = {viewer.pk}
    agencies = {"independent_agency", "ipa"}
    if viewer.kind == "ministry":
        seen |= {o.pk for o in orgs if o.parent_id == viewer.pk and o.kind in agencies}
    if viewer.kind == "national_cyber_centre":
        audited = {"ministry", *agencies} | (
            {"digital_agency"} if model == "digital-agency" else set()
        )
        seen |= {o.pk for o in orgs if o.kind in audited}
    if viewer.kind == "ipa":
        seen |= {o.pk for o in orgs if o.kind == "independent_agency"}
    if viewer.kind == "digital_agency" and model == "digital-agency":
        seen |= {o.pk for o in orgs if o.kind in {"ministry", "digital_agency"}}
    return seen


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    graph=graphs(),
    model=st.sampled_from(["current", "digital-agency"]),
    setting=st.sampled_from(["none", "own_systems", "own_and_ministries"]),
)
def test_no_endpoint_returns_anything_outside_scope(graph, model, setting):
    from shireito.organizations.services import governance_configure

    with transaction.atomic():
        orgs = _build(graph)
        governance_configure(
            actor=None,
            active_model=model,
            open_question=setting if model == "digital-agency" else "none",
        )
        users = [
            make_user(organization=orgs[i % len(orgs)], roles=["org_admin", "auditor"])
            for i in graph["users"]
        ]
        codes = {o.pk: o.code for o in orgs}
        by_code = {o.code: o for o in orgs}
        for user in users:
            client = Client()
            client.force_login(user)
            _token, secret = api_token_create(actor=None, user=user, name="t")
            headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
            viewer = user.organization
            directory = reference_directory(viewer, orgs)
            directory_codes = {codes[pk] for pk in directory}

            def get(path, client=client, headers=headers, **query):
                return client.get(path, query, **headers)

            listed = get("/api/v1/organizations", limit=500).json()["items"]
            assert {by_code[item["code"]].pk for item in listed} == directory
            for org in orgs:
                expected = 200 if org.pk in directory else 404
                assert get(f"/api/v1/organizations/{org.code}").status_code == expected
                assert client.get(f"/organizations/{org.code}/").status_code == expected

            people = get("/api/v1/accounts/users", limit=500).json()["items"]
            assert {p["organization_code"] for p in people} == {viewer.code}
            for other in users:
                expected = 200 if other.organization_id == viewer.pk else 404
                assert get(f"/api/v1/accounts/users/{other.username}").status_code == expected

            events = get("/api/v1/audit-events", limit=500).json()["items"]
            for event in events:
                if event["object_type"] == "organizations.organization":
                    assert codes.get(int(event["object_id"])) == viewer.code
                if event["object_type"] == "accounts.user":
                    assert int(event["object_id"]) in {
                        u.pk for u in users if u.organization_id == viewer.pk
                    }

            for sector in get("/api/v1/governance/sectors").json():
                assert sector["supervising_ministry_code"] in directory_codes | {None}
            for holding in get("/api/v1/governance/role-holdings").json():
                assert holding["organization_code"] in directory_codes
            route = get("/api/v1/governance/questions/report-route", reporter=viewer.code).json()
            for hop in (h for r in route["routes"] for h in r["hops"]):
                assert hop["organization_code"] in directory_codes | {None}
            builders = get(
                "/api/v1/governance/questions/builder", category="joint_system", owner=viewer.code
            ).json()["builders"]
            assert set(builders) <= directory_codes

            portfolio = active_engine().visible_org_ids(viewer, ScopeClass.PORTFOLIO)
            assert portfolio | {viewer.pk} == reference_portfolio(viewer, orgs, model)
        transaction.set_rollback(True)
