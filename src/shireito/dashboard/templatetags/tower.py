"""``{% load tower %}``: a headline figure's value as people read it (counts grouped, yen in
億円 or millions, shares in %), formatted like the cells of the tables."""

from django import template

from shireito.dashboard import formatting
from shireito.dashboard.figures import Figure

register = template.Library()


@register.filter
def figure_value(figure: Figure) -> str:
    return formatting.format_value(figure.kind, figure.value)
