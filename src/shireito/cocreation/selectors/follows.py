"""What a user follows, each resolved as they see it now: a space or thread through the
platform's selectors, an object through its own app's (a follow of something the user may no
longer see is neither shown nor counted)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from shireito.cocreation.choices import FollowKind
from shireito.cocreation.models import Follow
from shireito.cocreation.selectors.spaces import space_get
from shireito.cocreation.selectors.threads import threads_for
from shireito.core.pagination import parse_id
from shireito.core.scoping import visible_to


@dataclass(frozen=True)
class Target:
    """A followed thing as the reader sees it."""

    kind: str
    key: str
    label: str
    url: str

    @property
    def kind_label(self) -> str:
        return str(FollowKind(self.kind).label)


# kind → (user, key) → Target | None, for the objects threads are about; the platform's link
# resolution (``cocreation.links``) may register the others.
Resolver = Callable[[object, str], "Target | None"]
FOLLOW_RESOLVERS: dict[str, Resolver] = {}


def register_follow_resolver(kind: str, resolver: Resolver) -> Resolver:
    FOLLOW_RESOLVERS[kind] = resolver
    return resolver


def _url(name: str, **kwargs) -> str:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:  # the page belongs to another part of the platform
        return ""


def thread_url(space_slug: str, thread_id: int) -> str:
    return _url("cocreation:thread", space=space_slug, thread=thread_id) or _url(
        "cocreation:space", space=space_slug
    )


def _space(user, key: str) -> Target | None:
    space = space_get(user, key)
    if space is None:
        return None
    return Target(FollowKind.SPACE, key, str(space), _url("cocreation:space", space=space.slug))


def _thread(user, key: str) -> Target | None:
    pk = parse_id(key)
    if pk is None:
        return None
    thread = threads_for(user).filter(pk=pk).select_related("space").first()
    if thread is None:
        return None
    return Target(FollowKind.THREAD, key, thread.title, thread_url(thread.space.slug, thread.pk))


def _system(user, key: str) -> Target | None:
    from shireito.registry.selectors import system_get

    system = system_get(user=user, code=key)
    if system is None:
        return None
    return Target(FollowKind.SYSTEM, key, str(system), _url("registry:detail", code=key))


def _linked(kind: str) -> Resolver:
    """An object threads are about, resolved as their links are (``cocreation.links``)."""

    def resolve(user, key: str) -> Target | None:
        from shireito.cocreation import links

        shown = links.resolve(user, kind, key)
        if shown is None:
            return None
        return Target(kind, shown.key, shown.label, shown.url)

    return resolve


FOLLOW_RESOLVERS.update(
    {
        FollowKind.SPACE: _space,
        FollowKind.THREAD: _thread,
        FollowKind.SYSTEM: _system,
        FollowKind.STANDARD_BUSINESS: _linked(FollowKind.STANDARD_BUSINESS),
        FollowKind.CONTROL: _linked(FollowKind.CONTROL),
        FollowKind.MEASURE: _linked(FollowKind.MEASURE),
    }
)


def follow_target(user, kind: str, key: str) -> Target | None:
    resolver = FOLLOW_RESOLVERS.get(kind)
    if resolver is None or not key or len(key) > 100:
        return None
    return resolver(user, key)


def is_following(user, kind: str, key: str) -> bool:
    if not (user and user.is_authenticated):
        return False
    return Follow.objects.filter(user=user, kind=kind, key=str(key)).exists()


def follows_of(user) -> list[Target]:
    """What the user follows and may still see, by kind then key."""
    found = visible_to(user, Follow.objects.filter(user=user)).order_by("kind", "key")
    shown = []
    for follow in found:
        target = follow_target(user, follow.kind, follow.key)
        if target is not None:
            shown.append(target)
    return shown
