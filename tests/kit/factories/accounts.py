"""Users, made through ``user_create``; every one signs in with ``PASSWORD``."""

from __future__ import annotations

from collections.abc import Iterable

from shireito.accounts.models import User
from shireito.accounts.services import user_create
from shireito.organizations.models import Organization
from tests.kit.factories.organizations import make_organization
from tests.kit.factories.sequence import next_number

PASSWORD = "correct horse battery staple"


def make_user(
    *,
    organization: Organization | None = None,
    roles: Iterable[str] = ("viewer",),
    username: str | None = None,
    **fields,
) -> User:
    return user_create(
        actor=None,
        username=username or f"user{next_number()}",
        organization=organization or make_organization(),
        password=fields.pop("password", PASSWORD),
        roles=list(roles),
        **fields,
    )
