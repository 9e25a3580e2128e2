"""The API's one pagination: ninja's limit and offset, with an offset past the largest the
database takes answering an empty page (with the count) instead of reaching the query, where
it overflows (SQLite) or fails (PostgreSQL)."""

from __future__ import annotations

from ninja.pagination import LimitOffsetPagination

# The largest id (and offset) the database holds: a larger number from a request names nothing.
MAX_ID = 2**63 - 1


class Pagination(LimitOffsetPagination):
    def paginate_queryset(self, queryset, pagination, request, **params):
        if pagination.offset + min(pagination.limit, self.max_limit) > MAX_ID:
            return {self.items_attribute: [], "count": self._items_count(queryset)}
        return super().paginate_queryset(queryset, pagination, request, **params)
