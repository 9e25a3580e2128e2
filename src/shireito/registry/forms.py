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

    def __init__(
        self, *args, instance: InformationSystem | None = None, owners=None, user=None, **kwargs
    ):
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
        self.fields["related"] = forms.CharField(
            label=_("Related systems"),
            required=False,
            help_text=_("Their system ids, separated by commas."),
        )
        if instance is not None:
            from shireito.registry.selectors import related_shown

            shown = related_shown(user, instance) if user is not None else []
            self.initial.setdefault("related", ", ".join(sorted(s.code for s in shown)))
            self.fields["reclassification_reason"] = forms.CharField(
                label=_("Reason for a change of category"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("Needed when the new category takes the system out of oversight."),
            )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8, with a header row of the export's column names. At most 50,000 rows."),
    )


class BudgetRequestForm(forms.Form):
    fiscal_year = forms.IntegerField(
        label=_("Fiscal year (April to March, e.g. 2026)"), min_value=2000, max_value=2100
    )
    development = forms.IntegerField(label=_("Development (yen)"), min_value=0, max_value=10**15)
    operation = forms.IntegerField(label=_("Operation (yen)"), min_value=0, max_value=10**15)


class BudgetReviewForm(forms.Form):
    note = forms.CharField(
        label=_("Review note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class BudgetDecisionForm(forms.Form):
    development_approved = forms.IntegerField(
        label=_("Development approved (yen)"), min_value=0, max_value=10**15
    )
    operation_approved = forms.IntegerField(
        label=_("Operation approved (yen)"), min_value=0, max_value=10**15
    )
    note = forms.CharField(
        label=_("Review note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class BudgetExecutionForm(forms.Form):
    development_executed = forms.IntegerField(
        label=_("Development executed (yen)"), min_value=0, max_value=10**15
    )
    operation_executed = forms.IntegerField(
        label=_("Operation executed (yen)"), min_value=0, max_value=10**15
    )


class RatingForm(forms.Form):
    risk = forms.TypedChoiceField(
        label=_("Risk"),
        coerce=int,
        widget=forms.RadioSelect,
        choices=[(n, str(n)) for n in range(1, 6)],
        help_text=_("1 is the lowest risk, 5 the highest."),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}))


class ScheduleForm(forms.Form):
    rating_interval_days = forms.IntegerField(
        label=_("Re-rate every (days)"), min_value=1, max_value=3650
    )


class RecommendationForm(forms.Form):
    ministry = forms.ModelChoiceField(
        label=_("Ministry"), queryset=Organization.objects.filter(kind="ministry").order_by("code")
    )
    systems = forms.CharField(
        label=_("System ids"),
        help_text=_("The ids of the ministry's systems it concerns, separated by commas."),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}))
    due_date = forms.DateField(label=_("Answer due"), widget=DateInput)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 5}))
