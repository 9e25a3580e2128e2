"""Forms of the incident pages. They only parse what is typed; the services decide (who may,
the times' order, the reporter's own systems, what a stage requires) and their errors land on
these fields, an indicator's on its row."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from shireito.core.filters import FilterForm, SearchField, choice_filter
from shireito.incidents.choices import (
    REPORT_FIELDS,
    Impact,
    IncidentCategory,
    IndicatorKind,
    ReportStage,
    ReportStatus,
)
from shireito.incidents.figures import place_label, route_label
from shireito.incidents.selectors import ANY_REGIME, SUBMITTED, regimes, route_places
from shireito.organizations.selectors import sector_list
from shireito.sharing.choices import Tlp

# Traffic Light Protocol 2.0, each level in one sentence (FIRST's definitions, in our words).
TLP_MEANINGS: dict[str, str | Promise] = {
    Tlp.CLEAR: _("Anyone may receive it; it may be published."),
    Tlp.GREEN: _("Recipients may share it within their community, but not publicly."),
    Tlp.AMBER: _("Recipients may share it within their organization and its clients who need it."),
    Tlp.AMBER_STRICT: _("Recipients may share it within their own organization only."),
    Tlp.RED: _("Only for the people it is given to; no further sharing."),
}

INDICATOR_PARTS = ("kind", "value", "description", "shareable")
# How many empty indicator rows the form offers below those the report holds (at least
# MIN_INDICATOR_ROWS rows in all); the report's page offers more after each save.
BLANK_INDICATOR_ROWS = 3
MIN_INDICATOR_ROWS = 5
MAX_INDICATOR_ROWS = 200
_SERVICE_INDICATOR_KEY = re.compile(r"^indicators\[(\d+)\]\.(\w+)$")


class DateTimeLocalInput(forms.DateTimeInput):
    """A native date-and-time picker; the value is read in the site's time zone."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def _time_field(label) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=False,
        widget=DateTimeLocalInput,
        help_text=format_lazy(
            "{} ({})", _("Date and time, for example 2026-11-02 09:30"), settings.TIME_ZONE
        ),
    )


class SystemChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.code} — {obj}"


class ReportFilter(FilterForm):
    """The report list's filter; ``waiting`` keeps the reports waiting for the user's
    organisation (the dashboard links to ``?waiting=1``). The other filters are what the
    control tower's incident figures count, so each figure links to exactly its reports."""

    search = SearchField(help_text=_("Number, title or reporting organization."))
    status = choice_filter(ReportStatus, label=_("Status"))
    category = choice_filter(IncidentCategory, label=_("Category"))
    waiting = forms.BooleanField(label=_("Only those waiting for my organization"), required=False)
    stage = choice_filter(
        [(SUBMITTED, _("submitted (open or closed)")), *ReportStage.choices],
        label=_("Stage"),
    )
    place = forms.ChoiceField(label=_("Place on the route that has it"), required=False)
    sector = forms.ChoiceField(label=_("Sector of the reporting organization"), required=False)
    fiscal_year = forms.IntegerField(
        label=_("Fiscal year of awareness"), required=False, min_value=1990, max_value=2100
    )
    month = forms.RegexField(
        label=_("Month of awareness"),
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        required=False,
        widget=forms.DateInput(attrs={"type": "month"}),
        help_text=_("Year and month, for example 2025-04"),
    )
    route = forms.ChoiceField(label=_("Route"), required=False)
    acknowledged_hop = forms.IntegerField(
        label=_("Acknowledged at step of the route"), required=False, min_value=1, max_value=20
    )
    overdue = forms.ChoiceField(label=_("With an overdue reporting stage"), required=False)

    def __init__(self, data=None, *, user=None, **kwargs):
        super().__init__(data, **kwargs)
        routes = route_places()
        places = sorted({place for hops in routes.values() for place in hops})
        self._choose("place", [(p, place_label(p)) for p in places])
        self._choose("route", [(key, route_label(hops)) for key, hops in sorted(routes.items())])
        sectors = sector_list(user=user) if user is not None else []
        self._choose("sector", [(s.code, str(s)) for s in sectors])
        english = get_language() == "en"
        self._choose(
            "overdue",
            [
                (ANY_REGIME, _("in any reporting regime")),
                *((r.key, r.name_en if english else r.name) for r in regimes()),
            ],
        )

    def _choose(self, name: str, choices: list) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("All")), *choices]
        field.widget.choices = field.choices

    def clean_month(self) -> int | None:
        value = self.cleaned_data.get("month")
        return int(value.replace("-", "")) if value else None


