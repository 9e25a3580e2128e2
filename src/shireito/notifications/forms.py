from django import forms
from django.utils.translation import gettext_lazy as _

from shireito.notifications.choices import EmailPreference


class PreferenceForm(forms.Form):
    email = forms.ChoiceField(
        label=_("E-mail me my notifications"),
        choices=EmailPreference.choices,
        widget=forms.RadioSelect,
    )
