"""Threads and posts as a user may see them: through the space (``visible_to``), and within
it the author's own drafts only; a hidden post is shown as hidden to everyone but its author
and the space's moderators (the page decides, from ``permissions.may_moderate``)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from shireito.cocreation.models import Post, Space, Thread
from shireito.core.scoping import visible_to


def threads_for(user) -> QuerySet[Thread]:
    """Every thread the user may see in every space open to them: not drafts, except their
    own."""
    threads = visible_to(user, Thread.objects.all())
    # A draft thread has no post yet, so no time of its last one.
    return threads.filter(Q(last_posted_at__isnull=False) | Q(author_id=user.pk))


def threads_of(user, space: Space) -> QuerySet[Thread]:
    """A space's threads, the most recently posted to first."""
    return (
        threads_for(user)
        .filter(space=space)
        .select_related("author", "author_organization")
        .order_by("-last_posted_at", "-id")
    )


def thread_get(user, space: Space, pk: int) -> Thread | None:
    return (
        threads_for(user)
        .filter(space=space, pk=pk)
        .select_related("space", "author", "author_organization", "accepted_post")
        .first()
    )


def posts_of(user, thread: Thread) -> QuerySet[Post]:
    """A thread's published posts in order, and the user's own drafts in it."""
    posts = visible_to(user, Post.objects.filter(thread=thread))
    return (
        posts.filter(Q(is_draft=False) | Q(author_id=user.pk))
        .select_related("author", "author_organization", "reply_to")
        .order_by("posted_at", "id")
    )


def drafts_of(user) -> QuerySet[Post]:
    """The user's own drafts, newest first."""
    return (
        visible_to(user, Post.objects.filter(author_id=user.pk, is_draft=True))
        .select_related("thread", "thread__space")
        .order_by("-updated_at")
    )
