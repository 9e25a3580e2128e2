"""The answers' API schemas (names prefixed ``Cocreation…Answer``/``Official``: unique across
the document)."""

import datetime as dt

from ninja import Field, Schema


class CocreationAcceptIn(Schema):
    post: int | None = Field(description="The post to accept; null takes the mark off")


class CocreationAcceptedOut(Schema):
    thread: int
    accepted_post: int | None
    is_answered: bool

    @staticmethod
    def resolve_thread(obj) -> int:
        return obj.pk

    @staticmethod
    def resolve_accepted_post(obj) -> int | None:
        return obj.accepted_post_id


class OfficialAnswerOut(Schema):
    id: int
    space: str = Field(description="The space's short name")
    thread: int
    thread_title: str
    post: int
    organization: str = Field(description="The answering organization's code")
    status: str = Field(description="pending, official, superseded or refused")
    summary: str
    approved_at: dt.datetime | None = Field(description="Official since")
    superseded_by: int | None
    superseded_at: dt.datetime | None
    refusal_reason: str
    version: int

    @staticmethod
    def resolve_space(obj) -> str:
        return obj.thread.space.slug

    @staticmethod
    def resolve_thread(obj) -> int:
        return obj.thread_id

    @staticmethod
    def resolve_thread_title(obj) -> str:
        return obj.thread.title

    @staticmethod
    def resolve_post(obj) -> int:
        return obj.post_id

    @staticmethod
    def resolve_organization(obj) -> str:
        return obj.organization.code

    @staticmethod
    def resolve_superseded_by(obj) -> int | None:
        return obj.superseded_by_id


class OfficialProposeIn(Schema):
    post: int
    summary: str = Field("", max_length=20_000, description="Empty: the post's text")


class OfficialRefuseIn(Schema):
    reason: str = Field(max_length=5_000)
