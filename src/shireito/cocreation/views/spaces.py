"""The spaces' pages: the directory, a space's page (what it is about, who answers in it,
its unanswered questions and newest official answers, its threads), opening and changing a
space, joining and leaving, and its members. Each action is offered only where its rule
allows it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shireito.cocreation import permissions
from shireito.cocreation.forms_spaces import MemberRoleForm, SpaceForm, ThreadFilterForm
from shireito.cocreation.models import Space
from shireito.cocreation.selectors.official import newest_official
from shireito.cocreation.selectors.space_links import links_of
from shireito.cocreation.selectors.spaces import members_of, moderators_of, spaces_for
from shireito.cocreation.selectors.thread_list import thread_page, unanswered_questions
from shireito.cocreation.services.space_links import space_links_set
from shireito.cocreation.services.spaces import (
    membership_join,
    membership_leave,
    membership_set_role,
    space_create,
    space_update,
)
from shireito.cocreation.views.common import space_or_404, space_url, using_or_403
from shireito.core.pages import bound_form, form_page, get_or_404, id_or_404


@login_required
def space_list(request):
    using_or_403(request)
    spaces = list(spaces_for(request.user).order_by("archived_at", "name", "id"))
    return render(
        request,
        "cocreation/space_list.html",
        {
            # Every listed space is open to the user: one not joined and not archived may be
            # joined (``permissions.may_join``, without a query per space).
            "spaces": [
                (space, not space.is_member and space.archived_at is None) for space in spaces
            ],
            "may_create": permissions.may_create_space(request.user),
            "may_approve": permissions.is_officer(request.user),
        },
    )


@login_required
def space_detail(request, space: str):
    found = space_or_404(request, space)
    user = request.user
    filters = ThreadFilterForm(request.GET)
    values = filters.values()
    page = thread_page(user, found, **values)
    return render(
        request,
        "cocreation/space_detail.html",
        {
            "space": found,
            "links": links_of(user, found),
            "responsible": list(found.responsible.all()),
            "moderators": list(moderators_of(user, found)),
            "member_count": found.memberships.count(),
            "is_member": permissions.membership_role(user, found) is not None,
            "may_join": permissions.may_join(user, found),
            "may_leave": permissions.may_leave(user, found),
            "may_manage": permissions.may_manage_space(user, found),
            "may_moderate": permissions.may_moderate(user, found),
            "may_post": permissions.may_post(user, found),
            "unanswered": unanswered_questions(user, found),
            "newest_official": newest_official(user, found),
            "filters": filters,
            "threads": page.threads,
            "next_cursor": page.next_cursor,
            "first_page": bool(values["after"]),
            "first_query": _without_cursor(request),
        },
    )


def _without_cursor(request) -> str:
    query = request.GET.copy()
    query.pop("after", None)
    return query.urlencode()


def _save(request, space: Space | None, data: dict) -> Space:
    links = data.pop("links", [])
    responsible = list(data.pop("responsible", []))
    invited = list(data.pop("invited", []))
    with transaction.atomic():
        if space is None:
            space = space_create(
                actor=request.user,
                host=request.user.organization,
                responsible=responsible or None,
                invited=invited,
                **data,
            )
        else:
            space_update(
                actor=request.user,
                space=space,
                responsible=responsible or [space.host],
                invited=invited,
                **data,
            )
        space_links_set(actor=request.user, space=space, links=links)
    return space


@login_required
def space_new(request):
    using_or_403(request)
    if not permissions.may_create_space(request.user):
        raise PermissionDenied
    form = bound_form(SpaceForm, request, actor=request.user)
    return form_page(
        request,
        form,
        action=lambda data: _save(request, None, data),
        success=_("The space was opened; you moderate it."),
        redirect_to=space_url,
        title=_("Open a space"),
        intro=_(
            "Your organization hosts the space. Staff of every domestic government body may "
            "read it."
        ),
        submit_label=_("Open the space"),
        cancel_url=reverse("cocreation:index"),
    )


@login_required
def space_edit(request, space: str):
    found = space_or_404(request, space)
    if not permissions.may_manage_space(request.user, found):
        raise PermissionDenied
    form = bound_form(SpaceForm, request, space=found, actor=request.user)
    return form_page(
        request,
        form,
        action=lambda data: _save(request, found, data),
        success=_("The space was changed."),
        redirect_to=space_url,
        title=_("Change the space"),
        submit_label=_("Save"),
        cancel_url=space_url(found),
        instance=found,
    )


@login_required
@require_POST
def space_join(request, space: str):
    found = space_or_404(request, space)
    if not permissions.may_join(request.user, found):
        raise PermissionDenied
    membership_join(actor=request.user, space=found)
    messages.success(request, _("You joined the space."))
    return redirect(space_url(found))


@login_required
@require_POST
def space_leave(request, space: str):
    found = space_or_404(request, space)
    if not permissions.may_leave(request.user, found):
        raise PermissionDenied
    try:
        membership_leave(actor=request.user, space=found)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("You left the space."))
    return redirect(space_url(found))


@login_required
def space_members(request, space: str):
    """The members, moderators first; those who manage the space change roles here."""
    found = space_or_404(request, space)
    may_manage = permissions.may_manage_space(request.user, found)
    members = list(members_of(request.user, found))
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        chosen = id_or_404(request.POST.get("membership"))
        membership = get_or_404(next((m for m in members if m.pk == chosen), None))
        form = MemberRoleForm(request.POST)
        if form.is_valid():
            try:
                membership_set_role(
                    actor=request.user,
                    space=found,
                    user=membership.user,
                    role=form.cleaned_data["role"],
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("The role was changed."))
        return redirect(reverse("cocreation:members", args=[found.slug]))
    return render(
        request,
        "cocreation/space_members.html",
        {"space": found, "members": members, "may_manage": may_manage},
    )
