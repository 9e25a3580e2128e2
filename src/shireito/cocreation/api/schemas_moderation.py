"""Schemas of the moderation part of the co-creation API (names prefixed ``Moderation``)."""

import datetime as dt

from ninja import Field, Schema


class ModerationReasonIn(Schema):
    reason: str = Field(max_length=2_000, description="Why: shown to the moderators or the author")


class ModerationReportOut(Schema):
    id: int
    post: int
    reporter: str = Field(description="The reporter's user name")
    reporter_organization: str = Field(description="The code of the reporter's organization")
    reason: str
    status: str = Field(description="open, hidden (the post was hidden) or dismissed")
    created_at: dt.datetime
    resolved_at: dt.datetime | None

    @staticmethod
    def resolve_post(obj) -> int:
        return obj.post_id

    @staticmethod
    def resolve_reporter(obj) -> str:
        return obj.reporter.username

    @staticmethod
    def resolve_reporter_organization(obj) -> str:
        organization = obj.reporter.organization
        return organization.code if organization else ""


class ModerationPostOut(Schema):
    """A post's moderation state as the reader may see it: the text and the reason of a
    hidden post are empty for everyone but its author and the space's moderators."""

    id: int
    thread: int
    author: str = Field(description="The author's user name")
    author_organization: str = Field(description="The code of the author's organization")
    hidden: bool
    text_withheld: bool = Field(description="Hidden, and the reader may not read its text")
    body: str
    body_html: str
    hidden_at: dt.datetime | None
    hidden_reason: str

    @staticmethod
    def resolve_thread(obj) -> int:
        return obj.thread_id

    @staticmethod
    def resolve_author(obj) -> str:
        return obj.author.username

    @staticmethod
    def resolve_author_organization(obj) -> str:
        return obj.author_organization.code

    @staticmethod
    def resolve_hidden(obj) -> bool:
        return obj.hidden_at is not None


class ModerationQueueItemOut(Schema):
    post: ModerationPostOut
    reports: list[ModerationReportOut]


class ModerationDismissOut(Schema):
    dismissed: int = Field(description="How many open reports were dismissed")


class ModerationPersonalDataIn(Schema):
    text: str = Field("", max_length=20_000, description="A post's text, as it would be posted")
    names: list[str] = Field(
        default_factory=list, max_length=50, description="The names of the files to attach"
    )


class ModerationPersonalDataOut(Schema):
    kind: str = Field(description="individual_number, phone, email or address")
    label: str = Field(description="What it looks like, in the reader's language")
    where: str = Field(description="text, or the name of the file")
    excerpt: str = Field(description="The start of what matched, the rest masked")
    message: str = Field(description="The warning to show, in the reader's language")
