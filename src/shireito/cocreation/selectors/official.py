"""Official answers as pages need them: an organisation's FAQ (in force first, then those
superseded, each with what replaced it), the newest in a space, and those awaiting a second
officer's approval. Every read through the scoping layer, so an answer in a space the reader
may not read is never shown nor counted."""

from __future__ import annotations

from django.db.models import Case, IntegerField, QuerySet, Value, When

from shireito.cocreation import permissions
from shireito.cocreation.choices import OfficialStatus
from shireito.cocreation.models import OfficialAnswer, Space, Thread
from shireito.core.scoping import visible_to

SHOWN = (OfficialStatus.OFFICIAL, OfficialStatus.SUPERSEDED)


def _answers(user) -> QuerySet[OfficialAnswer]:
    return visible_to(user, OfficialAnswer.objects.all()).select_related(
        "organization", "thread", "thread__space", "post", "superseded_by"
    )


def faq_of(user, organization) -> QuerySet[OfficialAnswer]:
    """The organisation's official answers the user may read: in force first (newest first),
    then those superseded."""
    return (
        _answers(user)
        # A post hidden by a moderator stops being shown as an answer, in force or not.
        .filter(organization=organization, status__in=SHOWN, post__hidden_at__isnull=True)
        .annotate(
            in_force=Case(
                When(status=OfficialStatus.OFFICIAL, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("in_force", "-approved_at", "-id")
    )


def newest_official(user, space: Space, limit: int = 5) -> list[OfficialAnswer]:
    """The space's newest official answers in force."""
    return list(
        _answers(user)
        .filter(thread__space=space, status=OfficialStatus.OFFICIAL, post__hidden_at__isnull=True)
        .order_by("-approved_at", "-id")[:limit]
    )


def pending_for(user) -> QuerySet[OfficialAnswer]:
    """The answers awaiting approval for the user's organisation, oldest first: those the user
    proposed are listed too (marked by the page: another officer approves them)."""
    if not (user and user.is_authenticated and user.organization_id):
        return OfficialAnswer.objects.none()
    return (
        _answers(user)
        .filter(organization_id=user.organization_id, status=OfficialStatus.PENDING)
        .select_related("proposed_by")
        .order_by("created_at", "id")
    )


def pending_in_thread(user, thread: Thread) -> list[OfficialAnswer]:
    """The thread's answers awaiting approval that the user may approve or refuse (one
    query; empty for anyone who is no officer)."""
    if not (user and user.is_authenticated and permissions.is_officer(user)):
        return []
    answers = pending_for(user).filter(thread=thread)
    return [a for a in answers if permissions.may_approve_official(user, a)]


def answer_get(user, pk: int) -> OfficialAnswer | None:
    return _answers(user).select_related("proposed_by", "approved_by").filter(pk=pk).first()
