"""The answer actions beside each post of a thread: accept (or take the mark off), propose as
the reader's organisation's official answer, and approve or refuse one awaiting approval.
What the rules allow is worked out once per thread (``thread_answer_rules``), so a thread of
200 posts asks the database the same few questions as one of two."""

from __future__ import annotations

from dataclasses import dataclass, field

from django import template

from shireito.cocreation import permissions
from shireito.cocreation.choices import OfficialStatus
from shireito.cocreation.models import OfficialAnswer, Post, Thread
from shireito.cocreation.selectors.official import pending_in_thread

register = template.Library()
KEY = "_cocreation_answer_rules"


@dataclass
class ThreadAnswerRules:
    may_accept: bool = False
    may_propose: bool = False
    # posts the reader's organisation has already made official or proposed
    taken: set[int] = field(default_factory=set)
    pending: dict[int, list[OfficialAnswer]] = field(default_factory=dict)


def thread_answer_rules(user, thread: Thread) -> ThreadAnswerRules:
    cached = thread.__dict__.get(KEY)
    if cached is not None and cached[0] == getattr(user, "pk", None):
        return cached[1]
    rules = ThreadAnswerRules()
    if user is not None and user.is_authenticated:
        rules.may_accept = permissions.may_accept_answer(user, thread)
        rules.may_propose = permissions.may_propose_official(user, thread)
        if rules.may_propose:
            rules.taken = set(
                OfficialAnswer.objects.filter(
                    thread=thread,
                    organization_id=user.organization_id,
                    status__in=[OfficialStatus.PENDING, OfficialStatus.OFFICIAL],
                ).values_list("post_id", flat=True)
            )
        for answer in pending_in_thread(user, thread):
            rules.pending.setdefault(answer.post_id, []).append(answer)
    thread.__dict__[KEY] = (getattr(user, "pk", None), rules)
    return rules


def _answerable(post: Post) -> bool:
    return not (post.is_opening or post.is_draft or post.hidden_at is not None)


@register.inclusion_tag("cocreation/partials/_answer_buttons.html", takes_context=True)
def answer_actions(context, post: Post, thread: Thread, space) -> dict:
    user = context.get("user") or getattr(context.get("request"), "user", None)
    rules = thread_answer_rules(user, thread)
    answerable = _answerable(post)
    accepted = thread.accepted_post_id == post.pk
    return {
        "post": post,
        "thread": thread,
        "space": space,
        "csrf_token": context.get("csrf_token"),
        "may_accept": rules.may_accept and answerable and not accepted,
        "may_unaccept": rules.may_accept and accepted,
        "may_propose": rules.may_propose and answerable and post.pk not in rules.taken,
        "pending": rules.pending.get(post.pk, []),
    }
