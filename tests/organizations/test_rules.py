"""The engine's reasons and rules read in the reader's language, never as keys."""

import pytest
from django.utils import translation

from shireito.organizations.governance import load_model
from shireito.organizations.mandates import SystemRef, engine_for
from shireito.organizations.rules import model_title, rule_label
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def official(government, signed_in):
    return signed_in(make_user(organization=government["mhlw"], roles=["viewer"]))


def test_a_refusal_reads_in_the_language_it_is_shown_in(government):
    # given a refusal of the engine, made once
    engine = engine_for("digital-agency")
    system = SystemRef(government["mhlw"], "ministry_system")
    refused = engine.may_audit(government["da"], system)

    # when it is shown in Japanese and in English
    with translation.override("ja"):
        japanese = str(refused.rule)
    with translation.override("en"):
        english = str(refused.rule)

    # then each names the model by its title, in its own words
    assert not refused.allowed
    assert japanese == (
        "デジタル庁設置後 第1版：この組織がこのシステムを監査できる監査権限はありません。"
    )
    assert english == (
        "After the Digital Agency is set up (version 1): "
        "no audit mandate covers this system for this organization."
    )


def test_a_refusal_names_categories_and_kinds_by_their_labels(government):
    # given the model before the Digital Agency, which has no joint systems
    engine = engine_for("current")

    # when asked who builds a joint system, and a ministry system of a prefecture
    joint = engine.builder_for("joint_system", government["meti"]).rule
    wrong_owner = engine.builder_for("ministry_system", government["tokyo"]).rule

    # then the answer names the category and the kinds as people call them
    with translation.override("ja"):
        assert "システム区分「共同システム」がありません" in str(joint)
        assert "地方公共団体ではありません" in str(wrong_owner)
    with translation.override("en"):
        assert "has no system category “joint system”" in str(joint)
        assert "not to local government." in str(wrong_owner)
    for text in (str(joint), str(wrong_owner)):
        assert "SystemCategory" not in text and "joint_system" not in text
        assert "local_government" not in text


def test_a_rule_is_cited_as_it_is_and_read_in_words(government):
    # given the rule an allowed audit cites (stored with the audit as it is)
    engine = engine_for("digital-agency")
    decision = engine.may_audit(
        government["ipa"], SystemRef(government["pmda"], "independent_agency_system")
    )
    assert decision.rule == "digital-agency v1 › audits › agency-security-audit"

    # when it is read in each language
    with translation.override("ja"):
        japanese = rule_label(decision.rule)
    with translation.override("en"):
        english = rule_label(decision.rule)

    # then the model's title, the section and what the mandate is, without keys
    assert japanese == (
        "デジタル庁設置後 第1版 › 監査の権限 › "
        "国のサイバーセキュリティ司令塔による事務委託によるセキュリティ監査"
    )
    assert english == (
        "After the Digital Agency is set up (version 1) › audit mandates › "
        "entrusted security audit by national cybersecurity centre"
    )


@pytest.mark.parametrize(
    ("rule", "japanese", "english"),
    [
        ("current v1 › builds › joint_system", "共同システム", "joint system"),
        ("current v1 › coordination › local-administration", "総務省", "MIC"),
        ("digital-agency v1 › report_routes › kind:ministry", "府省庁", "ministries"),
    ],
)
def test_every_section_of_a_rule_reads_without_its_keys(rule, japanese, english):
    with translation.override("ja"):
        assert japanese in rule_label(rule) and rule.split(" › ")[-1] not in rule_label(rule)
    with translation.override("en"):
        assert english in rule_label(rule) and rule.split(" › ")[-1] not in rule_label(rule)


def test_a_rule_of_a_model_no_longer_shipped_is_shown_as_it_was_stored():
    assert rule_label("retired v3 › audits › old-mandate") == "retired v3 › audits › old-mandate"


def test_a_model_is_named_by_its_title_in_the_readers_language():
    model = load_model("current")
    with translation.override("ja"):
        assert model_title(model) == model.title
    with translation.override("en"):
        assert model_title(model) == model.title_en


def test_the_questions_page_answers_in_japanese_without_keys(official, government):
    # when a Japanese reader asks whether the Digital Agency may audit a ministry's system
    html = official.get(
        "/governance/questions/",
        {
            "ask": "audit",
            "auditor": government["da"].pk,
            "owner": government["mhlw"].pk,
            "category": "ministry_system",
        },
    ).content.decode()

    # then the refusal is in Japanese and names the model by its title
    answer = html.split('id="answer-title"')[1].split("</section>")[0]
    assert "この組織がこのシステムを監査できる監査権限はありません" in answer
    assert "no audit mandate" not in answer and "digital-agency" not in answer
    assert "「デジタル庁設置後」" in html


def test_the_questions_page_answers_in_english(official, government):
    official.cookies["django_language"] = "en"
    html = official.get(
        "/governance/questions/",
        {
            "ask": "builder",
            "category": "ministry_system",
            "owner": government["tokyo"].pk,
        },
    ).content.decode()
    answer = html.split('id="answer-title"')[1].split("</section>")[0]
    assert "not to local government." in answer
    assert "地方公共団体" not in answer and "local_government" not in answer


def test_the_governance_page_names_models_by_their_titles(official):
    # when the governance pages are read in each language
    japanese = official.get("/governance/").content.decode()
    official.cookies["django_language"] = "en"
    english = official.get("/governance/").content.decode()

    # then the models are named by their titles, never by their keys
    assert "モデル「現行（デジタル庁設置前）」" in japanese
    assert "“current”" not in japanese and "“digital-agency”" not in japanese
    assert "Model “After the Digital Agency is set up”" in english
    assert "“current”" not in english and "“digital-agency”" not in english


def test_the_api_gives_the_rule_as_cited_and_in_words(api, government):
    # given a reader of the API
    user = make_user(organization=government["mhlw"])

    # when it asks a question the engine refuses, and one it allows
    refused = api(
        user,
        "get",
        "/api/v1/governance/questions/may-audit",
        auditor="da",
        owner="mhlw",
        category="ministry_system",
    ).json()
    allowed = api(
        user, "get", "/api/v1/governance/questions/builder", category="joint_system", owner="mhlw"
    ).json()

    # then the refusal is a sentence in its language, the rule a citation and words
    assert not refused["allowed"]
    assert "監査権限はありません" in refused["rule"] == refused["rule_label"]
    assert allowed["rule"] == "digital-agency v1 › builds › joint_system"
    assert allowed["rule_label"] == "デジタル庁設置後 第1版 › 整備の担い手 › 共同システム"
