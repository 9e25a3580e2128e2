"""The API's shapes for proposals, search and related threads ("finding" part)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from shireito.cocreation.choices import LinkKind, ProposalStatus, ThreadKind


class CocreationProposalOut(Schema):
    id: int
    title: str
    space: str = Field(description="The space's short name")
    status: str = Field(
        description="received, under_consideration, adopted, implemented or declined"
    )
    on_behalf: bool = Field(description="Made on behalf of the author's organization")
    organization: str = Field(description="The code of the author's organization")
    support_count: int
    last_posted_at: dt.datetime | None

    @staticmethod
    def resolve_space(obj) -> str:
        return obj.space.slug

    @staticmethod
    def resolve_status(obj) -> str:
        return obj.proposal_status

    @staticmethod
    def resolve_organization(obj) -> str:
        return obj.author_organization.code


class CocreationProposalChangeOut(Schema):
    status: str
    reason: str
    organization: str = Field(description="The code of the organization that decided")
    changed_at: dt.datetime

    @staticmethod
    def resolve_organization(obj) -> str:
        return obj.organization.code


class CocreationProposalOutcomeOut(Schema):
    id: int
    kind: str = Field(description="measure or system")
    key: str = Field(description="A measure as <edition year>/<code>; a system by its id")
    label: str
    note: str


class CocreationProposalDetailOut(CocreationProposalOut):
    supported: bool = Field(description="Whether the asking user supports it")
    next_statuses: list[str] = Field(
        description="The statuses the asking user may move it to (empty: may not decide)"
    )
    history: list[CocreationProposalChangeOut]
    outcomes: list[CocreationProposalOutcomeOut] = Field(
        description="What carries it out, as far as the asking user may see it"
    )

    @staticmethod
    def resolve_outcomes(obj) -> list:
        return obj.shown_outcomes


class CocreationProposalFilters(Schema):
    status: ProposalStatus | None = None


class CocreationProposalDecisionIn(Schema):
    status: ProposalStatus
    reason: str = Field(max_length=5000)


class CocreationProposalOutcomeIn(Schema):
    kind: LinkKind = Field(description="measure or system")
    key: str = Field(max_length=100)
    note: str = Field("", max_length=2000)


class CocreationProposalSupportOut(Schema):
    supported: bool
    support_count: int


class CocreationSearchFilters(Schema):
    q: str = Field("", max_length=200, description="Words, all of which must appear")
    space: str = Field("", description="A space's short name")
    kind: ThreadKind | None = None
    organization: str = Field("", description="An organization's code: what its staff wrote")
    answered: bool | None = Field(None, description="true: answered; false: unanswered questions")
    official: bool = Field(False, description="Official answers only")
    page: int = Field(1, ge=1, le=500)


class CocreationSearchHitOut(Schema):
    kind: str = Field(description="thread (a title), post, answer (official) or attachment")
    thread: int
    thread_title: str
    thread_kind: str
    space: str
    post: int | None
    organization: str | None = Field(description="An official answer's organization")
    snippet: str = Field(description="HTML: the text escaped, each match in <mark>")


class CocreationSearchOut(Schema):
    page: int
    has_next: bool
    hits: list[CocreationSearchHitOut]


class CocreationRelatedThreadOut(Schema):
    id: int
    title: str
    kind: str
    space: str
    shared_links: int
    last_posted_at: dt.datetime | None

    @staticmethod
    def resolve_space(obj) -> str:
        return obj.space.slug

    @staticmethod
    def resolve_shared_links(obj) -> int:
        return obj.shared