class ReportForm(forms.Form):
    """A draft, or (``updating``) the reporter's update to a submitted report with a note.

    Indicators are a repeated row of kind, value, description and "may be shared": the rows
    the report holds, then a few empty ones; an empty row is skipped.
    """

    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", _("Choose a category")), *IncidentCategory.choices]
    )
    impact = forms.ChoiceField(
        label=_("Impact"),
        choices=Impact.choices,
        initial=Impact.LOW,
        help_text=_("How badly the incident hurts your organization's services."),
    )
    impact_description = forms.CharField(
        label=_("Impact description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    detected_at = _time_field(_("Detected at"))
    aware_at = _time_field(_("Became aware at"))
    personal_data = forms.BooleanField(label=_("Personal data is involved"), required=False)
    personal_data_count = forms.IntegerField(
        label=_("Number of people whose data is involved"),
        required=False,
        min_value=0,
        help_text=_("Leave empty if not known yet."),
    )
    malicious = forms.BooleanField(label=_("Caused with malicious intent"), required=False)
    ransom_paid_at = _time_field(_("Ransom paid at"))
    tlp = forms.ChoiceField(
        label=_("TLP: with whom the report's information may be shared"),
        choices=[
            (value, format_lazy("{} — {}", label, TLP_MEANINGS[value]))
            for value, label in Tlp.choices
        ],
        initial=Tlp.AMBER,
        widget=forms.RadioSelect,
    )
    narrative = forms.CharField(
        label=_("Narrative"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What happened, in order. Needed before submitting."),
    )
    systems = SystemChoiceField(
        label=_("Affected systems"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Your organization's systems in the portfolio."),
    )

    def __init__(self, *args, systems, report=None, updating: bool = False, **kwargs):
        self.report = report
        self.updating = updating
        if report is not None and "initial" not in kwargs:
            kwargs["initial"] = self._initial_of(report)
        super().__init__(*args, **kwargs)
        if systems.count() > 40:
            self.fields["systems"].widget = forms.SelectMultiple(attrs={"size": 10})
            self.fields["systems"].help_text = _(
                "Your organization's systems in the portfolio; choose several with Ctrl (or ⌘) "
                "held down."
            )
        systems_field = self.fields["systems"]
        assert isinstance(systems_field, forms.ModelMultipleChoiceField)
        systems_field.queryset = systems
        self.has_systems = systems.exists()
        if updating:
            self.fields["note"] = forms.CharField(
                label=_("What changed"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("A note for the organizations on the route, shown on the timeline."),
            )
        self._add_indicator_rows()

    @staticmethod
    def _initial_of(report) -> dict:
        initial = {name: getattr(report, name) for name in REPORT_FIELDS}
        initial["systems"] = [system.pk for system in report.systems.all()]
        for number, indicator in enumerate(report.indicators.all(), start=1):
            initial[f"indicator-{number}-kind"] = indicator.kind
            initial[f"indicator-{number}-value"] = indicator.value
            initial[f"indicator-{number}-description"] = indicator.description
            initial[f"indicator-{number}-shareable"] = indicator.shareable
        return initial

    # --- indicator rows ------------------------------------------------------------------

    def _row_count(self) -> int:
        held = len(self.report.indicators.all()) if self.report is not None else 0
        count = max(held + BLANK_INDICATOR_ROWS, MIN_INDICATOR_ROWS)
        if self.is_bound:
            # Keep every row that was posted, so nothing typed is lost on a re-render.
            try:
                posted = int(self.data.get("indicator_rows", 0))
            except (TypeError, ValueError):
                posted = 0
            count = max(count, min(posted, MAX_INDICATOR_ROWS))
        return count

    def _add_indicator_rows(self) -> None:
        self.indicator_row_count = self._row_count()
        kinds = [("", _("(none)")), *IndicatorKind.choices]
        for number in range(1, self.indicator_row_count + 1):
            prefix = f"indicator-{number}-"
            self.fields[prefix + "kind"] = forms.ChoiceField(
                label=format_lazy(_("Indicator {}: kind"), number), choices=kinds, required=False
            )
            self.fields[prefix + "value"] = forms.CharField(
                label=format_lazy(_("Indicator {}: value"), number),
                required=False,
                max_length=2000,
            )
            self.fields[prefix + "description"] = forms.CharField(
                label=format_lazy(_("Indicator {}: description"), number),
                required=False,
                max_length=500,
            )
            self.fields[prefix + "shareable"] = forms.BooleanField(
                label=format_lazy(_("Indicator {}: may be shared"), number),
                required=False,
                initial=True,
            )

    @property
    def indicator_rows(self) -> list[dict]:
        """The rows as bound fields, for the template."""
        return [
            {
                "number": number,
                **{part: self[f"indicator-{number}-{part}"] for part in INDICATOR_PARTS},
            }
            for number in range(1, self.indicator_row_count + 1)
        ]

    def _indicators(self) -> tuple[list[dict], list[int]]:
        """The filled rows (a row with neither value nor description is empty) and their row
        numbers, so the service's errors can be put back on the right row."""
        items, numbers = [], []
        for number in range(1, self.indicator_row_count + 1):
            value = self.cleaned_data.get(f"indicator-{number}-value", "")
            description = self.cleaned_data.get(f"indicator-{number}-description", "")
            if not (value or description):
                continue
            items.append(
                {
                    "kind": self.cleaned_data.get(f"indicator-{number}-kind", ""),
                    "value": value,
                    "description": description,
                    "shareable": self.cleaned_data.get(f"indicator-{number}-shareable", False),
                }
            )
            numbers.append(number)
        return items, numbers

    # --- cleaning ------------------------------------------------------------------------

    def clean(self):
        data = super().clean()
        # A filled row's shape, so its problems show with the other fields' (the service
        # checks the same again, and its own rules, once the form is whole).
        for number in range(1, self.indicator_row_count + 1):
            prefix = f"indicator-{number}-"
            value, description = data.get(prefix + "value"), data.get(prefix + "description")
            if not (value or description):
                continue
            if not data.get(prefix + "kind"):
                self.add_error(prefix + "kind", _("Choose the kind of this indicator."))
            if not value:
                self.add_error(prefix + "value", _("Give a value."))
        if self.report is not None:
            # A picker shows minutes: an unchanged time keeps the seconds it was stored with.
            for name in ("detected_at", "aware_at", "ransom_paid_at"):
                held = getattr(self.report, name)
                given = data.get(name)
                if held and given and held.replace(second=0, microsecond=0) == given:
                    data[name] = held
        return data

    def service_arguments(self) -> dict:
        """What the report services take: the reporter's fields, systems and indicators."""
        data = self.cleaned_data
        fields = {name: data.get(name) for name in REPORT_FIELDS}
        for name in ("impact_description", "narrative"):
            fields[name] = fields[name] or ""
        if not self.has_systems:
            systems = list(self.report.systems.all()) if self.report is not None else []
        else:
            systems = list(data.get("systems") or [])
        indicators, self._indicator_numbers = self._indicators()
        arguments = {**fields, "systems": systems, "indicators": indicators}
        if self.updating:
            arguments["note"] = data.get("note", "")
        return arguments

    def service_error(self, error: ValidationError) -> ValidationError:
        """A service's error with an indicator's key (``indicators[0].value``) turned into
        the field of its row, so it lands there like any other field's."""
        if not hasattr(error, "error_dict"):
            return error
        numbers = getattr(self, "_indicator_numbers", [])
        renamed: dict[str, list] = {}
        for key, messages in error.message_dict.items():
            match = _SERVICE_INDICATOR_KEY.match(key)
            if match and int(match.group(1)) < len(numbers):
                key = f"indicator-{numbers[int(match.group(1))]}-{match.group(2)}"
            renamed.setdefault(key, []).extend(messages)
        return ValidationError(renamed)


class TextForm(forms.Form):
    """One text: a question, an assessment, an answer, a closing summary, a forwarding note."""

    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, label=None, required: bool = True, help_text="", **kwargs):
        super().__init__(*args, **kwargs)
        if label is not None:
            self.fields["text"].label = label
        self.fields["text"].required = required
        self.fields["text"].help_text = help_text


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, images, Office files, ZIP, text, CSV, JSON or logs."),
    )


class RegimeForm(forms.Form):
    """A regime's active flag, the organisations it names, and each stage's deadline."""

    active = forms.BooleanField(label=_("In force"), required=False)
    organizations = forms.CharField(
        label=_("Also applies to these organizations"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Organization codes, one a line or separated by commas."),
    )

    def __init__(self, *args, regime, **kwargs):
        self.regime = regime
        self.stages = list(regime.stages.all())
        kwargs.setdefault(
            "initial",
            {
                "active": regime.active,
                "organizations": "\n".join(org.code for org in regime.organizations.all()),
                **{f"stage-{stage.pk}-hours": _hours(stage.offset) for stage in self.stages},
            },
        )
        super().__init__(*args, **kwargs)
        for stage in self.stages:
            self.fields[f"stage-{stage.pk}-hours"] = forms.DecimalField(
                label=format_lazy(
                    _("{}: deadline in hours"), stage.label_en if _en() else stage.label
                ),
                min_value=0,
                max_digits=8,
                decimal_places=2,
                help_text=_("For example 24 for a day, 720 for 30 days."),
            )

    def codes(self) -> list[str]:
        seen: dict[str, None] = {}
        for part in re.split(r"[,\s]+", self.cleaned_data.get("organizations", "")):
            if part:
                seen.setdefault(part, None)
        return list(seen)

    def offsets(self) -> dict:
        """Stage → its new deadline offset."""
        return {
            stage: dt.timedelta(hours=float(self.cleaned_data[f"stage-{stage.pk}-hours"]))
            for stage in self.stages
        }

    def stage_field(self, stage) -> str:
        return f"stage-{stage.pk}-hours"


def _hours(offset: dt.timedelta):
    hours = offset.total_seconds() / 3600
    return int(hours) if hours == int(hours) else round(hours, 2)


def _en() -> bool:
    return get_language() == "en"
