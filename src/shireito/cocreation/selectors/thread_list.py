"""A space's thread list, paged by keyset: each page starts after the last thread of the one
before (its time of last post and id), so the hundred-thousandth thread costs what the first
does, on the ``cocreation_thread_list`` index (space, last post descending, id descending).
Drafts (no post yet) are not in it: their authors find them among their drafts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from shireito.cocreation.choices import ThreadKind
from shireito.cocreation.models import Space, Thread
from shireito.cocreation.selectors.threads import threads_of

PER_PAGE = 50


@dataclass
class ThreadPage:
    threads: list[Thread]
    next_cursor: str | None


def encode_cursor(thread: Thread) -> str:
    assert thread.last_posted_at is not None
    return f"{thread.last_posted_at.isoformat()}_{thread.pk}"


def decode_cursor(cursor: str | None) -> tuple[dt.datetime, int] | None:
    """The cursor's time and id, or ``None`` for one that is missing or malformed (the first
    page, as a malformed page number gives)."""
    if not cursor:
        return None
    stamp, _sep, pk = cursor.rpartition("_")
    try:
        when = dt.datetime.fromisoformat(stamp)
        number = int(pk)
    except ValueError:
        return None
    if when.tzinfo is None or not 0 < number < 2**63:
        return None
    return when, number


def thread_page(
    user,
    space: Space,
    *,
    kind: str = "",
    answered: bool | None = None,
    after: str | None = None,
    per_page: int = PER_PAGE,
) -> ThreadPage:
    """One page of the space's published threads, the most recently posted to first."""
    threads = threads_of(user, space).filter(last_posted_at__isnull=False)
    if kind in ThreadKind.values:
        threads = threads.filter(kind=kind)
    if answered is not None:
        threads = threads.filter(is_answered=answered)
    position = decode_cursor(after)
    if position is not None:
        when, pk = position
        # The plain bound lets the database start the index scan at the cursor; the OR then
        # drops the threads of the same time already shown.
        threads = threads.filter(last_posted_at__lte=when).filter(
            Q(last_posted_at__lt=when) | Q(last_posted_at=when, pk__lt=pk)
        )
    rows = list(threads[: per_page + 1])
    more = len(rows) > per_page
    rows = rows[:per_page]
    return ThreadPage(rows, encode_cursor(rows[-1]) if more and rows else None)


def unanswered_questions(user, space: Space, limit: int = 10) -> list[Thread]:
    """The space's questions still without an answer, the most recently posted to first."""
    return list(
        threads_of(user, space).filter(
            kind=ThreadKind.QUESTION, is_answered=False, last_posted_at__isnull=False
        )[:limit]
    )
