"""Sign-in (password, then the second factor when the user has one), tokens and user pages."""

from __future__ import annotations

import base64
import time
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
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from shireito.accounts import selectors, services
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
from shireito.accounts.models import User
from shireito.core.forms import add_service_errors
from shireito.core.pages import list_page
from shireito.core.selectors import may_read_history, object_history, redacted

PENDING_KEY = "shireito_pending_signin"


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


@sensitive_post_parameters("password")
@never_cache
def sign_in(request):
    if request.user.is_authenticated:
        return redirect(_next_url(request))
    form = SignInForm(
        request.POST if request.method == "POST" else None,
        initial={"username": request.GET.get("username", "")[:150]},
    )
    if request.method == "POST" and form.is_valid():
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
def sign_in_verify(request):
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending["at"] > settings.SHIREITO_PENDING_SIGNIN_SECONDS:
        request.session.pop(PENDING_KEY, None)
        if not pending:
            return redirect("accounts:login")
        messages.info(request, _("Sign in again: the time to enter your code ran out."))
        return redirect(
            f"{reverse('accounts:login')}?{urlencode({'username': pending['username']})}"
        )
    user = User.objects.filter(pk=pending["user_id"], is_active=True).first()
    if user is None:
        request.session.pop(PENDING_KEY, None)
        return redirect("accounts:login")
    form = OneTimeCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"].strip()
        for device in selectors.confirmed_totp_devices(user):
            allowed, _details = device.verify_is_allowed()
            if not allowed:
                form.add_error("token", _("Too many wrong codes. Wait a moment and try again."))
                break
            if device.verify_token(token):
                request.session.pop(PENDING_KEY, None)
                auth_login(request, user, backend=pending["backend"])
                otp_login(request, device)
                return redirect(pending.get("next") or reverse(settings.LOGIN_REDIRECT_URL))
        else:
            form.add_error(
                "token", _("The code is not valid. Check the time on your device and try again.")
            )
    return render(request, "accounts/sign_in_verify.html", {"form": form})


@require_POST
def sign_out(request):
    auth_logout(request)
    messages.success(request, _("You have signed out."))
    return redirect("accounts:login")


@login_required
@never_cache
def two_factor(request):
    """Set up, show or turn off the second factor of the signed-in user."""
    user = request.user
    if selectors.has_confirmed_totp(user):
        # Turning it off needs the session signed in with it and a current code, so a stolen
        # password alone can never remove the second factor.
        remove_form = OneTimeCodeForm(
            request.POST if request.method == "POST" and user.is_verified() else None
        )
        if remove_form.is_bound and remove_form.is_valid():
            token = remove_form.cleaned_data["token"].strip()
            if any(d.verify_token(token) for d in selectors.confirmed_totp_devices(user)):
                try:
                    services.totp_remove(actor=user, user=user)
                except PermissionDenied as exc:
                    messages.error(request, str(exc))
                else:
                    messages.success(request, _("Two-factor sign-in is turned off."))
                    return redirect("accounts:two_factor")
            else:
                remove_form.add_error(
                    "token",
                    _("The code is not valid. Check the time on your device and try again."),
                )
        return render(
            request,
            "accounts/two_factor.html",
            {
                "enabled": True,
                "required": services.user_requires_two_factor(user),
                "form": remove_form,
            },
        )

    device = services.totp_enrolment_start(actor=user)
    form = OneTimeCodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.totp_enrolment_confirm(
                actor=user, device=device, token=form.cleaned_data["token"]
            )
        except ValidationError as exc:
            for message in exc.message_dict.get("token", []):
                form.add_error("token", message)
        else:
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
            "required": services.user_requires_two_factor(user),
            "form": form,
            "qr_svg": qr_svg,
            "secret": secret.strip(),
        },
    )


def _base32(device) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


@login_required
def api_tokens(request):
    """List the user's tokens and create one; the secret is shown on this response only."""
    form = ApiTokenCreateForm(request.POST if request.method == "POST" else None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_secret = services.api_token_create(
                actor=request.user,
                user=request.user,
                name=form.cleaned_data["name"],
                expires_in_days=form.cleaned_data["expires_in_days"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            form = ApiTokenCreateForm()
    tokens = selectors.api_tokens_of(user=request.user)
    response = render(
        request,
        "accounts/api_tokens.html",
        {"form": form, "tokens": tokens, "new_secret": new_secret},
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def api_token_revoke(request, token_id: int):
    token = get_object_or_404(selectors.api_tokens_of(user=request.user), pk=token_id)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("accounts:api_tokens")


@login_required
def user_detail(request, username: str):
    user = selectors.user_get(user=request.user, username=username)
    if user is None:
        raise Http404
    return render(
        request,
        "accounts/user_detail.html",
        {
            "person": user,
            "roles": user.role_grants.all(),
            "two_factor": selectors.has_confirmed_totp(user),
            "may_manage": user != request.user and selectors.may_manage_user(request.user, user),
            "history": redacted(request.user, object_history(user, user=request.user)[:100]),
            "may_read_history": may_read_history(request.user) or user == request.user,
        },
    )


@login_required
def user_list(request):
    filters = UserFilter(request.GET)
    users = selectors.user_list(user=request.user, **filters.values())
    return list_page(
        request,
        template="accounts/user_list.html",
        items=users.prefetch_related("role_grants"),
        filters=filters,
        context={"may_add": selectors.organizations_managed_by(request.user).exists()},
    )


@login_required
def user_create(request):
    organizations = selectors.organizations_managed_by(request.user)
    if not organizations.exists():
        raise PermissionDenied
    form = UserCreateForm(
        request.POST if request.method == "POST" else None,
        actor=request.user,
        organizations=organizations,
        initial={"organization": request.user.organization_id, "roles": [Role.VIEWER]},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                actor=request.user,
                username=data["username"],
                organization=data["organization"],
                password=data["password"],
                full_name=data["full_name"],
                email=data["email"],
                roles=data["roles"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The user %(name)s is added.") % {"name": user.username})
            return redirect("accounts:user_detail", username=user.username)
    return render(
        request,
        "form_page.html",
        {"form": form, "page_title": _("Add a user"), "cancel_url": reverse("accounts:user_list")},
    )


@login_required
def user_edit(request, username: str):
    person = selectors.user_get(user=request.user, username=username)
    if person is None:
        raise Http404
    if not selectors.may_manage_user(request.user, person):
        raise PermissionDenied
    form = UserEditForm(
        request.POST if request.method == "POST" else None,
        actor=request.user,
        initial={
            "full_name": person.full_name,
            "email": person.email,
            "roles": sorted(person.roles),
            "is_active": person.is_active,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                services.user_update(
                    actor=request.user,
                    user=person,
                    full_name=data["full_name"],
                    email=data["email"],
                    is_active=data["is_active"],
                )
                services.user_set_roles(actor=request.user, user=person, roles=data["roles"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The changes are saved."))
            return redirect("accounts:user_detail", username=person.username)
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "page_title": _("Change %(name)s") % {"name": person},
            "cancel_url": reverse("accounts:user_detail", args=[person.username]),
        },
    )


@login_required
@sensitive_post_parameters()
def password_change(request):
    form = PasswordChangeForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_password(
                actor=request.user, user=request.user, password=form.cleaned_data["new_password"]
            )
        except ValidationError as exc:
            for message in exc.message_dict.get("password", exc.messages):
                form.add_error("new_password", message)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password is changed."))
            return redirect("accounts:user_detail", username=request.user.username)
    return render(
        request,
        "form_page.html",
        {
            "form": form,
            "page_title": _("Change your password"),
            "submit_label": _("Change password"),
        },
    )
