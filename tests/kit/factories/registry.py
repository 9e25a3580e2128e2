"""Information systems, made through ``registry.services.system_create``."""

from __future__ import annotations

from shireito.organizations.models import Organization
from shireito.registry.models import InformationSystem
from shireito.registry.services import system_create
from tests.kit.factories.sequence import next_number


def make_system(
    *,
    owner: Organization,
    code: str | None = None,
    category: str = "ministry_system",
    actor=None,
    **fields,
) -> InformationSystem:
    """A system of ``owner``; its builder follows from the category, as on the form."""
    code = code or f"system-{next_number()}"
    return system_create(
        actor=actor,
        code=code,
        name=fields.pop("name", f"{code} システム"),
        owner=owner,
        category=category,
        **fields,
    )
