"""Proposals as a user may see them: a space's proposals by status, and a proposal's history
of decisions."""

from __future__ import annotations

from django.db.models import QuerySet

from shireito.cocreation.choices import ThreadKind
from shireito.cocreation.models import ProposalStatusChange, ProposalSupport, Space, Thread
from shireito.cocreation.selectors.threads import threads_of
from shireito.core.scoping import visible_to


def proposals_of(user, space: Space, *, status: str = "") -> QuerySet[Thread]:
    """A space's proposals (of one status, if given), the most recently posted to first."""
    proposals = threads_of(user, space).filter(kind=ThreadKind.PROPOSAL)
    return proposals.filter(proposal_status=status) if status else proposals


def history_of(user, thread: Thread) -> QuerySet[ProposalStatusChange]:
    """Every decision on a proposal, oldest first, with who decided for which organisation."""
    return visible_to(user, ProposalStatusChange.objects.filter(thread=thread)).select_related(
        "organization", "changed_by"
    )


def supports(user, thread: Thread) -> bool:
    """Whether the user supports the proposal."""
    if not (user and user.is_authenticated):
        return False
    return ProposalSupport.objects.filter(thread=thread, user_id=user.pk).exists()
