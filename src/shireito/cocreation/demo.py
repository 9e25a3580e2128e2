"""The demo platform: spaces for Government Cloud migration, two standard businesses and
local-government security (inviting the UK's centre), with questions, answers, a proposal, a
discussion and a notice from the demo local governments and bodies (``demo_data``).

Everything is written through the platform's services as the demo user who would write it,
so the history shows real changes. Idempotent: a space already there is left as it is, with
its conversations.
"""

from __future__ import annotations

from shireito.accounts.models import User
from shireito.cocreation.models import Space, Thread
from shireito.cocreation.services.posts import post_create, post_edit, thread_create
from shireito.cocreation.services.spaces import (
    membership_join,
    membership_set_role,
    space_create,
)
from shireito.organizations.models import Organization

from .demo_data import MEMBERS, SPACES, THREADS


def load_demo_cocreation(by_code: dict[str, Organization]) -> dict[str, Thread]:
    """Bring the demo spaces and threads into being; returns the threads by their demo key
    (empty when the spaces were already there)."""
    if Space.objects.filter(slug=SPACES[0][0]).exists():
        return {}
    users = {user.username: user for user in User.objects.select_related("organization")}
    spaces: dict[str, Space] = {}
    for (
        slug,
        name,
        name_en,
        description,
        description_en,
        host,
        responsible,
        invited,
        links,
        moderators,
    ) in SPACES:
        creator = users[moderators[0]]
        space = space_create(
            actor=creator,
            slug=slug,
            name=name,
            name_en=name_en,
            description=description,
            description_en=description_en,
            host=by_code[host],
            responsible=[by_code[code] for code in responsible],
            invited=[by_code[code] for code in invited],
        )
        _link_space(creator, space, links)
        for other in moderators[1:]:
            membership_set_role(actor=creator, space=space, user=users[other], role="moderator")
        spaces[slug] = space
    for username, slugs in MEMBERS.items():
        for slug in slugs:
            membership_join(actor=users[username], space=spaces[slug])
    threads: dict[str, Thread] = {}
    for key, slug, kind, author, title, body, links, replies in THREADS:
        thread = thread_create(
            actor=users[author],
            space=spaces[slug],
            kind=kind,
            title=title,
            body=body,
            links=links,
            on_behalf=kind == "proposal",
        )
        for replier, text in replies:
            post_create(actor=users[replier], thread=thread, body=text)
        threads[key] = thread
    _edit_and_draft(users, spaces, threads)
    return threads


def _link_space(actor, space: Space, links) -> None:
    from shireito.cocreation.models import SpaceLink
    from shireito.core.services import audited_create

    for kind, key in links:
        audited_create(actor=actor, instance=SpaceLink(space=space, kind=kind, key=key))


def _edit_and_draft(users, spaces, threads) -> None:
    """An answer corrected after posting (its history shows the first wording) and a question
    left as a draft by its author."""
    thread = threads["registry-test"]
    answer = thread.posts.filter(is_opening=False).order_by("posted_at").first()
    if answer is not None:
        post_edit(
            actor=answer.author,
            post=answer,
            body=answer.body + "\n\n（追記）試験データは個人情報を含まない疑似データで作りました。",
        )
    thread_create(
        actor=users["city-officer"],
        space=spaces["health-insurance"],
        kind="question",
        title="資格確認の照会件数の上限",
        body="（下書き）オンライン資格確認の照会件数に上限はありますか。",
        draft=True,
    )
