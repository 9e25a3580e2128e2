"""Sign-in (password, then the second factor when the user has one), tokens and user pages."""

from __future__ import annotations

import base64
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, update_session_auth_hash
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from shireito.accounts import permissions, selectors, services
from shireito.accounts.choices import Role
from shireito.accounts.forms import (
    ApiTokenCreateForm,
    OneTimeCodeForm,
    PasswordChangeForm,
    SignInForm,
    UserCreateForm,
    UserEditForm,
    UserFilter,
)
from shireito.accounts.http import AuthenticatedHttpRequest
from shireito.core.history import readable_history
from shireito.core.languages import sentence_with_names
from shireito.core.pages import bound_form, form_page, get_or_404, id_or_404, list_page, submit
from shireito.core.selectors import object_history

if TYPE_CHECKING:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from shireito.accounts.models import User

PENDING_KEY = "shireito_pending_signin"
WRONG_CODE = gettext_lazy("The code is not valid. Check the time on your device and try again.")


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


@sensitive_post_parameters("password")
@never_cache
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_next_url(request))
    form = bound_form(
        SignInForm, request, initial={"username": request.GET.get("username", "")[:150]}
    )
    if form.is_bound and form.is_valid():
        user = authenticate(
            request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
        if user is None:
            # When django-axes has locked the name out, its middleware replaces this response.
            form.add_error(None, _("The user name or password is not correct."))
        elif selectors.has_confirmed_totp(user):
            request.session[PENDING_KEY] = {
                "user_id": user.pk,
                "username": user.get_username(),
                "backend": user.backend,
                "at": time.time(),
                "next": _next_url(request),
            }
            return redirect("accounts:sign_in_verify")
        else:
            auth_login(request, user)
            return redirect(_next_url(request))
    return render(request, "accounts/sign_in.html", {"form": form, "next": _next_url(request)})


@never_cache
def sign_in_verify(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending["at"] > settings.SHIREITO_PENDING_SIGNIN_SECONDS:
        request.session.pop(PENDING_KEY, None)
        if not pending:
            return redirect("accounts:login")
        messages.info(request, _("Sign in again: the time to enter your code ran out."))
        return redirect(
            f"{reverse('accounts:login')}?{urlencode({'username': pending['username']})}"
        )
    user = selectors.active_user(pending["user_id"])
    if user is None:
        request.session.pop(PENDING_KEY, None)
        return redirect("accounts:login")
    form = bound_form(OneTimeCodeForm, request)
    if form.is_bound and form.is_valid():
        device = _verified_device(form, user)
        if device is not None:
            request.session.pop(PENDING_KEY, None)
            auth_login(request, user, backend=pending["backend"])
            otp_login(request, device)
            return redirect(pending.get("next") or reverse(settings.LOGIN_REDIRECT_URL))
    return render(request, "accounts/sign_in_verify.html", {"form": form})


def _verified_device(form: OneTimeCodeForm, user: User) -> TOTPDevice | None:
    """The device whose code the form holds, or None with the reason on the form (a wrong
    code, or too many of them: django-otp throttles each device)."""
    token = form.cleaned_data["token"].strip()
    for device in selectors.confirmed_totp_devices(user):
        allowed, _details = device.verify_is_allowed()
        if not allowed:
            form.add_error("token", _("Too many wrong codes. Wait a moment and try again."))
            return None
        if device.verify_token(token):
            return device
    form.add_error("token", WRONG_CODE)
    return None


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    auth_logout(request)
    messages.success(request, _("You have signed out."))
    return redirect("accounts:login")


@login_required
@never_cache
def two_factor(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Set up, show or turn off the second factor of the signed-in user."""
    user = request.user
    if selectors.has_confirmed_totp(user):
        return _two_factor_off(request, user)
    return _two_factor_on(request, user)


def _two_factor_off(request: AuthenticatedHttpRequest, user: User) -> HttpResponse:
    """Turning it off needs a current code too, besides a session signed in with it."""
    may_turn_off = permissions.may_turn_off_two_factor(user)
    form = bound_form(OneTimeCodeForm, request) if may_turn_off else OneTimeCodeForm()
    if form.is_bound and form.is_valid():
        token = form.cleaned_data["token"].strip()
        if any(d.verify_token(token) for d in selectors.confirmed_totp_devices(user)):
            try:
                services.totp_remove(actor=user, user=user)
            except PermissionDenied as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Two-factor sign-in is turned off."))
                return redirect("accounts:two_factor")
        else:
            form.add_error("token", WRONG_CODE)
    return render(
        request,
        "accounts/two_factor.html",
        {
            "enabled": True,
            "required": permissions.user_requires_two_factor(user),
            "may_turn_off": may_turn_off,
            "form": form,
        },
    )


def _two_factor_on(request: AuthenticatedHttpRequest, user: User) -> HttpResponse:
    """Enrolment: the key as a QR code and as text, and the first code to confirm it."""
    device = services.totp_enrolment_start(actor=user)
    form = bound_form(OneTimeCodeForm, request)
    done, _result = submit(
        form,
        lambda data: services.totp_enrolment_confirm(
            actor=user, device=device, token=data["token"]
        ),
    )
    if done:
        otp_login(request, device)
        messages.success(request, _("Two-factor sign-in is set up."))
        return redirect("accounts:two_factor")
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=5, svgclass="qr-code")
    secret = "".join(f"{c} " if (i + 1) % 4 == 0 else c for i, c in enumerate(_base32(device)))
    return render(
        request,
        "accounts/two_factor.html",
        {
            "enabled": False,
            "required": permissions.user_requires_two_factor(user),
            "form": form,
            "qr_svg": qr_svg,
            "secret": secret.strip(),
        },
    )


def _base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


@login_required
def api_tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    """List the user's tokens and create one; the secret is shown on this response only."""
    user = request.user
    form = bound_form(ApiTokenCreateForm, request)
    done, created = submit(
        form,
        lambda data: services.api_token_create(
            actor=user,
            user=user,
            name=data["name"],
            expires_in_days=data["expires_in_days"],
            scope=data["scope"],
        ),
    )
    if done:
        form = ApiTokenCreateForm()
    response = render(
        request,
        "accounts/api_tokens.html",
        {
            "form": form,
            "tokens": selectors.api_tokens_of(user=user),
            "new_secret": created[1] if done else None,
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def api_token_revoke(request: AuthenticatedHttpRequest, token_id: int) -> HttpResponse:
    user = request.user
    token = get_or_404(selectors.api_token_get(user=user, token_id=id_or_404(token_id)))
    services.api_token_revoke(actor=user, token=token)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("accounts:api_tokens")


@login_required
def user_detail(request: AuthenticatedHttpRequest, username: str) -> HttpResponse:
    actor = request.user
    person = get_or_404(selectors.user_get(user=actor, username=username))
    return render(
        request,
        "accounts/user_detail.html",
        {
            "person": person,
            "roles": person.role_grants.all(),
            "two_factor": selectors.has_confirmed_totp(person),
            "may_manage": permissions.may_change_other_user(actor, person),
            "history": readable_history(actor, object_history(person, user=actor)[:100]),
            "may_read_history": permissions.may_read_user_history(actor, person),
        },
    )


@login_required
def user_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    filters = UserFilter(request.GET)
    users = selectors.user_list(user=request.user, **filters.values())
    return list_page(
        request,
        template="accounts/user_list.html",
        items=users.prefetch_related("role_grants"),
        filters=filters,
        context={"may_add": permissions.may_add_users(request.user)},
    )


@login_required
def user_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    actor = request.user
    if not permissions.may_add_users(actor):
        raise PermissionDenied
    form = bound_form(
        UserCreateForm,
        request,
        actor=actor,
        organizations=selectors.organizations_managed_by(actor),
        initial={"organization": actor.organization_id, "roles": [Role.VIEWER]},
    )
    return form_page(
        request,
        form,
        action=lambda data: services.user_create(
            actor=actor,
            username=data["username"],
            organization=data["organization"],
            password=data["password"],
            full_name=data["full_name"],
            email=data["email"],
            roles=data["roles"],
        ),
        success=lambda user: _("The user %(name)s is added.") % {"name": user.username},
        redirect_to=lambda user: reverse("accounts:user_detail", args=[user.username]),
        title=_("Add a user"),
        cancel_url=reverse("accounts:user_list"),
        check=lambda data: services.user_check(**_named(data, USER_CREATE_FIELDS)),
    )


@login_required
def user_edit(request: AuthenticatedHttpRequest, username: str) -> HttpResponse:
    actor = request.user
    person = get_or_404(selectors.user_get(user=actor, username=username))
    if not permissions.may_manage_user(actor, person):
        raise PermissionDenied
    form = bound_form(
        UserEditForm,
        request,
        actor=actor,
        initial={
            "full_name": person.full_name,
            "email": person.email,
            "roles": sorted(person.roles),
            "is_active": person.is_active,
        },
    )

    def save(data: dict[str, Any]) -> User:
        try:
            with transaction.atomic():
                services.user_update(
                    actor=actor,
                    user=person,
                    full_name=data["full_name"],
                    email=data["email"],
                    is_active=data["is_active"],
                )
                return services.user_set_roles(actor=actor, user=person, roles=data["roles"])
        except PermissionDenied as exc:
            # A refusal of part of the change is shown above the form, like an invalid one.
            raise ValidationError(str(exc)) from exc

    return form_page(
        request,
        form,
        action=save,
        success=_("The changes are saved."),
        redirect_to=reverse("accounts:user_detail", args=[person.username]),
        title=sentence_with_names(_("Change %(name)s"), name=person),
        check=lambda data: services.user_check(user=person, **_named(data, USER_EDIT_FIELDS)),
        instance=person,
    )


USER_CREATE_FIELDS = ("username", "organization", "password", "full_name", "email", "roles")
USER_EDIT_FIELDS = ("full_name", "email", "is_active", "roles")


def _named(data: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """The service's arguments among what the form could read."""
    return {name: data[name] for name in names if name in data}


@login_required
@sensitive_post_parameters()
def password_change(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    form = bound_form(PasswordChangeForm, request, user=user)

    def change(data: dict[str, Any]) -> User:
        try:
            changed = services.user_set_password(
                actor=user, user=user, password=data["new_password"]
            )
        except ValidationError as exc:
            # The service names its argument, the form the field it was typed into.
            messages_ = exc.message_dict.get("password", exc.messages)
            raise ValidationError({"new_password": messages_}) from exc
        update_session_auth_hash(request, changed)
        return changed

    return form_page(
        request,
        form,
        action=change,
        success=_("Your password is changed."),
        redirect_to=reverse("accounts:user_detail", args=[user.username]),
        title=_("Change your password"),
        submit_label=_("Change password"),
        cancel_url="",
    )
