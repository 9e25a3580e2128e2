"""The published plan's open data over the API, without sign-in: one table of a published
edition per operation, a page at a time, the same rows and fields as the files under
/open-data/plan/ (declared once in ``plans.open_data``)."""

from __future__ import annotations

from itertools import islice
from typing import Literal

from ninja import Query

from shireito.core.pages import get_or_404
from shireito.core.pagination import beyond_any_page
from shireito.plans import open_data
from shireito.plans.api.common import router
from shireito.plans.selectors import publication

TableName = Literal["measures", "kpis", "interim_targets", "measurements", "milestones", "ratings"]


@router.get(
    "/open-data/{published}/{table}",
    auth=None,
    response=dict,
    operation_id="plans_open_data",
    summary="A table of a published edition of the priority plan as open data (no sign-in)",
    description="The same rows as /open-data/plan/{published}/{table}.json; the fields are "
    "described in /open-data/plan/{published}/datapackage.json. Measurements are the "
    "accepted ones only; ratings those set by the Digital Agency in review.",
)
def plans_open_data(
    request,
    published: int,
    table: TableName,
    limit: int = Query(1000, ge=1, le=10000),
    offset: int = Query(0, ge=0),
):
    edition = get_or_404(publication.public_edition(published))
    spec = open_data.TABLES[table]
    items = (
        []
        if beyond_any_page(offset, limit)
        else list(islice(open_data.records(spec, edition), offset, offset + limit))
    )
    return {"items": items, "count": spec.count(edition)}
