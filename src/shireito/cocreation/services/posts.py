"""Threads and posts: opening a thread, posting, replying, editing, drafts.

What else must happen when a post is published or edited (mentions read from its text, the
search index, notifications of followers) registers itself in ``POST_HOOKS``, called inside
the same transaction with the post and whether it is new; hooks that reach people defer that
to after the commit (``transaction.on_commit``), so the post is stored quickly and nobody is
told of a post that was rolled back."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from shireito.cocreation import markdown, permissions, rate_limits
from shireito.cocreation.choices import LinkKind, ProposalStatus, ThreadKind
from shireito.cocreation.models import Post, PostRevision, Thread, ThreadLink
from shireito.core.services import Rules, audited_create, audited_update

if TYPE_CHECKING:
    from shireito.accounts.models import User
    from shireito.cocreation.models import Space

MAX_BODY = 20_000

# (actor, post, created) → None; see the module's docstring.
PostHook = Callable[["User | None", Post, bool], None]
POST_HOOKS: list[PostHook] = []


def register_post_hook(hook: PostHook) -> PostHook:
    POST_HOOKS.append(hook)
    return hook


def _run_hooks(actor, post: Post, created: bool) -> None:
    for hook in POST_HOOKS:
        hook(actor, post, created)


def role_label(actor) -> str:
    """The role shown beside the author's name: the highest they hold when posting."""
    if actor is None:
        return ""
    for role in ("org_admin", "editor", "auditor", "incident_handler", "viewer"):
        if actor.has_role(role):
            return role
    return ""


def _check_body(rules: Rules, body: str, field: str = "body") -> None:
    if not body.strip():
        rules.add(field, _("Write something."))
    elif len(body) > MAX_BODY:
        rules.add(
            field,
            _("Keep a post under %(limit)s characters (this one has %(count)s).")
            % {"limit": f"{MAX_BODY:,}", "count": f"{len(body):,}"},
        )


def thread_create(
    *,
    actor: User,
    space: Space,
    kind: str,
    title: str,
    body: str,
    links: list[tuple[str, str]] | None = None,
    on_behalf: bool = False,
    draft: bool = False,
) -> Thread:
    """Open a thread with its first post (a draft thread is seen by its author only until
    published). ``links``: (kind, key) pairs of what it is about, already resolved as the
    actor sees them (``cocreation.links``)."""
    if not permissions.may_post(actor, space):
        raise PermissionDenied
    rules = Rules()
    rules.check(rate_limits.check_posting, actor, thread=True)
    if kind not in ThreadKind.values:
        rules.add("kind", _("Choose question, discussion, proposal or notice."))
    if kind == ThreadKind.NOTICE and not permissions.may_moderate(actor, space):
        rules.add("kind", _("Only the space's moderators post notices."))
    if not title.strip():
        rules.add("title", _("Give the thread a title."))
    elif len(title) > 200:
        rules.add("title", _("Keep the title under 200 characters."))
    _check_body(rules, body)
    for index, (link_kind, _key) in enumerate(links or []):
        if link_kind not in LinkKind.values:
            rules.add(f"links[{index}]", _("Unknown kind of link."))
    rules.raise_all()
    now = timezone.now()
    organization = actor.organization
    with transaction.atomic():
        thread = audited_create(
            actor=actor,
            instance=Thread(
                space=space,
                kind=kind,
                title=title.strip(),
                author=actor,
                author_organization=organization,
                on_behalf=bool(on_behalf and kind == ThreadKind.PROPOSAL),
                proposal_status=ProposalStatus.RECEIVED if kind == ThreadKind.PROPOSAL else "",
                post_count=0 if draft else 1,
                last_posted_at=None if draft else now,
            ),
        )
        for link_kind, key in links or []:
            audited_create(actor=actor, instance=ThreadLink(thread=thread, kind=link_kind, key=key))
        post = audited_create(
            actor=actor,
            instance=Post(
                thread=thread,
                author=actor,
                author_organization=organization,
                author_role=role_label(actor),
                body=body,
                body_html=markdown.render(body),
                is_opening=True,
                is_draft=draft,
                posted_at=None if draft else now,
            ),
        )
        if not draft:
            _run_hooks(actor, post, True)
    return thread


def post_create(
    *, actor: User, thread: Thread, body: str, reply_to: Post | None = None, draft: bool = False
) -> Post:
    """A post in a thread (a reply to one of its posts, if ``reply_to``), or a draft of one."""
    if not permissions.may_post(actor, thread.space):
        raise PermissionDenied
    rules = Rules()
    rules.check(rate_limits.check_posting, actor)
    _check_body(rules, body)
    if reply_to is not None and reply_to.thread_id != thread.pk:
        rules.add("reply_to", _("Reply to a post of the same thread."))
    if thread.posts.filter(is_opening=True, is_draft=True).exists():
        rules.add(None, _("The thread is still a draft."))
    rules.raise_all()
    now = timezone.now()
    with transaction.atomic():
        post = audited_create(
            actor=actor,
            instance=Post(
                thread=thread,
                reply_to=reply_to,
                author=actor,
                author_organization=actor.organization,
                author_role=role_label(actor),
                body=body,
                body_html=markdown.render(body),
                is_draft=draft,
                posted_at=None if draft else now,
            ),
        )
        if not draft:
            _count_posted(thread, now)
            _run_hooks(actor, post, True)
    return post


def _count_posted(thread: Thread, when) -> None:
    Thread.objects.filter(pk=thread.pk).update(post_count=F("post_count") + 1, last_posted_at=when)


def draft_publish(*, actor: User, post: Post) -> Post:
    """Publish one's draft (a thread's opening draft publishes the thread)."""
    if post.author_id != actor.pk or not post.is_draft:
        raise PermissionDenied
    if not permissions.may_post(actor, post.thread.space):
        raise PermissionDenied
    now = timezone.now()
    with transaction.atomic():
        audited_update(actor=actor, instance=post, is_draft=False, posted_at=now)
        _count_posted(post.thread, now)
        _run_hooks(actor, post, True)
    return post


def post_edit(*, actor: User, post: Post, body: str) -> Post:
    """Change a post's text; the text before is kept as an earlier version (the edit
    history), and the post is marked edited."""
    if not permissions.may_edit_post(actor, post):
        raise PermissionDenied
    rules = Rules()
    _check_body(rules, body)
    rules.raise_all()
    if body == post.body:
        return post
    with transaction.atomic():
        if not post.is_draft:
            PostRevision.objects.create(post=post, body=post.body, edited_by=actor)
        audited_update(
            actor=actor,
            instance=post,
            body=body,
            edited_at=None if post.is_draft else timezone.now(),
        )
        # The rendering follows the text and is not itself audited.
        post.body_html = markdown.render(body)
        Post.objects.filter(pk=post.pk).update(body_html=post.body_html)
        if not post.is_draft:
            _run_hooks(actor, post, False)
    return post
