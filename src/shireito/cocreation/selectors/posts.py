"""What a thread's page shows of its posts, in a fixed number of queries however many posts it
has: the posts of one page with their authors, organisations and replies' targets, their files,
reactions counted by kind (and the reader's own), official answers and the accepted answer."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from shireito.accounts.choices import Role
from shireito.cocreation import permissions
from shireito.cocreation.choices import Reaction
from shireito.cocreation.models import Post, PostAttachment, PostReaction, PostRevision, Thread
from shireito.cocreation.selectors.answers import official_by_post
from shireito.cocreation.selectors.moderation import shown as withhold_hidden
from shireito.cocreation.selectors.threads import posts_of
from shireito.core.scoping import visible_to

POSTS_PER_PAGE = 100


@dataclass
class ReactionCount:
    kind: str
    label: str
    count: int
    mine: bool


@dataclass
class ShownPost:
    """One post as the reader sees it."""

    post: Post
    number: int
    hidden: bool  # hidden by a moderator and not shown to this reader
    reactions: list[ReactionCount] = field(default_factory=list)
    official: list = field(default_factory=list)
    accepted: bool = False
    may_edit: bool = False

    @property
    def role_label(self) -> str:
        """The author's role as posted, by its label."""
        role = self.post.author_role
        return str(Role(role).label) if role in Role.values else ""


def page_posts(user, thread: Thread, posts: QuerySet[Post] | None = None) -> QuerySet[Post]:
    """The thread's posts the reader may see, with what each shows loaded alongside."""
    posts = posts if posts is not None else posts_of(user, thread)
    return posts.select_related("reply_to__author").prefetch_related(
        Prefetch("attachments", queryset=PostAttachment.objects.order_by("name", "id"))
    )


def shown_posts(user, thread: Thread, posts: list[Post], first_number: int = 1) -> list[ShownPost]:
    """``posts`` (a page of ``page_posts``) marked for the reader: numbered in thread order,
    hidden ones folded (but for their author and the moderators), reactions counted, official
    and accepted answers marked. A hidden post's text never leaves here for a reader who may
    not read it (``moderation.shown`` empties it), whatever the template does."""
    for post in posts:
        post.thread = thread
    posts = withhold_hidden(user, posts)
    ids = [post.pk for post in posts]
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    mine: set[tuple[int, str]] = set()
    rows = (
        PostReaction.objects.filter(post_id__in=ids)
        .values("post_id", "kind")
        .annotate(count=Count("id"), own=Count("id", filter=Q(user_id=user.pk)))
    )
    for row in rows:
        counts[row["post_id"]][row["kind"]] = row["count"]
        if row["own"]:
            mine.add((row["post_id"], row["kind"]))
    official = official_by_post(user, thread)
    moderator = permissions.may_moderate(user, thread.space)
    shown = []
    for offset, post in enumerate(posts):
        post.thread = thread
        reactions = [
            ReactionCount(
                kind,
                str(label),
                counts[post.pk].get(kind, 0),
                (post.pk, kind) in mine,
            )
            for kind, label in Reaction.choices
        ]
        shown.append(
            ShownPost(
                post=post,
                number=first_number + offset,
                hidden=post.hidden_at is not None and not (moderator or post.author_id == user.pk),
                reactions=reactions,
                official=official.get(post.pk, []),
                accepted=thread.accepted_post_id == post.pk,
                may_edit=post.author_id == user.pk and permissions.may_edit_post(user, post),
            )
        )
    return shown


def post_get(user, thread: Thread, pk: int) -> Post | None:
    """One post of the thread the reader may see (another's draft is not there)."""
    post = posts_of(user, thread).filter(pk=pk).first()
    if post is not None:
        post.thread = thread
    return post


def revisions_of(user, post: Post) -> QuerySet[PostRevision]:
    """A post's earlier versions, oldest first."""
    return visible_to(user, PostRevision.objects.filter(post=post)).select_related("edited_by")


def attachment_get(user, post: Post, pk: int) -> PostAttachment | None:
    return visible_to(user, PostAttachment.objects.filter(post=post, pk=pk)).first()
