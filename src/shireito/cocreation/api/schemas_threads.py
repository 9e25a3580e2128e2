"""The thread and post schemas of the co-creation API (names prefixed: no other app's)."""

import datetime as dt

from ninja import Field, Schema

from shireito.cocreation.choices import LinkKind, Reaction, ThreadKind
from shireito.cocreation.services.posts import MAX_BODY
from shireito.core.pagination import MAX_ID


class CocreationLinkIn(Schema):
    kind: LinkKind
    key: str = Field(max_length=100, description="See cocreation.links for each kind's key")


class CocreationLinkOut(Schema):
    kind: str
    key: str
    label: str
    url: str = Field(description="The object's page (may be empty)")


class CocreationThreadIn(Schema):
    kind: ThreadKind
    title: str = Field(max_length=200)
    body: str = Field(max_length=MAX_BODY, description="Markdown")
    links: list[CocreationLinkIn] = Field(default_factory=list, max_length=20)
    on_behalf: bool = Field(False, description="A proposal on behalf of one's organization")
    draft: bool = Field(False, description="Save as a draft, seen by its author only")


class CocreationThreadFilters(Schema):
    search: str = Field("", max_length=200, description="Words in the title")
    kind: ThreadKind | None = None


class CocreationThreadOut(Schema):
    id: int
    kind: str
    title: str
    author: str = Field(description="The author's user name")
    organization: str = Field(description="The code of the author's organization")
    is_draft: bool
    is_answered: bool
    accepted_post: int | None
    post_count: int
    last_posted_at: dt.datetime | None
    created_at: dt.datetime

    # A thread row, or the dict a detail answer is built from.
    @staticmethod
    def resolve_author(obj) -> str:
        return obj["author"] if isinstance(obj, dict) else obj.author.username

    @staticmethod
    def resolve_organization(obj) -> str:
        return obj["organization"] if isinstance(obj, dict) else obj.author_organization.code

    @staticmethod
    def resolve_is_draft(obj) -> bool:
        return obj["is_draft"] if isinstance(obj, dict) else obj.last_posted_at is None

    @staticmethod
    def resolve_accepted_post(obj) -> int | None:
        return obj["accepted_post"] if isinstance(obj, dict) else obj.accepted_post_id


class CocreationOfficialMarkOut(Schema):
    organization: str
    status: str = Field(description="official or superseded")
    since: dt.datetime | None


class CocreationReactionOut(Schema):
    kind: str
    label: str
    count: int
    mine: bool


class CocreationAttachmentOut(Schema):
    id: int
    name: str
    size: int
    content_type: str
    url: str


class CocreationPostOut(Schema):
    id: int
    thread: int
    number: int = Field(description="Its place in the thread, from 1")
    reply_to: int | None
    author: str
    author_name: str
    organization: str
    organization_name: str
    role: str = Field(description="The author's role when posting, by its label")
    posted_at: dt.datetime | None
    edited_at: dt.datetime | None
    is_draft: bool
    is_opening: bool
    hidden: bool = Field(description="Hidden by the moderators: no text is given")
    body: str
    body_html: str
    standing: str = Field(description="official, superseded, accepted or personal (opinion)")
    official: list[CocreationOfficialMarkOut]
    reactions: list[CocreationReactionOut]
    attachments: list[CocreationAttachmentOut]


class CocreationThreadDetailOut(CocreationThreadOut):
    links: list[CocreationLinkOut] = Field(description="Only those the reader may see")
    posts: list[CocreationPostOut]
    posts_count: int = Field(description="How many posts the reader may see in all")


class CocreationPostIn(Schema):
    body: str = Field(max_length=MAX_BODY, description="Markdown")
    reply_to: int | None = Field(
        None, ge=1, le=MAX_ID, description="The id of a post of the thread"
    )
    draft: bool = False


class CocreationPostEditIn(Schema):
    body: str = Field(max_length=MAX_BODY, description="Markdown")


class CocreationRevisionOut(Schema):
    body: str
    edited_by: str | None
    replaced_at: dt.datetime


class CocreationPostHistoryOut(Schema):
    post: int
    body: str = Field(description="The text now")
    edited_at: dt.datetime | None
    revisions: list[CocreationRevisionOut] = Field(description="Earlier versions, oldest first")


class CocreationDraftOut(Schema):
    id: int
    space: str
    thread: int
    thread_title: str
    is_opening: bool
    body: str
    updated_at: dt.datetime


class CocreationReactionIn(Schema):
    kind: Reaction


class CocreationReactionToggleOut(Schema):
    kind: str
    given: bool = Field(description="Whether the reaction is now given")
    reactions: list[CocreationReactionOut]
