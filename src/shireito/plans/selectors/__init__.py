"""Reads of the priority plan, each through the one scoping layer or the publication rule.

Two readings: a **published** edition and everything in it (but internal tracking: draft
ratings, review comments, values not yet accepted) is open to everyone, the public too; a
**draft** is its author's and its measures' responsible organisations' (``ScopeClass.PLAN``
through ``core.scoping.visible_to``). Tracking on a published measure (reports, values) is
read in full by the Digital Agency and the responsible organisations only."""

from shireito.plans.selectors.editions import (
    area_tree,
    areas_visible,
    edition_get,
    editions_for,
    latest_published,
    measure_get,
    measures_of,
    principles,
    published_editions,
)
from shireito.plans.selectors.tracking import (
    flag_filter_choices,
    flags_of,
    latest_rating,
    measurement_get,
    measurements_of,
    my_measures,
    notices_for,
    open_flags,
    open_flags_by_measure,
    ratings_of,
    report_get,
    reports_due,
    reports_of,
    review_queue,
    unread_notice_count,
)

__all__ = [
    "area_tree",
    "areas_visible",
    "edition_get",
    "editions_for",
    "flag_filter_choices",
    "flags_of",
    "latest_published",
    "latest_rating",
    "measure_get",
    "measurement_get",
    "measurements_of",
    "measures_of",
    "my_measures",
    "notices_for",
    "open_flags",
    "open_flags_by_measure",
    "principles",
    "published_editions",
    "ratings_of",
    "report_get",
    "reports_due",
    "reports_of",
    "review_queue",
    "unread_notice_count",
]
