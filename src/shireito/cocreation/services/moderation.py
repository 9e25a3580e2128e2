"""Moderation: a member reports a post to the space's moderators (once per post, with a
reason); a moderator hides the post with a written reason, which resolves its open reports,
or dismisses them; a hidden post may be shown again. Hiding keeps the text: the author and
the moderators still read it with the reason, everyone else sees that a moderator hid it.
Every change is audited."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shireito.cocreation import permissions
from shireito.cocreation.choices import ReportStatus
from shireito.cocreation.models import Post, PostReport
from shireito.core.services import Rules, audited_create, audited_update

if TYPE_CHECKING:
    from shireito.accounts.models import User

MAX_REASON = 2_000


def _check_reason(rules: Rules, reason: str, what: str) -> None:
    if not reason.strip():
        rules.add("reason", what)
    elif len(reason) > MAX_REASON:
        rules.add(
            "reason",
            _("Keep the reason under %(limit)s characters.") % {"limit": f"{MAX_REASON:,}"},
        )


def report_check(*, actor: User, post: Post, reason: str) -> None:
    """Every problem with reporting ``post`` at once (``ValidationError``)."""
    rules = Rules()
    _check_reason(rules, reason, _("Say what is wrong with the post."))
    if post.is_draft or post.hidden_at is not None:
        rules.add(None, _("This post cannot be reported."))
    elif PostReport.objects.filter(post=post, reporter=actor).exists():
        rules.add(None, _("You have already reported this post."))
    rules.raise_all()


def report_create(*, actor: User, post: Post, reason: str) -> PostReport:
    """A member's report of another's post to the space's moderators."""
    if not permissions.may_report(actor, post):
        raise PermissionDenied
    report_check(actor=actor, post=post, reason=reason)
    with transaction.atomic():
        return audited_create(
            actor=actor, instance=PostReport(post=post, reporter=actor, reason=reason.strip())
        )


def _resolve(actor: User, post: Post, status: str) -> int:
    """Close the post's open reports with ``status``; how many."""
    now = timezone.now()
    reports = list(PostReport.objects.filter(post=post, status=ReportStatus.OPEN))
    for report in reports:
        audited_update(
            actor=actor, instance=report, status=status, resolved_by=actor, resolved_at=now
        )
    return len(reports)


def post_hide(*, actor: User, post: Post, reason: str) -> Post:
    """Hide a post with a written reason (kept, shown to its author); its open reports are
    resolved as hidden."""
    if not permissions.may_moderate(actor, post.thread.space):
        raise PermissionDenied
    rules = Rules()
    _check_reason(rules, reason, _("Write why the post is hidden: its author will read it."))
    if post.hidden_at is not None:
        rules.add(None, _("The post is already hidden."))
    if post.is_draft:
        rules.add(None, _("A draft is not published: there is nothing to hide."))
    rules.raise_all()
    with transaction.atomic():
        audited_update(
            actor=actor,
            instance=post,
            hidden_at=timezone.now(),
            hidden_by=actor,
            hidden_reason=reason.strip(),
        )
        _resolve(actor, post, ReportStatus.HIDDEN)
    return post


def post_unhide(*, actor: User, post: Post) -> Post:
    """Show a hidden post again (the audit trail keeps that it was hidden, and why)."""
    if not permissions.may_moderate(actor, post.thread.space):
        raise PermissionDenied
    if post.hidden_at is None:
        rules = Rules()
        rules.add(None, _("The post is not hidden."))
        rules.raise_all()
    with transaction.atomic():
        audited_update(actor=actor, instance=post, hidden_at=None, hidden_by=None, hidden_reason="")
    return post


def reports_dismiss(*, actor: User, post: Post) -> int:
    """Dismiss the post's open reports (the post stays as it is); how many."""
    if not permissions.may_moderate(actor, post.thread.space):
        raise PermissionDenied
    with transaction.atomic():
        dismissed = _resolve(actor, post, ReportStatus.DISMISSED)
    if not dismissed:
        rules = Rules()
        rules.add(None, _("The post has no open report."))
        rules.raise_all()
    return dismissed
