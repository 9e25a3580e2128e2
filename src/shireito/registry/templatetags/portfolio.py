"""Template filters of the portfolio: fiscal years and open data, for every app's pages
(audits follow the fiscal year too). ``{% load portfolio %}``."""

from django import template
from django.conf import settings
from django.utils.translation import get_language

from shireito.core.languages import in_reader_language
from shireito.registry import selectors

register = template.Library()


@register.filter
def open_data_row(system):
    """The published fields of a system (open data's configuration decides which)."""
    return selectors.open_data_row(system)


@register.filter
def open_data_display(system):
    """The published fields of a system as people read them; names in the other language
    (the English name on a Japanese page, and the reverse) marked with their language."""
    names = {"name", "name_en", "owner", "builder"}
    return [
        in_reader_language(value) if field in names and isinstance(value, str) else value
        for field, value in zip(
            settings.SHIREITO_OPEN_DATA_FIELDS, selectors.open_data_display(system), strict=True
        )
    ]


@register.filter
def fiscal_year(year):
    """令和8年度 (FY2026) in Japanese, FY2026 in English: the label the budget pages use."""
    if not year:
        return ""
    label = selectors.fiscal_year_label(int(year), get_language() or "ja")
    return label if label.startswith("FY") else f"{label} (FY{year})"
