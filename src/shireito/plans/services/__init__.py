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
from shireito.plans.services.link_sets import kpi_set_interim_targets, measure_set_links
from shireito.plans.services.links import (
    measure_link_budget,
    measure_link_control,
    measure_link_system,
    measure_save,
)
from shireito.plans.services.tracking import (
    REPORT_FIELDS,
    measurement_enter,
    measurement_review,
    milestone_record,
    report_return,
    report_review,
    report_save,
    report_save_and_submit,
    report_submit,
)

__all__ = [
    "AREA_FIELDS",
    "EDITION_FIELDS",
    "KPI_FIELDS",
    "MEASURE_FIELDS",
    "MILESTONE_FIELDS",
    "REPORT_FIELDS",
    "content_create",
    "content_delete",
    "content_update",
    "copy_content",
    "edition_copy",
    "edition_create",
    "edition_delete",
    "edition_publish",
    "kpi_set_interim_targets",
    "measure_link_budget",
    "measure_link_control",
    "measure_link_system",
    "measure_save",
    "measure_set_links",
    "measure_set_parties",
    "measurement_enter",
    "measurement_review",
    "milestone_record",
    "publication_problems",
    "report_return",
    "report_review",
    "report_save",
    "report_save_and_submit",
    "report_submit",
    "require_editable",
]
