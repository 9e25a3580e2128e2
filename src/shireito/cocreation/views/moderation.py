"""Moderation's pages: the space's queue of reported and hidden posts (its moderators), a
post's report form (members, on others' posts), the hide form and the unhide and dismiss
buttons (moderators). Each asks the same rule the service does, so nobody is offered what
they may not do."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shireito.cocreation import permissions
from shireito.cocreation.forms_moderation import ModerationReasonForm
from shireito.cocreation.selectors import moderation as selectors
from shireito.cocreation.selectors.spaces import space_get
from shireito.cocreation.services import moderation as services
from shireito.core.languages import sentence_with_names
from shireito.core.pages import bound_form, form_page, get_or_404, id_or_404


def _post(request, space: str, post: int):
    found = get_or_404(space_get(request.user, space))
    return found, get_or_404(selectors.post_in_space(request.user, found, id_or_404(post)))


def back_to(request, post) -> str:
    """Where a moderation action returns: the page it came from (this site's only), else the
    post in its thread, else the space's queue."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    try:
        return (
            reverse("cocreation:thread", args=[post.thread.space.slug, post.thread_id])
            + f"#post-{post.pk}"
        )
    except NoReverseMatch:
        return reverse("cocreation:moderation", args=[post.thread.space.slug])


@login_required
def moderation_queue(request, space: str) -> HttpResponse:
    found = get_or_404(space_get(request.user, space))
    if not permissions.may_moderate(request.user, found):
        raise PermissionDenied
    items = selectors.queue(request.user, found)
    hidden = list(selectors.hidden_posts(request.user, found)[:100])
    return render(
        request,
        "cocreation/moderation_queue.html",
        {"space": found, "items": items, "hidden": hidden},
    )


@login_required
def post_report(request, space: str, post: int) -> HttpResponse:
    found, reported = _post(request, space, post)
    if not permissions.may_report(request.user, reported):
        raise PermissionDenied
    form = bound_form(
        ModerationReasonForm,
        request,
        initial={"next": request.GET.get("next", "")},
        help_text=_("Only the space's moderators read it."),
    )
    return form_page(
        request,
        form,
        action=lambda data: services.report_create(
            actor=request.user, post=reported, reason=data["reason"]
        ),
        check=lambda data: services.report_check(
            actor=request.user, post=reported, reason=data.get("reason", "")
        ),
        success=_("Thank you: the space's moderators will look at the post."),
        redirect_to=lambda _result: back_to(request, reported),
        title=_("Report a post"),
        intro=sentence_with_names(
            _("Report %(author)s's post in “%(thread)s” to the moderators of %(space)s."),
            author=reported.author,
            thread=reported.thread.title,
            space=found,
        ),
        submit_label=_("Send the report"),
        cancel_url=back_to(request, reported),
    )


@login_required
def post_hide(request, space: str, post: int) -> HttpResponse:
    found, hidden = _post(request, space, post)
    if not permissions.may_moderate(request.user, found):
        raise PermissionDenied
    form = bound_form(
        ModerationReasonForm,
        request,
        initial={"next": request.GET.get("next", "")},
        help_text=_("Its author reads the reason; everyone else sees that a moderator hid it."),
    )
    return form_page(
        request,
        form,
        action=lambda data: services.post_hide(
            actor=request.user, post=hidden, reason=data["reason"]
        ),
        success=_("The post is hidden."),
        redirect_to=lambda _result: back_to(request, hidden),
        title=_("Hide a post"),
        intro=sentence_with_names(
            _("Hide %(author)s's post in “%(thread)s”. The text is kept, not deleted."),
            author=hidden.author,
            thread=hidden.thread.title,
        ),
        submit_label=_("Hide the post"),
        cancel_url=back_to(request, hidden),
    )


def _button(request, space: str, post: int, action, done: str) -> HttpResponse:
    found, chosen = _post(request, space, post)
    if not permissions.may_moderate(request.user, found):
        raise PermissionDenied
    try:
        action(actor=request.user, post=chosen)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect(back_to(request, chosen))


@login_required
@require_POST
def post_unhide(request, space: str, post: int) -> HttpResponse:
    return _button(request, space, post, services.post_unhide, _("The post is shown again."))


@login_required
@require_POST
def post_reports_dismiss(request, space: str, post: int) -> HttpResponse:
    return _button(
        request, space, post, services.reports_dismiss, _("The reports of the post are dismissed.")
    )
