"""Catalogs, made through ``standards.services.catalog_upload`` from a small CSV."""

from __future__ import annotations

from shireito.organizations.models import Organization
from shireito.standards.models import Catalog
from shireito.standards.services import catalog_upload
from tests.kit.factories.sequence import next_number

# Two parts and five measures: enough for an audit's scope and its results.
CATALOG_CSV = b"""id,parent,kind,title,statement,guidance
1,,part,Organisation,,
1.1,1,measure,Policy,Keep a policy.,
1.2,1,measure,Roles,Name the roles.,
2,,part,Technical,,
2.1,2,measure,Access control,Control access.,
2.2,2,measure,Logging,Keep logs.,
2.3,2,measure,Patching,Patch in time.,
"""


def make_catalog(
    *,
    owner: Organization | None = None,
    key: str | None = None,
    title: str = "",
    raw: bytes = CATALOG_CSV,
    fmt: str = "csv",
    actor=None,
) -> Catalog:
    key = key or f"catalog-{next_number()}"
    return catalog_upload(
        actor=actor, raw=raw, fmt=fmt, key=key, title=title or key.title(), owner=owner
    ).catalog
