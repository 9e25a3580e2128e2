"""The import page's form: the file and, for a new draft edition, its year and title."""

from django import forms
from django.utils.translation import gettext_lazy as _


class EditionImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "The edition's XLSX workbook, or a ZIP of its CSV files (areas.csv, measures.csv, "
            "kpis.csv …), as downloaded from the edition's page."
        ),
    )


class NewEditionImportForm(EditionImportForm):
    year = forms.IntegerField(label=_("Edition year"), min_value=2000, max_value=2100)
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to take the title from the file's edition sheet."),
    )

    field_order = ["year", "title", "file"]
