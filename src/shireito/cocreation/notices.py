"""Who on the platform is told what (``notifications``): of a new post, the followers of its
thread, of its space and of the objects the thread is about; a person it mentions, or the
members of the space from an organisation it mentions; of an answer, the asker; of an accepted
or official answer, the thread's followers and the answer's author; of a proposal's new
status, its author, its supporters and its followers.

Never the actor, and never anyone who may no longer read the space (the scoping rule of
``cocreation.scoping``, asked for all of them in a few queries). The hooks run inside the
service's transaction and only enqueue the fan-out after the commit, on the background queue,
so posting stays fast whatever the space's size; the fan-out inserts in bulk.

Each person is told of one post once, by the strongest reason (mentioned, then answered,
then following).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from shireito.accounts.models import User
from shireito.cocreation.choices import FollowKind, ProposalStatus, ThreadKind
from shireito.cocreation.models import (
    Follow,
    Membership,
    Mention,
    OfficialAnswer,
    Post,
    ProposalStatusChange,
    ProposalSupport,
    Space,
    Thread,
)
from shireito.cocreation.scoping import GOVERNMENT_KINDS
from shireito.cocreation.selectors.follows import thread_url
from shireito.core.languages import in_reader_language
from shireito.notifications import registry
from shireito.notifications.models import Notification
from shireito.notifications.services import Pending, notify_many

CHUNK = 2000
# A notification's values that people wrote, marked with their own language on a page.
PEOPLES_TEXT = {"thread", "space", "author"}
FOLLOWED_OBJECTS = {
    FollowKind.SYSTEM,
    FollowKind.STANDARD_BUSINESS,
    FollowKind.CONTROL,
    FollowKind.MEASURE,
}


# --- who may read a space -------------------------------------------------------------------


def readers_among(space: Space, user_ids: Iterable[int]) -> set[int]:
    """Those of ``user_ids`` who may read the space now: active, and staff of a domestic
    government body, of its host or of an organisation it invites, or platform admins (the
    rule of ``cocreation.scoping`` and ``core.scoping``, for many people at once)."""
    organizations = {space.host_id, *space.invited.values_list("pk", flat=True)}
    wanted = sorted(set(user_ids))
    readers: set[int] = set()
    for start in range(0, len(wanted), CHUNK):
        readers.update(
            User.objects.filter(pk__in=wanted[start : start + CHUNK], is_active=True)
            .filter(
                Q(organization__kind__in=GOVERNMENT_KINDS)
                | Q(organization_id__in=organizations)
                | Q(is_superuser=True)
                | Q(role_grants__role="platform_admin")
            )
            .values_list("pk", flat=True)
            .distinct()
        )
    return readers


def _followers(pairs: Iterable[tuple[str, str]]) -> set[int]:
    condition = Q()
    for kind, key in pairs:
        condition |= Q(kind=kind, key=str(key))
    if not condition:
        return set()
    return set(Follow.objects.filter(condition).values_list("user_id", flat=True))


def _thread_params(thread: Thread) -> dict:
    space = thread.space
    return {
        "space": space.slug,
        "space_name": space.name,
        "space_name_en": space.name_en,
        "thread": thread.pk,
        "title": thread.title,
    }


def _tell(
    thread: Thread,
    actor_id: int | None,
    reasons: Sequence[tuple[str, set[int]]],
    key: str,
    **params,
) -> int:
    """Tell each person once, by the first of ``reasons`` (kind, user ids) that names them."""
    everyone: set[int] = set().union(*(ids for _kind, ids in reasons)) - {actor_id}
    readers = readers_among(thread.space, everyone)
    pending = []
    told: set[int] = {actor_id} if actor_id else set()
    base = {**_thread_params(thread), **params}
    for kind, ids in reasons:
        users = (ids & readers) - told
        told |= users
        if users:
            pending.append(Pending(sorted(users), f"cocreation.{kind}", key, base))
    return notify_many(pending)


# --- the fan-outs, on the background queue ----------------------------------------------------


@task()
def post_fan_out(post_id: int, actor_id: int | None) -> int:
    """Tell of a new post (see the module's docstring). Returns how many were told."""
    post = (
        Post.objects.filter(pk=post_id, is_draft=False, hidden_at=None)
        .select_related("thread", "thread__space", "author")
        .first()
    )
    if post is None:
        return 0
    thread = post.thread
    space = thread.space
    mentioned = set(
        Mention.objects.filter(post=post, user__isnull=False).values_list("user_id", flat=True)
    )
    mentioned_organizations = set(
        Mention.objects.filter(post=post, organization__isnull=False).values_list(
            "organization_id", flat=True
        )
    )
    if mentioned_organizations:
        mentioned |= set(
            Membership.objects.filter(
                space=space, user__organization_id__in=mentioned_organizations
            ).values_list("user_id", flat=True)
        )
    asker = (
        {thread.author_id} if thread.kind == ThreadKind.QUESTION and not post.is_opening else set()
    )
    linked = list(thread.links.filter(kind__in=FOLLOWED_OBJECTS).values_list("kind", "key"))
    following = _followers(
        [(FollowKind.THREAD, str(thread.pk)), (FollowKind.SPACE, space.slug), *linked]
    )
    reasons = [
        ("mention", mentioned),
        ("answer", asker),
        ("thread" if post.is_opening else "post", following),
    ]
    skip = {actor_id, post.author_id}
    reasons = [(kind, ids - skip) for kind, ids in reasons]
    return _tell(
        thread,
        actor_id,
        reasons,
        f"cocreation.post:{post.pk}",
        post=post.pk,
        author=post.author.get_full_name() or post.author.username,
    )


@task()
def accepted_fan_out(thread_id: int, post_id: int, actor_id: int | None) -> int:
    thread = Thread.objects.select_related("space").filter(pk=thread_id).first()
    post = Post.objects.filter(pk=post_id, thread_id=thread_id).first()
    if thread is None or post is None:
        return 0
    following = _followers([(FollowKind.THREAD, str(thread.pk))])
    return _tell(
        thread,
        actor_id,
        [("answer_accepted", following | {post.author_id})],
        f"cocreation.accepted:{thread.pk}:{post.pk}",
        post=post.pk,
    )


@task()
def official_fan_out(answer_id: int, actor_id: int | None) -> int:
    answer = (
        OfficialAnswer.objects.select_related("thread", "thread__space", "post", "organization")
        .filter(pk=answer_id)
        .first()
    )
    if answer is None:
        return 0
    following = _followers([(FollowKind.THREAD, str(answer.thread_id))])
    return _tell(
        answer.thread,
        actor_id,
        [("official_answer", following | {answer.post.author_id, answer.thread.author_id})],
        f"cocreation.official:{answer.pk}",
        post=answer.post_id,
        organization_id=answer.organization_id,
    )


@task()
def proposal_fan_out(change_id: int, actor_id: int | None) -> int:
    change = (
        ProposalStatusChange.objects.select_related("thread", "thread__space")
        .filter(pk=change_id)
        .first()
    )
    if change is None:
        return 0
    thread = change.thread
    supporters = set(
        ProposalSupport.objects.filter(thread=thread).values_list("user_id", flat=True)
    )
    following = _followers([(FollowKind.THREAD, str(thread.pk))])
    return _tell(
        thread,
        actor_id,
        [("proposal_status", {thread.author_id} | supporters | following)],
        f"cocreation.proposal:{change.pk}",
        status=change.status,
    )


# --- the hooks: inside the service's transaction, enqueue after the commit ---------------------


def _later(run, *args) -> None:
    transaction.on_commit(lambda: run.enqueue(*args))


def _actor_id(actor) -> int | None:
    return actor.pk if actor is not None else None


def on_post(actor, post: Post, created: bool) -> None:
    """A post published: its author follows the thread they open; the others are told."""
    if not created or post.is_draft:
        return
    if post.is_opening:
        Follow.objects.get_or_create(
            user_id=post.author_id, kind=FollowKind.THREAD, key=str(post.thread_id)
        )
    _later(post_fan_out, post.pk, _actor_id(actor))


def on_answer_accepted(*, thread, post, actor, **_rest) -> None:
    _later(accepted_fan_out, thread.pk, post.pk, _actor_id(actor))


def on_official_answer(*, answer, actor, **_rest) -> None:
    _later(official_fan_out, answer.pk, _actor_id(actor))


def on_proposal_status(*, thread, change, actor, **_rest) -> None:
    _later(proposal_fan_out, change.pk, _actor_id(actor))


# --- wording --------------------------------------------------------------------------------

TEXTS = {
    "cocreation.post": gettext_lazy("%(author)s posted in “%(thread)s” (%(space)s)"),
    "cocreation.thread": gettext_lazy("%(author)s opened “%(thread)s” in %(space)s"),
    "cocreation.mention": gettext_lazy("%(author)s mentioned you in “%(thread)s” (%(space)s)"),
    "cocreation.answer": gettext_lazy("%(author)s answered your question “%(thread)s”"),
    "cocreation.answer_accepted": gettext_lazy("An answer was accepted in “%(thread)s”"),
    "cocreation.official_answer": gettext_lazy(
        "%(organization)s gave its official answer in “%(thread)s”"
    ),
    "cocreation.proposal_status": gettext_lazy("The proposal “%(thread)s” is now %(status)s"),
}


def _values(notification: Notification, organizations: dict) -> dict:
    from django.utils import translation

    p = notification.params
    english = translation.get_language() == "en"
    status = p.get("status", "")
    organization = organizations.get(p.get("organization_id"))
    return {
        "author": p.get("author", ""),
        "thread": p.get("title", ""),
        "space": (p.get("space_name_en") if english else "") or p.get("space_name", ""),
        "status": ProposalStatus(status).label if status in ProposalStatus.values else "",
        "organization": str(organization) if organization else "",
    }


def texts(notifications: Sequence[Notification], marked: bool) -> list[str]:
    from shireito.organizations.models import Organization

    ids = {n.params["organization_id"] for n in notifications if n.params.get("organization_id")}
    organizations = Organization.objects.in_bulk(ids) if ids else {}
    result: list[str] = []
    for notification in notifications:
        template = str(TEXTS.get(notification.kind, "%(thread)s"))
        values = _values(notification, organizations)
        if marked:
            shown = {
                key: in_reader_language(str(value))
                if key in PEOPLES_TEXT or key == "organization"
                else conditional_escape(str(value))
                for key, value in values.items()
            }
            result.append(mark_safe(conditional_escape(template) % shown))  # noqa: S308
        else:
            result.append(template % values)
    return result


def link(notification: Notification) -> str:
    p = notification.params
    url = thread_url(p.get("space", ""), p.get("thread", 0)) if p.get("space") else ""
    if url and p.get("post"):
        url += f"#post-{p['post']}"
    return url or "/cocreation/"


def register() -> None:
    from shireito.cocreation import events
    from shireito.cocreation.services.posts import register_post_hook

    registry.register_renderer(
        "cocreation",
        registry.Renderer(texts, label=gettext_lazy("Co-creation platform"), link=link),
    )
    register_post_hook(on_post)
    events.subscribe("answer_accepted", on_answer_accepted)
    events.subscribe("official_answer", on_official_answer)
    events.subscribe("proposal_status", on_proposal_status)
