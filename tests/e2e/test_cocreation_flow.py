"""The co-creation platform end to end in the browser: a municipality's officer asks a
question in a space, another municipality's officer answers it, a Digital Agency officer
proposes that answer as the agency's official answer and a second officer approves it, and
the asker finds it by search, marked official. The thread and search pages pass axe; the
answer is written from the keyboard alone."""

import pytest

from tests.e2e.conftest import assert_accessible, sign_in
from tests.factories import make_organization, make_user

QUESTION = "窓口端末の更新時期はいつが適切ですか"
ANSWER = "当区では移行の半年前に端末を更新し、並行稼働の試験に使いました。"


@pytest.fixture
def platform(people):
    from shireito.cocreation.services.spaces import membership_join, space_create
    from shireito.organizations.models import Organization

    agency = Organization.objects.get(code="e2e-da")
    prefecture = make_organization(
        code="e2e-pref",
        kind="local_government",
        local_government_level="prefecture",
        local_government_code="010006",
        name="試験県",
        name_en="Test Prefecture",
    )
    asker_town = make_organization(
        parent=prefecture,
        code="e2e-town",
        kind="local_government",
        local_government_level="municipality",
        local_government_code="011002",
        name="試験町",
        name_en="Test Town",
    )
    answer_city = make_organization(
        parent=prefecture,
        code="e2e-city",
        kind="local_government",
        local_government_level="municipality",
        local_government_code="012025",
        name="試験市",
        name_en="Test City",
    )
    officer = make_user(organization=agency, roles=["editor"], username="e2e-da-officer")
    make_user(organization=agency, roles=["editor"], username="e2e-da-approver")
    asker = make_user(organization=asker_town, roles=["editor"], username="e2e-town-officer")
    answerer = make_user(organization=answer_city, roles=["editor"], username="e2e-city-officer")
    space = space_create(
        actor=officer,
        slug="e2e-cloud",
        name="試験の移行の場",
        name_en="Test migration space",
        host=agency,
        responsible=[agency],
    )
    for user in (asker, answerer):
        membership_join(actor=user, space=space)
    return space


def _submit(page, form="main form"):
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").last.click()


def test_a_question_answered_made_official_and_found(live_server, new_page, platform):
    from shireito.cocreation.models import OfficialAnswer, Thread

    base = live_server.url

    # A town's officer asks a question in the space.
    town = new_page(base_url=base)
    sign_in(town, base, "e2e-town-officer")
    town.goto(f"{base}/cocreation/e2e-cloud/")
    town.click("text=新しいスレッド")
    town.select_option("#id_kind", "question")
    town.fill("#id_title", QUESTION)
    town.fill(
        "#id_body", "標準準拠システムへの移行に合わせて、窓口端末をいつ更新すべきか悩んでいます。"
    )
    with town.expect_navigation():
        town.locator("main button[name=publish]").click()
    thread = Thread.objects.get(title=QUESTION)
    assert town.url.startswith(f"{base}/cocreation/e2e-cloud/threads/{thread.pk}/")

    # Another municipality's officer answers it, from the keyboard alone.
    city = new_page(base_url=base)
    sign_in(city, base, "e2e-city-officer")
    city.goto(f"{base}/cocreation/e2e-cloud/threads/{thread.pk}/")
    city.focus("#id_body")
    city.keyboard.type(ANSWER)
    city.keyboard.press("Tab")
    focused = city.evaluate("document.activeElement.outerHTML")
    while 'type="submit"' not in focused:
        city.keyboard.press("Tab")
        focused = city.evaluate("document.activeElement.outerHTML")
    with city.expect_navigation():
        city.keyboard.press("Enter")
    assert ANSWER in city.content()
    assert_accessible(city)
    answer = thread.posts.get(body=ANSWER)

    # The Digital Agency's officer proposes it as the agency's official answer.
    officer = new_page(base_url=base)
    sign_in(officer, base, "e2e-da-officer")
    officer.goto(f"{base}/cocreation/e2e-cloud/threads/{thread.pk}/")
    officer.locator(f"#post-{answer.pk}").get_by_role("link", name="公式回答として提案").click()
    officer.fill(
        "#id_summary", "窓口端末は移行の半年前を目安に更新し、並行稼働の試験に使ってください。"
    )
    _submit(officer)
    official = OfficialAnswer.objects.get(post=answer)
    assert official.status == "pending"
    # the proposer cannot approve it
    officer.goto(f"{base}/cocreation/e2e-cloud/threads/{thread.pk}/")
    assert officer.get_by_role("button", name="公式回答として承認").count() == 0

    # A second officer of the agency approves it.
    approver = new_page(base_url=base)
    sign_in(approver, base, "e2e-da-approver")
    approver.goto(f"{base}/cocreation/official/")
    approver.goto(f"{base}/cocreation/e2e-cloud/threads/{thread.pk}/")
    with approver.expect_navigation():
        approver.get_by_role("button", name="公式回答として承認").click()
    official.refresh_from_db()
    assert official.status == "official" and official.approved_by.username == "e2e-da-approver"

    # The asker finds it by search, as the agency's official answer.
    town.goto(f"{base}/cocreation/search/")
    town.fill("#id_search", "窓口端末")
    town.check("#id_official")
    with town.expect_navigation():
        town.locator("main form button[type=submit]").first.click()
    results = town.locator("main").inner_text()
    assert QUESTION in results
    assert_accessible(town)
    town.goto(f"{base}/cocreation/e2e-cloud/threads/{thread.pk}/")
    post = town.locator(f"#post-{answer.pk}").inner_text()
    assert "デジタル庁" in post and "公式回答" in post
    assert_accessible(town)
