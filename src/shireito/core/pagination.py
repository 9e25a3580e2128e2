"""The API's one pagination: ninja's limit and offset, with an offset past the largest the
database takes answering an empty page (with the count) instead of reaching the query, where
it overflows (SQLite) or fails (PostgreSQL)."""

from __future__ import annotations

import re

from ninja.pagination import LimitOffsetPagination

# The largest id (and offset) the database holds: a larger number from a request names nothing.
MAX_ID = 2**63 - 1


class Pagination(LimitOffsetPagination):
    def paginate_queryset(self, queryset, pagination, request, **params):
        if beyond_any_page(pagination.offset, min(pagination.limit, self.max_limit)):
            return {self.items_attribute: [], "count": self._items_count(queryset)}
        return super().paginate_queryset(queryset, pagination, request, **params)


def beyond_any_page(offset: int, limit: int) -> bool:
    """Whether a window starts or ends past the largest offset the database takes."""
    return offset < 0 or offset + limit > MAX_ID


def window(rows, *, offset: int, limit: int) -> list:
    """``rows[offset:offset + limit]`` as a list, or an empty one past any page there can be:
    for an endpoint whose answer is not ninja's paginated one but takes the same numbers."""
    if beyond_any_page(offset, limit):
        return []
    return list(rows[offset : offset + limit])


_ID_TEXT = re.compile(r"^[0-9]{1,19}$")


def parse_id(value) -> int | None:
    """A database id from a URL, a query string, a form or a JSON body, or None when the value
    cannot be one (not a whole number from 1 to MAX_ID): such a value names nothing and must
    not reach a query."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _ID_TEXT.match(value):
        number = int(value)
    else:
        return None
    return number if 1 <= number <= MAX_ID else None
