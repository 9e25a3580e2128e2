"""The user's notices of incident reports: now on the one notifications page, to which the
old addresses lead."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from shireito.incidents import notices, services


def _page() -> str:
    return f"{reverse('notifications:list')}?app={notices.NAMESPACE}"


@login_required
def notice_list(request):
    return redirect(_page())


@login_required
@require_POST
def notice_mark_read(request):
    services.notice_mark_read(user=request.user, notice_ids=None)
    return redirect(_page())
