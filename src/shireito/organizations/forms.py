from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms.models import fields_for_model, model_to_dict
from django.utils.translation import gettext_lazy as _

from shireito.core.filters import FilterForm, SearchField, choice_filter
from shireito.organizations.choices import (
    GovernanceRole,
    OpenQuestionSetting,
    OrganizationKind,
    SystemCategory,
)
from shireito.organizations.governance import available_model_keys, load_model
from shireito.organizations.models import ORGANIZATION_EDITABLE_FIELDS, Organization, Sector
from shireito.organizations.relations import token_label
from shireito.organizations.rules import model_title


class DateInput(forms.DateInput):
    input_type = "date"


ORGANIZATION_FIELDS = ["code", *ORGANIZATION_EDITABLE_FIELDS]


class OrganizationForm(forms.Form):
    """Create or change an organisation. The form only parses; the service validates with the
    model (check digits, the shape each kind needs) and its errors land on these fields."""

    def __init__(self, *args, instance: Organization | None = None, editable_fields=None, **kwargs):
        if instance is not None:
            kwargs.setdefault("initial", model_to_dict(instance, fields=ORGANIZATION_FIELDS))
        super().__init__(*args, **kwargs)
        names = [f for f in ORGANIZATION_FIELDS if instance is None or f != "code"]
        if editable_fields is not None:
            names = [f for f in names if f in editable_fields]
        self.fields.update(
            fields_for_model(
                Organization,
                fields=names,
                widgets={"valid_from": DateInput, "valid_to": DateInput},
            )
        )
        querysets = {
            "parent": Organization.objects.order_by("code"),
            "sector": Sector.objects.order_by("position"),
        }
        for name, queryset in querysets.items():
            field = self.fields.get(name)
            if isinstance(field, forms.ModelChoiceField):
                field.queryset = queryset
        if instance is not None and {"name", "name_en"} & set(self.fields):
            self.fields["name_effective_from"] = forms.DateField(
                label=_("New name takes effect on"),
                required=False,
                widget=DateInput,
                help_text=_(
                    "Only when the name changes; the old name is kept until the day before."
                ),
            )


def _model_keys() -> list[tuple[str, str]]:
    """The shipped models by their titles in the reader's language (called per form)."""
    return [(key, model_title(load_model(key))) for key in available_model_keys()]


class GovernanceSettingsForm(forms.Form):
    active_model = forms.ChoiceField(label=_("Active governance model"), choices=_model_keys)
    open_question = forms.ChoiceField(
        label=_("How far the Digital Agency audits beyond security"),
        choices=OpenQuestionSetting.choices,
        widget=forms.RadioSelect,
        help_text=_("The seed's open question. Changing it changes the mandates at once."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # One choice per reporter that has alternatives in any model; the service keeps only
        # those the chosen model has.
        self.route_fields: dict[str, str] = {}
        routes: dict[str, list[tuple[str, str]]] = {}
        for key in available_model_keys():
            for entry in load_model(key).report_routes:
                if len(entry.routes) < 2:
                    continue
                name = "route_" + entry.reporter.replace(":", "_")
                self.route_fields.setdefault(name, entry.reporter)
                known = routes.setdefault(name, [])
                keys = {route_key for route_key, _label in known}
                known += [
                    (route.key, " → ".join(token_label(h) for h in route.hops))
                    for route in entry.routes
                    if route.key not in keys
                ]
        for name, reporter in self.route_fields.items():
            self.fields[name] = forms.ChoiceField(
                label=_("Default report route of %(reporter)s")
                % {"reporter": token_label(reporter)},
                required=False,
                choices=[("", _("as the model says")), *routes[name]],
            )

    def route_choices(self) -> dict[str, str]:
        """The chosen default routes, only where the chosen model has that reporter and route."""
        model = load_model(self.cleaned_data["active_model"])
        choices = {}
        for name, reporter in self.route_fields.items():
            value = self.cleaned_data.get(name)
            entry = model.routes_for(reporter)
            if value and entry and value in {r.key for r in entry.routes}:
                choices[reporter] = value
        return choices


class RoleHandoverForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=GovernanceRole.choices)
    organization = forms.ModelChoiceField(
        label=_("New holder"), queryset=Organization.objects.order_by("code")
    )
    on = forms.DateField(label=_("From"), widget=DateInput)


class QuestionForm(forms.Form):
    """A question to the mandate engine about organisations ``organizations`` (those the user
    may see). Its fields' ids carry ``prefix`` as the page has three such forms."""

    prefix_id = ""

    def __init__(self, *args, organizations: QuerySet[Organization], **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.ModelChoiceField):
                field.queryset = organizations
            field.widget.attrs["id"] = f"{self.prefix_id}_{name}"


class AuditQuestionForm(QuestionForm):
    prefix_id = "audit"

    auditor = forms.ModelChoiceField(
        label=_("Auditing organization"), queryset=Organization.objects.none()
    )
    owner = forms.ModelChoiceField(
        label=_("Owner of the system"), queryset=Organization.objects.none()
    )
    category = forms.ChoiceField(label=_("System category"), choices=SystemCategory.choices)


class RouteQuestionForm(QuestionForm):
    prefix_id = "route"

    reporter = forms.ModelChoiceField(
        label=_("Reporting organization"), queryset=Organization.objects.none()
    )


class BuilderQuestionForm(QuestionForm):
    prefix_id = "builder"

    category = forms.ChoiceField(label=_("System category"), choices=SystemCategory.choices)
    owner = forms.ModelChoiceField(
        label=_("Owner of the system"), queryset=Organization.objects.none()
    )


class SectorForm(forms.Form):
    supervising_ministry = forms.ModelChoiceField(
        label=_("Supervising ministry"),
        queryset=Organization.objects.filter(kind="ministry").order_by("code"),
        required=False,
    )


class OrganizationFilter(FilterForm):
    search = SearchField()
    kind = choice_filter(OrganizationKind, label=_("Kind"), all_label=_("All kinds"))


class GovernanceCompareFilter(FilterForm):
    """The two models compared: an unknown key compares the default instead."""

    a = forms.ChoiceField(label=_("First model"), required=False, choices=_model_keys)
    b = forms.ChoiceField(label=_("Second model"), required=False, choices=_model_keys)

    defaults = {"a": "current", "b": "digital-agency"}

    @classmethod
    def settled(cls, data) -> GovernanceCompareFilter:
        """Bound to the models actually compared, so the selects show them (a select has no
        empty choice to show for a missing or unknown key)."""
        return cls(cls(data).values())
