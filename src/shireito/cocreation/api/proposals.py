"""Proposals over the API: a space's proposals, one with its account, decisions with reasons,
support (one per person) and what carries a proposal out. Scoped lookups answer 404 for what
the reader may not see; the services' rules answer 403 and 422."""

from django.http import Http404
from ninja import Query, Status
from ninja.pagination import paginate

from shireito.cocreation import permissions
from shireito.cocreation.api.common import router
from shireito.cocreation.choices import ThreadKind
from shireito.cocreation.schemas_finding import (
    CocreationProposalChangeOut,
    CocreationProposalDecisionIn,
    CocreationProposalDetailOut,
    CocreationProposalFilters,
    CocreationProposalOut,
    CocreationProposalOutcomeIn,
    CocreationProposalOutcomeOut,
    CocreationProposalSupportOut,
)
from shireito.cocreation.selectors.outcomes import outcome_get, outcomes_of, resolve_outcome
from shireito.cocreation.selectors.proposals import history_of, proposals_of, supports
from shireito.cocreation.selectors.spaces import space_get
from shireito.cocreation.selectors.threads import thread_get
from shireito.cocreation.services import proposals as services
from shireito.core.pages import get_or_404, id_or_404
from shireito.core.pagination import Pagination

BASE = "/spaces/{space}/proposals"
ONE = BASE + "/{thread}"


def space_or_404(request, slug: str):
    return get_or_404(space_get(request.auth, slug))


def proposal_or_404(request, slug: str, pk: int):
    space = space_or_404(request, slug)
    thread = get_or_404(thread_get(request.auth, space, id_or_404(pk)))
    if thread.kind != ThreadKind.PROPOSAL:
        raise Http404
    return thread


def detail(request, thread):
    """The proposal with what the reader may know of its account, for ``…DetailOut``."""
    user = request.auth
    may_decide = permissions.may_decide_proposal(user, thread)
    thread.supported = supports(user, thread)
    thread.next_statuses = services.next_statuses(thread) if may_decide else []
    thread.history = list(history_of(user, thread))
    thread.shown_outcomes = [
        {
            "id": shown.outcome.pk,
            "kind": shown.outcome.kind,
            "key": shown.outcome.key,
            "label": shown.target.label,
            "note": shown.outcome.note,
        }
        for shown in outcomes_of(user, thread)
    ]
    return thread


@router.get(
    BASE,
    response=list[CocreationProposalOut],
    operation_id="cocreation_proposals_list",
    summary="A space's proposals (of one status, if asked), the most recently posted to first",
)
@paginate(Pagination)
def cocreation_proposals_list(request, space: str, filters: Query[CocreationProposalFilters]):
    found = space_or_404(request, space)
    return proposals_of(request.auth, found, status=filters.status or "")


@router.get(
    ONE,
    response=CocreationProposalDetailOut,
    operation_id="cocreation_proposals_get",
    summary="A proposal's account: status, decisions with reasons, support and outcomes",
)
def cocreation_proposals_get(request, space: str, thread: int):
    return detail(request, proposal_or_404(request, space, thread))


@router.post(
    ONE + "/decisions",
    response={201: CocreationProposalChangeOut},
    operation_id="cocreation_proposals_decide",
    summary="Move a proposal to another status with a written reason (a responsible "
    "organization's officer)",
)
def cocreation_proposals_decide(
    request, space: str, thread: int, payload: CocreationProposalDecisionIn
):
    found = proposal_or_404(request, space, thread)
    change = services.proposal_decide(
        actor=request.auth, thread=found, status=payload.status, reason=payload.reason
    )
    return Status(201, change)


@router.put(
    ONE + "/support",
    response=CocreationProposalSupportOut,
    operation_id="cocreation_proposals_support",
    summary="Support a proposal (once; supporting again changes nothing)",
)
def cocreation_proposals_support(request, space: str, thread: int):
    found = proposal_or_404(request, space, thread)
    services.proposal_support(actor=request.auth, thread=found)
    return {"supported": True, "support_count": found.support_count}


@router.delete(
    ONE + "/support",
    response=CocreationProposalSupportOut,
    operation_id="cocreation_proposals_unsupport",
    summary="Withdraw one's support of a proposal",
)
def cocreation_proposals_unsupport(request, space: str, thread: int):
    found = proposal_or_404(request, space, thread)
    services.proposal_unsupport(actor=request.auth, thread=found)
    return {"supported": False, "support_count": found.support_count}


@router.post(
    ONE + "/outcomes",
    response={201: CocreationProposalOutcomeOut},
    operation_id="cocreation_proposals_outcomes_add",
    summary="Name the plan measure or system that carries out an adopted proposal",
)
def cocreation_proposals_outcomes_add(
    request, space: str, thread: int, payload: CocreationProposalOutcomeIn
):
    found = proposal_or_404(request, space, thread)
    outcome = services.outcome_add(
        actor=request.auth, thread=found, kind=payload.kind, key=payload.key, note=payload.note
    )
    target = resolve_outcome(request.auth, outcome.kind, outcome.key)
    return Status(
        201,
        {
            "id": outcome.pk,
            "kind": outcome.kind,
            "key": outcome.key,
            "label": target.label if target else outcome.key,
            "note": outcome.note,
        },
    )


@router.delete(
    ONE + "/outcomes/{outcome}",
    response={204: None},
    operation_id="cocreation_proposals_outcomes_remove",
    summary="Remove what a proposal names as carrying it out",
)
def cocreation_proposals_outcomes_remove(request, space: str, thread: int, outcome: int):
    found = proposal_or_404(request, space, thread)
    item = get_or_404(outcome_get(request.auth, found, id_or_404(outcome)))
    services.outcome_remove(actor=request.auth, outcome=item)
    return Status(204, None)
