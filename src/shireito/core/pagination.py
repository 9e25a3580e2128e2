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
        if pagination.offset + min(pagination.limit, self.max_limit) > MAX_ID:
            return {self.items_attribute: [], "count": self._items_count(queryset)}
        return super().paginate_queryset(queryset, pagination, request, **params)


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
