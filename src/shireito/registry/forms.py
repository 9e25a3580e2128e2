from django import forms
from django.forms.models import fields_for_model, model_to_dict
from django.utils.translation import gettext_lazy as _

from shireito.organizations.forms import DateInput
from shireito.organizations.models import Organization
from shireito.registry.models import InformationSystem
from shireito.registry.services import SYSTEM_FIELDS

FORM_FIELDS = ["code", *list(SYSTEM_FIELDS)]
DATE_FIELDS = [
    "phase_since",
    "operation_start",
    "retirement_date",
    "migration_target",
    "special_support_deadline",
]


class SystemForm(forms.Form):
    """Parses a system's fields; the service validates (with the model's rules and the
    governance model's rule for the builder) and its errors land on these fields."""

    def __init__(self, *args, instance: InformationSystem | None = None, owners=None, **kwargs):
        if instance is not None:
            kwargs.setdefault("initial", model_to_dict(instance, fields=FORM_FIELDS))
        super().__init__(*args, **kwargs)
        names = [f for f in FORM_FIELDS if instance is None or f != "code"]
        self.fields.update(
            fields_for_model(
                InformationSystem, fields=names, widgets=dict.fromkeys(DATE_FIELDS, DateInput)
            )
        )
        organizations = Organization.objects.order_by("code")
        self.fields["owner"].queryset = owners if owners is not None else organizations
        self.fields["builder"].queryset = organizations
        self.fields["builder"].required = False
        self.fields["builder"].help_text = _(
            "Leave empty to take the builder the governance model names for the category."
        )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8, with a header row of the export's column names. At most 50,000 rows."),
    )
