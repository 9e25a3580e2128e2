"""The search page's form: the words and the filters."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from shireito.cocreation.choices import ThreadKind
from shireito.core.filters import FilterForm, SearchField, choice_filter

ANSWERED_CHOICES = [("", _("All")), ("yes", _("Answered")), ("no", _("Unanswered questions"))]


class SearchForm(FilterForm):
    search = SearchField(
        label=_("Words"),
        help_text=_("Japanese or English; every word must appear. Two characters are enough."),
    )
    space = forms.ChoiceField(label=_("Space"), required=False, choices=[])
    kind = choice_filter(ThreadKind, label=_("Kind of thread"))
    organization = forms.CharField(
        label=_("Organization (its code)"),
        required=False,
        max_length=60,
        help_text=_("Only what its staff wrote, or its official answers."),
    )
    answered = forms.ChoiceField(label=_("Answered"), required=False, choices=ANSWERED_CHOICES)
    official = forms.BooleanField(label=_("Official answers only"), required=False)

    def __init__(self, data=None, *, spaces=(), **kwargs):
        super().__init__(data, **kwargs)
        self.fields["space"].choices = [
            ("", _("All spaces")),
            *((s.slug, s.display_name) for s in spaces),
        ]
