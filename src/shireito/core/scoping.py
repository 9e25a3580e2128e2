"""Who may see what: the one place every query that returns data is scoped.

Each scoped model names, in ``scope_path``, the lookup from itself to the organisation that owns
it (``"id"`` for an organisation itself, ``"organization"`` for a user …), or a tuple of such
lookups when several parties share an object (an audit is its auditee's, its auditor's and the
body that entrusted it), and in ``scope_class`` what kind of data it is (directory,
own-organisation data, portfolio …).
``visible_to`` applies the rules for a user; the UI, the API, exports and TAXII all call it,
never filter by hand.

A user always sees their own organisation's data; the mandate engine (organisations app)
widens that per scope class through ``register_visibility_rule``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models import Exists, ForeignObjectRel, Model, OuterRef, Q, QuerySet


class _All:
    """Every organisation: a rule's answer when its user may see all of a kind of data."""

    def __repr__(self) -> str:
        return "ALL"


ALL = _All()

# A rule answers for a user, a model and the scope class asked (the model's own, unless a
# selector asks for a narrower reading of the same rows, such as coordination).
VisibilityRule = Callable[[Any, type[Model], str], "Iterable[int] | _All"]
_visibility_rules: list[VisibilityRule] = []


def register_visibility_rule(rule: VisibilityRule) -> VisibilityRule:
    """Add a rule giving extra organisation ids a user may see for a model (e.g. by mandate),
    or ``ALL``."""
    _visibility_rules.append(rule)
    return rule


def is_platform_admin(user) -> bool:
    return bool(user and user.is_authenticated and getattr(user, "is_platform_admin", False))


def scope_class_of(model: type[Model]) -> str:
    return str(getattr(model, "scope_class", "own"))


# Where a narrowing (``narrowed_to``) is kept on the user object for the length of a request.
NARROWING_KEY = "_shireito_narrowed_to"


@contextmanager
def narrowed_to(user, organization_ids: Iterable[int]) -> Iterator[None]:
    """Within the block, everything ``user`` may see is further limited to
    ``organization_ids``: the control tower's drill-down from the whole government to one
    ministry asks every selector, unchanged, through here. Narrowing never widens."""
    previous = user.__dict__.get(NARROWING_KEY)
    ids = frozenset(organization_ids)
    user.__dict__[NARROWING_KEY] = ids if previous is None else ids & previous
    try:
        yield
    finally:
        if previous is None:
            user.__dict__.pop(NARROWING_KEY, None)
        else:
            user.__dict__[NARROWING_KEY] = previous


def visible_organization_ids(
    user, model: type[Model], *, scope_class: str | None = None
) -> set[int] | _All:
    """The organisations whose ``model`` data ``user`` may see: their own, plus what the
    registered rules (the mandate engine) add; ``ALL`` for platform admins. Within a
    narrowing, only those of the narrowing: right for data with one owner (a summary keyed by
    its owner); ``visible_to`` narrows data of several parties by a second condition.

    ``scope_class`` asks for another reading of the same rows than the model's own (the
    coordination of local governments' migration reads systems without their security
    details): the selector that asks it must then show only what that class covers."""
    ids = _visible_organization_ids(user, model, scope_class)
    narrowing = narrowing_of(user)
    if narrowing is None:
        return ids
    return set(narrowing) if isinstance(ids, _All) else ids & narrowing


def narrowing_of(user) -> frozenset[int] | None:
    """The organisations a drill-down narrows ``user`` to for this request, if any."""
    return getattr(user, "__dict__", {}).get(NARROWING_KEY)


def _visible_organization_ids(user, model: type[Model], scope_class: str | None) -> set[int] | _All:
    if not (user and user.is_authenticated and user.is_active):
        return set()
    if is_platform_admin(user):
        return ALL
    if not getattr(user, "organization_id", None):
        return set()
    ids = {user.organization_id}
    asked = scope_class or scope_class_of(model)
    for rule in _visibility_rules:
        extra = rule(user, model, asked)
        if isinstance(extra, _All):
            return ALL
        ids.update(extra)
    return ids


def may_see_organization(
    user, model: type[Model], organization_id: int | None, *, scope_class: str | None = None
) -> bool:
    """Whether ``user`` may see ``model`` data owned by one organisation: the question a
    page asks about one object it already holds, answered by the same rules as
    ``visible_to``."""
    if organization_id is None:
        return False
    ids = visible_organization_ids(user, model, scope_class=scope_class)
    return isinstance(ids, _All) or organization_id in ids


def visible_to(user, queryset: QuerySet, *, scope_class: str | None = None) -> QuerySet:
    """Restrict ``queryset`` to what ``user`` may see (under ``scope_class``, if a selector
    asks for a reading other than the model's own). Anonymous users see nothing."""
    model = queryset.model
    path = getattr(model, "scope_path", None)
    if path is None:
        raise TypeError(f"{model.__name__} declares no scope_path")
    ids = _visible_organization_ids(user, model, scope_class)
    narrowing = narrowing_of(user)
    if not isinstance(ids, _All):
        if not ids:
            return queryset.none()
        queryset = queryset.filter(_any_path(model, ids))
    if narrowing is not None:
        # Rows the user may see that also concern the narrowed bodies, through any of the
        # row's parties: an audit the centre conducted of the ministry drilled down to.
        queryset = queryset.filter(_any_path(model, narrowing)) if narrowing else queryset.none()
    return queryset


def _any_path(model: type[Model], ids) -> Q:
    condition = Q()
    for each in scope_paths(model):
        condition |= _path_condition(model, each, ids)
    return condition


def _path_condition(model: type[Model], path: str, ids) -> Q:
    """Rows whose ``path`` leads to one of ``ids``. Through a one-to-many relation a join
    would repeat rows, so it asks whether a related row exists, correlated to this one (an
    index lookup per row; PostgreSQL cannot turn ``pk IN (subquery)`` under OR into a
    semi-join)."""
    parts = path.split("__")
    current = model
    for index, part in enumerate(parts):
        if part == "id":
            break
        field = current._meta.get_field(part)
        if field.one_to_many and isinstance(field, ForeignObjectRel):
            outer = "__".join(parts[:index]) or "pk"
            rest = "__".join(parts[index + 1 :])
            inner = field.related_model._base_manager.filter(
                **{field.field.name: OuterRef(outer), f"{rest}__in" if rest else "pk__in": ids}
            )
            return Q(Exists(inner))
        if field.many_to_many:
            matching = model._base_manager.filter(**{f"{path}__in": ids}).values("pk")
            return Q(pk__in=matching)
        if field.related_model is None:
            break
        current = field.related_model
    return Q(**{f"{path}__in": ids})


def scope_paths(model: type[Model]) -> tuple[str, ...]:
    path = getattr(model, "scope_path", None)
    if path is None:
        return ()
    return (path,) if isinstance(path, str) else tuple(path)


def owner_organization_id(instance: Model) -> int | None:
    """The id of the organisation that owns an object, following its (first) ``scope_path``."""
    paths = scope_paths(type(instance))
    if not paths:
        return None
    path = paths[0]
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
