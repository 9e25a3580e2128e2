"""The proposal and related panels a thread page includes (``_proposal_panel.html``,
``_related_panel.html``): each reads what it shows through the app's selectors and asks the
same permission rules as the services, so the panel offers only what the reader may do."""

from __future__ import annotations

from django import template

from shireito.cocreation import permissions
from shireito.cocreation.choices import ProposalStatus, ThreadKind
from shireito.cocreation.forms_proposals import ProposalDecideForm
from shireito.cocreation.selectors.outcomes import outcomes_of
from shireito.cocreation.selectors.proposals import history_of, supports
from shireito.cocreation.selectors.related import related_threads
from shireito.cocreation.services.proposals import next_statuses

register = template.Library()


@register.inclusion_tag("cocreation/partials/_proposal_account.html", takes_context=True)
def proposal_panel(context, thread, space) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if thread is None or thread.kind != ThreadKind.PROPOSAL or user is None:
        return {"show": False}
    may_decide = permissions.may_decide_proposal(user, thread)
    statuses = next_statuses(thread) if may_decide else []
    return {
        "show": True,
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "thread": thread,
        "space": space,
        "status_label": ProposalStatus(thread.proposal_status or ProposalStatus.RECEIVED).label,
        "history": list(history_of(user, thread)),
        "outcomes": outcomes_of(user, thread),
        "may_decide": may_decide,
        "decide_form": ProposalDecideForm(statuses=statuses) if statuses else None,
        "may_add_outcome": may_decide
        and thread.proposal_status in (ProposalStatus.ADOPTED, ProposalStatus.IMPLEMENTED),
        "may_support": permissions.may_support(user, thread),
        "supported": supports(user, thread),
    }


@register.inclusion_tag("cocreation/partials/_related_list.html", takes_context=True)
def related_panel(context, thread, space) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if thread is None or user is None:
        return {"threads": []}
    return {"threads": related_threads(user, thread), "thread": thread}


@register.filter
def thread_url(thread) -> str:
    """A thread's page (the thread part's route, ``cocreation:thread``)."""
    from django.urls import reverse

    return reverse("cocreation:thread", args=[thread.space.slug, thread.pk])
