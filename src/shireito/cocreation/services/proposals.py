"""Proposals with accountability: a responsible organisation's officer moves a proposal along
(received → under consideration → adopted → implemented, or declined), always with a written
reason; members support it once each; an adopted proposal names the plan measure or system
that carries it out (``ProposalOutcome``), resolved as the officer sees it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from shireito.cocreation import events, permissions
from shireito.cocreation.choices import LinkKind, ProposalStatus, ThreadKind
from shireito.cocreation.models import (
    ProposalOutcome,
    ProposalStatusChange,
    ProposalSupport,
    Thread,
)
from shireito.cocreation.selectors.outcomes import OUTCOME_KINDS, resolve_outcome
from shireito.core.services import Rules, audited_create, audited_delete, audited_update

if TYPE_CHECKING:
    from shireito.accounts.models import User

S = ProposalStatus
# Where a proposal may go from each status. A declined proposal may be taken up again; an
# implemented one is done. Moving to the status it has is never a change.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.RECEIVED: frozenset({S.UNDER_CONSIDERATION, S.ADOPTED, S.DECLINED}),
    S.UNDER_CONSIDERATION: frozenset({S.ADOPTED, S.DECLINED}),
    S.ADOPTED: frozenset({S.IMPLEMENTED, S.DECLINED}),
    S.IMPLEMENTED: frozenset(),
    S.DECLINED: frozenset({S.UNDER_CONSIDERATION}),
}
MAX_REASON = 5_000
MAX_NOTE = 2_000


def next_statuses(thread: Thread) -> list[str]:
    """The statuses the proposal may move to, in the order of the vocabulary."""
    allowed = TRANSITIONS.get(thread.proposal_status or S.RECEIVED, frozenset())
    return [value for value in S.values if value in allowed]


def proposal_decide_check(*, thread: Thread, status: str, reason: str) -> None:
    rules = Rules()
    if thread.kind != ThreadKind.PROPOSAL:
        rules.add(None, _("Only a proposal has a status."))
    elif status not in next_statuses(thread):
        rules.add(
            "status",
            _("A proposal that is %(now)s cannot become %(next)s.")
            % {
                "now": S(thread.proposal_status or S.RECEIVED).label,
                "next": S(status).label if status in S.values else status,
            },
        )
    elif status == S.IMPLEMENTED and not thread.outcomes.exists():
        rules.add(
            "status",
            _("Name the plan measure or system that carries it out before marking it implemented."),
        )
    if not reason.strip():
        rules.add("reason", _("Write the reason for the decision."))
    elif len(reason) > MAX_REASON:
        rules.add("reason", _("Keep the reason under %(limit)s characters.") % {"limit": "5,000"})
    rules.raise_all()


def proposal_decide(
    *, actor: User, thread: Thread, status: str, reason: str
) -> ProposalStatusChange:
    """Set a proposal's status with its reason, on behalf of the actor's organisation (one of
    the space's responsible organisations); the history keeps every change."""
    if not permissions.may_decide_proposal(actor, thread):
        raise PermissionDenied
    with transaction.atomic():
        # Under the row lock: two officers deciding at once see each other's change.
        locked = Thread.objects.select_for_update().get(pk=thread.pk)
        thread.proposal_status = locked.proposal_status
        proposal_decide_check(thread=thread, status=status, reason=reason)
        change = audited_create(
            actor=actor,
            instance=ProposalStatusChange(
                thread=thread,
                status=status,
                reason=reason.strip(),
                organization=actor.organization,
                changed_by=actor,
            ),
        )
        audited_update(actor=actor, instance=locked, proposal_status=status)
        thread.proposal_status = status
        thread.version = locked.version
        events.emit("proposal_status", thread=thread, change=change, actor=actor)
    return change


def proposal_support(*, actor: User, thread: Thread) -> bool:
    """Support a proposal; supporting it again changes nothing. True when newly supported."""
    if not permissions.may_support(actor, thread):
        raise PermissionDenied
    with transaction.atomic():
        # The proposal's row lock puts one person's two clicks (or two people) in turn.
        Thread.objects.select_for_update().filter(pk=thread.pk).first()
        if ProposalSupport.objects.filter(thread=thread, user=actor).exists():
            return False
        try:
            with transaction.atomic():
                audited_create(actor=actor, instance=ProposalSupport(thread=thread, user=actor))
        except IntegrityError:
            return False
        # Counted in the database, not from the row in hand, so concurrent supports add up.
        Thread.objects.filter(pk=thread.pk).update(support_count=F("support_count") + 1)
    thread.refresh_from_db(fields=["support_count"])
    return True


def proposal_unsupport(*, actor: User, thread: Thread) -> bool:
    """Withdraw one's support. True when there was support to withdraw."""
    if not permissions.may_post(actor, thread.space):
        raise PermissionDenied  # an archived space, or one no longer joined, is read only
    with transaction.atomic():
        support = (
            ProposalSupport.objects.select_for_update().filter(thread=thread, user=actor).first()
        )
        if support is None:
            return False
        audited_delete(actor=actor, instance=support)
        Thread.objects.filter(pk=thread.pk).update(support_count=F("support_count") - 1)
    thread.refresh_from_db(fields=["support_count"])
    return True


def outcome_add(
    *, actor: User, thread: Thread, kind: str, key: str, note: str = ""
) -> ProposalOutcome:
    """Name what carries an adopted (or implemented) proposal out: a plan measure (key
    ``<edition year>/<measure code>``) or a system (its id), as the officer sees it; one the
    officer may not see is answered as one that does not exist."""
    if not permissions.may_decide_proposal(actor, thread):
        raise PermissionDenied
    rules = Rules()
    key = key.strip()
    if thread.proposal_status not in (S.ADOPTED, S.IMPLEMENTED):
        rules.add(None, _("Only an adopted proposal is carried out by something."))
    if kind not in OUTCOME_KINDS:
        rules.add("kind", _("Choose a plan measure or an information system."))
    elif resolve_outcome(actor, kind, key) is None:
        rules.add("key", _("No such %(kind)s that you may see.") % {"kind": LinkKind(kind).label})
    elif thread.outcomes.filter(kind=kind, key=key).exists():
        rules.add("key", _("The proposal already names it."))
    if len(note) > MAX_NOTE:
        rules.add("note", _("Keep the note under %(limit)s characters.") % {"limit": "2,000"})
    rules.raise_all()
    return audited_create(
        actor=actor,
        instance=ProposalOutcome(
            thread=thread, kind=kind, key=key, note=note.strip(), created_by=actor
        ),
    )


def outcome_remove(*, actor: User, outcome: ProposalOutcome) -> None:
    if not permissions.may_decide_proposal(actor, outcome.thread):
        raise PermissionDenied
    audited_delete(actor=actor, instance=outcome)
