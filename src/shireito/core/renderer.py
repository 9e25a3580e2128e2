"""The project's form renderer: Django's, with people's text in a form marked with its own
language (WCAG 3.1.2), as ``own_language`` marks it in pages. An option or a check box
naming a Japanese organisation on an English page says ``lang="ja"``, and so does a text box
holding a Japanese description."""

from __future__ import annotations

from pathlib import Path

import django.forms
from django.forms import BoundField, widgets
from django.forms.renderers import DjangoTemplates
from django.utils.functional import cached_property

from shireito.core.languages import other_language

TEXT_WIDGETS = (widgets.Textarea, widgets.TextInput)


class OwnLanguageBoundField(BoundField):
    """A text box whose value is in the other language than the page's carries ``lang``."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if isinstance(widget, TEXT_WIDGETS) and not widget.is_hidden and "lang" not in attrs:
            value = self.value()
            language = other_language(value) if isinstance(value, str) else None
            if language:
                attrs["lang"] = language
        return attrs


class Renderer(DjangoTemplates):
    """Django's templates, after the few this project overrides (core/form_templates)."""

    bound_field_class = OwnLanguageBoundField

    @cached_property
    def engine(self):
        return self.backend(
            {
                "APP_DIRS": True,
                "DIRS": [
                    Path(__file__).parent / "form_templates",
                    Path(django.forms.__file__).parent / "templates",
                ],
                "NAME": "djangoforms",
                "OPTIONS": {},
            }
        )
