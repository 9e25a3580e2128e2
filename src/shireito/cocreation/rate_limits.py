"""Limits on how fast one user posts: threads and posts in the last minute and the last hour
(``settings.SHIREITO_COCREATION_RATE_LIMITS``). ``thread_create`` and ``post_create`` ask
``check_posting`` first; over a limit, the answer says when the user may post again.

Counted from the rows themselves (the posts' ``author, -created_at`` index): nothing to keep
in step, and the same on every worker process. Drafts count: writing is posting."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import ngettext

from shireito.cocreation.models import Post, Thread

MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)
DEFAULTS = {
    "threads_per_minute": 3,
    "threads_per_hour": 20,
    "posts_per_minute": 10,
    "posts_per_hour": 120,
}


def now() -> dt.datetime:
    """The clock the limits read (a test fixes it here)."""
    return timezone.now()


def limits() -> dict[str, int]:
    return {**DEFAULTS, **getattr(settings, "SHIREITO_COCREATION_RATE_LIMITS", {})}


def next_allowed(actor, *, thread: bool) -> dt.datetime | None:
    """When the user may post again (``thread``: open a thread), or ``None``: now."""
    if actor is None or not actor.is_authenticated:
        return None
    configured = limits()
    prefix = "threads" if thread else "posts"
    rows: QuerySet
    if thread:
        rows = Thread.objects.filter(author_id=actor.pk)
    else:
        rows = Post.objects.filter(author_id=actor.pk, is_opening=False)
    moment = now()
    latest: dt.datetime | None = None
    for window, name in ((MINUTE, "minute"), (HOUR, "hour")):
        allowed = configured[f"{prefix}_per_{name}"]
        if allowed <= 0:
            continue
        # The allowed-th most recent row within the window: once it leaves the window, one
        # more may be written.
        times = list(
            rows.filter(created_at__gt=moment - window)
            .order_by("-created_at")
            .values_list("created_at", flat=True)[:allowed]
        )
        if len(times) >= allowed:
            free = times[allowed - 1] + window
            latest = free if latest is None or free > latest else latest
    return latest


def check_posting(actor, *, thread: bool = False) -> None:
    """Raise a ``ValidationError`` saying when the user may post again, if over a limit."""
    when = next_allowed(actor, thread=thread)
    if when is None:
        return
    seconds = max(1, int((when - now()).total_seconds() + 0.999))
    local = timezone.localtime(when)
    if thread:
        message = ngettext(
            "You have opened too many threads in a short time. You may open another at "
            "%(time)s (in %(seconds)s second).",
            "You have opened too many threads in a short time. You may open another at "
            "%(time)s (in %(seconds)s seconds).",
            seconds,
        )
    else:
        message = ngettext(
            "You have posted too often in a short time. You may post again at %(time)s "
            "(in %(seconds)s second).",
            "You have posted too often in a short time. You may post again at %(time)s "
            "(in %(seconds)s seconds).",
            seconds,
        )
    raise ValidationError(
        message % {"time": time_format(local, "H:i:s"), "seconds": seconds},
        code="rate_limited",
    )
