"""Who may see what: the one place every query that returns data is scoped.

Each scoped model names, in ``scope_path``, the lookup from itself to the organisation that owns
it (``"id"`` for an organisation itself, ``"organization"`` for a user …), or sets
``scope_public = True`` for directory data every signed-in user may read. ``visible_to`` applies
that rule for a user; the UI, the API, exports and TAXII all call it, never filter by hand.

The organisations a user may see data of are their own today; the mandate engine
(organisations app) widens that set through ``register_visibility_rule``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Model, Q, QuerySet

VisibilityRule = Callable[[Any, type[Model]], Iterable[int]]
_visibility_rules: list[VisibilityRule] = []


def register_visibility_rule(rule: VisibilityRule) -> VisibilityRule:
    """Add a rule giving extra organisation ids a user may see for a model (e.g. by mandate)."""
    _visibility_rules.append(rule)
    return rule


def is_platform_admin(user) -> bool:
    return bool(user and user.is_authenticated and getattr(user, "is_platform_admin", False))


def visible_organization_ids(user, model: type[Model]) -> set[int]:
    if not (user and user.is_authenticated) or not getattr(user, "organization_id", None):
        return set()
    ids = {user.organization_id}
    for rule in _visibility_rules:
        ids.update(rule(user, model))
    return ids


def visible_to(user, queryset: QuerySet) -> QuerySet:
    """Restrict ``queryset`` to what ``user`` may see. Anonymous users see nothing."""
    model = queryset.model
    if not (user and user.is_authenticated and user.is_active):
        return queryset.none()
    if is_platform_admin(user) or getattr(model, "scope_public", False):
        return queryset
    path = getattr(model, "scope_path", None)
    if path is None:
        raise TypeError(f"{model.__name__} declares neither scope_path nor scope_public")
    return queryset.filter(Q(**{f"{path}__in": visible_organization_ids(user, model)}))


def owner_organization_id(instance: Model) -> int | None:
    """The id of the organisation that owns an object, following its ``scope_path``."""
    path = getattr(type(instance), "scope_path", None)
    if path is None:
        return None
    value: Any = instance
    parts = path.split("__")
    for index, part in enumerate(parts):
        if index == len(parts) - 1:
            attname = f"{part}_id" if part != "id" and hasattr(value, f"{part}_id") else part
            return getattr(value, attname, None)
        value = getattr(value, part, None)
        if value is None:
            return None
    return None
