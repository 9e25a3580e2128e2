"""Answers that count: a thread's official answers as a user may see them (in force and
superseded; one awaiting approval is read through ``pending_answers`` by those who decide)."""

from __future__ import annotations

from django.db.models import QuerySet

from shireito.cocreation.choices import OfficialStatus
from shireito.cocreation.models import OfficialAnswer, Thread
from shireito.core.scoping import visible_to


def official_answers_of(user, thread: Thread) -> QuerySet[OfficialAnswer]:
    """The thread's official answers, in force first, then those superseded, newest first."""
    return (
        visible_to(
            user,
            OfficialAnswer.objects.filter(
                thread=thread, status__in=[OfficialStatus.OFFICIAL, OfficialStatus.SUPERSEDED]
            ),
        )
        .select_related("organization", "post")
        .order_by("status", "-approved_at", "-id")
    )


def official_by_post(user, thread: Thread) -> dict[int, list[OfficialAnswer]]:
    """Each post's official answers, for marking posts: a post absent here is a personal
    opinion."""
    marks: dict[int, list[OfficialAnswer]] = {}
    for answer in official_answers_of(user, thread):
        marks.setdefault(answer.post_id, []).append(answer)
    return marks
