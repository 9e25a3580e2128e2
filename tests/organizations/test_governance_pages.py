import re
import shutil

import pytest

from shireito.core.models import AuditEvent
from shireito.organizations.mandates import governance_settings
from shireito.organizations.models import Organization
from tests.factories import make_organization, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def official(government, signed_in):
    user = make_user(organization=government["mhlw"], roles=["viewer"])
    return signed_in(user)


def test_governance_page_draws_the_model_and_tables_it(official):
    html = official.get("/governance/").content.decode()
    assert "デジタル庁設置後" in html
    assert "<caption>" in html and '<th scope="col">' in html
    if shutil.which("dot"):
        assert 'role="img"' in html and "<svg" in html
    else:
        assert "Graphviz" in html


def test_any_model_can_be_shown_with_an_open_question_setting(official):
    html = official.get(
        "/governance/models/digital-agency/?open_question=own_and_ministries"
    ).content.decode()
    shown = html.split("表示中の設定：")[1].split("</strong>")[0]
    assert "自庁と各省のシステム" in shown
    assert "non_security_audit" not in html  # people read labels, not keys
    assert "セキュリティ以外の監査: 各省システム" in html
    default = official.get("/governance/models/digital-agency/").content.decode()
    assert "セキュリティ以外の監査: 各省システム" not in default
    assert official.get("/governance/models/nope/").status_code == 404


def test_comparison_lists_every_difference(official):
    html = official.get("/governance/compare/?a=current&b=digital-agency").content.decode()
    only_b = html.split('id="only-b-title"')[1].split("</section>")[0]
    assert "共同システム" in only_b or "joint system" in only_b


def test_questions_are_answered_with_the_rule(official, government):
    html = official.get(
        "/governance/questions/",
        {
            "ask": "audit",
            "auditor": government["ipa"].pk,
            "owner": government["pmda"].pk,
            "category": "independent_agency_system",
        },
    ).content.decode()
    assert "デジタル庁設置後 第1版 › 監査の権限 › " in html
    assert "agency-security-audit" not in html  # people read the rule, not its keys
    route = official.get(
        "/governance/questions/", {"ask": "route", "reporter": government["pmda"].pk}
    ).content.decode()
    answer = route.split('id="answer-title"')[1].split("</section>")[0]
    assert (
        answer.index("既定の経路")
        < answer.index(government["mhlw"].name)
        < answer.index("代替の経路")
    )
    bad = official.get(
        "/governance/questions/", {"ask": "audit", "auditor": "999999"}
    ).content.decode()
    assert 'href="#audit_auditor"' in bad


@pytest.mark.parametrize(
    "path", ["/governance/settings/", "/governance/roles/handover/", "/organizations/new/"]
)
def test_admin_pages_are_platform_admins_only(official, path):
    assert official.get(path).status_code == 403


def test_platform_admin_switches_the_open_question(
    government, platform_admin, signed_in, demo_mode
):
    client = signed_in(platform_admin)
    response = client.post(
        "/governance/settings/",
        {"active_model": "digital-agency", "open_question": "own_and_ministries"},
    )
    assert response.status_code == 302
    assert governance_settings().open_question == "own_and_ministries"
    assert AuditEvent.objects.filter(object_type="organizations.governancesettings").exists()


def test_platform_admin_hands_over_a_role(government, platform_admin, signed_in, demo_mode):
    client = signed_in(platform_admin)
    bad = client.post("/governance/roles/handover/", {"role": "national_cyber_centre"})
    assert 'href="#id_organization"' in bad.content.decode()
    wrong_kind = client.post(
        "/governance/roles/handover/",
        {
            "role": "national_cyber_centre",
            "organization": government["ncsc"].pk,
            "on": "2030-01-01",
        },
    )
    assert 'href="#id_organization"' in wrong_kind.content.decode()
    successor = make_organization(code="nco", kind="national_cyber_centre")
    ok = client.post(
        "/governance/roles/handover/",
        {"role": "national_cyber_centre", "organization": successor.pk, "on": "2030-01-01"},
    )
    assert ok.status_code == 302
    assert successor.role_holdings.filter(role="national_cyber_centre").exists()


def test_organization_form_shows_model_errors_on_their_fields(
    government, platform_admin, signed_in, demo_mode
):
    client = signed_in(platform_admin)
    response = client.post(
        "/organizations/new/",
        {
            "code": "osaka",
            "name": "大阪府",
            "kind": "local_government",
            "local_government_code": "270009",
        },
    )
    html = response.content.decode()
    assert 'href="#id_local_government_code"' in html
    assert 'href="#id_local_government_level"' in html
    assert not Organization.objects.filter(code="osaka").exists()
    ok = client.post(
        "/organizations/new/",
        {
            "code": "osaka",
            "name": "大阪府",
            "kind": "local_government",
            "local_government_level": "prefecture",
            "local_government_code": "270008",
        },
    )
    assert ok.status_code == 302


