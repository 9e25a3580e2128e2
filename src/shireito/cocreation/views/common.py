"""What the platform's pages share: the space and thread as the reader may see them (404
otherwise), and the thread's address (its page belongs to another part: the space's page
stands in while it is absent)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import NoReverseMatch, reverse

from shireito.cocreation import permissions
from shireito.cocreation.models import Space, Thread
from shireito.cocreation.selectors.spaces import space_get
from shireito.cocreation.selectors.threads import thread_get
from shireito.core.pages import get_or_404, id_or_404


def using_or_403(request) -> None:
    if not permissions.may_use_cocreation(request.user):
        raise PermissionDenied


def space_or_404(request, slug: str) -> Space:
    using_or_403(request)
    return get_or_404(space_get(request.user, slug))


def thread_or_404(request, slug: str, pk: int) -> tuple[Space, Thread]:
    space = space_or_404(request, slug)
    thread = get_or_404(thread_get(request.user, space, id_or_404(pk)))
    thread.space = space
    return space, thread


def space_url(space: Space) -> str:
    return reverse("cocreation:space", args=[space.slug])


def thread_url(thread: Thread) -> str:
    try:
        return reverse("cocreation:thread", args=[thread.space.slug, thread.pk])
    except NoReverseMatch:
        return space_url(thread.space)
