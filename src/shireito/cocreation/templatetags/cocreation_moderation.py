"""What moderation offers on one post, for ``partials/_moderation_actions.html``: the same
rules the services ask, and the reader's own reports read once per thread (not per post)."""

from __future__ import annotations

from dataclasses import dataclass

from django import template

from shireito.cocreation import permissions
from shireito.cocreation.models import PostReport

register = template.Library()

REPORTED_KEY = "_shireito_cocreation_reported"


@dataclass
class ModerationState:
    hidden: bool
    text_visible: bool
    may_report: bool
    reported: bool
    may_moderate: bool


def _reported(user, thread_id: int) -> set[int]:
    cache = user.__dict__.setdefault(REPORTED_KEY, {})
    if thread_id not in cache:
        cache[thread_id] = set(
            PostReport.objects.filter(reporter_id=user.pk, post__thread_id=thread_id).values_list(
                "post_id", flat=True
            )
        )
    return cache[thread_id]


@register.simple_tag(takes_context=True)
def moderation_state(context, post) -> ModerationState:
    request = context.get("request")
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    hidden = post.hidden_at is not None
    published = not post.is_draft
    may_moderate = signed_in and published and permissions.may_moderate(user, post.thread.space)
    may_report = signed_in and published and not hidden and permissions.may_report(user, post)
    reported = may_report and post.pk in _reported(user, post.thread_id)
    return ModerationState(
        hidden=hidden,
        text_visible=(not hidden) or (signed_in and permissions.may_see_hidden_text(user, post)),
        may_report=may_report and not reported,
        reported=reported,
        may_moderate=may_moderate,
    )
