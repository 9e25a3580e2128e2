"""The forms of the spaces' and answers' pages. They parse; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shireito.cocreation import links
from shireito.cocreation.choices import LinkKind, MemberRole, ThreadKind
from shireito.cocreation.forms_threads import KEYED, ThreadForm, keys_in
from shireito.cocreation.models import Space, slug_validator
from shireito.cocreation.scoping import GOVERNMENT_KINDS
from shireito.organizations.selectors import organization_directory


def _organizations(government: bool):
    organizations = organization_directory()
    if government:
        return organizations.filter(kind__in=GOVERNMENT_KINDS)
    return organizations.exclude(kind__in=GOVERNMENT_KINDS)


class SpaceForm(forms.Form):
    """A space's names, description, organisations and links (one per line: kind and key)."""

    slug = forms.CharField(
        label=_("short name"),
        max_length=60,
        validators=[slug_validator],
        help_text=_("Part of the space's address: lower-case letters, digits and hyphens."),
    )
    name = forms.CharField(label=_("name"), max_length=200)
    name_en = forms.CharField(label=_("name (English)"), max_length=200, required=False)
    description = forms.CharField(
        label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    description_en = forms.CharField(
        label=_("description (English)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    responsible = forms.ModelMultipleChoiceField(
        label=_("responsible organizations"),
        queryset=_organizations(True),
        to_field_name="code",
        required=False,
        help_text=_("Their officers give official answers in the space. Empty: the host."),
    )
    invited = forms.ModelMultipleChoiceField(
        label=_("invited organizations"),
        queryset=_organizations(False),
        to_field_name="code",
        required=False,
        help_text=_("Bodies outside domestic government whose staff may read and join the space."),
    )
    # What the space is about, typed and chosen as on a new thread (``forms_threads``).
    systems = ThreadForm.base_fields["systems"]
    standard_businesses = ThreadForm.base_fields["standard_businesses"]
    controls = ThreadForm.base_fields["controls"]
    measures = ThreadForm.base_fields["measures"]

    def __init__(self, *args, space: Space | None = None, actor=None, **kwargs):
        self.actor = actor
        if space is not None:
            kwargs.setdefault(
                "initial",
                {
                    "slug": space.slug,
                    "name": space.name,
                    "name_en": space.name_en,
                    "description": space.description,
                    "description_en": space.description_en,
                    "responsible": [o.code for o in space.responsible.all()],
                    "invited": [o.code for o in space.invited.all()],
                    **_link_fields(space),
                },
            )
        super().__init__(*args, **kwargs)
        if space is not None:
            del self.fields["slug"]  # an address, once given, stays
        for name, government in (("responsible", True), ("invited", False)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelMultipleChoiceField)
            field.queryset = _organizations(government)

    def clean(self):
        data = super().clean()
        found: list[tuple[str, str]] = []
        for name, kind in KEYED:
            if name == "findings":
                continue
            unknown = []
            for key in keys_in(data.pop(name, "") or ""):
                link_kind = kind or (LinkKind.CONTROL if "/" in key else LinkKind.CATALOG)
                shown = links.resolve(self.actor, link_kind, key) if self.actor else None
                if shown is None:
                    unknown.append(key)
                else:
                    found.append((shown.kind, shown.key))
            if unknown:
                # The same answer for what does not exist and what the editor may not see.
                self.add_error(
                    name,
                    gettext("Not found (or not yours to see): %(keys)s")
                    % {"keys": ", ".join(unknown)},
                )
        for key in data.pop("standard_businesses", None) or []:
            found.append((LinkKind.STANDARD_BUSINESS, key))
        data["links"] = list(dict.fromkeys(found))
        return data

    def add_error(self, field, error):
        # The links service answers on ``links``, which the page shows as the four fields.
        super().add_error(None if field == "links" else field, error)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("role"), choices=MemberRole.choices)


class ThreadFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("kind"), required=False, choices=[("", _("every kind")), *ThreadKind.choices]
    )
    answered = forms.ChoiceField(
        label=_("answered"),
        required=False,
        choices=[("", _("answered or not")), ("no", _("unanswered")), ("yes", _("answered"))],
    )
    after = forms.CharField(required=False, widget=forms.HiddenInput)

    def values(self) -> dict:
        if not self.is_valid():
            return {"kind": "", "answered": None, "after": None}
        answered = {"yes": True, "no": False}.get(self.cleaned_data["answered"])
        return {
            "kind": self.cleaned_data["kind"],
            "answered": answered,
            "after": self.cleaned_data["after"] or None,
        }


class OfficialProposeForm(forms.Form):
    summary = forms.CharField(
        label=_("official wording"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("The answer as your organization states it; the post's text to start with."),
    )


class OfficialRefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("reason for refusal"), max_length=5_000, widget=forms.Textarea(attrs={"rows": 4})
    )


def _link_fields(space: Space) -> dict:
    """A space's links as the form's fields show them."""
    fields: dict = {"systems": [], "standard_businesses": [], "controls": [], "measures": []}
    for link in space.links.all():
        if link.kind == LinkKind.SYSTEM:
            fields["systems"].append(link.key)
        elif link.kind == LinkKind.STANDARD_BUSINESS:
            fields["standard_businesses"].append(link.key)
        elif link.kind in (LinkKind.CATALOG, LinkKind.CONTROL):
            fields["controls"].append(link.key)
        elif link.kind == LinkKind.MEASURE:
            fields["measures"].append(link.key)
    return {
        name: values if name == "standard_businesses" else " ".join(values)
        for name, values in fields.items()
    }
