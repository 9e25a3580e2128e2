"""The user's notices."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from shireito.core.pages import list_page
from shireito.incidents import (
    notices,
    selectors,
    services,
)


@login_required
def notice_list(request):
    return list_page(
        request,
        template="incidents/notice_list.html",
        items=selectors.notices_for(request.user),
        partial=None,
        rows=_with_text,
        context={"unread": selectors.unread_notice_count(request.user)},
    )


def _with_text(page_notices) -> list[dict]:
    """Each notice of the page with its text (the organisations it names in one query)."""
    named = notices.organizations_of(page_notices)
    return [
        {"notice": notice, "text": notices.render(notice, named, marked=True)}
        for notice in page_notices
    ]


@login_required
@require_POST
def notice_mark_read(request):
    ids = selectors.notices_for(request.user, unread_only=True).values_list("pk", flat=True)
    count = services.notice_mark_read(user=request.user, notice_ids=list(ids))
    messages.success(
        request,
        ngettext(
            "%(count)d notice is marked as read.", "%(count)d notices are marked as read.", count
        )
        % {"count": count},
    )
    return redirect("incidents:notices")
