"""Forms of the work inside an audit: results import, findings and their follow-up, corrective
actions and milestones, evidence. They only parse and check shape; the rules stay in the
services."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shireito.audits.choices import ActionStatus, NonconformityGrade, Severity
from shireito.audits.forms import field_of, split_ids
from shireito.organizations.forms import DateInput

IMPORT_FORMATS = [
    ("csv", _("CSV (UTF-8)")),
    ("xlsx", _("Excel workbook (XLSX)")),
    ("oscal", _("OSCAL assessment results (JSON)")),
]

# The statuses the audited organisation may report; closing is the auditors' verification.
PROGRESS_STATUSES = [
    (s.value, s.label)
    for s in (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS, ActionStatus.AWAITING_VERIFICATION)
]


class ResultsImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "A CSV or XLSX sheet with one row per system and control, or an OSCAL assessment "
            "results file (JSON)."
        ),
    )
    format = forms.ChoiceField(label=_("Format"), choices=IMPORT_FORMATS)


class SystemChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.code} {obj.name}"


class FindingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    grade = forms.ChoiceField(label=_("Nonconformity grade"), choices=NonconformityGrade.choices)
    controls = forms.CharField(
        label=pgettext_lazy("finding", "Controls"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Control ids as published in the audit's baselines, one per line or separated by "
            "commas."
        ),
    )
    systems = SystemChoiceField(
        label=_("Systems"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    risk = forms.CharField(label=_("Risk statement"), widget=forms.Textarea(attrs={"rows": 4}))
    root_cause = forms.CharField(
        label=_("Root cause"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    recommendation = forms.CharField(
        label=_("Recommendation"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, systems, resolve_controls: Callable[[list[str]], tuple], **kwargs):
        """``resolve_controls(ids)`` answers (controls found, ids not found)."""
        super().__init__(*args, **kwargs)
        field_of(self, "systems", SystemChoiceField).queryset = systems
        self._resolve_controls = resolve_controls

    def clean_controls(self):
        ids = list(split_ids(self.cleaned_data.get("controls", "")))
        if len(ids) > 500:
            raise forms.ValidationError(_("Name at most 500 controls."))
        controls, unknown = self._resolve_controls(ids)
        if unknown:
            raise forms.ValidationError(
                _("Not controls of this audit's baselines: %(ids)s")
                % {"ids": ", ".join(unknown[:20])}
            )
        return controls


class FollowUpForm(forms.Form):
    due_date = forms.DateField(label=_("Answer due"), widget=DateInput)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Leave empty to give the finding and its recommendation as the reason."),
    )


MILESTONE_LINE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s+(.+)$")


class ActionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    owner_contact = forms.CharField(label=_("Person responsible"), max_length=150, required=False)
    due_date = forms.DateField(label=_("Due"), widget=DateInput)
    milestones = forms.CharField(
        label=_("First milestones"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One per line: the due date, a space and the title, e.g. 2026-09-30 Revise the"
            " procedure."
        ),
    )

    def clean_milestones(self) -> list[dict]:
        milestones = []
        lines = (self.cleaned_data.get("milestones") or "").splitlines()
        for number, line in enumerate(lines, start=1):
            line = line.strip()
            if not line:
                continue
            match = MILESTONE_LINE.match(line)
            due = None
            if match:
                try:
                    due = dt.date.fromisoformat(match[1])
                except ValueError:
                    due = None
            if match is None or due is None:
                raise forms.ValidationError(
                    _("Line %(number)d: write the date as YYYY-MM-DD, then the title.")
                    % {"number": number}
                )
            title = match[2].strip()
            if len(title) > 200:
                raise forms.ValidationError(
                    _("Line %(number)d: at most 200 characters.") % {"number": number}
                )
            milestones.append({"title": title, "due_date": due})
        return milestones


class ProgressForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=PROGRESS_STATUSES)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    owner_contact = forms.CharField(label=_("Person responsible"), max_length=150, required=False)
    due_date = forms.DateField(label=_("Due"), widget=DateInput)


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_date = forms.DateField(label=_("Due"), widget=DateInput)


class VerifyForm(forms.Form):
    accepted = forms.TypedChoiceField(
        label=_("Verification"),
        choices=[
            ("yes", _("Accepted: the action is done; close it")),
            ("no", _("Not accepted: send it back")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when not accepted: say what is still missing."),
    )


class EvidenceForm(forms.Form):
    """A new piece of evidence, attached to one control result (picked by system and control
    id, or given by ``result`` from the results page) or one finding."""

    file = forms.FileField(label=_("File"))
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to use the file name."),
    )
    system = forms.ChoiceField(label=_("System"), required=False)
    control = forms.CharField(
        label=_("Control id"),
        max_length=200,
        required=False,
        help_text=_("To attach to a control result: the control id as published."),
    )
    finding = forms.TypedChoiceField(
        label=_("Finding"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Or, instead of a control, attach to a finding."),
    )
    effective_date = forms.DateField(
        label=_("Effective from"),
        required=False,
        widget=DateInput,
        help_text=_("Leave empty for today."),
    )
    expiry_date = forms.DateField(label=_("Expires on"), required=False, widget=DateInput)
    result = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, systems, findings, resolve_result: Callable, **kwargs):
        """``systems``: (code, label) pairs; ``findings``: (number, label) pairs;
        ``resolve_result(result_id=None, system="", control="")`` answers a result or None."""
        super().__init__(*args, **kwargs)
        field_of(self, "system", forms.ChoiceField).choices = systems
        if len(systems) <= 1:
            self.fields["system"].widget = forms.HiddenInput()
        field_of(self, "finding", forms.ChoiceField).choices = [("", _("(none)")), *findings]
        self._resolve_result = resolve_result

    def clean(self):
        data = super().clean()
        control = (data.get("control") or "").strip()
        result_id = data.get("result")
        finding = data.get("finding")
        if finding is not None and (control or result_id):
            raise forms.ValidationError(_("Attach to a control result or to a finding, not both."))
        if finding is None and not control and not result_id:
            self.add_error("control", _("Name the control, or choose a finding."))
            return data
        data["result_object"] = None
        if control or result_id:
            result = self._resolve_result(
                result_id=result_id, system=data.get("system") or "", control=control
            )
            if result is None:
                self.add_error("control", _("No such control result in this audit."))
            data["result_object"] = result
        return data


class RevisionForm(forms.Form):
    file = forms.FileField(label=_("File"))
    effective_date = forms.DateField(
        label=_("Effective from"),
        required=False,
        widget=DateInput,
        help_text=_("Leave empty for today."),
    )
    expiry_date = forms.DateField(label=_("Expires on"), required=False, widget=DateInput)


class DeleteForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that this evidence and all its revisions will be deleted."),
        required=True,
    )
