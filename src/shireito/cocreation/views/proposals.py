"""Proposal pages: a space's proposals by status, one proposal with its account (status,
history, support, outcomes), and the officers' and members' actions on it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shireito.cocreation import permissions
from shireito.cocreation.choices import ThreadKind
from shireito.cocreation.forms_proposals import (
    ProposalDecideForm,
    ProposalFilters,
    ProposalOutcomeForm,
)
from shireito.cocreation.selectors.moderation import shown as withhold_hidden
from shireito.cocreation.selectors.outcomes import outcome_get
from shireito.cocreation.selectors.proposals import proposals_of
from shireito.cocreation.selectors.spaces import space_get
from shireito.cocreation.selectors.threads import thread_get
from shireito.cocreation.services import proposals as services
from shireito.core.languages import sentence_with_names
from shireito.core.pages import bound_form, form_page, get_or_404, id_or_404, list_page


def _space(request, slug: str):
    return get_or_404(space_get(request.user, slug))


def _proposal(request, slug: str, pk: int):
    space = _space(request, slug)
    thread = get_or_404(thread_get(request.user, space, id_or_404(pk)))
    if thread.kind != ThreadKind.PROPOSAL:
        raise Http404
    return space, thread


def proposal_url(thread) -> str:
    return reverse("cocreation:proposal", args=[thread.space.slug, thread.pk])


@login_required
def proposal_list(request, space: str):
    found = _space(request, space)
    filters = ProposalFilters(request.GET)
    values = filters.values()
    return list_page(
        request,
        template="cocreation/proposal_list.html",
        items=proposals_of(request.user, found, status=values.get("status") or ""),
        filters=filters,
        context={"space": found},
    )


@login_required
def proposal_detail(request, space: str, thread: int):
    found, proposal = _proposal(request, space, thread)
    opening = proposal.posts.filter(is_opening=True, is_draft=False).first()
    if opening is not None:
        # A hidden opening's text is its author's and the moderators' only.
        opening.thread = proposal
        opening = withhold_hidden(request.user, [opening])[0]
    return render(
        request,
        "cocreation/proposal_detail.html",
        {"space": found, "thread": proposal, "opening": opening},
    )


@login_required
def proposal_decide(request, space: str, thread: int):
    found, proposal = _proposal(request, space, thread)
    if not permissions.may_decide_proposal(request.user, proposal):
        raise Http404
    form = bound_form(ProposalDecideForm, request, statuses=services.next_statuses(proposal))
    return form_page(
        request,
        form,
        action=lambda data: services.proposal_decide(
            actor=request.user, thread=proposal, status=data["status"], reason=data["reason"]
        ),
        success=_("The proposal's status is changed."),
        redirect_to=proposal_url(proposal),
        title=_("Decide on the proposal “%(title)s”") % {"title": proposal.title},
        submit_label=_("Record the decision"),
        context={"space": found},
    )


@login_required
def proposal_outcome_add(request, space: str, thread: int):
    found, proposal = _proposal(request, space, thread)
    if not permissions.may_decide_proposal(request.user, proposal):
        raise Http404
    form = bound_form(ProposalOutcomeForm, request)
    return form_page(
        request,
        form,
        action=lambda data: services.outcome_add(
            actor=request.user,
            thread=proposal,
            kind=data["kind"],
            key=data["key"],
            note=data["note"],
        ),
        success=_("The proposal names what carries it out."),
        redirect_to=proposal_url(proposal),
        title=sentence_with_names(_("What carries out “%(title)s”"), title=proposal.title),
        submit_label=_("Add"),
        context={"space": found},
    )


@login_required
@require_POST
def proposal_outcome_remove(request, space: str, thread: int, outcome: int):
    _found, proposal = _proposal(request, space, thread)
    if not permissions.may_decide_proposal(request.user, proposal):
        raise Http404
    item = get_or_404(outcome_get(request.user, proposal, id_or_404(outcome)))
    services.outcome_remove(actor=request.user, outcome=item)
    messages.success(request, _("The outcome is removed."))
    return redirect(proposal_url(proposal))


@login_required
@require_POST
def proposal_support(request, space: str, thread: int):
    _found, proposal = _proposal(request, space, thread)
    if not permissions.may_support(request.user, proposal):
        raise Http404
    if request.POST.get("withdraw"):
        services.proposal_unsupport(actor=request.user, thread=proposal)
        messages.success(request, _("Your support is withdrawn."))
    else:
        services.proposal_support(actor=request.user, thread=proposal)
        messages.success(request, _("You support the proposal."))
    return redirect(proposal_url(proposal))
