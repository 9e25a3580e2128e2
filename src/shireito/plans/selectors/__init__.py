"""Reads of the priority plan, each through the one scoping layer or the publication rule.

Two readings: a **published** edition and everything in it (but internal tracking: draft
ratings, review comments, values not yet accepted) is open to everyone, the public too; a
**draft** is its author's and its measures' responsible organisations' (``ScopeClass.PLAN``
through ``core.scoping.visible_to``). Tracking on a published measure (reports, values) is
read in full by the Digital Agency and the responsible organisations only."""

from shireito.plans.selectors.editions import (
    area_tree,
    edition_get,
    editions_for,
    latest_published,
    measure_get,
    measures_of,
    principles,
    published_editions,
)

__all__ = [
    "area_tree",
    "edition_get",
    "editions_for",
    "latest_published",
    "measure_get",
    "measures_of",
    "principles",
    "published_editions",
]
