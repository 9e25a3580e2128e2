"""The authoring pages' forms. Each parses its fields (built from the model, so labels and
limits are the model's); ``check`` runs the model's own rules on the fields that parsed, so a
submission shows every problem at once; the services write."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.forms.models import fields_for_model, model_to_dict
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shireito.core.filters import FilterForm, SearchField, choice_filter
from shireito.organizations.forms import DateInput
from shireito.organizations.selectors import organization_directory
from shireito.plans.choices import MeasureStatus
from shireito.plans.models import (
    InterimTarget,
    Kpi,
    Measure,
    Milestone,
    PlanArea,
    PlanEdition,
    Principle,
)
from shireito.plans.services import (
    AREA_FIELDS,
    EDITION_FIELDS,
    KPI_FIELDS,
    MEASURE_FIELDS,
    MILESTONE_FIELDS,
)

# The field that ties a piece of content to what holds it: set by the page, never a form
# field, but checked with the rest (a code unique within the edition).
HOLDERS = {"edition", "measure", "kpi"}
LONG_TEXT = {"description", "description_en", "target_state", "target_state_en"}


class ContentForm(forms.Form):
    """A form over some of ``model``'s fields, filled from ``instance`` when it edits one."""

    model: ClassVar[type[models.Model]]
    names: ClassVar[tuple[str, ...]]

    def __init__(self, *args, instance: models.Model | None = None, **kwargs):
        if instance is not None and instance.pk:
            kwargs.setdefault("initial", model_to_dict(instance, fields=self.names))
        super().__init__(*args, **kwargs)
        widgets: dict[str, Any] = {}
        for name in self.names:
            model_field = self.model._meta.get_field(name)
            if isinstance(model_field, models.DateField):
                widgets[name] = DateInput
            elif name in LONG_TEXT:
                widgets[name] = forms.Textarea(attrs={"rows": 4})
        self.fields.update(fields_for_model(self.model, fields=self.names, widgets=widgets))
        self.instance = instance

    def check_with(self, build: Callable[[], models.Model]) -> Callable[[dict], None]:
        """The model's own validation (fields, ``clean``, uniqueness) of the fields that
        parsed, on the instance ``build`` gives (a fresh one, or a copy of the one edited)."""

        def check(data: dict) -> None:
            instance = build()
            for name in self.names:
                if name in data:
                    setattr(instance, name, data[name])
            exclude = [
                f.name
                for f in instance._meta.fields
                if f.name not in data and f.name not in HOLDERS
            ]
            try:
                instance.full_clean(exclude=exclude)
            except ValidationError as exc:
                raise _on_code(exc, self.fields) from exc

        return check


def _on_code(error: ValidationError, fields) -> ValidationError:
    """A code used twice within its edition (or measure) is the code field's problem, not the
    whole form's: the uniqueness of (edition, code) names both fields."""
    if not hasattr(error, "error_dict") or "code" not in fields:
        return error
    moved: dict[str, list] = {}
    for name, errors in error.error_dict.items():
        for each in errors:
            if name == NON_FIELD_ERRORS and each.code in ("unique_together", "unique"):
                moved.setdefault("code", []).append(
                    ValidationError(_("This code is already used here."), code="unique")
                )
            else:
                moved.setdefault(name, []).append(each)
    return ValidationError(moved)


class EditionForm(ContentForm):
    model = PlanEdition
    names = EDITION_FIELDS

    def __init__(self, *args, sources=None, **kwargs):
        super().__init__(*args, **kwargs)
        if sources is not None:
            self.fields["based_on"] = forms.ModelChoiceField(
                label=_("Start from"),
                queryset=sources,
                required=False,
                empty_label=_("an empty edition"),
                help_text=_(
                    "A copy takes every area, measure, KPI, milestone and link of the edition "
                    "chosen; its progress stays with it."
                ),
            )


class PublishForm(forms.Form):
    decided_on = forms.DateField(label=_("Decided by the Cabinet on"), widget=DateInput)


class AreaChoiceField(forms.ModelChoiceField):
    """An area of the edition, named by its code and title."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} {obj.display_name}"


class PrincipleChoiceField(forms.ModelMultipleChoiceField):
    """The ten principles as the plan prints them: ① オープン・透明 …"""

    def label_from_instance(self, obj: Any) -> str:
        return principle_label(obj)


def _areas_field(field: forms.Field, areas) -> AreaChoiceField:
    """The model's area field, offering only ``areas`` and naming them by code."""
    return AreaChoiceField(
        queryset=areas,
        label=field.label,
        required=field.required,
        help_text=field.help_text,
        empty_label=_("(top level)") if not field.required else "---------",
    )


