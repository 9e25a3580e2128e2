"""Answers that count: a question's accepted answer (its asker or a moderator marks it) and an
organisation's official answers (one officer proposes a post, a second officer of the same
organisation approves or refuses it; in force from its approval, dated, and superseded, never
deleted, when the organisation approves a later one on the same thread)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shireito.cocreation import events, permissions
from shireito.cocreation.choices import OfficialStatus
from shireito.cocreation.models import OfficialAnswer, Post, Thread
from shireito.core.services import Rules, audited_create, audited_update

if TYPE_CHECKING:
    from shireito.accounts.models import User
    from shireito.organizations.models import Organization

SUMMARY_MAX = 20_000


def _answerable_post(rules: Rules, thread: Thread, post: Post, field: str = "post") -> None:
    """A post that can be an answer: published in the thread, not its opening, not hidden."""
    if post.thread_id != thread.pk:
        rules.add(field, _("The post is not in this thread."))
    elif post.is_draft or post.hidden_at is not None:
        rules.add(field, _("A draft or hidden post cannot be an answer."))
    elif post.is_opening:
        rules.add(field, _("The opening post asks; choose a reply as the answer."))


def answer_accept(*, actor: User | None, thread: Thread, post: Post) -> Thread:
    """Mark ``post`` as the question's accepted answer (replacing an earlier one)."""
    if not permissions.may_accept_answer(actor, thread):
        raise PermissionDenied
    rules = Rules()
    _answerable_post(rules, thread, post)
    rules.raise_all()
    with transaction.atomic():
        audited_update(actor=actor, instance=thread, accepted_post=post, is_answered=True)
        events.emit("answer_accepted", thread=thread, post=post, actor=actor)
    return thread


def answer_unaccept(*, actor: User | None, thread: Thread) -> Thread:
    """Take the accepted mark off; the question stays answered while an official answer is in
    force."""
    if not permissions.may_accept_answer(actor, thread):
        raise PermissionDenied
    with transaction.atomic():
        official = thread.official_answers.filter(status=OfficialStatus.OFFICIAL).exists()
        audited_update(actor=actor, instance=thread, accepted_post=None, is_answered=official)
    return thread


def official_check(
    *, actor: User | None, thread: Thread, post: Post, organization: Organization, summary: str
) -> None:
    """Every problem with a proposal at once (the page and the API ask it before writing)."""
    rules = Rules()
    _answerable_post(rules, thread, post)
    if organization.pk not in permissions.responsible_ids(thread.space):
        rules.add(
            "organization", _("Only an organization responsible for the space answers officially.")
        )
    elif actor is not None and actor.organization_id != organization.pk:
        rules.add("organization", _("An officer proposes their own organization's answers."))
    if len(summary) > SUMMARY_MAX:
        rules.add("summary", _("Keep the official wording under 20,000 characters."))
    if OfficialAnswer.objects.filter(
        post=post, organization=organization, status=OfficialStatus.PENDING
    ).exists():
        rules.add("post", _("This post already awaits approval as the organization's answer."))
    if OfficialAnswer.objects.filter(
        post=post, organization=organization, status=OfficialStatus.OFFICIAL
    ).exists():
        rules.add("post", _("This post is already the organization's official answer."))
    rules.raise_all()


def official_propose(
    *,
    actor: User,
    thread: Thread,
    post: Post,
    organization: Organization,
    summary: str = "",
) -> OfficialAnswer:
    """Propose ``post`` as ``organization``'s official answer to ``thread``; it awaits a
    second officer's approval. The wording defaults to the post's text."""
    if actor is None or not permissions.may_propose_official(actor, thread):
        raise PermissionDenied
    summary = (summary or "").strip()
    official_check(
        actor=actor, thread=thread, post=post, organization=organization, summary=summary
    )
    with transaction.atomic():
        return audited_create(
            actor=actor,
            instance=OfficialAnswer(
                thread=thread,
                post=post,
                organization=organization,
                summary=summary or post.body,
                proposed_by=actor,
            ),
        )


def _pending(answer: OfficialAnswer) -> OfficialAnswer:
    """The answer read again under a row lock, refused unless it still awaits approval."""
    current = OfficialAnswer.objects.select_for_update().get(pk=answer.pk)
    if current.status != OfficialStatus.PENDING:
        raise ValidationError(_("This answer no longer awaits approval."))
    return current


def official_approve(*, actor: User | None, answer: OfficialAnswer) -> OfficialAnswer:
    """A second officer puts the answer in force: dated, the thread answered, and the
    organisation's earlier official answer on the thread superseded by it (kept, marked)."""
    if not permissions.may_approve_official(actor, answer):
        raise PermissionDenied
    now = timezone.now()
    with transaction.atomic():
        _pending(answer)
        # The post may have been hidden since it was proposed.
        rules = Rules()
        _answerable_post(rules, answer.thread, Post.objects.get(pk=answer.post_id))
        rules.raise_all()
        audited_update(
            actor=actor,
            instance=answer,
            status=OfficialStatus.OFFICIAL,
            approved_by=actor,
            approved_at=now,
        )
        earlier = (
            OfficialAnswer.objects.select_for_update()
            .filter(
                thread_id=answer.thread_id,
                organization_id=answer.organization_id,
                status=OfficialStatus.OFFICIAL,
            )
            .exclude(pk=answer.pk)
        )
        for old in earlier:
            audited_update(
                actor=actor,
                instance=old,
                status=OfficialStatus.SUPERSEDED,
                superseded_by=answer,
                superseded_at=now,
            )
        thread = Thread.objects.get(pk=answer.thread_id)
        if not thread.is_answered:
            audited_update(actor=actor, instance=thread, is_answered=True)
        events.emit("official_answer", answer=answer, actor=actor)
    return answer


def official_refuse(*, actor: User | None, answer: OfficialAnswer, reason: str) -> OfficialAnswer:
    """A second officer refuses the proposal, with a reason (kept, as refused)."""
    if not permissions.may_approve_official(actor, answer):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the answer is refused.")})
    with transaction.atomic():
        _pending(answer)
        audited_update(
            actor=actor, instance=answer, status=OfficialStatus.REFUSED, refusal_reason=reason
        )
    return answer
