"""The mandate engine's say in the one scoping layer (core.scoping)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Model

from shireito.organizations.choices import ScopeClass
from shireito.organizations.mandates import active_engine

if TYPE_CHECKING:
    from shireito.accounts.models import User
    from shireito.core.scoping import _All

# Where the engine is kept on the user object, as a cached property would keep it.
ENGINE_KEY = "_shireito_mandate_engine"


def mandate_visibility(user: User, model: type[Model], scope_class: str) -> set[int] | _All:
    """Organisations beyond their own whose data of this model's scope class the user may see.

    The engine is built once per user object, which lives for one request.
    """
    if scope_class in (
        ScopeClass.OWN,
        ScopeClass.AUDIT,
        ScopeClass.INCIDENT,
        ScopeClass.PLAN,
        ScopeClass.COCREATION,
    ):
        return set()
    engine = user.__dict__.get(ENGINE_KEY)
    if engine is None:
        engine = user.__dict__[ENGINE_KEY] = active_engine()
    return engine.visible_org_ids(user.organization, scope_class)
