from __future__ import annotations

from django.db.models import Q, QuerySet

from shireito.core.scoping import visible_to
from shireito.organizations.models import Organization


def organization_list(*, user, search: str = "", kind: str = "") -> QuerySet[Organization]:
    organizations = visible_to(user, Organization.objects.select_related("parent"))
    if search:
        organizations = organizations.filter(
            Q(name__icontains=search) | Q(name_en__icontains=search) | Q(code__icontains=search)
        )
    if kind:
        organizations = organizations.filter(kind=kind)
    return organizations.order_by("code")


def organization_get(*, user, code: str) -> Organization | None:
    return visible_to(user, Organization.objects.select_related("parent")).filter(code=code).first()
