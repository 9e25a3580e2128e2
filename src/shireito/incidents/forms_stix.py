"""Forms of the STIX pages: a bundle to import, and the national centre's publication."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shireito.sharing.choices import Tlp


class BundleUploadForm(forms.Form):
    file = forms.FileField(
        label=_("STIX 2.1 bundle"),
        help_text=_(
            "A JSON file holding one STIX 2.1 bundle with exactly one incident and its "
            "indicators. Up to 10 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )


class PublishForm(forms.Form):
    collection = forms.ChoiceField(
        label=_("TAXII collection"),
        help_text=_(
            "Collections your organization may add objects to, with the highest TLP each accepts."
        ),
    )
    shared_title = forms.CharField(label=_("Title for sharing"), max_length=200)
    shared_summary = forms.CharField(
        label=_("Summary for sharing"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Write only what may leave the route: nothing of the narrative, no names of "
            "organizations or people."
        ),
    )
    shared_tlp = forms.ChoiceField(
        label=_("TLP for sharing"), choices=Tlp.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, collections=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["collection"].choices = [("", _("Choose a collection"))] + [
            (str(c.pk), f"{c.title} ({Tlp(c.max_tlp).label})") for c in collections
        ]
