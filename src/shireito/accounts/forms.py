from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from shireito.accounts.choices import Role, TokenScope
from shireito.accounts.permissions import may_grant_platform_admin
from shireito.core.filters import FilterForm, SearchField, choice_filter

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django_stubs_ext import StrOrPromise

    from shireito.accounts.models import User
    from shireito.organizations.models import Organization


class SignInForm(forms.Form):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class OneTimeCodeForm(forms.Form):
    token = forms.RegexField(
        label=_("Six-digit code from your authenticator app"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Enter the six digits shown in your authenticator app.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": "8"}
        ),
    )


class ApiTokenCreateForm(forms.Form):
    EXPIRY_CHOICES = [
        ("30", _("30 days")),
        ("90", _("90 days")),
        ("180", _("180 days")),
        ("365", _("365 days")),
    ]
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. the name of the script that uses it."),
    )
    expires_in_days = forms.TypedChoiceField(
        label=_("Valid for"), choices=EXPIRY_CHOICES, coerce=int, initial="90"
    )
    scope = forms.ChoiceField(
        label=_("May be used for"),
        choices=TokenScope.choices,
        initial=TokenScope.READ_ONLY,
        widget=forms.RadioSelect,
        help_text=_(
            "Give a token no more than its script needs: a TAXII token for a sharing tool "
            "cannot use the API, a read-only token cannot change anything."
        ),
    )


def _role_choices(actor: User) -> list[tuple[str, StrOrPromise]]:
    """Platform admin is offered only to platform admins."""
    return [
        (value, label)
        for value, label in Role.choices
        if value != Role.PLATFORM_ADMIN or may_grant_platform_admin(actor)
    ]


class UserEditForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail address"), required=False)
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Platform admins act across every organization."),
    )
    is_active = forms.BooleanField(
        label=_("Account is active"),
        required=False,
        help_text=_("Clear this to stop the person signing in; their history stays."),
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["roles"]).choices = _role_choices(actor)


class UserCreateForm(UserEditForm):
    # The service says what a name may be (``accounts/names.py``), for the form and the API.
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        help_text=_(
            "Lower-case letters a-z, digits and . _ - only; used to sign in. Capitals are "
            "made lower case."
        ),
    )
    organization: forms.ModelChoiceField[Organization] = forms.ModelChoiceField(
        label=_("Organization"), queryset=None, empty_label=None
    )
    password = forms.CharField(
        label=_("First password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters. Tell it to the person by a separate channel."),
    )

    field_order = ["username", "full_name", "email", "organization", "roles", "password"]

    def __init__(
        self, *args: Any, actor: User, organizations: QuerySet[Organization], **kwargs: Any
    ) -> None:
        super().__init__(*args, actor=actor, **kwargs)
        cast(forms.ModelChoiceField, self.fields["organization"]).queryset = organizations
        del self.fields["is_active"]


class PasswordChangeForm(forms.Form):
    current_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters, not a common password, not like your name."),
    )
    new_password_again = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_current_password(self) -> str:
        value = self.cleaned_data["current_password"]
        if not self.user.check_password(value):
            raise forms.ValidationError(_("This is not your current password."))
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        new = cleaned.get("new_password")
        if new and new != cleaned.get("new_password_again"):
            self.add_error("new_password_again", _("The two new passwords differ."))
        return cleaned


class UserFilter(FilterForm):
    search = SearchField()
    role = choice_filter(Role, label=_("Role"), all_label=_("All roles"))
