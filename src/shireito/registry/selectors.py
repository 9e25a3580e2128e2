from __future__ import annotations

from django.db.models import Q, QuerySet

from shireito.core.scoping import visible_to
from shireito.registry.models import InformationSystem

# The orders a list may be sorted by (public name → model ordering).
SORTS = {
    "code": "code",
    "-code": "-code",
    "name": "name",
    "-name": "-name",
    "owner": "owner__code",
    "-owner": "-owner__code",
    "category": "category",
    "phase": "phase",
    "updated": "-updated_at",
}


def system_list(
    *,
    user,
    search: str = "",
    owner: str = "",
    category: str = "",
    phase: str = "",
    hosting: str = "",
    important: bool | None = None,
    standard_business: str = "",
    migration_status: str = "",
    sort: str = "code",
) -> QuerySet[InformationSystem]:
    """The systems ``user`` may see, filtered and sorted; ``search`` matches the id and both
    names (case-insensitive)."""
    systems = visible_to(user, InformationSystem.objects.select_related("owner", "builder"))
    if search:
        systems = systems.filter(
            Q(code__icontains=search) | Q(name__icontains=search) | Q(name_en__icontains=search)
        )
    filters = {
        "owner__code": owner,
        "category": category,
        "phase": phase,
        "hosting": hosting,
        "standard_business": standard_business,
        "migration_status": migration_status,
    }
    systems = systems.filter(**{field: value for field, value in filters.items() if value})
    if important is not None:
        systems = systems.filter(important=important)
    return systems.order_by(SORTS.get(sort, "code"), "pk")


def system_get(*, user, code: str) -> InformationSystem | None:
    return (
        visible_to(user, InformationSystem.objects.select_related("owner", "builder"))
        .filter(code=code)
        .first()
    )


def may_edit_system(user, *, owner, builder=None) -> bool:
    """Editors and organisation admins of the owner or of the builder; platform admins.
    ``user=None`` is the command line."""
    if user is None:
        return True
    if not user.is_authenticated:
        return False
    if user.is_platform_admin:
        return True
    if not (user.has_role("editor") or user.has_role("org_admin")):
        return False
    return user.organization_id in {getattr(owner, "pk", None), getattr(builder, "pk", None)}
