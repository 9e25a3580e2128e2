"""The portfolio's forms: they parse; the services validate and their errors land here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
from django.forms.models import fields_for_model, model_to_dict
from django.utils.translation import gettext_lazy as _

from shireito.core.filters import FilterForm, SearchField, choice_filter
from shireito.organizations.choices import (
    LocalGovernmentLevel,
    OrganizationKind,
    SystemCategory,
)
from shireito.organizations.forms import DateInput
from shireito.organizations.selectors import organization_directory
from shireito.registry.choices import (
    Hosting,
    LifecyclePhase,
    MigrationStatus,
    RecommendationStatus,
    StandardBusiness,
)
from shireito.registry.models import InformationSystem
from shireito.registry.selectors import SORTS, related_shown
from shireito.registry.services import SYSTEM_FIELDS

if TYPE_CHECKING:
    from shireito.accounts.models import User
    from shireito.organizations.models import Organization

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
        self,
        *args,
        instance: InformationSystem | None = None,
        owners: QuerySet[Organization] | None = None,
        user: User | None = None,
        **kwargs,
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
        organizations = organization_directory()
        owner, builder = self.fields["owner"], self.fields["builder"]
        assert isinstance(owner, forms.ModelChoiceField)
        assert isinstance(builder, forms.ModelChoiceField)
        owner.queryset = owners if owners is not None else organizations
        if instance is not None and owners is not None:
            # The current owner stays a choice even when the user could not move a system there.
            owner.queryset = owners | organization_directory().filter(pk=instance.owner_id)
        builder.queryset = organizations
        builder.required = False
        builder.help_text = _(
            "Leave empty to take the builder the governance model names for the category."
        )
        self.fields["related"] = forms.CharField(
            label=_("Related systems"),
            required=False,
            help_text=_("Their system ids, separated by commas."),
        )
        if instance is not None:
            shown = related_shown(user, instance) if user is not None else []
            self.initial.setdefault("related", ", ".join(sorted(s.code for s in shown)))
            self.fields["reclassification_reason"] = forms.CharField(
                label=_("Reason for a change of category"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("Needed when the new category takes the system out of oversight."),
            )

    def clean_related(self) -> list[str]:
        return split_codes(self.cleaned_data["related"])


def split_codes(text: str) -> list[str]:
    """System ids written with commas between them."""
    return [code.strip() for code in text.split(",") if code.strip()]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "UTF-8 (with or without BOM) or Shift_JIS, as Excel saves it, with a header row of "
            "the export's column names. At most 50,000 rows."
        ),
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
        label=_("Ministry"), queryset=organization_directory(kind=OrganizationKind.MINISTRY)
    )
    systems = forms.CharField(
        label=_("System ids"),
        help_text=_("The ids of the ministry's systems it concerns, separated by commas."),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}))
    due_date = forms.DateField(label=_("Answer due"), widget=DateInput)

    def __init__(self, *args, ministries: QuerySet[Organization] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if ministries is not None:
            field = self.fields["ministry"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = ministries

    def clean_systems(self) -> list[str]:
        return split_codes(self.cleaned_data["systems"])


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 5}))


class SortField(forms.ChoiceField):
    """The list's order: the select offers the usual ones, a link may ask for any of
    ``selectors.SORTS`` (the reversed ones too)."""

    def valid_value(self, value: Any) -> bool:
        return value in SORTS


class SystemFilter(FilterForm):
    """The portfolio list's filters; their names are the query parameters of the page, the
    exports and bookmarks."""

    defaults = {"important": None, "sort": "code"}

    search = SearchField()
    owner = forms.CharField(label=_("Owner (code)"), required=False, max_length=64)
    ministry = forms.CharField(
        label=_("Ministry with its bodies (code)"), required=False, max_length=64
    )
    category = choice_filter(SystemCategory, label=_("Category"))
    phase = choice_filter(LifecyclePhase, label=_("Lifecycle phase"))
    hosting = choice_filter(Hosting, label=_("Hosting"))
    standard_business = choice_filter(StandardBusiness, label=_("Standardised business"))
    migration_status = choice_filter(MigrationStatus, label=_("Migration"))
    important = choice_filter([("yes", _("yes")), ("no", _("no"))], label=_("Important"))
    sort = SortField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("code", _("System id")),
            ("name", _("Name")),
            ("owner", _("Owner")),
            ("category", _("Category")),
            ("phase", _("Lifecycle phase")),
            ("updated", _("Recently changed")),
        ],
    )

    def clean_important(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data["important"])


class RecommendationFilter(FilterForm):
    """The recommendation list's filters (the tower's counts lead here)."""

    defaults = {"overdue": False}

    status = choice_filter(RecommendationStatus, label=_("Status"))
    ministry = forms.CharField(label=_("Ministry (code)"), required=False, max_length=64)
    overdue = choice_filter([("1", _("overdue only"))], label=_("Answer due"))

    def clean_overdue(self) -> bool:
        return self.cleaned_data["overdue"] == "1"


class BudgetRollupFilter(FilterForm):
    defaults = {"group_by": "ministry"}

    group_by = forms.ChoiceField(
        label=_("Group by"),
        required=False,
        choices=[("ministry", _("ministry (owner)")), ("category", _("category"))],
    )


class MigrationFilter(FilterForm):
    """The local-government migration list's filters: the control tower's local-government
    figures link here with the same query parameters (organisations by code)."""

    defaults = {"behind_target": False, "special_support": False}

    search = SearchField()
    prefecture = forms.ChoiceField(label=_("Prefecture"), required=False)
    owner = forms.CharField(label=_("Local government (code)"), required=False, max_length=64)
    standard_business = choice_filter(StandardBusiness, label=_("Standardised business"))
    migration_status = choice_filter(MigrationStatus, label=_("Migration"))
    behind_target = forms.BooleanField(label=_("Behind target only"), required=False)
    special_support = forms.BooleanField(
        label=_("Under special migration support only"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        prefectures = organization_directory(kind=OrganizationKind.LOCAL_GOVERNMENT).filter(
            local_government_level=LocalGovernmentLevel.PREFECTURE
        )
        field = self.fields["prefecture"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", _("All")),
            *(
                (p.code, str(p))
                for p in prefectures.order_by("local_government_code", "code").only(
                    "code", "name", "name_en"
                )
            ),
        ]
