"""Following: the follow/unfollow button's action and the page of what one follows."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shireito.cocreation import permissions
from shireito.cocreation.selectors.follows import follows_of
from shireito.cocreation.services.follows import follow, unfollow


@login_required
def following(request):
    if not permissions.may_use_cocreation(request.user):
        raise Http404
    return render(request, "cocreation/following.html", {"targets": follows_of(request.user)})


@login_required
@require_POST
def follow_toggle(request):
    """Follow (``action=follow``) or stop following what ``kind`` and ``key`` name, then back
    to the page the button was on (``next``) or the list of what one follows."""
    kind = request.POST.get("kind", "")
    key = request.POST.get("key", "")
    if request.POST.get("action") == "unfollow":
        unfollow(actor=request.user, kind=kind, key=key)
        messages.success(request, _("You no longer follow this."))
    else:
        try:
            follow(actor=request.user, kind=kind, key=key)
        except ValidationError as error:
            raise Http404 from error
        messages.success(request, _("You follow this now: you will be told of new posts."))
    following_url = request.POST.get("next", "")
    if following_url and url_has_allowed_host_and_scheme(following_url, allowed_hosts=None):
        return redirect(following_url)
    return redirect("cocreation:following")
