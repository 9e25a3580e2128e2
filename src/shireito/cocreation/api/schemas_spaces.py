"""The spaces' API schemas (names prefixed ``Space``: unique across the document)."""

import datetime as dt

from ninja import Field, Schema

from shireito.cocreation.choices import LinkKind, MemberRole


class SpaceLinkOut(Schema):
    kind: str = Field(description="system, standard_business, catalog, control or measure")
    key: str
    label: str


class SpaceOut(Schema):
    slug: str
    name: str
    name_en: str
    description: str
    description_en: str
    host: str = Field(description="The host organization's code")
    responsible: list[str] = Field(description="Codes of the organizations that answer officially")
    invited: list[str] = Field(description="Codes of the invited organizations")
    member_count: int
    is_member: bool
    archived_at: dt.datetime | None
    version: int

    @staticmethod
    def resolve_host(obj) -> str:
        return obj.host.code

    @staticmethod
    def resolve_responsible(obj) -> list[str]:
        return [o.code for o in obj.responsible.all()]

    @staticmethod
    def resolve_invited(obj) -> list[str]:
        return [o.code for o in obj.invited.all()]


class SpaceDetailOut(SpaceOut):
    links: list[SpaceLinkOut] = Field(description="What the space is about, as you may see it")

    @staticmethod
    def resolve_links(obj) -> list[dict]:
        return [
            {"kind": link.kind, "key": link.key, "label": link.label}
            for link in getattr(obj, "links_shown", [])
        ]


class SpaceLinkIn(Schema):
    kind: LinkKind
    key: str = Field(max_length=100)


class SpaceIn(Schema):
    slug: str = Field(max_length=60, pattern=r"^[a-z0-9][a-z0-9-]{0,59}$")
    name: str = Field(max_length=200)
    name_en: str = Field("", max_length=200)
    description: str = Field("", max_length=20_000)
    description_en: str = Field("", max_length=20_000)
    responsible: list[str] = Field(
        default_factory=list, max_length=50, description="Organization codes (empty: the host)"
    )
    invited: list[str] = Field(default_factory=list, max_length=50)
    links: list[SpaceLinkIn] = Field(default_factory=list, max_length=100)


class SpacePatch(Schema):
    name: str | None = Field(None, max_length=200)
    name_en: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=20_000)
    description_en: str | None = Field(None, max_length=20_000)
    responsible: list[str] | None = Field(None, max_length=50)
    invited: list[str] | None = Field(None, max_length=50)
    links: list[SpaceLinkIn] | None = Field(None, max_length=100)
    version: int | None = Field(None, description="The version you changed (or If-Match)")


class SpaceMemberOut(Schema):
    username: str
    name: str
    organization: str
    role: str = Field(description="member or moderator")

    @staticmethod
    def resolve_username(obj) -> str:
        return obj.user.username

    @staticmethod
    def resolve_name(obj) -> str:
        return str(obj.user)

    @staticmethod
    def resolve_organization(obj) -> str:
        return obj.user.organization.code if obj.user.organization_id else ""


class SpaceMemberRoleIn(Schema):
    role: MemberRole
