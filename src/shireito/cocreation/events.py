"""What happened on the platform that others may want to act on, told by the services inside
their transaction: a post published or edited (``posts.register_post_hook``), an answer
accepted, an official answer in force, a proposal's status changed. Subscribers (the
notifications' fan-out) defer anything that reaches people to after the commit.

Kinds and their payloads:
- ``answer_accepted``: ``thread``, ``post``, ``actor``
- ``official_answer``: ``answer`` (an ``OfficialAnswer`` now in force), ``actor``
- ``proposal_status``: ``thread``, ``change`` (a ``ProposalStatusChange``), ``actor``
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

Subscriber = Callable[..., None]
_subscribers: dict[str, list[Subscriber]] = defaultdict(list)
KINDS = frozenset({"answer_accepted", "official_answer", "proposal_status"})


def subscribe(kind: str, subscriber: Subscriber) -> Subscriber:
    if kind not in KINDS:
        raise ValueError(f"No event kind {kind!r}.")
    _subscribers[kind].append(subscriber)
    return subscriber


def emit(kind: str, **payload: Any) -> None:
    if kind not in KINDS:
        raise ValueError(f"No event kind {kind!r}.")
    for subscriber in _subscribers[kind]:
        subscriber(**payload)
