"""The forms of the thread pages: a new thread (with what it is about), a post or reply, an
edit, a reaction and a file."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shireito.cocreation import links
from shireito.cocreation.choices import LinkKind, Reaction, ThreadKind
from shireito.cocreation.services.posts import MAX_BODY
from shireito.registry.choices import StandardBusiness

MARKDOWN_HELP = gettext_lazy(
    "Markdown: **bold**, *italic*, `code`, - lists, 1. numbered lists, > quotes, "
    "[text](https://…) links, and | tables |. Name someone with @username or an "
    "organization with @org:code. HTML is shown as text."
)
MAX_LINKS = 20
_SEPARATORS = re.compile(r"[\s,、]+")

# The text fields for links typed as keys: (field, kind of a key, what a key looks like).
KEYED = (
    ("systems", LinkKind.SYSTEM),
    ("controls", None),  # a catalog key, or catalog/control
    ("findings", LinkKind.FINDING),
    ("measures", LinkKind.MEASURE),
)


def body_field(label=None) -> forms.CharField:
    return forms.CharField(
        label=label or gettext_lazy("Text"),
        max_length=MAX_BODY,
        help_text=MARKDOWN_HELP,
        widget=forms.Textarea(attrs={"rows": 8}),
    )


def keys_in(value: str) -> list[str]:
    return [key for key in _SEPARATORS.split(value or "") if key][:MAX_LINKS]


class PersonalDataCheck(forms.Form):
    """Text that looks like personal data (``personal_data``) is not published until its
    author, warned of what was found, confirms it is meant to be there."""

    personal_data_checked = forms.BooleanField(
        label=gettext_lazy("I have checked: what was found is meant to be published"),
        required=False,
    )

    personal_data_warnings: list = []

    def check_personal_data(self, data: dict) -> None:
        from shireito.cocreation.personal_data import warnings_for

        self.personal_data_warnings = warnings_for(data.get("body") or "")
        if self.personal_data_warnings and not data.get("personal_data_checked"):
            for finding in self.personal_data_warnings:
                self.add_error("body", finding.message)
            self.add_error(
                "personal_data_checked",
                _("Remove the personal data, or confirm that it is meant to be published."),
            )


class ThreadForm(PersonalDataCheck):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=ThreadKind.choices)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    body = body_field()
    systems = forms.CharField(
        label=gettext_lazy("Information systems"),
        required=False,
        help_text=gettext_lazy("The systems' ids, separated by spaces or commas."),
    )
    standard_businesses = forms.MultipleChoiceField(
        label=gettext_lazy("Standardised businesses"),
        required=False,
        choices=StandardBusiness.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    controls = forms.CharField(
        label=gettext_lazy("Control catalogs and controls"),
        required=False,
        help_text=gettext_lazy(
            "A catalog's key, or catalog/control (e.g. nist-800-53/AC-2), separated by spaces."
        ),
    )
    findings = forms.CharField(
        label=gettext_lazy("Audit findings"),
        required=False,
        help_text=gettext_lazy("audit number/finding number, separated by spaces."),
    )
    on_behalf = forms.BooleanField(
        label=gettext_lazy("A proposal on behalf of my organization"),
        help_text=gettext_lazy("Otherwise a proposal is made personally."),
        required=False,
    )
    measures = forms.CharField(
        label=gettext_lazy("Priority plan measures"),
        required=False,
        help_text=gettext_lazy("plan year/measure code (e.g. 2025/1-2), separated by spaces."),
    )

    def __init__(self, *args, actor, may_post_notice: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        if not may_post_notice:
            kind = self.fields["kind"]
            assert isinstance(kind, forms.ChoiceField)
            kind.choices = [
                choice for choice in ThreadKind.choices if choice[0] != ThreadKind.NOTICE
            ]

    def clean(self):
        data = super().clean()
        found: list[tuple[str, str]] = []
        for name, kind in KEYED:
            unknown = []
            for key in keys_in(data.get(name, "")):
                link_kind = kind or (LinkKind.CONTROL if "/" in key else LinkKind.CATALOG)
                shown = links.resolve(self.actor, link_kind, key)
                if shown is None:
                    unknown.append(key)
                else:
                    found.append((shown.kind, shown.key))
            if unknown:
                # The same answer for what does not exist and what the author may not see.
                self.add_error(
                    name,
                    _("Not found (or not yours to see): %(keys)s") % {"keys": ", ".join(unknown)},
                )
        for key in data.get("standard_businesses") or []:
            found.append((LinkKind.STANDARD_BUSINESS, key))
        data["links"] = list(dict.fromkeys(found))
        self.check_personal_data(data)
        return data


class PostForm(PersonalDataCheck):
    body = body_field(gettext_lazy("Your reply"))
    reply_to = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def clean(self):
        data = super().clean()
        self.check_personal_data(data)
        return data


class EditForm(PersonalDataCheck):
    body = body_field()

    def clean(self):
        data = super().clean()
        self.check_personal_data(data)
        return data


class ReactionForm(forms.Form):
    kind = forms.ChoiceField(choices=Reaction.choices)


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "PDF, images, Word, Excel, PowerPoint, text, CSV or JSON; at most 10 MB."
        ),
    )
    personal_data_confirmed = forms.BooleanField(
        label=gettext_lazy(
            "I have checked that the file holds no personal data beyond what the thread needs."
        ),
        required=False,
        help_text=gettext_lazy(
            "Everyone the space is open to can download it: remove names, addresses and other "
            "personal data the discussion does not need before uploading."
        ),
    )
