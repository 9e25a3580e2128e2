"""The mandate engine's say in the one scoping layer (core.scoping)."""

from __future__ import annotations

from shireito.organizations.choices import ScopeClass
from shireito.organizations.mandates import active_engine


def mandate_visibility(user, model):
    """Organisations beyond their own whose data of this model's scope class the user may see.

    The engine is built once per user object, which lives for one request.
    """
    scope_class = getattr(model, "scope_class", ScopeClass.OWN)
    if scope_class in (ScopeClass.OWN, ScopeClass.AUDIT, ScopeClass.INCIDENT):
        return set()
    engine = getattr(user, "_shireito_mandate_engine", None)
    if engine is None:
        engine = active_engine()
        user._shireito_mandate_engine = engine
    return engine.visible_org_ids(user.organization, scope_class)
