"""Filter forms: the GET form above a list, read leniently.

A list is a place to look, not a form to fill in: a value that is not one of the choices (an
old bookmark, a hand-edited URL) is ignored rather than refused, so ``values()`` always
answers, with each field's default where the request had nothing usable.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.forms.utils import ErrorDict, flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from shireito.core.languages import other_language

SEARCH_MAX = 200


class SearchField(forms.CharField):
    """The free-text search every list has, trimmed and cut to a sane length."""

    widget = forms.SearchInput

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Search"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", None)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        return (super().to_python(value) or "")[:SEARCH_MAX]


class PlainSelect(forms.Select):
    """A select written out in Python. A list's filter shows dozens of options on every page,
    and Django renders each option through templates of its own (several milliseconds a page
    for the system list's 54 options). The markup is the same."""

    def render(self, name, value, attrs=None, renderer=None):
        if any(isinstance(label, list | tuple) for _value, label in self.choices):
            return super().render(name, value, attrs, renderer)  # groups: Django's own way
        chosen = {str(v) for v in self.format_value(value)}
        options = "".join(
            f'<option value="{escape(v)}"{" selected" if str(v) in chosen else ""}'
            f"{_lang_attribute(label)}>{escape(label)}</option>"
            for v, label in self.choices
        )
        final_attrs = flatatt(self.build_attrs(self.attrs, attrs))
        return mark_safe(f'<select name="{escape(name)}"{final_attrs}>{options}</select>')  # noqa: S308 - every value escaped above


def _lang_attribute(label) -> str:
    language = other_language(str(label))
    return f' lang="{language}"' if language else ""


def choice_filter(choices, *, label, all_label=None) -> forms.ChoiceField:
    """A select of ``choices`` (pairs or a ``TextChoices``) with "All" first."""
    pairs = list(getattr(choices, "choices", choices))
    return forms.ChoiceField(
        label=label, required=False, choices=[("", all_label or _("All")), *pairs]
    )


class FilterForm(forms.Form):
    """Subclasses declare fields; ``defaults`` gives a value for a field left empty or wrong.
    ``report_errors`` keeps a wrong value's error on the page (a comparison with one side
    missing); by default a wrong value is dropped quietly, as a list's old bookmark deserves."""

    defaults: ClassVar[dict[str, Any]] = {}
    report_errors: ClassVar[bool] = False

    def __init__(self, data=None, **kwargs):
        kwargs.setdefault("auto_id", "id_%s")
        # An unbound filter (first visit) reads as an empty query, not as nothing at all.
        super().__init__(data if data is not None else {}, **kwargs)
        for field in self.fields.values():
            if type(field.widget) is forms.Select:
                field.widget = PlainSelect(attrs=field.widget.attrs, choices=field.widget.choices)

    def values(self) -> dict[str, Any]:
        """Every field's value: the request's where valid, else its default."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        values = {}
        for name, field in self.fields.items():
            value = cleaned.get(name) if name not in self.errors else None
            if value in (None, "") or (
                value == [] and isinstance(field, forms.MultipleChoiceField)
            ):
                value = self.defaults.get(
                    name, "" if not isinstance(field, forms.NullBooleanField) else None
                )
            values[name] = value
        if not self.report_errors:
            self._errors = ErrorDict()
        return values
