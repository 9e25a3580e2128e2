"""How each app words its notifications: a renderer registered per namespace (the part of the
kind before the dot), called with a batch of that namespace's notifications so it can look up
what they name in a few queries, in the active language."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.html import conditional_escape

if TYPE_CHECKING:
    from shireito.notifications.models import Notification

# (notifications of one namespace, marked) → their texts in the same order; ``marked``: as
# HTML for a page, what people typed marked with its own language (``in_reader_language``).
Texts = Callable[[Sequence["Notification"], bool], list[str]]


@dataclass(frozen=True)
class Renderer:
    texts: Texts
    # What the app is called in the filter of the notifications page (lazy, translated).
    label: Any = ""
    # The notification's link when it is not the stored one (e.g. worked out from params).
    link: Callable[[Notification], str] | None = None


_renderers: dict[str, Renderer] = {}


def register_renderer(namespace: str, renderer: Renderer) -> Renderer:
    _renderers[namespace] = renderer
    return renderer


def renderer_of(namespace: str) -> Renderer | None:
    return _renderers.get(namespace)


def namespaces() -> list[tuple[str, str]]:
    """The registered namespaces with their labels, for a filter."""
    return [(name, str(r.label or name)) for name, r in sorted(_renderers.items())]


def texts(notifications: Sequence[Notification], *, marked: bool = False) -> list[str]:
    """Each notification's text in the active language, in order, each namespace's worded
    together; a kind no app words any more shows its key."""
    result: list[str] = [""] * len(notifications)
    groups: dict[str, list[int]] = {}
    for index, notification in enumerate(notifications):
        groups.setdefault(notification.namespace, []).append(index)
    for namespace, indexes in groups.items():
        renderer = _renderers.get(namespace)
        batch = [notifications[i] for i in indexes]
        worded = (
            renderer.texts(batch, marked)
            if renderer
            else [conditional_escape(n.key) if marked else n.key for n in batch]
        )
        for index, text in zip(indexes, worded, strict=True):
            result[index] = text
    return result


def text(notification: Notification, *, marked: bool = False) -> str:
    return texts([notification], marked=marked)[0]


def link(notification: Notification) -> str:
    renderer = _renderers.get(notification.namespace)
    if renderer and renderer.link:
        return renderer.link(notification)
    return notification.link
