"""Moderation as a reader sees it: the queue of reported posts (moderators), and a post's text
as the reader may see it. A hidden post's text and the reason reach its author and the space's
moderators only; for everyone else ``shown`` blanks them on the instance, so whatever renders
or serialises the post afterwards (page, API, feed) has nothing to leak."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet

from shireito.cocreation import permissions
from shireito.cocreation.choices import ReportStatus
from shireito.cocreation.models import Post, PostReport, Space
from shireito.core.scoping import visible_to


def shown[P: Post](user, posts: Iterable[P]) -> list[P]:
    """``posts`` (of any threads) with every hidden one the reader may not read emptied: no
    text, no rendering, no reason; ``post.text_withheld`` says so. Marks every post with
    ``is_hidden`` and ``text_withheld``."""
    result = []
    for post in posts:
        post.is_hidden = post.hidden_at is not None  # type: ignore[attr-defined]
        withheld = post.is_hidden and not permissions.may_see_hidden_text(user, post)  # type: ignore[attr-defined]
        post.text_withheld = withheld  # type: ignore[attr-defined]
        if withheld:
            post.body = ""
            post.body_html = ""
            post.hidden_reason = ""
        result.append(post)
    return result


@dataclass
class QueueItem:
    post: Post
    reports: list[PostReport] = field(default_factory=list)


def open_reports(user, space: Space) -> QuerySet[PostReport]:
    return (
        visible_to(
            user, PostReport.objects.filter(post__thread__space=space, status=ReportStatus.OPEN)
        )
        .select_related(
            "reporter",
            "reporter__organization",
            "post",
            "post__author",
            "post__author_organization",
            "post__thread",
            "post__thread__space",
        )
        .order_by("post__thread_id", "post_id", "created_at", "id")
    )


def queue(user, space: Space) -> list[QueueItem]:
    """The space's reported posts with their open reports, oldest report first; empty for
    anyone who does not moderate the space."""
    if not permissions.may_moderate(user, space):
        return []
    items: dict[int, QueueItem] = {}
    for report in open_reports(user, space):
        items.setdefault(report.post_id, QueueItem(post=report.post)).reports.append(report)
    return sorted(items.values(), key=lambda item: item.reports[0].created_at)


def hidden_posts(user, space: Space) -> QuerySet[Post]:
    """The space's hidden posts, latest hidden first (moderators; empty for others)."""
    if not permissions.may_moderate(user, space):
        return Post.objects.none()
    return (
        visible_to(user, Post.objects.filter(thread__space=space, hidden_at__isnull=False))
        .select_related("author", "author_organization", "hidden_by", "thread", "thread__space")
        .order_by("-hidden_at", "-id")
    )


def post_in_space(user, space: Space, pk: int) -> Post | None:
    """A published post of the space (or the reader's own draft), or ``None``."""
    posts = visible_to(user, Post.objects.filter(thread__space=space, pk=pk))
    post = posts.select_related("thread", "thread__space", "author").first()
    if post is None or (post.is_draft and post.author_id != user.pk):
        return None
    return post


def my_report(user, post: Post) -> PostReport | None:
    if not user.is_authenticated:
        return None
    return PostReport.objects.filter(post=post, reporter_id=user.pk).first()