class AreaForm(ContentForm):
    model = PlanArea
    names = AREA_FIELDS

    def __init__(self, *args, edition: PlanEdition, **kwargs):
        super().__init__(*args, **kwargs)
        areas = PlanArea.objects.filter(edition=edition).order_by("position", "code")
        if self.instance is not None and self.instance.pk:
            areas = areas.exclude(pk=self.instance.pk)
        self.fields["parent"] = _areas_field(self.fields["parent"], areas)


def principle_label(principle: Principle) -> str:
    return f"{principle.mark} {principle.display_name}"


class MeasureForm(ContentForm):
    model = Measure
    names = MEASURE_FIELDS

    def __init__(self, *args, edition: PlanEdition, **kwargs):
        super().__init__(*args, **kwargs)
        lead = self.fields["lead"]
        assert isinstance(lead, forms.ModelChoiceField)
        self.fields["area"] = _areas_field(
            self.fields["area"],
            PlanArea.objects.filter(edition=edition).order_by("position", "code"),
        )
        organizations = organization_directory()
        lead.queryset = organizations
        self.fields["co_responsible"] = forms.ModelMultipleChoiceField(
            label=_("Co-responsible organizations"),
            queryset=organizations,
            required=False,
            help_text=_("Hold Ctrl (⌘ on a Mac) to choose more than one."),
        )
        self.fields["principles"] = PrincipleChoiceField(
            label=_("Basic principles it serves"),
            queryset=Principle.objects.order_by("number"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        measure = self.instance
        if isinstance(measure, Measure) and measure.pk:
            self.initial.setdefault("co_responsible", list(measure.co_responsible.all()))
            self.initial.setdefault("principles", list(measure.principles.all()))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lead = data.get("lead")
        if lead is not None and lead in (data.get("co_responsible") or []):
            self.add_error("co_responsible", _("The lead organization is not also co-responsible."))
        return data


class KpiForm(ContentForm):
    model = Kpi
    names = KPI_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A KPI's baseline and target, not a security baseline or an audit's target.
        self.fields["baseline_value"].label = pgettext_lazy("kpi", "Baseline")
        self.fields["target_value"].label = pgettext_lazy("kpi", "Target")


class InterimTargetForm(ContentForm):
    model = InterimTarget
    names = ("due_on", "value")


class MilestoneForm(ContentForm):
    model = Milestone
    names = MILESTONE_FIELDS


class SystemLinkForm(forms.Form):
    system = forms.CharField(label=_("System id"), max_length=40)


class BudgetLinkForm(forms.Form):
    system = forms.CharField(label=_("System id"), max_length=40)
    fiscal_year = forms.IntegerField(
        label=_("Fiscal year (April to March, e.g. 2026)"), min_value=2000, max_value=2100
    )
    share = forms.IntegerField(
        label=_("Share of the line (%)"), min_value=1, max_value=100, initial=100
    )


class ControlLinkForm(forms.Form):
    catalog = forms.CharField(label=_("Catalog key"), max_length=100)
    control = forms.CharField(
        label=_("Control"),
        max_length=100,
        required=False,
        help_text=_("Its label (e.g. 2.1.1 or ac-2); leave empty for the whole catalog."),
    )


class MeasureFilter(FilterForm):
    """The edition outline's filters; the choices are the edition's own."""

    search = SearchField()
    area = forms.ChoiceField(label=_("Area"), required=False)
    lead = forms.ChoiceField(label=_("Lead organization"), required=False)
    principle = forms.ChoiceField(label=_("Basic principle"), required=False)
    status = choice_filter(MeasureStatus, label=_("Status"))

    def __init__(self, data=None, *, areas=(), leads=(), **kwargs):
        super().__init__(data, **kwargs)
        self._choices(
            "area",
            [(a.code, f"{a.code} {a.display_name}") for a in areas],
        )
        self._choices("lead", [(o.code, str(o)) for o in leads])
        self._choices(
            "principle",
            [(str(p.number), principle_label(p)) for p in Principle.objects.order_by("number")],
        )

    def _choices(self, name: str, pairs: list[tuple[str, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("All")), *pairs]
        field.widget.choices = field.choices


class DiffForm(FilterForm):
    """Which edition to compare with."""

    report_errors = True
    against = forms.ChoiceField(label=_("Compare with the edition of"), required=False)

    def __init__(self, data=None, *, editions=(), **kwargs):
        super().__init__(data, **kwargs)
        field = self.fields["against"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(str(e.year), f"{e.year} {e.display_title}") for e in editions]
        field.widget.choices = field.choices
