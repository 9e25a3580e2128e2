"""Every relation of shared/docs/domain.md, answered by the engine, for both built-in models."""

import datetime as dt

import pytest
from django.utils import translation

from shireito.organizations.governance import load_model
from shireito.organizations.mandates import SystemRef, engine_for
from shireito.organizations.relations import compare, model_relations
from shireito.organizations.services import role_handover
from tests.factories import make_organization

pytestmark = pytest.mark.django_db
BOTH = ["current", "digital-agency"]


def may(engine, auditor, owner, category, builder=None):
    return engine.may_audit(auditor, SystemRef(owner, category, builder))


# --- standards ---------------------------------------------------------------------------


@pytest.mark.parametrize("key", BOTH)
def test_the_national_centre_writes_the_common_standards_and_mic_derives_the_local_guideline(key):
    relations = {r.key for r in model_relations(load_model(key))}
    assert ("writes", "role:national_cyber_centre", "standard:common-standards", "") in relations
    assert ("owns", "role:cybersecurity_hq", "standard:common-standards", "") in relations
    assert (
        "writes",
        "role:local_government_ministry",
        "standard:local-government-guideline",
        "",
    ) in relations
    assert (
        "derived_from",
        "standard:local-government-guideline",
        "standard:common-standards",
        "",
    ) in relations
    # ministries make sector safety standards from the national centre's guideline
    assert ("writes", "sector_ministry", "standard:sector-safety-standards", "") in relations
    assert (
        "derived_from",
        "standard:sector-safety-standards",
        "standard:safety-standards-guideline",
        "",
    ) in relations


def test_only_the_digital_agency_model_has_the_development_policy_built_on_the_common_standards():
    da = {r.key for r in model_relations(load_model("digital-agency"))}
    current = {r.key for r in model_relations(load_model("current"))}
    policy = ("writes", "role:digital_agency", "standard:development-policy", "")
    assert policy in da and policy not in current
    assert ("derived_from", "standard:development-policy", "standard:common-standards", "") in da
    assert ("coordinates", "standard:development-policy", "role:cybersecurity_hq", "") in da


# --- builds ------------------------------------------------------------------------------


def test_after_the_digital_agency_it_builds_its_own_and_joint_systems(government):
    engine = engine_for("digital-agency")
    assert engine.builder_for("digital_agency_system", government["da"]).builders == [
        government["da"]
    ]
    assert engine.builder_for("joint_system", government["mhlw"]).builders == [government["da"]]
    assert engine.builder_for("ministry_system", government["mhlw"]).builders == [
        government["mhlw"]
    ]
    # a category belongs to certain owners: a prefecture owns no ministry system
    wrong_owner = engine.builder_for("ministry_system", government["tokyo"])
    assert wrong_owner.builders == []
    with translation.override("en"):
        assert "not to local government." in str(wrong_owner.rule)
    assert "地方公共団体ではありません" in str(wrong_owner.rule)
    allowed, decision = engine.check_builder("joint_system", government["mhlw"], government["mhlw"])
    assert not allowed
    assert decision.rule == "digital-agency v1 › builds › joint_system"


def test_before_the_digital_agency_every_ministry_builds_its_own_and_there_are_no_joint_systems(
    government,
):
    engine = engine_for("current")
    assert engine.builder_for("ministry_system", government["meti"]).builders == [
        government["meti"]
    ]
    joint = engine.builder_for("joint_system", government["meti"])
    assert joint.builders == []
    with translation.override("en"):
        assert "has no system category “joint system”" in str(joint.rule)


# --- audits ------------------------------------------------------------------------------


@pytest.mark.parametrize("key", BOTH)
def test_the_national_centre_audits_ministries_security(government, key):
    decision = may(engine_for(key), government["nisc"], government["mhlw"], "ministry_system")
    assert decision.allowed
    assert decision.kind == "security_audit"
    assert decision.mandate == "government-security-audit"


