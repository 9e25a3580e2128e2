"""A thread's related threads: the others that share its links (what they are about), that the
reader may see, ranked by how many links they share, then by recency."""

from __future__ import annotations

from django.db.models import Count, Q

from shireito.cocreation.models import Thread, ThreadLink
from shireito.cocreation.selectors.threads import threads_for

RELATED_MAX = 5


def related_threads(user, thread: Thread, *, limit: int = RELATED_MAX) -> list[Thread]:
    # Only what the reader may see is matched: two threads sharing a finding the reader may
    # not see are not "related" to them, nor is the shared link counted.
    from shireito.cocreation.links import resolve

    links = [
        (link.kind, link.key)
        for link in ThreadLink.objects.filter(thread=thread)
        if resolve(user, link.kind, link.key) is not None
    ]
    if not links:
        return []
    about = Q()
    for kind, key in links:
        about |= Q(links__kind=kind, links__key=key)
    return list(
        threads_for(user)
        .filter(last_posted_at__isnull=False)
        .exclude(pk=thread.pk)
        .filter(about)
        .annotate(shared=Count("links", filter=about, distinct=True))
        .select_related("space")
        .order_by("-shared", "-last_posted_at", "-id")[:limit]
    )
