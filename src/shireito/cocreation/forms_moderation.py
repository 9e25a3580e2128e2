"""Forms of moderation: a report's reason, a hiding's reason."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shireito.cocreation.services.moderation import MAX_REASON


class ModerationReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    # Where to go back to afterwards (a page of this site only).
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, help_text: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if help_text:
            self.fields["reason"].help_text = help_text
