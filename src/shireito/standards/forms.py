"""The standards pages' forms: uploads of catalogs and mappings, and the filters above the
catalog list, a catalog's contents and the comparison of two editions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.functional import lazy
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shireito.core.filters import FilterForm, SearchField
from shireito.standards.choices import CatalogFormat
from shireito.standards.importers import MAX_BYTES
from shireito.standards.models import Catalog, key_validator


def _file_help() -> str:
    # Translated when shown: a lazy text's ``%`` would translate it once, at import.
    return gettext(
        "An OSCAL JSON catalog or profile (1.0.x or 1.1.x), the Common Standards' JSON, or "
        "a catalog written in a spreadsheet (CSV or XLSX). At most %(size)d MB."
    ) % {"size": MAX_BYTES // (1024 * 1024)}


# A help text with markup (column names as <code>), translated when the form is shown.
mark_safe_lazy = lazy(mark_safe, SafeString)


class CatalogUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=lazy(_file_help, str)(),
    )
    format = forms.ChoiceField(label=_("Format"), choices=CatalogFormat.choices)
    key = forms.CharField(
        label=_("Key"),
        max_length=80,
        validators=[key_validator],
        help_text=_("A short unique name used in addresses, e.g. common-standards-r7."),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        required=False,
        help_text=_("Leave empty to take the title from the file."),
    )
    edition = forms.CharField(
        label=_("Edition"),
        max_length=100,
        required=False,
        help_text=_("For example “FY2025 edition”. Leave empty to take the version from the file."),
    )
    owner: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Owner"), queryset=None, required=False
    )
    against: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Catalog the profile selects from"),
        queryset=None,
        required=False,
        to_field_name="key",
        help_text=_(
            "Only for a profile whose imports do not name a catalog held here by its file name."
        ),
    )

    def __init__(self, *args, owners, catalogs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["against"].queryset = catalogs


class MappingUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=mark_safe_lazy(
            _(
                "UTF-8 (with or without BOM) or Shift_JIS; columns <code>source_id</code>, "
                "<code>target_id</code>, <code>relationship</code>, <code>note</code>; ids as "
                "published or as OSCAL ids."
            )
        ),
    )
    key = forms.CharField(label=_("Key"), max_length=80, validators=[key_validator])
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    source: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Source catalog"), queryset=None, to_field_name="key"
    )
    target: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Target catalog"), queryset=None, to_field_name="key"
    )
    owner: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Owner"), queryset=None, required=False
    )

    def __init__(self, *args, owners, catalogs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["source"].queryset = catalogs
        self.fields["target"].queryset = catalogs


class CatalogFilter(FilterForm):
    search = SearchField()


class NodeFilter(FilterForm):
    """A catalog's contents: one level of the tree, or every node matching the search."""

    search = SearchField(label=_("Search ids and text"))


class CompareFilter(FilterForm):
    """Two editions among the catalogs the user may see. Once either is named both must be:
    a comparison with one side missing is a mistake to point out, not an empty answer."""

    report_errors = True

    old = forms.ChoiceField(
        label=_("Earlier edition"),
        required=False,
        error_messages={"invalid_choice": _("Choose a catalog.")},
    )
    new = forms.ChoiceField(
        label=_("Later edition"),
        required=False,
        error_messages={"invalid_choice": _("Choose a catalog.")},
    )

    def __init__(self, data=None, *, catalogs: Iterable[Catalog], **kwargs):
        super().__init__(data, **kwargs)
        choices = [("", "—"), *((c.key, f"{c.key} — {c}") for c in catalogs)]
        for name in ("old", "new"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = choices

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "old" in self.data or "new" in self.data:
            for name in ("old", "new"):
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, _("Choose a catalog."))
        return cleaned
