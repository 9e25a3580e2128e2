"""Writes to the priority plan. Every channel (pages, API, import, command line, demo) goes
through these, so the permission rules, the edition's lock once published and the audit
trail hold everywhere. One module per part: editions, their content, tracking."""

from shireito.plans.services.content import (
    AREA_FIELDS,
    KPI_FIELDS,
    MEASURE_FIELDS,
    MILESTONE_FIELDS,
    content_create,
    content_delete,
    content_update,
    measure_set_parties,
    require_editable,
)
from shireito.plans.services.editions import (
    EDITION_FIELDS,
    copy_content,
    edition_copy,
    edition_create,
    edition_delete,
    edition_publish,
    publication_problems,
)
from shireito.plans.services.links import kpi_set_interim_targets, measure_set_links

__all__ = [
    "AREA_FIELDS",
    "EDITION_FIELDS",
    "KPI_FIELDS",
    "MEASURE_FIELDS",
    "MILESTONE_FIELDS",
    "content_create",
    "content_delete",
    "content_update",
    "copy_content",
    "edition_copy",
    "edition_create",
    "edition_delete",
    "edition_publish",
    "kpi_set_interim_targets",
    "measure_set_links",
    "measure_set_parties",
    "publication_problems",
    "require_editable",
]
