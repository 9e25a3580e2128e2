from datetime import datetime
from typing import TYPE_CHECKING

from ninja import Field, Schema

from shireito.accounts.choices import Role, TokenScope
from shireito.core.schemas import VersionedOut, VersionedPatch

if TYPE_CHECKING:
    from shireito.accounts.models import User


class UserOut(VersionedOut):
    username: str
    full_name: str
    email: str
    organization_code: str = Field(alias="organization.code")
    roles: list[Role]
    is_active: bool

    @staticmethod
    def resolve_roles(user: "User") -> list[str]:
        return sorted(user.roles)


class UserFilters(Schema):
    search: str = Field("", description="Part of the user name, full name or e-mail")
    organization: str = Field("", description="Organization code")
    role: Role | None = None


class ApiTokenOut(Schema):
    id: int
    name: str
    prefix: str
    scope: TokenScope
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiTokenCreateIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    expires_in_days: int = Field(90, ge=1, le=366)
    scope: TokenScope = Field(
        TokenScope.READ_ONLY,
        description="read_only: API and TAXII reads; read_write: all the user may do on both; "
        "taxii: TAXII only",
    )


class ApiTokenCreatedOut(ApiTokenOut):
    token: str = Field(description="The secret: shown this once, never again")


class UserCreateIn(Schema):
    username: str = Field(
        min_length=1,
        max_length=150,
        description="Sign-in name: lower-case letters a-z, digits and . _ - (upper case is "
        "lowered); unlike every other user's name, also in look-alike letters",
    )
    organization: str = Field(description="Organization code")
    password: str = Field(min_length=12, description="First password; at least 12 characters")
    full_name: str = Field("", max_length=150)
    email: str = Field("", max_length=254)
    roles: list[Role] = Field(default_factory=lambda: [Role.VIEWER])


class UserUpdateIn(VersionedPatch):
    """Only the fields sent are changed; none of them may be null (omit it to keep it)."""

    # Typed without None: a null is refused as invalid (422) instead of reaching a NOT NULL
    # column; the None default only marks a field as not sent.
    full_name: str = Field(None, max_length=150)  # type: ignore[assignment]
    email: str = Field(None, max_length=254)  # type: ignore[assignment]
    is_active: bool = Field(None)  # type: ignore[assignment]
    roles: list[Role] = Field(None)  # type: ignore[arg-type]
