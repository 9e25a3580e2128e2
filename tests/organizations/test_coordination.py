"""The coordination of local governments' migration: the models state it, the engine answers
"may coordinate" with its rule, the scope class gives the coordinated organisations, and the
governance page shows it."""

import pytest
from django.utils import translation

from shireito.organizations.choices import ScopeClass
from shireito.organizations.governance import GovernanceModelError, load_model, parse_model
from shireito.organizations.mandates import engine_for
from shireito.organizations.relations import model_relations
from tests.factories import make_organization, make_user

pytestmark = pytest.mark.django_db
BOTH = ["current", "digital-agency"]


@pytest.fixture
def osaka(government):
    """A second prefecture with a municipality of its own."""
    prefecture = make_organization(
        code="osaka",
        kind="local_government",
        local_government_level="prefecture",
        local_government_code="270008",
    )
    city = make_organization(
        code="osaka-city",
        kind="local_government",
        local_government_level="municipality",
        parent=prefecture,
        local_government_code="271004",
    )
    return {"osaka": prefecture, "osaka-city": city}


def test_the_digital_agency_coordinates_every_local_government_after_its_setting_up(
    government, osaka
):
    # given the model after the Digital Agency
    engine = engine_for("digital-agency")

    # when it is asked about the Digital Agency and any local government
    # then it may coordinate, under the mandate named in the rule
    for subject in (government["shibuya"], government["tokyo"], osaka["osaka-city"]):
        decision = engine.may_coordinate(government["da"], subject)
        assert decision.allowed
        assert decision.rule == "digital-agency v1 › coordination › local-digital-infrastructure"
    # but a ministry is no subject of coordination
    assert not engine.may_coordinate(government["da"], government["mhlw"]).allowed


def test_before_the_digital_agency_only_mic_and_the_prefectures_coordinate(government):
    # given the model before the Digital Agency
    engine = engine_for("current")

    # when asked about the Digital Agency (its role held all the same) and MIC
    refused = engine.may_coordinate(government["da"], government["shibuya"])
    allowed = engine.may_coordinate(government["mic"], government["shibuya"])

    # then only MIC may, under its own mandate, and the refusal says why
    assert not refused.allowed
    with translation.override("en"):
        assert "no coordination mandate" in str(refused.rule)
    assert allowed.allowed and allowed.rule == "current v1 › coordination › local-administration"


@pytest.mark.parametrize("key", BOTH)
def test_mic_coordinates_every_local_government_in_both_models(government, osaka, key):
    engine = engine_for(key)
    decision = engine.may_coordinate(government["mic"], osaka["osaka-city"])
    assert decision.allowed
    assert decision.rule == f"{key} v1 › coordination › local-administration"


@pytest.mark.parametrize("key", BOTH)
def test_a_prefecture_coordinates_its_own_municipalities_and_no_others(government, osaka, key):
    # given Tokyo, its municipality Shibuya, and Osaka's city
    engine = engine_for(key)

    # when Tokyo asks about each
    own = engine.may_coordinate(government["tokyo"], government["shibuya"])
    other = engine.may_coordinate(government["tokyo"], osaka["osaka-city"])
    other_prefecture = engine.may_coordinate(government["tokyo"], osaka["osaka"])
    upwards = engine.may_coordinate(government["shibuya"], government["tokyo"])

    # then only its own municipality, under the prefectural mandate
    assert own.allowed and own.rule == f"{key} v1 › coordination › prefectural-support"
    assert not other.allowed and not other_prefecture.allowed and not upwards.allowed


@pytest.mark.parametrize("key", BOTH)
def test_a_ministry_coordinates_nothing(government, key):
    engine = engine_for(key)
    for subject in (government["shibuya"], government["tokyo"], government["pmda"]):
        decision = engine.may_coordinate(government["mhlw"], subject)
        assert not decision.allowed
        with translation.override("en"):
            assert str(decision.rule).startswith(f"{load_model(key).title_en} (version 1):")


