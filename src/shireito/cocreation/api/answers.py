"""Answers over the API: accepting a question's answer, proposing a post as my organisation's
official answer, approving or refusing one (a second officer of the same organisation), those
awaiting approval, and an organisation's FAQ of official answers."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Status

from shireito.cocreation import permissions
from shireito.cocreation.api.common import router
from shireito.cocreation.api.schemas_answers import (
    CocreationAcceptedOut,
    CocreationAcceptIn,
    OfficialAnswerOut,
    OfficialProposeIn,
    OfficialRefuseIn,
)
from shireito.cocreation.selectors.official import answer_get, faq_of, pending_for
from shireito.cocreation.selectors.spaces import space_get
from shireito.cocreation.selectors.threads import posts_of, thread_get
from shireito.cocreation.services.answers import (
    answer_accept,
    answer_unaccept,
    official_approve,
    official_propose,
    official_refuse,
)
from shireito.core.pages import get_or_404, id_or_404
from shireito.organizations.selectors import organization_directory


def _using(request) -> None:
    if not permissions.may_use_cocreation(request.auth):
        raise PermissionDenied


def _thread(request, space: str, thread: int):
    _using(request)
    found_space = get_or_404(space_get(request.auth, space))
    found = get_or_404(thread_get(request.auth, found_space, id_or_404(thread)))
    found.space = found_space
    return found


def _post(request, thread, pk: int):
    found = posts_of(request.auth, thread).filter(pk=id_or_404(pk)).first()
    if found is None:
        raise ValidationError({"post": _("No such post in the thread.")})
    return found


def _answer(request, pk: int):
    _using(request)
    return get_or_404(answer_get(request.auth, id_or_404(pk)))


@router.put(
    "/spaces/{space}/threads/{thread}/accepted",
    response=CocreationAcceptedOut,
    operation_id="cocreation_answer_accept",
    summary="Mark a question's accepted answer, or take the mark off (its asker or a moderator)",
)
def cocreation_answer_accept(request, space: str, thread: int, payload: CocreationAcceptIn):
    found = _thread(request, space, thread)
    if payload.post is None:
        answer_unaccept(actor=request.auth, thread=found)
    else:
        if not permissions.may_accept_answer(request.auth, found):
            raise PermissionDenied
        answer_accept(actor=request.auth, thread=found, post=_post(request, found, payload.post))
    found.refresh_from_db()
    return found


@router.post(
    "/spaces/{space}/threads/{thread}/official",
    response={201: OfficialAnswerOut},
    operation_id="cocreation_official_propose",
    summary="Propose a post as my organization's official answer (an officer of a "
    "responsible organization); it awaits a second officer's approval",
)
def cocreation_official_propose(request, space: str, thread: int, payload: OfficialProposeIn):
    found = _thread(request, space, thread)
    if not permissions.may_propose_official(request.auth, found):
        raise PermissionDenied
    answer = official_propose(
        actor=request.auth,
        thread=found,
        post=_post(request, found, payload.post),
        organization=request.auth.organization,
        summary=payload.summary,
    )
    return Status(201, answer_get(request.auth, answer.pk))


@router.get(
    "/official/pending",
    response=list[OfficialAnswerOut],
    operation_id="cocreation_official_pending",
    summary="The official answers awaiting approval for my organization",
)
def cocreation_official_pending(request):
    _using(request)
    return list(pending_for(request.auth))


@router.get(
    "/official/{answer}",
    response=OfficialAnswerOut,
    operation_id="cocreation_official_get",
    summary="One official answer (in force, superseded, awaiting approval or refused)",
)
def cocreation_official_get(request, answer: int):
    found = _answer(request, answer)
    if found.status in ("pending", "refused") and found.organization_id != getattr(
        request.auth, "organization_id", None
    ):
        raise PermissionDenied
    return found


@router.post(
    "/official/{answer}/approve",
    response=OfficialAnswerOut,
    operation_id="cocreation_official_approve",
    summary="Approve a proposed official answer (a second officer of the same organization); "
    "it supersedes the organization's earlier answer on the thread",
)
def cocreation_official_approve(request, answer: int):
    found = _answer(request, answer)
    official_approve(actor=request.auth, answer=found)
    return answer_get(request.auth, found.pk)


@router.post(
    "/official/{answer}/refuse",
    response=OfficialAnswerOut,
    operation_id="cocreation_official_refuse",
    summary="Refuse a proposed official answer, with a reason (a second officer)",
)
def cocreation_official_refuse(request, answer: int, payload: OfficialRefuseIn):
    found = _answer(request, answer)
    official_refuse(actor=request.auth, answer=found, reason=payload.reason)
    return answer_get(request.auth, found.pk)


@router.get(
    "/faq/{org}",
    response=list[OfficialAnswerOut],
    operation_id="cocreation_faq",
    summary="An organization's official answers I may read: in force first, then superseded",
)
def cocreation_faq(request, org: str):
    _using(request)
    organization = get_or_404(organization_directory().filter(code=org).first())
    return list(faq_of(request.auth, organization))
