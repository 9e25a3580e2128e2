"""Template filters of the plan's pages."""

from django import template
from django.utils.translation import get_language

from shireito.plans.charts import number_text

register = template.Library()


@register.filter
def localized(obj, field: str) -> str:
    """``obj.<field>`` in the page's language: the ``<field>_en`` text on an English page
    when there is one, else the Japanese."""
    if (get_language() or "ja").startswith("en"):
        english = getattr(obj, f"{field}_en", "")
        if english:
            return english
    return getattr(obj, field, "")


@register.filter
def plan_number(value) -> str:
    """A KPI's figure as read: thousands separators, no trailing zeros."""
    return "—" if value is None or value == "" else number_text(value)