def test_the_coordination_scope_gives_the_coordinated_local_governments(government, osaka):
    # given the model after the Digital Agency
    engine = engine_for("digital-agency")
    local = {
        g.pk
        for g in (government["tokyo"], government["shibuya"], osaka["osaka"], osaka["osaka-city"])
    }

    # when each kind of body asks which organisations it coordinates
    def coordinated(code, orgs=government):
        return set(engine.visible_org_ids(orgs[code], ScopeClass.COORDINATION))

    # then the Digital Agency and MIC every local government, a prefecture its municipalities,
    # a municipality and a ministry none
    assert coordinated("da") == local
    assert coordinated("mic") == local
    assert coordinated("tokyo") == {government["shibuya"].pk}
    assert coordinated("osaka", osaka) == {osaka["osaka-city"].pk}
    assert coordinated("shibuya") == set()
    assert coordinated("mhlw") == set()


def test_coordination_reaches_users_only_when_a_selector_asks_for_it(government):
    # given a Digital Agency officer
    from shireito.core.scoping import visible_organization_ids
    from shireito.registry.models import InformationSystem

    officer = make_user(organization=government["da"], roles=["editor"])

    # when their systems are scoped as a portfolio and as coordination
    portfolio = visible_organization_ids(officer, InformationSystem)
    coordination = visible_organization_ids(
        officer, InformationSystem, scope_class=ScopeClass.COORDINATION
    )

    # then only the coordination reading holds the local governments
    assert government["shibuya"].pk in coordination and government["tokyo"].pk in coordination
    assert government["shibuya"].pk not in portfolio


def test_the_quasi_public_bodies_are_overseen_by_the_digital_agency_in_its_model(government):
    # given a quasi-public body
    body = make_organization(code="health-data", kind="quasi_public")

    # when the Digital Agency's portfolio and oversight reach is asked in each model
    after = engine_for("digital-agency")
    before = engine_for("current")

    # then only after its setting up does the Digital Agency see its systems and budgets
    assert body.pk in after.visible_org_ids(government["da"], ScopeClass.PORTFOLIO)
    assert body.pk in after.visible_org_ids(government["da"], ScopeClass.OVERSIGHT)
    assert body.pk not in before.visible_org_ids(government["da"], ScopeClass.PORTFOLIO)
    assert body.pk not in after.visible_org_ids(government["mhlw"], ScopeClass.PORTFOLIO)
    assert after.builder_for("quasi_public_system", body).builders == [body]


# --- the model files ------------------------------------------------------------------


@pytest.mark.parametrize("key", BOTH)
def test_both_model_files_validate_and_state_their_coordination(key):
    model = load_model(key)
    coordinators = {c.coordinator for c in model.coordination}
    assert "role:local_government_ministry" in coordinators
    assert "kind:local_government" in coordinators
    assert ("role:digital_agency" in coordinators) is (key == "digital-agency")
    assert all(c.categories == ["local_government_system"] for c in model.coordination)
    relations = {r.key for r in model_relations(model)}
    assert (
        "coordinates_migration",
        "kind:local_government",
        "municipalities",
        "",
    ) in relations


def test_a_coordination_outside_local_systems_or_with_an_unknown_subject_is_refused():
    # given a model whose coordination covers ministry systems and names an unknown place
    text = """
key = "bad"
version = 1
title = "t"
title_en = "t"

[[coordination]]
key = "reach"
coordinator = "role:digital_agency"
subjects = ["neighbours"]
categories = ["ministry_system"]
"""
    # when it is loaded
    with pytest.raises(GovernanceModelError) as error:
        parse_model(text, source="bad.toml")

    # then both problems are named with their paths
    paths = {problem.path for problem in error.value.problems}
    assert "coordination[0].subjects[0]" in paths
    assert "coordination[0].categories" in paths


def test_the_governance_page_shows_the_coordination_in_both_languages(client, government):
    # given an official signed in
    client.force_login(make_user(organization=government["mhlw"], roles=["viewer"]))

    # when they open the active model's page in Japanese, then in English
    japanese = client.get("/governance/models/digital-agency/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/governance/models/digital-agency/").content.decode()

    # then the coordination relations are in the table, in words
    assert "標準準拠システムへの移行を総合調整" in japanese
    assert "域内の市区町村" in japanese
    assert "coordinates the move to standard-conformant systems of" in english
    assert "its municipalities" in english
    assert "coordinates_migration" not in japanese + english
