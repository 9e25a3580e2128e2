"""The forms of progress tracking: a quarter's report (with its milestones' dates and KPI
values), a review, a return, a value and its review, the flags' filter."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from shireito.core.filters import FilterForm, choice_filter
from shireito.plans.choices import Confidence, FlagKind

DATE = forms.DateInput(attrs={"type": "date"})
CONFIDENCE_HINT = _(
    "Five levels, best first; each says what it means (after the UK's delivery confidence)."
)


def _confidence(label, required: bool) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=Confidence.choices
        if required
        else [("", _("not yet proposed")), *Confidence.choices],
        widget=forms.RadioSelect,
        required=required,
        help_text=CONFIDENCE_HINT,
    )


class ReportForm(forms.Form):
    """A quarter's report: new (with the quarter) or a draft being changed. One date field per
    milestone of the measure (``milestone_<id>``) and a value and date per KPI
    (``kpi_<id>_value``, ``kpi_<id>_on``)."""

    fiscal_year = forms.IntegerField(label=_("Fiscal year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        coerce=int,
        choices=[
            (1, _("Q1 (April to June)")),
            (2, _("Q2 (July to September)")),
            (3, _("Q3 (October to December)")),
            (4, _("Q4 (January to March)")),
        ],
    )
    narrative = forms.CharField(
        label=_("What happened this quarter"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=20_000,
    )
    proposed_confidence = _confidence(_("Proposed delivery confidence"), required=False)
    proposed_reason = forms.CharField(
        label=_("Reason for the proposed rating"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5_000,
    )

    def __init__(self, *args, new: bool, milestones=(), kpis=(), **kwargs):
        super().__init__(*args, **kwargs)
        if not new:
            del self.fields["fiscal_year"]
            del self.fields["quarter"]
        self.milestones = list(milestones)
        self.kpis = list(kpis)
        for milestone in self.milestones:
            self.fields[f"milestone_{milestone.pk}"] = forms.DateField(
                label=_("Done on: %(milestone)s") % {"milestone": milestone.display_name},
                required=False,
                widget=DATE,
                initial=milestone.done_on,
                help_text=_("Planned for %(date)s") % {"date": milestone.planned_on.isoformat()},
            )
        for kpi in self.kpis:
            self.fields[f"kpi_{kpi.pk}_value"] = forms.DecimalField(
                label=_("Value of %(kpi)s (%(unit)s)")
                % {"kpi": kpi.display_name, "unit": kpi.display_unit},
                required=False,
                max_digits=20,
                decimal_places=4,
            )
            self.fields[f"kpi_{kpi.pk}_on"] = forms.DateField(
                label=_("Measured on (%(kpi)s)") % {"kpi": kpi.display_name},
                required=False,
                widget=DATE,
            )

    def clean(self):
        data = super().clean()
        for kpi in self.kpis:
            value = data.get(f"kpi_{kpi.pk}_value")
            day = data.get(f"kpi_{kpi.pk}_on")
            if (value is None) != (day is None) and not self.errors.get(f"kpi_{kpi.pk}_value"):
                self.add_error(
                    f"kpi_{kpi.pk}_on" if day is None else f"kpi_{kpi.pk}_value",
                    _("Give both the value and the date it was measured."),
                )
        return data

    def service_arguments(self) -> dict:
        """The cleaned data as ``report_save`` takes it."""
        data = self.cleaned_data
        fields = {
            name: data.get(name, "") or ""
            for name in ("narrative", "proposed_confidence", "proposed_reason")
        }
        milestones = [
            (m, data.get(f"milestone_{m.pk}"))
            for m in self.milestones
            if data.get(f"milestone_{m.pk}") != m.done_on
        ]
        values = [
            {
                "kpi": kpi,
                "value": data[f"kpi_{kpi.pk}_value"],
                "measured_on": data[f"kpi_{kpi.pk}_on"],
            }
            for kpi in self.kpis
            if data.get(f"kpi_{kpi.pk}_value") is not None and data.get(f"kpi_{kpi.pk}_on")
        ]
        if "fiscal_year" in data:
            fields["fiscal_year"] = data["fiscal_year"]
            fields["quarter"] = data["quarter"]
        return {**fields, "milestones": milestones, "values": values}


class ReviewForm(forms.Form):
    confidence = _confidence(_("Delivery confidence"), required=True)
    review_reason = forms.CharField(
        label=_("Reason for the rating (published)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5_000,
    )
    review_comment = forms.CharField(
        label=_("Comment to the lead organization (never published)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5_000,
    )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the report goes back"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5_000,
    )


class MeasurementForm(forms.Form):
    measured_on = forms.DateField(label=_("Measured on"), widget=DATE)
    value = forms.DecimalField(label=_("Value"), max_digits=20, decimal_places=4)
    source = forms.CharField(label=_("Source"), required=False, max_length=300)


class MeasurementReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("accept", _("Accept the value")), ("return", _("Return it for correction"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note (required to return)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2_000,
    )


class FlagFilters(FilterForm):
    kind = choice_filter(FlagKind, label=_("Kind"))
    lead = forms.ChoiceField(label=_("Lead organization"), required=False, choices=[])
    area = forms.ChoiceField(label=_("Area"), required=False, choices=[])

    def __init__(self, data=None, *, leads=(), areas=(), **kwargs):
        super().__init__(data, **kwargs)
        self.fields["lead"].choices = [("", _("All")), *((str(o.pk), str(o)) for o in leads)]
        self.fields["area"].choices = [
            ("", _("All")),
            *((a.code, f"{a.code} {a.display_name}") for a in areas),
        ]