def test_after_the_digital_agency_the_national_centre_audits_its_systems_too(government):
    decision = may(
        engine_for("digital-agency"), government["nisc"], government["da"], "digital_agency_system"
    )
    assert decision.allowed and decision.kind == "security_audit"


@pytest.mark.parametrize("key", BOTH)
def test_agency_audits_are_entrusted_by_the_national_centre_to_ipa(government, key):
    engine = engine_for(key)
    by_ipa = may(engine, government["ipa"], government["pmda"], "independent_agency_system")
    by_centre = may(engine, government["nisc"], government["pmda"], "independent_agency_system")
    assert (by_ipa.allowed, by_ipa.capacity) == (True, "entrusted")
    assert (by_centre.allowed, by_centre.capacity) == (True, "entrusting")
    assert by_ipa.mandate == by_centre.mandate == "agency-security-audit"
    # IPA has no mandate over the ministries
    assert not may(engine, government["ipa"], government["mhlw"], "ministry_system").allowed


def test_the_digital_agency_verifies_the_systems_it_builds(government):
    engine = engine_for("digital-agency")
    own = may(engine, government["da"], government["da"], "digital_agency_system")
    joint = may(engine, government["da"], government["mhlw"], "joint_system")
    assert own.kind == joint.kind == "service_assurance"
    assert not may(
        engine_for("current"), government["da"], government["da"], "digital_agency_system"
    ).allowed


@pytest.mark.parametrize(
    ("setting", "own_non_security", "ministries"),
    [("none", False, False), ("own_systems", True, False), ("own_and_ministries", True, True)],
)
def test_the_open_question_changes_the_digital_agencys_mandates(
    government, setting, own_non_security, ministries
):
    engine = engine_for("digital-agency", open_question=setting)
    mandates = {m.key for m in engine.audit_mandates}
    assert ("non-security-audit-own" in mandates) == own_non_security
    on_ministry = may(engine, government["da"], government["mhlw"], "ministry_system")
    assert on_ministry.allowed == ministries
    if ministries:
        assert on_ministry.kind == "non_security_audit"


def test_nobody_else_audits_local_governments_or_operators(government):
    engine = engine_for("digital-agency", open_question="own_and_ministries")
    for auditor in ["nisc", "ipa", "da", "mic"]:
        assert not may(
            engine, government[auditor], government["tokyo"], "local_government_system"
        ).allowed
        assert not may(engine, government[auditor], government["power"], "ci_system").allowed


# --- reports -----------------------------------------------------------------------------


def _routes(engine, org):
    return {
        r.key: [o.code if o else None for _s, o in r.hops] for r in engine.report_routes(org).routes
    }


@pytest.mark.parametrize("key", BOTH)
def test_report_routes_of_the_seed(government, key):
    engine = engine_for(key)
    assert _routes(engine, government["mhlw"]) == {"direct": ["nisc"]}
    assert _routes(engine, government["pmda"]) == {
        "via-ministry": ["mhlw", "nisc"],
        "via-ipa": ["ipa", "nisc"],
    }
    assert _routes(engine, government["power"]) == {
        "via-sector-ministry": ["meti", "nisc"],
        "via-ipa": ["ipa", "nisc"],
    }
    # the Common Standards 2.2.4(3)(a): an agency reports through its supervising ministry
    assert engine.report_routes(government["pmda"]).routes[0].key == "via-ministry"


def test_the_deployment_may_choose_the_ipa_route_instead(government):
    from shireito.organizations.mandates import MandateEngine

    engine = MandateEngine(
        load_model("digital-agency"), route_choices={"kind:independent_agency": "via-ipa"}
    )
    first = engine.report_routes(government["pmda"]).routes[0]
    assert (first.key, first.default) == ("via-ipa", True)


def test_the_digital_agency_reports_to_the_national_centre_only_once_it_exists(government):
    assert _routes(engine_for("digital-agency"), government["da"]) == {"direct": ["nisc"]}
    assert engine_for("current").report_routes(government["da"]).routes == []


