from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from shireito.core import selectors
from shireito.core.choices import AuditAction
from shireito.core.htmx import paginate, render_page


@login_required
def home(request):
    from shireito.incidents.dashboard import dashboard_context

    return render(request, "core/home.html", dashboard_context(request.user))


@login_required
def audit_log(request):
    """The scoped audit trail, newest first, searchable; verification is on the command line."""
    search = request.GET.get("search", "").strip()
    action = request.GET.get("action", "")
    if action not in AuditAction.values:
        action = ""
    events = selectors.search_audit_events(
        selectors.audit_events_visible_to(request.user), search=search, action=action
    )
    return render_page(
        request,
        "core/audit_log.html",
        {
            "page": _redacted_page(request, events),
            "search": search,
            "action": action,
            "actions": AuditAction.choices,
            "may_read": request.user.is_platform_admin
            or request.user.has_role("org_admin")
            or request.user.has_role("auditor"),
        },
        partial="results",
    )


def _redacted_page(request, events):
    page = paginate(request, events)
    page.object_list = selectors.redacted(request.user, page.object_list)
    return page


@require_GET
def health(request):
    return JsonResponse({"status": "ok"})
