"""The notifications page: the user's notifications (of one app, if asked), marking them
read, and how they want them e-mailed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from shireito.core.pages import bound_form, form_page, list_page
from shireito.core.pagination import parse_id
from shireito.notifications import registry, selectors, services
from shireito.notifications.forms import PreferenceForm


def _namespace(request) -> str:
    asked = request.GET.get("app", "") or request.POST.get("app", "")
    return asked if asked in dict(registry.namespaces()) else ""


def _rows(page_items) -> list[dict]:
    items = list(page_items)
    texts = registry.texts(items, marked=True)
    return [
        {"notification": n, "text": text, "link": registry.link(n)}
        for n, text in zip(items, texts, strict=True)
    ]


@login_required
def notification_list(request):
    namespace = _namespace(request)
    return list_page(
        request,
        template="notifications/list.html",
        items=selectors.notifications_for(request.user, namespace=namespace),
        partial=None,
        rows=_rows,
        context={
            "unread": selectors.unread_count(request.user),
            "namespace": namespace,
            "namespaces": registry.namespaces(),
            "preference_form": PreferenceForm(
                initial={"email": selectors.email_preference(request.user)}
            ),
        },
    )


@login_required
@require_POST
def notification_mark_read(request):
    """Mark one notification of the user's (``notification``) or all (of the ``app`` shown)
    read, then back to the page (or to the notification's link, ``next``)."""
    one = request.POST.get("notification", "")
    # One named (an id that cannot be one names nothing), or all when none is named.
    pk = parse_id(one) if one else None
    ids = ([pk] if pk else []) if one else None
    count = services.mark_read(user=request.user, ids=ids, namespace=_namespace(request))
    following = request.POST.get("next", "")
    if ids and following and url_has_allowed_host_and_scheme(following, allowed_hosts=None):
        return redirect(following)
    messages.success(
        request,
        ngettext(
            "%(count)d notification is marked as read.",
            "%(count)d notifications are marked as read.",
            count,
        )
        % {"count": count},
    )
    url = reverse("notifications:list")
    namespace = _namespace(request)
    return redirect(f"{url}?app={namespace}" if namespace else url)


@login_required
def preference_update(request):
    form = bound_form(
        PreferenceForm,
        request,
        initial={"email": selectors.email_preference(request.user)},
    )
    return form_page(
        request,
        form,
        action=lambda data: services.preference_set(
            actor=request.user, user=request.user, email=data["email"]
        ),
        success=_("Your notification settings are saved."),
        redirect_to=reverse("notifications:list"),
        title=_("Notification settings"),
        cancel_url=reverse("notifications:list"),
    )
