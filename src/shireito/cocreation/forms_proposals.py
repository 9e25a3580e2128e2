"""The forms of proposals: a decision with its reason, an outcome, the list's status filter."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from shireito.cocreation.choices import LinkKind, ProposalStatus
from shireito.cocreation.selectors.outcomes import OUTCOME_KINDS
from shireito.core.filters import FilterForm, choice_filter


class ProposalFilters(FilterForm):
    status = choice_filter(ProposalStatus, label=_("Status"))


class ProposalDecideForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=[])
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown to everyone who reads the proposal, with your organization's name."),
    )

    def __init__(self, *args, statuses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(s, ProposalStatus(s).label) for s in statuses]


class ProposalOutcomeForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Carried out by"), choices=[(k, LinkKind(k).label) for k in OUTCOME_KINDS]
    )
    key = forms.CharField(
        label=_("Which one"),
        max_length=100,
        help_text=_("A system's id, or a measure as edition year/code (for example 2026/M-2)."),
    )
    note = forms.CharField(
        label=_("What changes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
