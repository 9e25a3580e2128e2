"""The filter of the shared-information page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from shireito.core.filters import FilterForm, SearchField, choice_filter
from shireito.sharing.choices import Tlp
from shireito.sharing.readable import TYPE_LABELS

if TYPE_CHECKING:
    from shireito.sharing.models import Collection


class SharedObjectFilter(FilterForm):
    search = SearchField(help_text=_("Name, description or STIX id."))
    collection = forms.ChoiceField(label=_("Collection"), required=False)
    stix_type = choice_filter(
        sorted(TYPE_LABELS.items(), key=lambda pair: str(pair[1])), label=_("Kind of object")
    )
    tlp = choice_filter(Tlp, label=_("TLP"))

    def __init__(self, data=None, *, collections: list[Collection], **kwargs):
        super().__init__(data, **kwargs)
        field = self.fields["collection"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("All")), *((str(c.pk), c.title) for c in collections)]
