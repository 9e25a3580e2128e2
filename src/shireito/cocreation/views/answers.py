"""The answers' pages: accepting an answer, proposing a post as an organisation's official
answer, approving or refusing one (a second officer), the list of those awaiting approval,
and an organisation's FAQ of official answers."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shireito.cocreation import permissions
from shireito.cocreation.choices import OfficialStatus
from shireito.cocreation.forms_spaces import OfficialProposeForm, OfficialRefuseForm
from shireito.cocreation.selectors.official import answer_get, faq_of, pending_for
from shireito.cocreation.selectors.threads import posts_of
from shireito.cocreation.services.answers import (
    answer_accept,
    answer_unaccept,
    official_approve,
    official_check,
    official_propose,
    official_refuse,
)
from shireito.cocreation.views.common import thread_or_404, thread_url, using_or_403
from shireito.core.pages import bound_form, form_page, get_or_404, id_or_404
from shireito.organizations.selectors import organization_directory


def _post_or_404(request, thread, pk):
    return get_or_404(posts_of(request.user, thread).filter(pk=id_or_404(pk)).first())


def _told(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


@login_required
@require_POST
def accept(request, space: str, thread: int, post: int):
    _space, found = thread_or_404(request, space, thread)
    if not permissions.may_accept_answer(request.user, found):
        raise PermissionDenied
    answer = _post_or_404(request, found, post)
    try:
        answer_accept(actor=request.user, thread=found, post=answer)
    except ValidationError as exc:
        _told(request, exc)
    else:
        messages.success(request, _("The answer was accepted."))
    return redirect(thread_url(found))


@login_required
@require_POST
def unaccept(request, space: str, thread: int):
    _space, found = thread_or_404(request, space, thread)
    if not permissions.may_accept_answer(request.user, found) or found.accepted_post_id is None:
        raise PermissionDenied
    answer_unaccept(actor=request.user, thread=found)
    messages.success(request, _("The answer is no longer marked accepted."))
    return redirect(thread_url(found))


@login_required
def propose(request, space: str, thread: int, post: int):
    """Propose a post as the officer's organisation's official answer."""
    _space, found = thread_or_404(request, space, thread)
    if not permissions.may_propose_official(request.user, found):
        raise PermissionDenied
    answer = _post_or_404(request, found, post)
    if answer.is_draft or answer.hidden_at is not None:
        raise Http404  # neither can be an answer; a hidden one's text is not the officer's
    organization = request.user.organization
    form = bound_form(OfficialProposeForm, request, initial={"summary": answer.body})

    def check(data: dict) -> None:
        official_check(
            actor=request.user,
            thread=found,
            post=answer,
            organization=organization,
            summary=data.get("summary", ""),
        )

    return form_page(
        request,
        form,
        action=lambda data: official_propose(
            actor=request.user,
            thread=found,
            post=answer,
            organization=organization,
            summary=data["summary"],
        ),
        check=check,
        aliases={"post": "__all__", "organization": "__all__"},
        success=_("The answer awaits a second officer's approval."),
        redirect_to=thread_url(found),
        title=_("Propose as %(organization)s's official answer") % {"organization": organization},
        intro=_(
            "A second officer of your organization approves it; it is then shown on the thread "
            "and in your organization's FAQ, dated, until a later answer replaces it."
        ),
        submit_label=_("Propose"),
    )


def _answer_or_404(request, pk: int):
    using_or_403(request)
    return get_or_404(answer_get(request.user, id_or_404(pk)))


@login_required
@require_POST
def approve(request, answer: int):
    found = _answer_or_404(request, answer)
    if not permissions.may_approve_official(request.user, found):
        raise PermissionDenied
    try:
        official_approve(actor=request.user, answer=found)
    except ValidationError as exc:
        _told(request, exc)
    else:
        messages.success(request, _("The official answer is in force."))
    if request.POST.get("from") == "pending":
        return redirect(reverse("cocreation:official_pending"))
    return redirect(thread_url(found.thread))


@login_required
def refuse(request, answer: int):
    found = _answer_or_404(request, answer)
    if not permissions.may_approve_official(request.user, found):
        raise PermissionDenied
    form = bound_form(OfficialRefuseForm, request)
    return form_page(
        request,
        form,
        action=lambda data: official_refuse(
            actor=request.user, answer=found, reason=data["reason"]
        ),
        aliases={"__all__": "__all__"},
        success=_("The proposed answer was refused."),
        redirect_to=reverse("cocreation:official_pending"),
        title=_("Refuse the proposed official answer"),
        intro=found.summary,
        submit_label=_("Refuse"),
    )


@login_required
def pending(request):
    """The official answers awaiting approval for the user's organisation."""
    using_or_403(request)
    if not permissions.is_officer(request.user):
        raise PermissionDenied
    answers = list(pending_for(request.user).select_related("post__author"))
    return render(
        request,
        "cocreation/official_pending.html",
        {
            "answers": [(a, permissions.may_approve_official(request.user, a)) for a in answers],
        },
    )


@login_required
def faq(request, org: str):
    """An organisation's official answers the reader may read: in force first, then those
    superseded, each marked with what replaced it."""
    using_or_403(request)
    organization = get_or_404(organization_directory().filter(code=org).first())
    answers = list(faq_of(request.user, organization))
    return render(
        request,
        "cocreation/faq.html",
        {
            "organization": organization,
            "in_force": [a for a in answers if a.status == OfficialStatus.OFFICIAL],
            "superseded": [a for a in answers if a.status != OfficialStatus.OFFICIAL],
        },
    )
