"""Mentions: ``@username`` names a person, ``@org:<code>`` an organisation.

A name counts only when it is someone the space is open to (a person who may read it, an
organisation whose staff may): a post cannot reach, nor tell of, anyone outside. The names
found are kept as ``Mention`` rows (for notifications), replaced on each edit; the shown text
marks each counted mention up as text (``<span class="mention">``), with no link, so a reader
is never led to a page they may not open."""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.utils.html import escape

from shireito.cocreation import permissions
from shireito.cocreation.models import Mention, Post
from shireito.cocreation.scoping import GOVERNMENT_KINDS
from shireito.cocreation.services.posts import register_post_hook

MENTION = re.compile(r"(?<![\w@.])@(org:)?([A-Za-z0-9][A-Za-z0-9_.\-]{0,149})(?<![.\-])")
# Text the markup must leave alone: inside code and links.
_TAG = re.compile(r"(<[^>]*>)")
_SKIPPED = {"code", "pre", "a"}
MAX_MENTIONS = 50
# Code (fenced, indented or inline) names nobody.
_CODE = re.compile(r"```.*?(```|\Z)|~~~.*?(~~~|\Z)|`[^`\n]*`|^(?: {4}|\t).*$", re.S | re.M)


def parse(body: str) -> tuple[set[str], set[str]]:
    """The user names and organisation codes a text names."""
    users: set[str] = set()
    organizations: set[str] = set()
    for match in MENTION.finditer(_CODE.sub(" ", body or "")):
        (organizations if match.group(1) else users).add(match.group(2))
    return users, organizations


def _readers(space, usernames: set[str]) -> list:
    if not usernames:
        return []
    users = get_user_model().objects.filter(username__in=usernames, is_active=True)
    users = users.select_related("organization")
    return [user for user in users if permissions.may_read_space(user, space)]


def _organizations(space, codes: set[str]) -> list:
    if not codes:
        return []
    from shireito.organizations.models import Organization

    invited = {organization.pk for organization in space.invited.all()}
    found = Organization.objects.filter(code__in=codes)
    return [o for o in found if o.kind in GOVERNMENT_KINDS or o.pk in invited]


def resolve(space, body: str) -> tuple[list, list]:
    """The people and organisations named in ``body`` that the space is open to."""
    usernames, codes = parse(body)
    usernames = set(sorted(usernames)[:MAX_MENTIONS])
    codes = set(sorted(codes)[:MAX_MENTIONS])
    return _readers(space, usernames), _organizations(space, codes)


def mark_up(html: str, usernames: set[str], codes: set[str]) -> str:
    """The rendered post with each counted mention marked up as text (outside code and
    links); what is not counted stays plain text."""
    if not (usernames or codes):
        return html

    def replace(match: re.Match) -> str:
        name = match.group(2)
        counted = name in codes if match.group(1) else name in usernames
        if not counted:
            return match.group(0)
        return f'<span class="mention">{escape(match.group(0))}</span>'

    parts = _TAG.split(html)
    skipped = 0
    for index, part in enumerate(parts):
        if index % 2:  # a tag
            name = part.strip("</>").split()[0].lower() if part.strip("</>") else ""
            if name in _SKIPPED:
                skipped += -1 if part.startswith("</") else 1
            continue
        if skipped <= 0 and "@" in part:
            parts[index] = MENTION.sub(replace, part)
    return "".join(parts)


@register_post_hook
def record_mentions(actor, post: Post, created: bool) -> None:
    """Keep the post's mentions and mark them up in its shown text (a post hook)."""
    space = post.thread.space
    users, organizations = resolve(space, post.body)
    Mention.objects.filter(post=post).delete()
    Mention.objects.bulk_create(
        [Mention(post=post, user=user) for user in users]
        + [Mention(post=post, organization=organization) for organization in organizations]
    )
    html = mark_up(
        post.body_html,
        {user.username for user in users},
        {organization.code for organization in organizations},
    )
    if html != post.body_html:
        post.body_html = html
        Post.objects.filter(pk=post.pk).update(body_html=html)
