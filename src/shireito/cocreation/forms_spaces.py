"""The forms of the spaces' and answers' pages. They parse; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from shireito.cocreation.choices import LinkKind, MemberRole, ThreadKind
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
    links = forms.CharField(
        label=_("what the space is about"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One per line: a kind and a key, such as “system DA-0001”, “standard_business "
            "juminkiroku”, “catalog ismap”, “control ismap/ac-1” or “measure 2026/1-1”. Kinds: "
            "system, standard_business, catalog, control, measure."
        ),
    )

    def __init__(self, *args, space: Space | None = None, **kwargs):
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
                    "links": "\n".join(f"{link.kind} {link.key}" for link in space.links.all()),
                },
            )
        super().__init__(*args, **kwargs)
        if space is not None:
            del self.fields["slug"]  # an address, once given, stays
        for name, government in (("responsible", True), ("invited", False)):
            field = self.fields[name]
            assert isinstance(field, forms.ModelMultipleChoiceField)
            field.queryset = _organizations(government)

    def clean_links(self) -> list[tuple[str, str]]:
        pairs: list[tuple[str, str]] = []
        for number, line in enumerate(self.cleaned_data["links"].splitlines(), start=1):
            if not line.strip():
                continue
            kind, _sep, key = line.strip().partition(" ")
            if kind not in LinkKind.values or kind == LinkKind.FINDING or not key.strip():
                raise forms.ValidationError(
                    _("Line %(number)s: give a kind and a key.") % {"number": number}
                )
            if (kind, key.strip()) not in pairs:
                pairs.append((kind, key.strip()))
        return pairs


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
