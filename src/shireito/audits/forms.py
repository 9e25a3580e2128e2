"""Forms of the engagement pages. They only parse what is typed; the services decide (the
mandate, the auditee's systems, the stage rules) and their errors land on these fields."""

from __future__ import annotations

import re
from itertools import groupby

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from shireito.audits.choices import (
    ActionStatus,
    AuditKind,
    AuditStatus,
    FindingStatus,
    NonconformityGrade,
    ResultStatus,
)
from shireito.audits.figures import AGE_BAND_CHOICES
from shireito.audits.models import Audit
from shireito.core.filters import FilterForm, SearchField, choice_filter
from shireito.organizations.choices import OrganizationKind
from shireito.organizations.forms import DateInput
from shireito.registry.selectors import current_fiscal_year, fiscal_year_label

AUDIT_KINDS = [(value, label) for value, label in AuditKind.choices if value != "self_assessment"]


def field_of[F: forms.Field](form: forms.BaseForm, name: str, kind: type[F]) -> F:
    """A form's field as the kind it is declared (for setting its queryset or choices)."""
    field = form.fields[name]
    assert isinstance(field, kind)
    return field


# Control ids as published may hold spaces ("2.1.1(1)-1 a)"), so a list of them is split on
# line breaks, commas and semicolons only.
ID_SEPARATORS = re.compile(r"[\r\n,;、，]+")


def split_ids(text: str) -> tuple[str, ...]:
    """Control ids typed one a line or separated by commas, in order, each once."""
    parts = (part.strip() for part in ID_SEPARATORS.split(text or ""))
    return tuple(dict.fromkeys(part for part in parts if part))


class OrganizationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj} ({obj.code})"


class LeadChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj} ({obj.username})" if str(obj) != obj.username else obj.username


class CatalogChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        edition = f", {obj.edition}" if obj.edition else ""
        return f"{obj.title} ({obj.key}{edition})"


class SystemsField(forms.MultipleChoiceField):
    """Systems from a queryset, shown grouped by owner (one option group per organisation),
    cleaned into the system objects themselves."""

    def __init__(self, *args, **kwargs):
        self.queryset = None
        super().__init__(*args, **kwargs)

    def set_queryset(self, queryset) -> None:
        systems = list(queryset.select_related("owner").order_by("owner__code", "code"))
        self.queryset = {str(s.pk): s for s in systems}
        self.choices = [
            (str(owner), [(str(s.pk), f"{s.code} — {s}") for s in group])
            for owner, group in groupby(systems, key=lambda s: s.owner)
        ]

    def clean(self, value):
        chosen = super().clean(value)
        return [self.queryset[pk] for pk in chosen]


class AuditCreateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of audit"), choices=AUDIT_KINDS)
    auditee = OrganizationChoiceField(label=_("Audited organization"), queryset=None)
    systems = SystemsField(
        label=_("Systems in scope"),
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_(
            "Systems of the audited organization; choose several with Ctrl (or ⌘) held down. "
            "The mandate is checked for every system."
        ),
    )
    baseline = CatalogChoiceField(label=_("Baseline"), queryset=None)
    selection = forms.CharField(
        label=_("Only these controls"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Optional: control ids of the baseline, one a line or separated by commas. Leave "
            "empty to assess every control."
        ),
    )
    fiscal_year = forms.IntegerField(
        label=_("Fiscal year (April to March, e.g. 2026)"), min_value=2000, max_value=2100
    )
    period_start = forms.DateField(label=_("Period from"), widget=DateInput)
    period_end = forms.DateField(label=_("Period until"), widget=DateInput)
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Leave empty for a title made of the fiscal year, kind and organization."),
    )
    lead = LeadChoiceField(
        label=_("Lead auditor"),
        queryset=None,
        required=False,
        help_text=_(
            "An audit entrusted to another body is led by one of its auditors: that body names "
            "the lead on the audit's edit page."
        ),
    )
    method = forms.CharField(
        label=_("Method"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(
        self,
        *args,
        self_assessment: bool,
        organizations,
        systems,
        catalogs,
        leads,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.self_assessment = self_assessment
        if self_assessment:
            # A self-assessment has one kind; the organisation checks itself.
            del self.fields["kind"]
            self.fields["auditee"].label = _("Organization")
            self.fields["lead"].label = _("Lead")
        field_of(self, "auditee", forms.ModelChoiceField).queryset = organizations
        field_of(self, "systems", SystemsField).set_queryset(systems)
        field_of(self, "baseline", forms.ModelChoiceField).queryset = catalogs
        field_of(self, "lead", forms.ModelChoiceField).queryset = leads

    def clean_selection(self) -> tuple[str, ...]:
        return split_ids(self.cleaned_data.get("selection", ""))


class AuditEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    lead = LeadChoiceField(label=_("Lead auditor"), queryset=None, required=False)
    period_start = forms.DateField(label=_("Period from"), widget=DateInput)
    period_end = forms.DateField(label=_("Period until"), widget=DateInput)
    method = forms.CharField(
        label=_("Method"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    conclusion = forms.CharField(
        label=_("Conclusion"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Needed before the audit can be closed."),
    )

    def __init__(self, *args, audit: Audit, leads, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "title": audit.title,
                "lead": audit.lead_id,
                "period_start": audit.period_start,
                "period_end": audit.period_end,
                "method": audit.method,
                "conclusion": audit.conclusion,
            },
        )
        super().__init__(*args, **kwargs)
        field_of(self, "lead", forms.ModelChoiceField).queryset = leads


class AuditWidenForm(forms.Form):
    systems = SystemsField(
        label=_("Systems to add"),
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_(
            "Systems of the audited organization not yet in scope; the mandate is checked "
            "again for each."
        ),
    )
    baseline = CatalogChoiceField(
        label=_("Baseline"),
        queryset=None,
        required=False,
        help_text=_("Leave empty to hold them to the audit's baseline."),
    )

    def __init__(self, *args, systems, catalogs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["systems"].set_queryset(systems)
        self.fields["baseline"].queryset = catalogs


class NextCycleForm(forms.Form):
    fiscal_year = forms.IntegerField(
        label=_("Fiscal year of the next cycle"),
        min_value=2000,
        max_value=2100,
        required=False,
        help_text=_("Leave empty for the following year."),
    )


class StageForm(forms.Form):
    completed = forms.TypedChoiceField(
        choices=[("1", "1"), ("0", "0")],
        coerce=lambda value: value == "1",
        required=False,
        empty_value=None,
    )
    due_date = forms.DateField(required=False, widget=DateInput)


class CycleRulesForm(forms.Form):
    """One field per kind of organisation: audited at least once every N fiscal years, or
    (empty) not on the plan at all."""

    def __init__(self, *args, rules: dict[str, int], **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in OrganizationKind.choices:
            self.fields[f"interval_{kind}"] = forms.IntegerField(
                label=label,
                required=False,
                min_value=1,
                max_value=50,
                initial=rules.get(kind),
            )

    def intervals(self) -> dict[str, int | None]:
        return {kind: self.cleaned_data.get(f"interval_{kind}") for kind in OrganizationKind.values}


# --- the filters above the lists ---------------------------------------------------------


ONLY = [("", _("All")), ("1", _("Only these"))]


class AuditListFilter(FilterForm):
    """The audits (or self-assessments) list: search, status, kind, fiscal year; only the
    audits the user's organisation carries out (``mine``), only those with a stage past its
    due date (``overdue``). A year is any plausible one (the select offers the years the
    user's audits have); ``self`` keeps the self-assessments apart through a search."""

    search = SearchField()
    status = choice_filter(AuditStatus, label=_("Status"))
    kind = choice_filter(AUDIT_KINDS, label=_("Kind"))
    year = forms.IntegerField(
        label=_("Fiscal year"), required=False, min_value=2000, max_value=2100
    )
    mine = forms.ChoiceField(
        label=_("Carried out by my organization"), required=False, choices=ONLY
    )
    overdue = forms.ChoiceField(label=_("A stage is overdue"), required=False, choices=ONLY)

    def __init__(self, data=None, *, years=(), self_assessment: bool = False, **kwargs):
        super().__init__(data, **kwargs)
        language = get_language() or "ja"
        self.fields["year"].widget = forms.Select(
            choices=[("", _("All")), *((y, fiscal_year_label(y, language)) for y in years)]
        )
        if self_assessment:
            del self.fields["kind"]
            # Keeps the self-assessments apart when the form is sent again.
            self.fields["self"] = forms.CharField(required=False, widget=forms.HiddenInput)


class FindingListFilter(FilterForm):
    """Findings across the user's audits: grade, status, age, audit number or title."""

    search = SearchField(label=_("Audit number or title"))
    grade = choice_filter(NonconformityGrade, label=_("Nonconformity grade"))
    status = choice_filter(FindingStatus, label=_("Status"))
    age = choice_filter(AGE_BAND_CHOICES, label=_("Age"))


class ActionListFilter(FilterForm):
    """Corrective actions across the user's audits: status, only the overdue."""

    search = SearchField(label=_("Audit number or title"))
    status = choice_filter(ActionStatus, label=_("Status"))
    overdue = forms.ChoiceField(label=_("Past due"), required=False, choices=ONLY)


class AuditPlanFilter(FilterForm):
    """The annual plan's fiscal year; the current one when none (or no plausible one) is
    asked for."""

    year = forms.IntegerField(
        label=_("Fiscal year"),
        required=False,
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def values(self) -> dict:
        return {"year": super().values()["year"] or current_fiscal_year()}


class ResultsFilter(FilterForm):
    """The results sheet: one system at a time (the first by default), the auditors' result,
    the self-assessment, a control id or title."""

    system = forms.ChoiceField(label=_("System"), required=False)
    status = choice_filter(ResultStatus, label=_("Result"), all_label=_("Any"))
    claimed = choice_filter(ResultStatus, label=_("Self-assessment"), all_label=_("Any"))
    search = SearchField(label=_("Control id or title"))

    def __init__(self, data=None, *, systems: list[tuple[str, str]] | None = None, **kwargs):
        super().__init__(data, **kwargs)
        systems = systems or []
        field_of(self, "system", forms.ChoiceField).choices = systems
        self.first_system = systems[0][0] if systems else ""
        if len(systems) < 2:
            # Nothing to choose: the only system is the default.
            del self.fields["system"]

    def values(self) -> dict:
        values = super().values()
        values["system"] = values.get("system") or self.first_system
        return values
