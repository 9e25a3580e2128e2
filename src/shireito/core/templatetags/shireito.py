from django import template
from django.utils.translation import gettext as _

from shireito.core.languages import in_reader_language
from shireito.core.languages import other_language as in_other_language
from shireito.core.services import REDACTED

register = template.Library()


@register.filter
def show_value(value):
    """A recorded value as a person reads it."""
    if value is None or value == "":
        return "—"
    if value == REDACTED:
        return _("(hidden)")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "—"
    return value


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (for pagination links)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        query[key] = value
    return query.urlencode()


@register.filter
def get_item(mapping, key):
    """``mapping[key]`` in a template, for dictionaries keyed by a loop variable."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def yen(value):
    """Whole yen with thousands separators, or a dash."""
    if value is None or value == "":
        return "—"
    return f"¥{int(value):,}"


@register.filter
def own_language(text):
    """Text written by people (a name, a note, a published title) in a page of the other
    language, marked with its own language: ``{{ stage.note|own_language }}``."""
    if text is None or text == "":
        return text
    return in_reader_language(str(text))


@register.filter
def other_language(text):
    """The ``lang`` an element holding only ``text`` needs on this page (an ``<option>``
    cannot hold a marked ``<span>``), or nothing when the text is in the page's language."""
    return in_other_language(str(text)) if text not in (None, "") else None


@register.simple_tag(takes_context=True)
def panels(context, place, obj):
    """The panels other apps registered for ``place`` (``core.panels``), for ``obj``:
    ``{% panels "registry.system" system %}``."""
    from shireito.core.panels import render_panels

    request = context.get("request")
    if request is None:
        return ""
    return render_panels(place, request, obj)
