from ninja import Field, Schema

from shireito.organizations.choices import OrganizationKind


class OrganizationOut(Schema):
    code: str
    name: str = Field(description="Official name in Japanese")
    name_en: str
    kind: OrganizationKind
    parent_code: str | None = Field(None, alias="parent.code")


class OrganizationFilters(Schema):
    search: str = Field("", description="Part of the code or the Japanese or English name")
    kind: OrganizationKind | None = None
