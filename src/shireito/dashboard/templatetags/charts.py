"""``{% load charts %}``: a figures table as its chart (``{% chart table %}``) and as the data
for its accessible table (``{% table_view table as view %}``, used by
``dashboard/components/table.html``)."""

from typing import Any

from django import template
from django.utils.safestring import SafeString

from shireito.dashboard import charts, formatting
from shireito.dashboard.figures import Table

register = template.Library()


@register.simple_tag
def chart(table: Table, id: str = "") -> SafeString:
    """The table's SVG chart, in the page's language; nothing when it has no chart."""
    return charts.render_chart(table, id=id)


@register.simple_tag
def table_view(table: Table) -> dict[str, Any]:
    return formatting.table_view(table)