def test_organization_admins_edit_only_names_and_identifiers(government, signed_in):
    admin = make_user(organization=government["mhlw"], roles=["org_admin"])
    client = signed_in(admin)
    form = client.get("/organizations/mhlw/edit/").content.decode()
    assert 'name="name_en"' in form and 'name="kind"' not in form
    response = client.post(
        "/organizations/mhlw/edit/", {"name": government["mhlw"].name, "name_en": "MHLW"}
    )
    assert response.status_code == 302
    assert client.get("/organizations/meti/edit/").status_code == 403


def test_detail_shows_route_roles_and_former_names(government, signed_in):
    import datetime as dt

    from shireito.organizations.services import organization_update

    organization_update(
        actor=None,
        organization=government["nisc"],
        name="国家サイバー統括室",
        name_effective_from=dt.date(2025, 7, 1),
    )
    client = signed_in(make_user(organization=government["pmda"]))
    pmda = client.get("/organizations/pmda/").content.decode()
    assert "via-ministry" not in pmda  # people read the hops, not keys
    assert government["mhlw"].name in pmda.split('id="route-title"')[1]
    nisc = client.get("/organizations/nisc/").content.decode()
    assert "2025-06-30" in nisc.split('id="names-title"')[1]
    assert "国のサイバーセキュリティ司令塔" in nisc


def test_comparison_filters_with_the_one_filter_component(official):
    # given an official on the comparison page
    # when they ask for it in full, and then the results alone as htmx does
    html = official.get("/governance/compare/?a=digital-agency&b=current").content.decode()
    partial = official.get(
        "/governance/compare/?a=digital-agency&b=current", HTTP_HX_REQUEST="true"
    ).content.decode()
    # then the page has the shared filter form with its labelled selects, showing the choice
    assert 'role="search"' in html
    assert '<label class="field__label" for="id_a">' in html
    assert '<option value="digital-agency" selected>' in html.split('id="id_a"')[1]
    # and the htmx answer is the results only
    assert partial.lstrip().startswith('<div id="results">')
    assert "<html" not in partial and 'id="only-b-title"' in partial


def test_comparison_of_an_unknown_model_shows_the_default(official):
    # given a bookmark naming a model that is gone
    # when the comparison is asked for
    html = official.get("/governance/compare/?a=nope").content.decode()
    # then the default models are compared, and the selects say which
    assert '<option value="current" selected>' in html.split('id="id_a"')[1]
    assert '<option value="digital-agency" selected>' in html.split('id="id_b"')[1]


def test_only_platform_admins_are_offered_the_switches(
    client, government, signed_in, platform_admin, demo_mode
):
    # given an official and a platform admin
    official = make_user(organization=government["mhlw"], roles=["org_admin"])
    # when each opens the governance page
    signed_in(official)
    seen_by_official = client.get("/governance/").content.decode()
    client.logout()
    signed_in(platform_admin)
    seen_by_admin = client.get("/governance/").content.decode()
    # then only the platform admin sees the links to the settings, handover and sectors
    for path in ("/governance/settings/", "/governance/roles/handover/", "/governance/sectors/"):
        assert path not in seen_by_official
        assert path in seen_by_admin


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_diagram_labels_are_set_at_the_body_text_size(language):
    from django.utils.translation import override

    from shireito.organizations.diagram import dot_source

    # given the model in force, drawn in either language
    with override(language):
        source = dot_source("current", None)

    # then boxes and arrows are labelled at 12 pt (16 px, the body text, at the size shown)
    # and every label is wrapped into short lines (a longer one is a single word), so the
    # figure stays narrow
    assert "fontsize=12" in source.split("\n", 3)[2]  # node defaults
    assert "fontsize=12" in source.split("\n", 4)[3]  # edge defaults
    labels = re.findall(r'label="([^"]*)"', source)
    assert labels
    for label in labels:
        assert all(len(line) <= 18 or " " not in line for line in label.split("\\n")), label


def test_wrapping_keeps_every_word_and_character():
    from shireito.organizations.diagram import wrap_label

    # given an English and a Japanese label
    english = "coordinates the move to standard-conformant systems of"
    japanese = "政府機関等のサイバーセキュリティ対策のための統一基準群"

    # when they are wrapped
    wrapped_english, wrapped_japanese = wrap_label(english), wrap_label(japanese)

    # then they are in several lines and nothing is lost
    assert wrapped_english.count("\\n") >= 2 and wrapped_japanese.count("\\n") >= 2
    assert wrapped_english.replace("\\n", " ") == english
    assert wrapped_japanese.replace("\\n", "") == japanese


@pytest.mark.skipif(not shutil.which("dot"), reason="Graphviz draws the diagram")
def test_the_page_shows_the_diagram_at_its_own_size(official):
    # when the governance page is shown
    html = official.get("/governance/").content.decode()

    # then the SVG keeps Graphviz's size in points (12 pt labels are 16 px), in a frame that
    # scrolls, with the table of the same relations after it
    svg = html.split("<svg", 1)[1].split(">", 1)[0]
    assert re.search(r'width="\d+pt"', svg) and re.search(r'height="\d+pt"', svg)
    assert 'font-size="12.00"' in html
    assert 'class="diagram-scroll" tabindex="0"' in html
    assert html.index("<svg") < html.index('id="relations-table"')