@pytest.mark.parametrize("key", BOTH)
def test_the_national_centre_liaises_with_overseas_counterparts(key):
    relations = {r.key for r in model_relations(load_model(key))}
    assert ("liaises", "role:national_cyber_centre", "kind:overseas_counterpart", "") in relations


# --- time: the role, not the body --------------------------------------------------------


def test_mandates_follow_the_role_across_a_reorganisation(government):
    # given the national centre's role handed from one body to its successor on 2025-07-01
    successor = make_organization(
        code="nco", kind="national_cyber_centre", valid_from=dt.date(2025, 7, 1)
    )
    role_handover(
        actor=None, role="national_cyber_centre", organization=successor, on=dt.date(2025, 7, 1)
    )
    before = engine_for("digital-agency", on=dt.date(2025, 6, 30))
    after = engine_for("digital-agency", on=dt.date(2025, 7, 1))

    # then each day's answers name that day's holder
    assert may(before, government["nisc"], government["mhlw"], "ministry_system").allowed
    assert not may(before, successor, government["mhlw"], "ministry_system").allowed
    assert may(after, successor, government["mhlw"], "ministry_system").allowed
    assert not may(after, government["nisc"], government["mhlw"], "ministry_system").allowed
    assert _routes(after, government["mhlw"]) == {"direct": ["nco"]}
    assert _routes(before, government["mhlw"]) == {"direct": ["nisc"]}


def test_a_handover_on_or_before_the_last_one_is_refused(government):
    from django.core.exceptions import ValidationError

    successor = make_organization(code="nco", kind="national_cyber_centre")
    role_handover(
        actor=None, role="national_cyber_centre", organization=successor, on=dt.date(2025, 7, 1)
    )
    with pytest.raises(ValidationError) as error:
        role_handover(
            actor=None,
            role="national_cyber_centre",
            organization=government["nisc"],
            on=dt.date(2025, 1, 1),
        )
    assert "on" in error.value.message_dict


# --- comparison --------------------------------------------------------------------------


def test_the_comparison_lists_what_the_digital_agency_adds():
    result = compare(
        model_relations(load_model("current"), every_option=True),
        model_relations(load_model("digital-agency"), every_option=True),
    )
    added = {r.key for r in result.only_b}
    removed = {r.key for r in result.only_a}
    assert ("builds", "role:digital_agency", "category:joint_system", "") in added
    assert ("oversees", "role:digital_agency", "kind:ministry", "") in added
    assert (
        "audits",
        "role:digital_agency",
        "category:digital_agency_system",
        "service_assurance|digital_agency_system,joint_system",
    ) in added
    # the national centre's audit of ministries now covers the Digital Agency's and joint systems
    assert (
        "audits",
        "role:national_cyber_centre",
        "kind:ministry",
        "security_audit|ministry_system",
    ) in removed
    assert (
        "audits",
        "role:national_cyber_centre",
        "kind:ministry",
        "security_audit|ministry_system,digital_agency_system,joint_system",
    ) in added
    # the open question's settings are differences too
    assert (
        "audits",
        "role:digital_agency",
        "kind:ministry",
        "non_security_audit|ministry_system|option:own_and_ministries",
    ) in added
    assert not added & removed


def test_a_level_selector_names_the_local_governments_of_that_level(government):
    # given the model in force and a prefecture, a municipality and a ministry
    engine = engine_for("current")
    tokyo, shibuya, mic = government["tokyo"], government["shibuya"], government["mic"]
    # when
    prefectures = engine.resolve_ids("level:prefecture")
    municipalities = engine.resolve_ids("level:municipality")
    # then
    assert tokyo.pk in prefectures and shibuya.pk not in prefectures
    assert shibuya.pk in municipalities and tokyo.pk not in municipalities
    assert mic.pk not in prefectures | municipalities
    assert engine.matches(shibuya, "level:municipality")
    assert not engine.matches(mic, "level:municipality")
