from datetime import datetime
from typing import Any

from ninja import Field, Schema

from shireito.core.choices import AuditAction
from shireito.core.selectors import redacted


class AuditEventOut(Schema):
    sequence: int
    occurred_at: datetime
    actor: str = Field(alias="actor_label")
    actor_organization: str = Field(alias="actor_organization_label")
    object_type: str
    object_id: str
    object: str = Field(alias="object_repr")
    action: AuditAction
    changes: dict[str, Any] = Field(description="Changed fields as {field: [old, new]}")

    @staticmethod
    def resolve_changes(obj, context):
        return redacted(context["request"].auth, [obj])[0].changes

    request_id: str
    hash: str


class AuditEventFilters(Schema):
    search: str = Field(
        "", description="Part of the object or user name, or an exact object or request id"
    )
    object_type: str = Field("", description="e.g. organizations.organization")
    action: AuditAction | None = None


class ChainVerificationOut(Schema):
    ok: bool
    checked: int
    problem: str | None
    first_bad_sequence: int | None


class ErrorItem(Schema):
    field: str | None = Field(description="The invalid field, or null for the whole request")
    location: str = Field(description="query, path, body, header or form")
    path: str = Field(description="JSON path of the invalid value, e.g. $.name")
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[ErrorItem]


class ReadAsOut(Schema):
    """How an imported CSV file was read (``core.textfiles``); null for other formats."""

    encoding: str | None = Field(
        None,
        description=(
            "the character encoding the CSV file was read in: utf-8, utf-8-sig (with BOM), "
            "cp932 (Shift_JIS), euc_jp, iso2022_jp or utf-16"
        ),
    )
    encoding_label: str | None = Field(None, description="its name as the pages show it")


class VersionedOut(Schema):
    """A record edited with optimistic locking: its ``version`` (also its ``ETag``)."""

    version: int = Field(
        description="Goes up with every saved change; send it back (or If-Match) to change it"
    )


class VersionedPatch(Schema):
    """A change that may name the version it was made against."""

    version: int | None = Field(
        None,
        ge=0,
        description=(
            "The version this change was made against: a record changed meanwhile answers 409 "
            "and nothing is written (an If-Match header with the ETag answers 412 instead)"
        ),
    )
