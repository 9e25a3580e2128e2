"""Organisations, made through ``organization_create``."""

from __future__ import annotations

from shireito.organizations.models import Organization
from shireito.organizations.services import organization_create
from tests.kit.factories.sequence import next_number


def make_organization(*, code: str | None = None, kind: str = "ministry", **fields) -> Organization:
    number = next_number()
    return organization_create(
        actor=None,
        code=code or f"org-{number}",
        name=fields.pop("name", f"テスト省{number}"),
        name_en=fields.pop("name_en", f"Test Ministry {number}"),
        kind=kind,
        **fields,
    )
