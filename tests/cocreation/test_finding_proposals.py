"""Proposals with accountability: decisions with reasons by the responsible organisations,
one support per person, and what carries an adopted proposal out, shown on both sides."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from shireito.cocreation import events
from shireito.cocreation.choices import LinkKind, ProposalStatus, ThreadKind
from shireito.cocreation.models import ProposalOutcome
from shireito.cocreation.selectors.outcomes import outcomes_of, proposals_carried_by
from shireito.cocreation.services.posts import thread_create
from shireito.cocreation.services.proposals import (
    outcome_add,
    proposal_decide,
    proposal_support,
    proposal_unsupport,
)
from tests.registry.conftest import systems  # noqa: F401 - one system per category

pytestmark = pytest.mark.django_db
S = ProposalStatus


@pytest.fixture
def proposal(space, people):
    """Tokyo proposes, on its own behalf, a shared test environment."""
    return thread_create(
        actor=people["tokyo-viewer"],
        space=space,
        kind=ThreadKind.PROPOSAL,
        title="共通の検証環境を用意してほしい",
        body="各団体が個別に用意するのは非効率です。",
        on_behalf=True,
    )


@pytest.fixture
def measure(government, people):
    """A measure of the 2026 draft plan, led by the Digital Agency."""
    from shireito.plans import services
    from shireito.plans.models import Measure, PlanArea

    da = people["da-editor"]
    edition = services.edition_create(actor=da, year=2026, title="重点計画2026")
    area = services.content_create(
        actor=da, instance=PlanArea(edition=edition, code="1", name="行政のデジタル化")
    )
    return services.content_create(
        actor=da,
        instance=Measure(
            edition=edition,
            area=area,
            code="M-9",
            name="共通検証環境",
            lead=government["da"],
            deadline=dt.date(2028, 3, 31),
        ),
    )


def test_a_decision_moves_the_proposal_and_keeps_its_reason(people, proposal):
    # given someone listening for decisions
    told = []

    def listen(**payload):
        told.append(payload)

    events.subscribe("proposal_status", listen)
    try:
        # when the Digital Agency takes the proposal under consideration
        change = proposal_decide(
            actor=people["da-editor"],
            thread=proposal,
            status=S.UNDER_CONSIDERATION,
            reason="来年度の予算要求で検討します。",
        )
    finally:
        events._subscribers["proposal_status"].remove(listen)

    # then the thread says so, the history keeps the reason and the organisation, and it is told
    proposal.refresh_from_db()
    assert proposal.proposal_status == S.UNDER_CONSIDERATION
    assert list(proposal.status_changes.values_list("status", "reason", "organization__code")) == [
        (S.UNDER_CONSIDERATION, "来年度の予算要求で検討します。", "da")
    ]
    assert told == [{"thread": proposal, "change": change, "actor": people["da-editor"]}]


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        ([S.UNDER_CONSIDERATION, S.ADOPTED], S.RECEIVED),
        ([], S.IMPLEMENTED),  # not before it is adopted
        ([S.DECLINED], S.ADOPTED),  # a declined proposal is first taken up again
        ([S.ADOPTED], S.UNDER_CONSIDERATION),
    ],
)
def test_only_the_allowed_transitions_are_taken(people, proposal, path, refused):
    # given a proposal moved along ``path``
    for status in path:
        proposal_decide(actor=people["mic-editor"], thread=proposal, status=status, reason="理由")

    # when an officer tries a move the rules do not allow
    with pytest.raises(ValidationError) as refusal:
        proposal_decide(actor=people["mic-editor"], thread=proposal, status=refused, reason="x")

    # then it is refused on the status
    assert "status" in refusal.value.message_dict


def test_a_decision_without_reason_names_every_problem(people, proposal):
    # when an officer sends neither a possible status nor a reason
    with pytest.raises(ValidationError) as refusal:
        proposal_decide(
            actor=people["da-editor"], thread=proposal, status=S.IMPLEMENTED, reason=" "
        )

    # then both are named at once
    assert set(refusal.value.message_dict) == {"status", "reason"}


@pytest.mark.parametrize("who", ["tokyo-viewer", "shibuya-editor", "da-viewer"])
def test_only_officers_of_a_responsible_organization_decide(people, proposal, who):
    # given a member who is not an officer (Tokyo, a DA viewer) or an officer of a body not
    # responsible for the space (Shibuya)
    # when they try to decide
    # then they are refused
    with pytest.raises(PermissionDenied):
        proposal_decide(actor=people[who], thread=proposal, status=S.DECLINED, reason="x")


def test_one_support_per_person_and_support_withdrawn(people, proposal):
    # given Shibuya supports the proposal twice and MIC's editor once
    assert proposal_support(actor=people["shibuya-editor"], thread=proposal) is True
    assert proposal_support(actor=people["shibuya-editor"], thread=proposal) is False
    proposal_support(actor=people["mic-editor"], thread=proposal)

    # then it counts two supporters
    proposal.refresh_from_db()
    assert proposal.support_count == 2 == proposal.supports.count()

    # when Shibuya withdraws (twice)
    assert proposal_unsupport(actor=people["shibuya-editor"], thread=proposal) is True
    assert proposal_unsupport(actor=people["shibuya-editor"], thread=proposal) is False

    # then one is left
    proposal.refresh_from_db()
    assert proposal.support_count == 1


def test_the_author_and_non_members_do_not_support(people, proposal):
    for who in ("tokyo-viewer", "da-viewer"):
        with pytest.raises(PermissionDenied):
            proposal_support(actor=people[who], thread=proposal)


def _adopt(people, proposal):
    proposal_decide(actor=people["da-editor"], thread=proposal, status=S.ADOPTED, reason="採用")


def test_an_outcome_the_officer_may_not_see_is_answered_as_unknown(people, proposal, systems):  # noqa: F811
    # given an adopted proposal
    _adopt(people, proposal)

    # when the agency's officer names a system it may not see, and one that does not exist
    answers = []
    for key in ("power-app", "no-such-system"):
        with pytest.raises(ValidationError) as refusal:
            outcome_add(actor=people["da-editor"], thread=proposal, kind=LinkKind.SYSTEM, key=key)
        answers.append(refusal.value.message_dict)

    # then the two answers are the same
    assert answers[0] == answers[1]
    assert "key" in answers[0]


def test_implemented_takes_an_outcome_and_shows_on_both_sides(
    client,
    people,
    proposal,
    systems,  # noqa: F811
    measure,
):
    # given an adopted proposal; marking it implemented before naming what carries it out fails
    _adopt(people, proposal)
    with pytest.raises(ValidationError):
        proposal_decide(
            actor=people["da-editor"], thread=proposal, status=S.IMPLEMENTED, reason="完了"
        )

    # when the agency names its portal and the plan's measure, then marks it implemented
    da = people["da-editor"]
    outcome_add(actor=da, thread=proposal, kind=LinkKind.SYSTEM, key="da-portal", note="検証環境")
    outcome_add(actor=da, thread=proposal, kind=LinkKind.MEASURE, key="2026/M-9")
    proposal_decide(actor=da, thread=proposal, status=S.IMPLEMENTED, reason="提供を開始しました")

    # then the proposal shows both, and the system's and measure's pages show the proposal
    assert [o.target.url for o in outcomes_of(da, proposal)] == [
        reverse("registry:detail", args=["da-portal"]),
        reverse("plans:measure", args=[2026, "M-9"]),
    ]
    client.force_login(da)
    page = client.get(reverse("cocreation:proposal", args=["gov-cloud", proposal.pk]))
    assert "提供を開始しました" in page.content.decode()
    assert "M-9" in page.content.decode()
    for url in (
        reverse("registry:detail", args=["da-portal"]),
        reverse("plans:measure", args=[2026, "M-9"]),
    ):
        shown = client.get(url).content.decode()
        assert proposal.title in shown, url


def test_a_system_page_hides_proposals_of_spaces_its_reader_may_not_read(
    client,
    people,
    proposal,
    systems,  # noqa: F811
):
    # given a proposal carried out by the power operator's system (recorded as it stands)
    ProposalOutcome.objects.create(thread=proposal, kind=LinkKind.SYSTEM, key="power-app")

    # when the operator, who sees its system but not the space, reads the system's page
    client.force_login(people["power-viewer"])
    page = client.get(reverse("registry:detail", args=["power-app"]))

    # then the proposal is not there, nor anything about it
    assert page.status_code == 200
    assert proposal.title not in page.content.decode()
    assert proposals_carried_by(people["power-viewer"], LinkKind.SYSTEM, "power-app") == []
    assert len(proposals_carried_by(people["da-viewer"], LinkKind.SYSTEM, "power-app")) == 1


def test_the_panel_offers_only_what_the_reader_may_do(client, people, proposal):
    url = reverse("cocreation:proposal", args=["gov-cloud", proposal.pk])
    # given an officer of a responsible organisation: the decision form, no support (a member
    # of the space who is not its author may support)
    client.force_login(people["da-editor"])
    shown = client.get(url).content.decode()
    assert reverse("cocreation:proposal_decide", args=["gov-cloud", proposal.pk]) in shown
    # a Digital Agency viewer (not a member): neither
    client.force_login(people["da-viewer"])
    shown = client.get(url).content.decode()
    assert reverse("cocreation:proposal_decide", args=["gov-cloud", proposal.pk]) not in shown
    assert reverse("cocreation:proposal_support", args=["gov-cloud", proposal.pk]) not in shown
    # Shibuya, a member: support
    client.force_login(people["shibuya-editor"])
    shown = client.get(url).content.decode()
    assert reverse("cocreation:proposal_support", args=["gov-cloud", proposal.pk]) in shown
    response = client.post(reverse("cocreation:proposal_support", args=["gov-cloud", proposal.pk]))
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.support_count == 1


def test_a_decision_by_page_and_the_list_by_status(client, people, proposal):
    # when the agency's officer declines the proposal through the form
    client.force_login(people["da-editor"])
    url = reverse("cocreation:proposal_decide", args=["gov-cloud", proposal.pk])
    refused = client.post(url, {"status": S.DECLINED, "reason": ""})
    done = client.post(url, {"status": S.DECLINED, "reason": "対象外です"})

    # then an empty reason is refused on the page, a reason is taken
    assert refused.status_code == 200
    assert done.status_code == 302
    listing = reverse("cocreation:proposals", args=["gov-cloud"])
    assert proposal.title in client.get(listing, {"status": S.DECLINED}).content.decode()
    assert proposal.title not in client.get(listing, {"status": S.ADOPTED}).content.decode()


def test_proposals_over_the_api(api, people, proposal):
    base = f"/api/v1/cocreation/spaces/gov-cloud/proposals/{proposal.pk}"
    # when MIC's officer decides with a reason, and then tries a move not allowed
    done = api(
        people["mic-editor"], "post", base + "/decisions", {"status": "adopted", "reason": "採用"}
    )
    refused = api(
        people["mic-editor"], "post", base + "/decisions", {"status": "received", "reason": "x"}
    )
    # and Shibuya supports it
    supported = api(people["shibuya-editor"], "put", base + "/support")

    # then
    assert done.status_code == 201, done.content
    assert done.json()["organization"] == "mic"
    assert refused.status_code == 422
    assert supported.json() == {"supported": True, "support_count": 1}
    detail = api(people["shibuya-editor"], "get", base).json()
    assert detail["status"] == "adopted"
    assert detail["next_statuses"] == []
    assert [c["reason"] for c in detail["history"]] == ["採用"]
    # an operator outside the space learns nothing
    assert api(people["power-viewer"], "get", base).status_code == 404
