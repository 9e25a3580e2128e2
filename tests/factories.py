"""Test data made through the services, so it carries an audit trail like real data."""

from __future__ import annotations

import itertools

from shireito.accounts.models import User
from shireito.accounts.services import user_create
from shireito.organizations.models import Organization
from shireito.organizations.services import organization_create

PASSWORD = "correct horse battery staple"
_numbers = itertools.count(1)


def make_organization(*, code: str | None = None, kind: str = "ministry", **fields) -> Organization:
    number = next(_numbers)
    return organization_create(
        actor=None,
        code=code or f"org-{number}",
        name=fields.pop("name", f"テスト省{number}"),
        name_en=fields.pop("name_en", f"Test Ministry {number}"),
        kind=kind,
        **fields,
    )


def make_user(
    *,
    organization: Organization | None = None,
    roles=("viewer",),
    username: str | None = None,
    **fields,
) -> User:
    return user_create(
        actor=None,
        username=username or f"user{next(_numbers)}",
        organization=organization or make_organization(),
        password=fields.pop("password", PASSWORD),
        roles=list(roles),
        **fields,
    )
